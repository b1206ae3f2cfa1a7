/**
 * `init-stalled` (live): a communicator whose init began more than
 * `initStallSeconds` before `now` and is still not complete, naming the ranks
 * that never started (with the pod where it can be inferred) and those gone
 * silent. Uses `now`, not new lines: it must fire while every rank is quiet.
 */
import type {CommState, RolloutState} from '../model/state.js';
import type {Finding, Rule} from './types.js';
import {commLabel, fmtSeconds, joinList, podsOfComm, rankLabel} from './subject.js';

/**
 * Pods that could hold the missing ranks: those with no member in this communicator,
 * when its `nNodes` says more nodes belong to it than have joined (or, without
 * `nNodes`, pods that have not joined any communicator yet).
 */
export function likelyPods(state: RolloutState, comm: CommState): string[] {
	const inComm = new Set(podsOfComm(state, comm));
	if (comm.nNodes !== null && inComm.size >= comm.nNodes) return [];
	const joinedAny = new Set<string>();
	for (const p of Object.values(state.procs)) if (p.pod && p.comms.length) joinedAny.add(p.pod);
	return Object.keys(state.pods)
		.filter(p => !inComm.has(p) && (comm.nNodes !== null || !joinedAny.has(p)))
		.sort();
}

/** vLLM milestones that come only after NCCL init: the rollout moved on. */
const afterInit = ['weightsStart', 'weightsDone', 'profilingStart', 'kvCacheSized', 'graphsStart', 'graphsDone', 'apiServerStarting', 'serving'] as const;

/**
 * True when vLLM reached a later milestone after this init began: the engine moved
 * past NCCL init, so ranks that look missing had their lines folded or lost (Ray's
 * `[repeated Nx across cluster]`, another node's log not read), not stuck.
 */
function movedOn(state: RolloutState, since: number): boolean {
	const m = state.engine?.milestones;
	if (!m) return false;
	return afterInit.some(k => m[k] !== undefined && (m[k] === null || m[k]! >= since));
}

export const initStalled: Rule = (state, now, options) => {
	const limitMs = options.initStallSeconds * 1000;
	const out: Finding[] = [];
	for (const comm of Object.values(state.comms)) {
		if (comm.state !== 'initializing' || comm.firstStartAt === null) continue;
		if (comm.ranksComplete >= comm.nranks || movedOn(state, comm.firstStartAt)) continue;
		const waited = now - comm.firstStartAt;
		if (waited <= limitMs) continue;
		const missing: number[] = [];
		for (let r = 0; r < comm.nranks; r++) if (!comm.members[r]) missing.push(r);
		const silent: string[] = [];
		const waiting: string[] = [];
		for (const m of Object.values(comm.members).sort((a, b) => a.rank - b.rank)) {
			if (m.completeAt !== null) continue;
			const p = state.procs[m.proc];
			if (!p) continue;
			const quiet = p.lastLineAt === null ? null : now - p.lastLineAt;
			if (quiet !== null && quiet > limitMs) silent.push(`${rankLabel(state, p, m.rank)} silent for ${fmtSeconds(quiet)}`);
			else waiting.push(rankLabel(state, p, m.rank));
		}
		if (missing.length === 0 && silent.length === 0 && waiting.length === 0) continue;
		const parts: string[] = [];
		if (missing.length) {
			const pods = likelyPods(state, comm);
			const where = pods.length ? ` (likely pod ${joinList(pods)}: no rank of ${pods.length > 1 ? 'them' : 'it'} has joined)` : '';
			parts.push(`rank${missing.length > 1 ? 's' : ''} ${joinList(missing.map(String), 16)} never started init${where}`);
		}
		if (silent.length) parts.push(joinList(silent));
		if (!missing.length && !silent.length) parts.push(`still waiting: ${joinList(waiting)}`);
		const fix = missing.length
			? "Fix: check that the missing ranks' pods are running and reach the bootstrap address (NCCL_SOCKET_IFNAME, MASTER_ADDR, NetworkPolicy)."
			: "Fix: the silent ranks are stuck inside init — look at their last lines (network connect, /dev/shm, GPU) and the pods' events.";
		out.push({
			id: 'init-stalled',
			severity: 'warn',
			subject: commLabel(comm),
			message: `init started ${fmtSeconds(waited)} ago and ${comm.ranksComplete}/${comm.nranks} ranks are ready: ${parts.join('; ')}. ${fix}`,
		});
	}
	return out;
};
