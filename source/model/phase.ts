/**
 * Where the rollout is (contract/snapshot.md, `phase`): a pure function of the state.
 *
 * Order of progress: pending < starting < nccl-init < initialized < loading-weights
 * < profiling < capturing-graphs < serving. `failed` beats everything (any failure),
 * `completed` is a clean end. When pods disagree the least advanced one wins: a pod
 * Kubernetes still holds Pending, or (before the engine reports progress) a pod whose
 * GPU processes are still inside a communicator's init, holds the whole rollout back.
 *
 * Engine milestones are rollout-wide: with Ray (LWS) only the leader prints vLLM's
 * startup lines, so a worker pod's silence must not hold the phase back.
 */
import type {EngineMilestone, FailureKind, Phase, PodState, ProcState, RolloutState} from './state.js';
import {commInitSeen} from './mid-run.js';

/** progress order; terminal phases sit outside it */
export const phaseOrder: readonly Phase[] = ['unknown', 'pending', 'starting', 'nccl-init', 'initialized', 'loading-weights', 'profiling', 'capturing-graphs', 'serving', 'completed', 'failed'];

const rank = (p: Phase): number => phaseOrder.indexOf(p);

/** Failure kinds that end a rank or the job; WARNs and bare tracebacks may be survivable. */
const fatalKinds: ReadonlySet<FailureKind> = new Set<FailureKind>(['nccl-error', 'remote-error', 'watchdog-timeout', 'cuda-oom', 'rank-exit', 'engine-dead', 'socket-ifname', 'kv-cache-too-small']);

function podSucceeded(p: PodState): boolean {
	return p.phase === 'Succeeded';
}

function podFailed(p: PodState): boolean {
	if (p.deleted) return false;
	if (p.phase === 'Failed') return true;
	// A terminated container with a nonzero code is a crash even before the pod phase says so.
	return p.containers.some(c => c.state === 'terminated' && c.exitCode !== null && c.exitCode !== 0);
}

/** Kubernetes holds it: Pending, or every container still waiting (image pull, init containers). */
function podPending(p: PodState): boolean {
	if (p.deleted || podSucceeded(p)) return false;
	if (p.phase === 'Pending') return true;
	return p.containers.length > 0 && p.containers.every(c => c.state === 'waiting');
}

/** A process inside an init the log shows (its Init START was read; one met mid-run is not). */
function initializing(p: ProcState): boolean {
	return p.state === 'initializing' && (p.initSeen === true || p.initStartAt !== null);
}

function procFailed(p: ProcState): boolean {
	return p.state === 'failed' || (p.state === 'exited' && p.exitCode !== null && p.exitCode !== 0);
}

/** The earliest time the state shows a failure, or undefined when there is none (null: failed, time unknown). */
export function failureTime(state: RolloutState): number | null | undefined {
	let found = false;
	let at: number | null = null;
	const see = (t: number | null) => {
		found = true;
		if (t !== null && (at === null || t < at)) at = t;
	};
	for (const f of state.failures) {
		if (!fatalKinds.has(f.kind)) continue;
		// a launcher reporting a clean exit is not a failure
		if (f.kind === 'rank-exit' && f.exitCode === 0) continue;
		see(f.at);
	}
	for (const p of Object.values(state.procs)) if (procFailed(p)) see(p.failedAt);
	for (const c of Object.values(state.comms)) if (c.state === 'failed') see(null);
	for (const p of Object.values(state.pods)) if (podFailed(p)) see(p.lastLineAt);
	if (state.engine?.dead) see(state.engine.dead.at);
	return found ? at : undefined;
}

function isCompleted(state: RolloutState): boolean {
	const pods = Object.values(state.pods).filter(p => !p.deleted);
	if (pods.length > 0 && pods.every(podSucceeded)) return true;
	const comms = Object.values(state.comms);
	if (comms.length > 0 && comms.every(c => c.state === 'destroyed')) return true;
	// nccl-tests printed its summary after the bandwidth table: the benchmark ran to its end
	return state.nccl.testsAvgBusBandwidthGBs != null;
}

function has(state: RolloutState, ...ms: EngineMilestone[]): boolean {
	const m = state.engine?.milestones;
	if (!m) return false;
	return ms.some(k => m[k] !== undefined);
}

/**
 * The offline engine (vLLM's `LLM` class, no API server): its startup ends with the engine
 * core ready (`init engine … took`), which is where it serves from. With an API server in
 * front (`vLLM API server version`, `Starting vLLM (API) server`), serving waits for uvicorn.
 */
function offlineReady(state: RolloutState): boolean {
	const e = state.engine;
	return !!e && e.milestones.engineReady !== undefined && e.apiServer !== true && e.milestones.apiServerStarting === undefined;
}

/** The rollout-wide phase from the engine's milestones and the communicators. */
function progressPhase(state: RolloutState): Phase {
	// `serving`: uvicorn's startup complete, or a periodic stats line (also in a log read from mid-run)
	if (has(state, 'serving') || offlineReady(state)) return 'serving';
	if (has(state, 'graphsStart', 'graphsDone', 'apiServerStarting', 'engineReady')) return 'capturing-graphs';
	if (has(state, 'profilingStart', 'kvCacheSized')) return 'profiling';
	if (has(state, 'weightsStart', 'weightsDone')) return 'loading-weights';
	const comms = Object.values(state.comms);
	// a communicator met mid-run (its init before the log's first line) is no init in progress
	if (comms.length > 0) return comms.some(c => c.state === 'initializing' && commInitSeen(c)) ? 'nccl-init' : 'initialized';
	const procs = Object.values(state.procs);
	if (procs.some(initializing)) return 'nccl-init';
	// the engine announced itself (its banner's version, `vLLM API server version`, an `(APIServer pid=N)` line) before any milestone
	const e = state.engine;
	if (procs.length > 0 || has(state, 'configSeen') || (e !== null && (e.vllmVersion !== null || e.apiServer === true))) return 'starting';
	const pods = Object.values(state.pods).filter(p => !p.deleted);
	const running = pods.some(p => p.phase === 'Running' || p.containers.some(c => c.state === 'running'));
	if (running) return 'starting';
	if (pods.some(podPending)) return 'pending';
	return 'unknown';
}

/** The phase of the rollout, exactly per contract/snapshot.md. */
export function derivePhase(state: RolloutState): Phase {
	if (failureTime(state) !== undefined) return 'failed';
	if (isCompleted(state)) return 'completed';
	let phase = progressPhase(state);
	// Least advanced wins: a pod still pending holds everything back.
	const pods = Object.values(state.pods).filter(p => !p.deleted && !podSucceeded(p));
	if (pods.some(podPending)) return 'pending';
	// A pod whose GPU processes are still inside an init holds `initialized` back. Past
	// that, the engine's own milestones prove every rank got through: vLLM loads weights
	// only after its groups are up, and Ray's `[repeated Nx across cluster]` folding
	// (public-vllm-lws 04) hides many ranks' `Init COMPLETE` lines for good.
	if (phase === 'initialized' && Object.values(state.procs).some(initializing)) phase = 'nccl-init';
	return phase;
}

export interface PhaseSpan {
	phase: Phase;
	startedAt: number | null;
	endedAt: number | null;
}

const minOf = (xs: (number | null | undefined)[]): number | null => {
	let m: number | null = null;
	for (const x of xs) if (typeof x === 'number' && (m === null || x < m)) m = x;
	return m;
};
const maxOf = (xs: (number | null | undefined)[]): number | null => {
	let m: number | null = null;
	for (const x of xs) if (typeof x === 'number' && (m === null || x > m)) m = x;
	return m;
};

/**
 * Time spent in each phase, from the timestamps the state holds (pod creation and
 * first line, communicator init start/complete, engine milestones). Only phases
 * with a known start are listed, in progress order, ending with the current one;
 * each ends where the next begins, the current one is open (endedAt null).
 */
export function phaseTimeline(state: RolloutState): PhaseSpan[] {
	const current = derivePhase(state);
	const pods = Object.values(state.pods);
	const comms = Object.values(state.comms);
	const m = state.engine?.milestones ?? {};
	const starts = new Map<Phase, number | null>();
	const put = (p: Phase, t: number | null) => {
		if (t !== null) starts.set(p, t);
	};
	put('pending', minOf(pods.map(p => p.createdAt)));
	put('starting', minOf([...pods.flatMap(p => p.containers.map(c => c.startedAt)), ...pods.map(p => p.firstLineAt)]));
	put('nccl-init', minOf([...comms.map(c => c.firstStartAt), ...Object.values(state.procs).map(p => p.initStartAt)]));
	if (comms.length > 0 && comms.every(c => c.state !== 'initializing')) put('initialized', maxOf(comms.map(c => c.lastCompleteAt)));
	put('loading-weights', minOf([m.weightsStart, m.weightsDone]));
	put('profiling', minOf([m.profilingStart, m.kvCacheSized]));
	put('capturing-graphs', minOf([m.graphsStart, m.graphsDone, m.apiServerStarting, m.engineReady]));
	put('serving', minOf([m.serving, offlineReady(state) ? m.engineReady : null]));

	const terminal = current === 'failed' || current === 'completed';
	let terminalAt: number | null = null;
	if (current === 'failed') terminalAt = failureTime(state) ?? state.lastTs;
	else if (current === 'completed') terminalAt = state.lastTs;

	const spans: PhaseSpan[] = [];
	for (const phase of phaseOrder) {
		if (phase === 'completed' || phase === 'failed' || phase === 'unknown') continue;
		if (!terminal && rank(phase) > rank(current)) break;
		const at = starts.get(phase);
		if (at === undefined || at === null) continue;
		if (terminal && terminalAt !== null && at > terminalAt) continue;
		// progress is monotone: a later phase cannot start before an earlier one shown
		const prev = spans[spans.length - 1];
		spans.push({phase, startedAt: prev && prev.startedAt !== null && at < prev.startedAt ? prev.startedAt : at, endedAt: null});
	}
	if (!spans.some(s => s.phase === current)) spans.push({phase: current, startedAt: terminal ? terminalAt : (starts.get(current) ?? null), endedAt: null});
	for (let i = 0; i < spans.length - 1; i++) spans[i]!.endedAt = spans[i + 1]!.startedAt;
	return spans;
}
