/**
 * Logs that start after the rollout's start: kubelet rotates a container's log at
 * 10 MiB (minutes at NCCL_DEBUG_SUBSYS=ALL), `--since`/`--tail` cut it, a ticket holds
 * an excerpt. Such a log shows communicators, channels and collectives, or vLLM's
 * stats, with no Init START and no engine startup before them. A pure reading of the
 * state: the panes, the snapshot and the phase say "init not seen" instead of showing
 * a rollout that is still starting.
 */
import type {CommState, EngineMilestone, RolloutState} from './state.js';

export interface InitNotSeen {
	/** pods whose GPU processes work in communicators but logged no init of their own */
	pods: string[];
	/** vLLM's progress (stats, graphs, serving) was seen, its startup (config, weights) was not */
	engine: boolean;
	/** where the log starts: the earliest first line of those pods (else of any pod) */
	startsAt: number | null;
}

/** Milestones vLLM prints while starting: one of them seen means the engine's start is in the log. */
const startup: readonly EngineMilestone[] = ['configSeen', 'weightsStart', 'weightsDone', 'profilingStart'];

/**
 * A communicator whose init some member logged (an Init START, or 2.18's COMPLETE), stamped or not;
 * or one whose init-only lines the log holds: rank 0's ring order (`Channel 17/32 : 0 1 2 3`,
 * src/graph/rings.cc `INFO(NCCL_INIT, "%s", line)`) and `comm %p rank %d nRanks %d nNodes %d …`
 * (src/init.cc initTransportsRank) are printed inside ncclCommInitRank only, at the INIT subsystem
 * that prints `Init COMPLETE` too (v2.18.3-1 → v2.30.7-1). A log that starts at them (real:
 * NVIDIA/nccl#1769, a GB200 log cut at `Channel 17/32`) ends inside that init unless a COMPLETE follows.
 */
export function commInitSeen(comm: CommState): boolean {
	for (const m of Object.values(comm.members)) if (m.initSeen || m.startAt !== null || m.completeAt !== null) return true;
	return (comm.ringOrders?.length ?? 0) > 0 || comm.nNodes !== null;
}

export function initNotSeen(state: RolloutState): InitNotSeen | null {
	const working = new Map<string, boolean>();
	for (const p of Object.values(state.procs)) {
		if (!p.pod) continue;
		const initSeen = p.initSeen === true || p.initStartAt !== null || p.initCompleteAt !== null;
		// per-collective lines come only from initialised communicators
		const works = p.comms.length > 0 || state.nccl.collectiveLines > 0;
		const was = working.get(p.pod);
		if (initSeen) working.set(p.pod, false);
		else if (works && was === undefined) working.set(p.pod, true);
	}
	const pods = [...working]
		.filter(([, midRun]) => midRun)
		.map(([pod]) => pod)
		.sort();
	const m = state.engine?.milestones ?? {};
	const keys = Object.keys(m) as EngineMilestone[];
	const engine = keys.length > 0 && !keys.some(k => startup.includes(k)) && !state.engine?.vllmVersion;
	if (pods.length === 0 && !engine) return null;
	let startsAt: number | null = null;
	const from = pods.length ? pods : Object.keys(state.pods);
	for (const name of from) {
		const t = state.pods[name]?.firstLineAt ?? null;
		if (t !== null && (startsAt === null || t < startsAt)) startsAt = t;
	}
	return {pods, engine, startsAt: startsAt ?? state.firstTs};
}

/** `init not seen: the log starts at 14:02:11` (UTC, as the Logs pane shows times). */
export function initNotSeenText(x: InitNotSeen): string {
	const at = x.startsAt === null ? '' : `: the log starts at ${new Date(x.startsAt).toISOString().slice(11, 19)}`;
	return `init not seen${at}`;
}

/**
 * How a person reads a communicator's id: the commId as printed (`0x9c2d06060b6ee098`,
 * `<parent>/<color>` for a split); one met mid-run has none, and is named by the
 * pointer of the process it was first seen in (`ptr 0x2176b7b0 in pod0 pid 964`), or
 * as unnamed where only its lines were seen.
 */
export function commName(id: string): string {
	const at = id.indexOf('@');
	if (at === -1) return id;
	const [pod, , pid, dev] = id.slice(0, at).split('|');
	const ptr = id.slice(at + 1);
	// a pasted line without its host:pid:tid head is keyed by its [dev] (`pod|||dev3`, stream/processes.ts)
	const writer = pid ? `pid ${pid}` : dev?.startsWith('dev') ? `dev ${dev.slice(3)}` : 'pid ?';
	return `${ptr.startsWith('0x') ? `ptr ${ptr}` : 'unnamed'} in ${pod || '?'} ${writer}`;
}
