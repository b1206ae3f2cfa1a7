/**
 * GPU Direct RDMA in plain words. NCCL's `GPU Direct RDMA Disabled for HCA 0 'eth0'`
 * on NET/Socket is not a misconfiguration — RDMA never applies to TCP — so it is
 * said as "not used (TCP)", not as a red "disabled".
 */
import type {RolloutState} from '../model/state.js';
import {networkInUse} from '../model/nccl.js';

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
	// GPUs no `GPU Direct RDMA …` line spoke for (that line is printed once per GPU/HCA at
	// NET setup, and a log that starts later, or a version at other subsystems, lacks it):
	// their NET channel connections say it, e.g. `[send] via NET/IB/9/GDRDMA` (RDMA straight
	// from GPU memory) or `via NET/IB/3` (staged through host memory).
	const spoken = new Set(state.gdr.map(g => `${g.pod ?? g.host ?? '?'}|${g.gpu}`));
	for (const r of channelRows(state, spoken)) rows.push(r);
	// by pod, GPU and HCA (pod10 after pod9): a stable order, not the order lines happened to arrive in
	rows.sort((a, b) => byPodGpuHca.compare(a.where, b.where));
	const enabled = rows.filter(r => r.status === 'enabled').length;
	const disabled = rows.filter(r => r.status === 'disabled').length;
	let summary: string;
	if (rows.length === 0) summary = state.nccl.version ? 'no GPU Direct RDMA lines seen (NCCL prints them with NCCL_DEBUG=INFO, NET subsystem)' : 'waiting for NCCL';
	else if (enabled && !disabled) summary = `GPU Direct RDMA enabled (${enabled} GPU/HCA pair${enabled > 1 ? 's' : ''})`;
	else if (disabled) summary = `GPU Direct RDMA disabled for ${disabled} GPU/HCA pair${disabled > 1 ? 's' : ''}`;
	else summary = 'GPU Direct RDMA not used: inter-node traffic is TCP (NET/Socket)';
	// IB/RoCE in use is said even when no GDR line was read (a log that starts mid-run)
	const ib = state.nccl.ibInUse;
	if (ib && rows.length === 0)
		summary = `NCCL's ${ib.linkLayer ?? 'IB/RoCE'} transport is in use (${ib.from === 'devices' ? 'NET/IB device list' : ib.from === 'channel' ? 'channels via NET/IB' : 'a net_ib WARN'}); no GPU Direct RDMA line read`;
	const settings: {name: string; value: string}[] = [];
	const env = state.nccl.env;
	for (const n of settingNames) if (env[n] !== undefined) settings.push({name: n, value: env[n]!});
	// no `Using network X` line: the channel transports name it (model/nccl.ts networkInUse)
	const net = networkInUse(state);
	const derived = net?.from === 'transports' ? `${net.name} (derived from channels via ${net.transports.join(', ')})` : null;
	settings.push({name: 'net plugin', value: derived ?? state.nccl.netPlugin ?? (state.nccl.ibInUse ? 'IB (in use)' : '?')});
	if (state.nccl.externalNetPlugin === false) settings.push({name: 'libnccl-net.so', value: 'not found (built-in transport)'});
	return {rows, summary, settings};
}

/**
 * One row per GPU whose NET channel connections (the sending GPU of a `[send]`, the
 * receiving one of a `[receive]`) were seen and that no GDR line spoke for.
 */
function channelRows(state: RolloutState, spoken: Set<string>): GdrRow[] {
	const byGpu = new Map<string, {where: string; gdr: number; staged: number; tcp: number; example: string}>();
	for (const comm of Object.values(state.comms)) {
		for (const l of comm.links) {
			if (!l.transport.startsWith('NET/') || l.dir === null) continue;
			const member = comm.members[l.dir === 'send' ? l.fromRank : l.toRank];
			const proc = member ? state.procs[member.proc] : undefined;
			if (!proc) continue;
			const owner = proc.pod ?? proc.host ?? '?';
			const gpu = proc.busId ?? '?';
			if (spoken.has(`${owner}|${gpu}`)) continue;
			const key = `${owner}|${gpu}`;
			let g = byGpu.get(key);
			if (!g) {
				g = {where: `${owner} GPU ${gpu} ↔ NET`, gdr: 0, staged: 0, tcp: 0, example: l.raw || l.transport};
				byGpu.set(key, g);
			}
			if (/GDRDMA/.test(l.raw || l.transport)) g.gdr++;
			else if (l.transport.startsWith('NET/Socket')) g.tcp++;
			else {
				g.staged++;
				g.example = l.raw || l.transport;
			}
		}
	}
	return [...byGpu.values()].map(g => {
		const status: GdrRow['status'] = g.staged ? 'disabled' : g.gdr ? 'enabled' : 'not used (TCP)';
		const n = g.gdr + g.staged + g.tcp;
		return {where: g.where, status, tone: status === 'enabled' ? 'ok' : status === 'disabled' ? 'warn' : 'muted', evidence: `channels via ${g.example} (${n} connection${n === 1 ? '' : 's'})`};
	});
}
