/**
 * GPU Direct RDMA in plain words. NCCL's `GPU Direct RDMA Disabled for HCA 0 'eth0'`
 * on NET/Socket is not a misconfiguration — RDMA never applies to TCP — so it is
 * said as "not used (TCP)", not as a red "disabled".
 */
import type {RolloutState} from '../model/state.js';

export interface GdrRow {
	where: string;
	status: 'enabled' | 'disabled' | 'not used (TCP)';
	tone: 'ok' | 'warn' | 'muted';
	evidence: string;
}

export interface GdrModel {
	rows: GdrRow[];
	summary: string;
	settings: {name: string; value: string}[];
}

const settingNames = ['NCCL_NET_GDR_LEVEL', 'NCCL_NET_GDR_READ', 'NCCL_IB_DISABLE', 'NCCL_SOCKET_IFNAME', 'NCCL_IB_HCA', 'NCCL_NET_PLUGIN', 'NCCL_NET', 'NCCL_P2P_LEVEL', 'NCCL_P2P_DISABLE', 'NCCL_SHM_DISABLE'];

// The NCCL line prefix, `host:pid:tid [cudaDev] NCCL INFO ` (all versions), e.g.
// "vm:964:964 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'": the rest is the evidence.
const ncclPrefix = /^\S+:\d+:\d+ \[\d+\] NCCL INFO /;

// One collator: `localeCompare` with options builds a new one per call (at 512 ranks a
// sort was ~10 ms of every frame under a log storm).
const byPodGpuHca = new Intl.Collator('en', {numeric: true});

export function buildGdr(state: RolloutState): GdrModel {
	const tcpOnly = state.nccl.netPlugin === 'Socket' || (state.nccl.ibDeviceFound === false && state.nccl.netDevices.every(d => d.linkLayer !== 'IB' && d.linkLayer !== 'RoCE'));
	const seen = new Set<string>();
	const rows: GdrRow[] = [];
	for (const g of state.gdr) {
		const socket = /NET\/Socket/i.test(g.evidence) || (tcpOnly && !g.enabled);
		const where = `${g.pod ?? g.host ?? '?'} GPU ${g.gpu} ↔ ${g.hca}`;
		const status: GdrRow['status'] = g.enabled ? 'enabled' : socket ? 'not used (TCP)' : 'disabled';
		const key = `${where}|${status}`;
		if (seen.has(key)) continue;
		seen.add(key);
		rows.push({where, status, tone: g.enabled ? 'ok' : socket ? 'muted' : 'warn', evidence: g.evidence.replace(ncclPrefix, '')});
	}
	// by pod, GPU and HCA (pod10 after pod9): a stable order, not the order lines happened to arrive in
	rows.sort((a, b) => byPodGpuHca.compare(a.where, b.where));
	const enabled = rows.filter(r => r.status === 'enabled').length;
	const disabled = rows.filter(r => r.status === 'disabled').length;
	let summary: string;
	if (rows.length === 0) summary = state.nccl.version ? 'no GPU Direct RDMA lines seen (NCCL prints them with NCCL_DEBUG=INFO, NET subsystem)' : 'waiting for NCCL';
	else if (enabled && !disabled) summary = `GPU Direct RDMA enabled (${enabled} GPU/HCA pair${enabled > 1 ? 's' : ''})`;
	else if (disabled) summary = `GPU Direct RDMA disabled for ${disabled} GPU/HCA pair${disabled > 1 ? 's' : ''}`;
	else summary = 'GPU Direct RDMA not used: inter-node traffic is TCP (NET/Socket)';
	const settings: {name: string; value: string}[] = [];
	const env = state.nccl.env;
	for (const n of settingNames) if (env[n] !== undefined) settings.push({name: n, value: env[n]!});
	settings.push({name: 'net plugin', value: state.nccl.netPlugin ?? '?'});
	if (state.nccl.externalNetPlugin === false) settings.push({name: 'libnccl-net.so', value: 'not found (built-in transport)'});
	return {rows, summary, settings};
}
