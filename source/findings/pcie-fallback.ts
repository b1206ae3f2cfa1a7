/**
 * `pcie-fallback`: the GPUs a communicator uses inside one pod are joined only by
 * PCIe/host-bridge paths (PIX/PXB/PHB/SYS) — NCCL's topology shows no NVLink among
 * them at all (not even to an NVSwitch). Tensor parallelism over PCIe is slow.
 */
import type {Finding, Rule} from './types.js';
import type {HostTopology} from '../model/state.js';
import {hasAnyNvlink, pathType, pcieTypes, topologyOf} from './topology.js';
import {joinList} from './subject.js';

export const pcieFallback: Rule = state => {
	const byPod = new Map<string, {gpus: Set<string>; paths: Set<string>; comms: Set<string>}>();
	for (const comm of Object.values(state.comms)) {
		// group the communicator's GPUs by the host topology they sit in
		const byHost = new Map<string, {topo: HostTopology; ids: string[]}>();
		for (const m of Object.values(comm.members)) {
			const p = state.procs[m.proc];
			if (!p?.pod || !p.busId) continue;
			const topo = topologyOf(state, p);
			if (!topo) continue;
			// the pod's own dump, or another host's dump logged in this pod (Ray): name that host too
			const key = topo === state.topology[p.pod] ? p.pod : `${p.pod} (host ${topo.host ?? '?'})`;
			const e = byHost.get(key) ?? {topo, ids: []};
			if (!e.ids.includes(p.busId)) e.ids.push(p.busId);
			byHost.set(key, e);
		}
		for (const [pod, {topo, ids}] of byHost) {
			if (ids.length < 2 || hasAnyNvlink(topo)) continue;
			const pairs: string[] = [];
			for (let i = 0; i < ids.length; i++)
				for (let j = i + 1; j < ids.length; j++) {
					const t = pathType(topo, ids[i]!, ids[j]!);
					if (t && pcieTypes.has(t)) pairs.push(`${ids[i]}↔${ids[j]} ${t}`);
				}
			if (pairs.length === 0) continue;
			const e = byPod.get(pod) ?? {gpus: new Set<string>(), paths: new Set<string>(), comms: new Set<string>()};
			for (const id of ids) e.gpus.add(id);
			for (const p of pairs) e.paths.add(p);
			e.comms.add(comm.id);
			byPod.set(pod, e);
		}
	}
	const out: Finding[] = [];
	for (const [pod, e] of [...byPod].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
		out.push({
			id: 'pcie-fallback',
			severity: 'warn',
			subject: `pod ${pod}, GPUs busId ${joinList([...e.gpus].sort())}`,
			message: `no NVLink among these GPUs in NCCL's topology; they are joined only through PCIe (${joinList([...e.paths], 6)}), used by ${joinList([...e.comms], 4)}. Fix: for tensor parallelism, schedule on NVLink-connected GPUs (or GPUs under one PCIe switch, PIX), or use fewer GPUs per replica.`,
		});
	}
	return out;
};
