/**
 * `low-bandwidth`: NCCL states what it expects from a communicator in its graph
 * search line (search.cc, unchanged 2.18→2.30):
 *   `Pattern 4, crossNic 0, nChannels 1, bw 1.200000/1.200000, type NVL/PHB, sameChannels 1`
 * `bw` is per channel (intra/inter node), so the graph's total is nChannels × bw.
 * A multi-node communicator whose best inter-node total is below minInterNodeGBps,
 * or a one-node communicator on NVLink-connected GPUs whose best intra-node total is
 * below minIntraNodeGBps, is flagged with the slow hop named.
 */
import type {CommState, PatternInfo, RolloutState} from '../model/state.js';
import type {Finding, Rule} from './types.js';
import {interNodeNetTransports} from './net-facts.js';
import {isMultiNode, sharesNvlink, topologyOf} from './topology.js';
import {commLabel, fmtGBps, joinList, nodesPhrase, podsOfComm} from './subject.js';

const patternNames: Record<number, string> = {1: 'balanced tree', 2: 'split tree', 3: 'tree', 4: 'ring', 5: 'NVLS', 6: 'CollNet direct'};

function best(patterns: PatternInfo[], pick: (p: PatternInfo) => number): {p: PatternInfo; total: number} | null {
	let out: {p: PatternInfo; total: number} | null = null;
	for (const p of patterns) {
		const total = p.nChannels * pick(p);
		if (!out || total > out.total) out = {p, total};
	}
	return out;
}

function describe(p: PatternInfo, bw: number, total: number): string {
	return `${total === bw ? '' : `${p.nChannels} channels × ${fmtGBps(bw)} = `}${fmtGBps(total)} (Pattern ${p.pattern} ${patternNames[p.pattern] ?? ''}, type ${p.typeIntra}/${p.typeInter})`.replace(' )', ')');
}

function nvlinkNode(state: RolloutState, comm: CommState): boolean {
	const procs = Object.values(comm.members)
		.map(m => state.procs[m.proc])
		.filter(p => p?.busId);
	if (procs.length < 2) return false;
	const topo = topologyOf(state, procs[0]!);
	if (!topo) return false;
	const ids = procs.map(p => p!.busId!);
	return ids.every((a, i) => ids.every((b, j) => i === j || sharesNvlink(topo, a, b)));
}

export const lowBandwidth: Rule = (state, _now, options) => {
	const out: Finding[] = [];
	for (const comm of Object.values(state.comms)) {
		if (comm.patterns.length === 0) continue;
		const pods = podsOfComm(state, comm);
		if (isMultiNode(state, comm)) {
			const nodes = nodesPhrase(state, comm);
			const b = best(comm.patterns, p => p.bwInter);
			if (!b || b.total >= options.minInterNodeGBps) continue;
			const net = interNodeNetTransports(state, comm);
			out.push({
				id: 'low-bandwidth',
				severity: 'warn',
				subject: `${commLabel(comm)} between ${nodes}`,
				message: `NCCL's graph for the inter-node hop (${nodes}${net.length ? ` via ${joinList(net)}` : ''}) gives ${describe(b.p, b.p.bwInter, b.total)}, below the ${fmtGBps(options.minInterNodeGBps)} floor for a hop between nodes. Fix: the network between the nodes is the bottleneck — use an RDMA NIC (IB/RoCE) or more/faster NICs per node (see inter-node-over-socket).`,
			});
		} else {
			// NCCL counted ranks of this one host as nodes (P2P and SHM off): its hop between them is the inter-node one
			const ranksAsNodes = comm.nNodes !== null && comm.nNodes > 1;
			const b = best(comm.patterns, p => (ranksAsNodes ? p.bwInter : p.bwIntra));
			if (!b || b.total >= options.minIntraNodeGBps || !nvlinkNode(state, comm)) continue;
			const busIds = Object.values(comm.members)
				.map(m => state.procs[m.proc]?.busId)
				.filter((x): x is string => Boolean(x))
				.sort();
			out.push({
				id: 'low-bandwidth',
				severity: 'warn',
				subject: `${commLabel(comm)} on pod ${joinList(pods) || 'unknown'}`,
				message: `its GPUs (busId ${joinList(busIds)}) share NVLink, but NCCL's graph gives ${describe(b.p, ranksAsNodes ? b.p.bwInter : b.p.bwIntra, b.total)} via ${joinList(comm.transports) || 'unknown transport'}, below the ${fmtGBps(options.minIntraNodeGBps)} floor inside an NVLink node. Fix: see nvlink-unused; check NCCL_P2P_DISABLE / NCCL_P2P_LEVEL and NCCL_MIN_NCHANNELS.`,
			});
		}
	}
	return out;
};
