/**
 * How many ranks the rollout has: a pure reading of the state, from the best source
 * that says. The header's `ranks R/N`, the Ranks pane's `unseen` rows and the
 * snapshot's unseen ranks all count against it, so a rollout is measured the same
 * way everywhere.
 *
 * Sources, strongest first:
 * - NCCL: the largest communicator's `nranks` (what the ranks themselves agreed on);
 * - vLLM's engine config: tensor × pipeline × data parallel size (printed by the
 *   leader before any NCCL line, so it is known while pods are still pending);
 *   where both are known the larger wins (DP replicas have communicators of their own);
 * - Kubernetes: the GPUs the pods ask for, summed, when every live pod names some.
 */
import type {RolloutState} from './state.js';

export interface WorldSize {
	size: number;
	from: 'nccl' | 'vllm' | 'pods';
}

export function worldSize(state: RolloutState): WorldSize | null {
	let comm = 0;
	for (const c of Object.values(state.comms)) if (c.nranks > comm) comm = c.nranks;
	const e = state.engine;
	const tp = e?.tensorParallelSize ?? null;
	const vllm = tp !== null && tp > 0 ? tp * Math.max(1, e?.pipelineParallelSize ?? 1) * Math.max(1, e?.dataParallelSize ?? 1) : 0;
	if (comm > 0 || vllm > 0) return comm >= vllm ? {size: comm, from: 'nccl'} : {size: vllm, from: 'vllm'};
	const pods = Object.values(state.pods).filter(p => !p.deleted);
	if (pods.length > 0 && pods.every(p => typeof p.gpus === 'number' && p.gpus > 0)) {
		return {size: pods.reduce((n, p) => n + (p.gpus ?? 0), 0), from: 'pods'};
	}
	return null;
}

/**
 * The world ranks no process has shown up as (the `unseen` rows), lowest first. A
 * process seen before it printed its rank counts against them: it is one of those
 * ranks, not an extra one (a world of 4 with one such process is never `0/5`).
 * `rankOf` gives a process's world rank where known.
 */
export function unseenRanks(state: RolloutState, rankOf: (proc: RolloutState['procs'][string]) => number | null, world: WorldSize | null = worldSize(state)): number[] {
	if (!world) return [];
	const procs = Object.values(state.procs);
	const taken = new Set<number>();
	for (const p of procs) {
		const r = rankOf(p);
		if (r !== null) taken.add(r);
	}
	const out: number[] = [];
	let missing = Math.min(world.size - procs.length, 100_000);
	for (let r = 0; missing > 0; r++) {
		if (taken.has(r)) continue;
		out.push(r);
		missing--;
	}
	return out;
}
