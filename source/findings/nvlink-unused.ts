/**
 * `nvlink-unused`: NCCL's topology shows NVLink between GPUs of one pod, but a
 * communicator's channels between those GPUs' ranks go through SHM (host memory),
 * NET, or P2P over a PCIe path. Evidence: the channel lines
 * (`Channel 00 : 0[0] -> 1[1] via SHM/direct/direct`, 2.19+) against the topology dump.
 */
import type {RolloutState} from '../model/state.js';
import type {Finding, Rule} from './types.js';
import {family, p2pBlockers, pathType, resolvedLinks, sharesNvlink, topologyOf} from './topology.js';
import {joinList, podsOfComm} from './subject.js';

interface Hit {
	gpus: Set<string>;
	transports: Set<string>;
	comms: Set<string>;
	samples: string[];
}

function advice(state: RolloutState, pod: string, transports: Set<string>): string {
	const set = p2pBlockers(state, pod);
	const net = [...transports].some(t => family(t) === 'NET');
	if (set.length) {
		const noShm = set.some(v => v.startsWith('NCCL_SHM_DISABLE'));
		const why = net && noShm ? ': with P2P and SHM both off NCCL counts every rank as its own node and sends between GPUs of one host through the network stack' : '';
		return `${joinList(set)} ${set.length === 1 ? 'is' : 'are'} set${why}. Remove ${set.length === 1 ? 'it' : 'them'} so NCCL uses P2P over NVLink.`;
	}
	if (net) return 'these ranks talk through the network although they share a node: make sure NCCL sees them as one host (same hostname/NCCL_HOSTID) and that P2P is allowed.';
	return 'P2P between the GPUs is not allowed in this pod: keep the ranks in one container or allow CUDA IPC (shared IPC namespace / cuMem), and check NCCL_P2P_* settings.';
}

export const nvlinkUnused: Rule = state => {
	const byPod = new Map<string, Hit>();
	const hit = (pod: string): Hit => {
		let h = byPod.get(pod);
		if (!h) byPod.set(pod, (h = {gpus: new Set(), transports: new Set(), comms: new Set(), samples: []}));
		return h;
	};
	for (const comm of Object.values(state.comms)) {
		const links = resolvedLinks(state, comm);
		for (const {link, from, to} of links) {
			if (!from.pod || from.pod !== to.pod || !from.busId || !to.busId) continue;
			const topo = topologyOf(state, from);
			if (!topo || !sharesNvlink(topo, from.busId, to.busId)) continue;
			const fam = family(link.transport);
			const path = pathType(topo, from.busId, to.busId);
			const overPcie = fam === 'P2P' && path !== null && path !== 'NVL' && path !== 'NVB';
			if (fam !== 'SHM' && fam !== 'NET' && !overPcie) continue;
			const h = hit(from.pod);
			h.gpus.add(from.busId).add(to.busId);
			h.transports.add(overPcie ? `${link.transport} over ${path}` : link.transport);
			h.comms.add(comm.id);
			if (h.samples.length < 1) h.samples.push(`${link.fromRank}[${from.busId}] -> ${link.toRank}[${to.busId}] via ${link.raw || link.transport}`);
		}
		// Without per-channel lines, a one-pod communicator whose only transports are SHM/NET tells the same story.
		if (links.length === 0 && comm.transports.length > 0 && comm.transports.every(t => family(t) === 'SHM' || family(t) === 'NET')) {
			const pods = podsOfComm(state, comm);
			if (pods.length !== 1) continue;
			const procs = Object.values(comm.members)
				.map(m => state.procs[m.proc])
				.filter(p => p?.busId);
			const topo = procs[0] ? topologyOf(state, procs[0]) : null;
			if (!topo || procs.length < 2) continue;
			const ids = procs.map(p => p!.busId!);
			if (!ids.every((a, i) => ids.every((b, j) => i === j || sharesNvlink(topo, a, b)))) continue;
			const h = hit(pods[0]!);
			for (const id of ids) h.gpus.add(id);
			for (const t of comm.transports) h.transports.add(t);
			h.comms.add(comm.id);
		}
	}
	const out: Finding[] = [];
	for (const [pod, h] of [...byPod].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
		const gpus = [...h.gpus].sort();
		const comms = [...h.comms];
		out.push({
			id: 'nvlink-unused',
			severity: 'warn',
			subject: `pod ${pod}, GPUs busId ${joinList(gpus)}`,
			message: `NCCL's topology shows NVLink between these GPUs, but ${comms.length === 1 ? `communicator ${comms[0]}` : `${comms.length} communicators`} send${comms.length === 1 ? 's' : ''} between them via ${joinList([...h.transports])}${h.samples[0] ? ` (e.g. ${h.samples[0]})` : ''}: many times slower than NVLink. Fix: ${advice(state, pod, h.transports)}`,
		});
	}
	return out;
};
