/**
 * Rank evidence from vLLM: a worker's process prefix (`Worker_PP1_TP3`, `VllmWorker rank=2`),
 * and `rank N in world size M …` / `world_size=4 rank=2 …` lines (vllm/engine.ts). Ranks go
 * to the processes of that pid now, or wait for its first NCCL head (StreamCtx.pendingRanks).
 */
import type {AtFn, StreamCtx} from '../context.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	V = 86,
	W = 87,
}

// worker prefix names: 0.11+ "Worker_PP1_TP3", "Worker_DP0_PP0_TP0_EP0"; 0.10 "VllmWorker TP0", "VllmWorker PP1_TP0"; 0.8–0.9 "VllmWorker rank=1"
const PREFIX_AXIS = /(?:^|[ _])(DP|PP|PCP|TP|DCP|EP)(\d+)(?=[ _]|$)/g;

/** Ranks from a vLLM line of process `pid`; emitted now if its NCCL head was seen, else when it is. */
export function assignRanks(ctx: StreamCtx, pid: number, entry: {worldRank: number; tp: number | null; pp: number | null; dp: number | null; at: number | null}): void {
	const procs = ctx.byPid.get(pid);
	if (procs && procs.length) {
		for (const p of procs) ctx.events.push({type: 'proc-ranks', pod: ctx.pod, at: entry.at, proc: p.key, worldRank: entry.worldRank, tpRank: entry.tp, ppRank: entry.pp, dpRank: entry.dp});
	} else ctx.pendingRanks.set(pid, entry);
}

export interface WorkerRanks {
	/** world rank when the name and the known sizes give it */
	worldRank: number | null;
	tp: number | null;
	pp: number | null;
	dp: number | null;
}

/**
 * A worker's ranks from its process prefix: `Worker_PP1_TP3` (0.11+), `VllmWorker PP1_TP3`
 * (0.10), `VllmWorker rank=2` (0.8–0.9). Null for names that are not GPU workers (EngineCore,
 * APIServer, the bare `Worker` printed before its groups exist). The world rank follows vLLM's
 * layout `DP x PP x PCP x TP` (parallel_state.initialize_model_parallel) and needs the sizes of
 * the axes the name leaves out when they matter.
 */
export function workerRanks(name: string, sizes?: {tp: number; pp: number; pcp: number} | null): WorkerRanks | null {
	const c0 = name.charCodeAt(0);
	if (c0 !== Ch.W && c0 !== Ch.V) return null;
	if (!name.startsWith('Worker') && !name.startsWith('VllmWorker')) return null;
	const r = /\brank=(\d+)/.exec(name);
	if (r) return {worldRank: Number(r[1]), tp: null, pp: null, dp: null};
	const ax: Record<string, number> = {};
	PREFIX_AXIS.lastIndex = 0;
	for (let m = PREFIX_AXIS.exec(name); m; m = PREFIX_AXIS.exec(name)) ax[m[1]!] = Number(m[2]);
	if (ax.TP === undefined && ax.PP === undefined && ax.DP === undefined && ax.PCP === undefined) return null;
	const tp = ax.TP ?? null;
	const pp = ax.PP ?? null;
	const dp = ax.DP ?? null;
	const pcp = ax.PCP ?? 0;
	let worldRank: number | null = null;
	if ((dp ?? 0) === 0 && (pp ?? 0) === 0 && pcp === 0) worldRank = tp ?? 0;
	else {
		// an axis absent from the name has size 1; a present one's size comes from the config line
		const tpSize = tp === null ? 1 : (sizes?.tp ?? null);
		const pcpSize = ax.PCP === undefined ? 1 : (sizes?.pcp ?? null);
		const ppSize = pp === null ? 1 : (sizes?.pp ?? null);
		if (tpSize !== null && pcpSize !== null && ppSize !== null) worldRank = (((dp ?? 0) * ppSize + (pp ?? 0)) * pcpSize + pcp) * tpSize + (tp ?? 0);
	}
	return {worldRank, tp, pp, dp};
}

/**
 * A vLLM/Ray process prefix was read (stream-parser, once per line): a GPU worker's prefix is
 * rank evidence for the process of that pid, emitted like `rank N in world size M` is.
 */
export function notePrefixRanks(ctx: StreamCtx, name: string, pid: number | null, at: AtFn): void {
	if (pid === null) return;
	const seen = ctx.prefixRanksSeen;
	if (seen.get(pid) === name) return;
	seen.set(pid, name);
	const r = workerRanks(name, ctx.vllmSizes ?? undefined);
	if (!r) return;
	const pending = ctx.pendingRanks.get(pid);
	// an explicit `rank N in world size M` line already waiting for this pid is not overwritten
	if (pending) return;
	if (r.worldRank === null) {
		// no world rank: only the axes (emitted now if the process is known)
		const procs = ctx.byPid.get(pid);
		if (procs) for (const p of procs) ctx.events.push({type: 'proc-ranks', pod: ctx.pod, at: at(), proc: p.key, worldRank: null, tpRank: r.tp, ppRank: r.pp, dpRank: r.dp});
		return;
	}
	assignRanks(ctx, pid, {worldRank: r.worldRank, tp: r.tp, pp: r.pp, dp: r.dp, at: at()});
}
