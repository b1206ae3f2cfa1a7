/** NCCL facts, GPU Direct RDMA evidence and per-host topology. */
import type {GdrEvent, NcclFactEvent, TopologyEvent} from '../parse/log-events.js';
import type {NcclFacts, NetDevice, RolloutState} from './state.js';
import {jsonEqual} from './json-equal.js';

const MAX_GDR = 1000;
const MAX_NET_DEVICES = 256;

function withNccl(state: RolloutState, patch: Partial<NcclFacts>): RolloutState {
	let same = true;
	for (const k of Object.keys(patch) as (keyof NcclFacts)[]) if (state.nccl[k] !== patch[k]) same = false;
	return same ? state : {...state, nccl: {...state.nccl, ...patch}};
}

export function reduceNcclFact(state: RolloutState, e: NcclFactEvent): RolloutState {
	const f = e.fact;
	const n = state.nccl;
	switch (f.kind) {
		case 'version':
			// `vLLM is using nccl==2.21.5` only fills in when NCCL itself said nothing
			if (f.fromVllm) return n.version === null ? withNccl(state, {version: f.version}) : state;
			return n.version === null || n.version === f.version || n.version.length < f.version.length ? withNccl(state, {version: f.version}) : state;
		case 'tests-summary':
			return withNccl(state, {testsAvgBusBandwidthGBs: f.avgBusBandwidthGBs});
		case 'cuda-driver':
			return withNccl(state, {cudaDriverVersion: f.version});
		case 'bootstrap':
			return n.bootstrapInterface === null ? withNccl(state, {bootstrapInterface: f.iface}) : state;
		case 'external-net-plugin':
			if (f.found) return withNccl(state, {externalNetPlugin: true});
			return n.externalNetPlugin === null ? withNccl(state, {externalNetPlugin: false}) : state;
		case 'network':
			// NCCL's own networks are `IB` and `Socket`; any other name (`IBext_v8` of HPC-X's
			// SHARP plugin, `AWS Libfabric`, …) is an external plugin's, which some plugins
			// announce only in their own words ("Plugin Path : …/libnccl-net.so")
			if (f.name !== 'IB' && f.name !== 'Socket' && n.externalNetPlugin === null) return withNccl(state, {netPlugin: f.name, externalNetPlugin: true});
			return withNccl(state, {netPlugin: f.name});
		case 'ib-none':
			return n.ibDeviceFound === null ? withNccl(state, {ibDeviceFound: false}) : state;
		case 'net-devices': {
			let devices = n.netDevices;
			for (const d of f.devices) {
				if (devices.some(x => x.name === d.name && x.port === d.port && x.pod === d.pod)) continue;
				if (devices.length >= MAX_NET_DEVICES) break;
				devices = [...devices, d as NetDevice];
			}
			const isIb = (d: {linkLayer: NetDevice['linkLayer']}) => d.linkLayer === 'IB' || d.linkLayer === 'RoCE';
			const ib = f.devices.find(isIb);
			const linkLayer: 'IB' | 'RoCE' = ib?.linkLayer === 'IB' ? 'IB' : 'RoCE';
			// `NET/IB : Using [0]mlx5_0:1/RoCE …`: the IB transport came up (it is tried before Socket)
			const inUse =
				ib && !n.ibInUse
					? {
							ibInUse: {
								from: 'devices' as const,
								linkLayer,
								evidence: `NET/IB : Using ${f.devices
									.filter(isIb)
									.map(d => `${d.name}:${d.port ?? '?'}/${d.linkLayer}`)
									.join(' ')}`,
							},
						}
					: {};
			return withNccl(state, {netDevices: devices, ...(ib ? {ibDeviceFound: true} : {}), ...inUse});
		}
		case 'ib-in-use': {
			if (n.ibInUse) return state;
			const d = n.netDevices.find(x => x.linkLayer === 'IB' || x.linkLayer === 'RoCE');
			const ll = d?.linkLayer === 'IB' || d?.linkLayer === 'RoCE' ? d.linkLayer : null;
			return withNccl(state, {ibInUse: {from: f.from, linkLayer: ll, evidence: f.evidence}});
		}
		case 'env': {
			// several processes per pod print the same line: most events change nothing
			const pod = e.pod ?? '';
			const mine = n.envByPod[pod];
			if (mine?.[f.key] === f.value) return state;
			return withNccl(state, {
				env: f.key in n.env ? n.env : {...n.env, [f.key]: f.value},
				envByPod: {...n.envByPod, [pod]: {...mine, [f.key]: f.value}},
			});
		}
		case 'torch-threads':
			return withNccl(state, {torchThreadsReduced: f.text});
	}
	return state;
}

export function reduceGdr(state: RolloutState, e: GdrEvent): RolloutState {
	const i = state.gdr.findIndex(g => g.pod === e.pod && g.host === e.host && g.gpu === e.gpu && g.hca === e.hca);
	const entry = {pod: e.pod, host: e.host, gpu: e.gpu, hca: e.hca, enabled: e.enabled, evidence: e.evidence};
	if (i !== -1) {
		const g = state.gdr[i]!;
		if (g.enabled === entry.enabled && g.evidence === entry.evidence) return state;
		const gdr = state.gdr.slice();
		gdr[i] = entry;
		return {...state, gdr};
	}
	if (state.gdr.length >= MAX_GDR) return state;
	return {...state, gdr: [...state.gdr, entry]};
}

export function reduceTopology(state: RolloutState, e: TopologyEvent): RolloutState {
	const old = state.topology[e.key];
	if (old && jsonEqual(old, e.topology)) return state;
	return {...state, topology: {...state.topology, [e.key]: e.topology}};
}

/** The network NCCL uses, and whether a line named it (`line`) or it was read off the channel transports (`transports`). */
export interface NetworkInUse {
	name: string;
	from: 'line' | 'transports';
	/** the transports it was read from (`NET/IBext_v8/GDRDMA`), empty when a line named it */
	transports: string[];
}

/**
 * `Using network IB` (src/init.cc, every version; a net plugin's name in its place, `Using network IBext_v8`) names it; a log
 * without that line (one that starts later, NCCL_DEBUG_SUBSYS without INIT) still says it in every NET channel connection:
 * `Channel %02d/%d : %d[%d] -> %d[%d] [send|receive] via NET/%s/%d%s%s` (src/transport/net.cc, 2.18 → 2.30), where `%s` is the
 * same network's name (`comm->ncclNet->name`), e.g. `via NET/IBext_v8/0/GDRDMA` (real, NVIDIA/nccl#1605). Several names
 * (communicators on different networks) are all listed, the most used first.
 */
export function networkInUse(state: RolloutState): NetworkInUse | null {
	if (state.nccl.netPlugin !== null) return {name: state.nccl.netPlugin, from: 'line', transports: []};
	const count = new Map<string, number>();
	const transports = new Set<string>();
	for (const c of Object.values(state.comms)) {
		for (const t of c.transports) {
			if (!t.startsWith('NET/')) continue;
			const name = t.split('/')[1];
			if (!name || name === '?') continue;
			count.set(name, (count.get(name) ?? 0) + 1);
			transports.add(t);
		}
	}
	if (count.size === 0) return null;
	const names = [...count].sort((a, b) => b[1] - a[1]).map(([n]) => n);
	return {name: names.join(', '), from: 'transports', transports: [...transports]};
}
