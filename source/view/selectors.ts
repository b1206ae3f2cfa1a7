/**
 * Memoized selectors: each pane's view-model is rebuilt only when the state
 * slices it reads change (the reducer keeps unchanged slices identical), so a
 * log storm that only bumps line counters does not rebuild the paths matrix.
 */
import {computeFindings, type Finding, type FindingOptions} from '../findings/index.js';
import {derivePhase, phaseTimeline} from '../model/phase.js';
import {withJoinedComms} from '../model/comm-join.js';
import type {RolloutState} from '../model/state.js';
import type {RawLine} from '../parse/stream-parser.js';
import {buildEndpoint, type EndpointModel} from './endpoint-model.js';
import {buildEngine, type EngineModel} from './engine-model.js';
import {buildGdr, type GdrModel} from './gdr-model.js';
import {buildHeader, type HeaderModel, type PhaseSpan, type TuiTitle} from './header-model.js';
export type {TuiTitle} from './header-model.js';
import {buildLogView, type LogQuery, type LogView} from './logs-model.js';
import {buildPaths, type PathsModel} from './paths-model.js';
import {buildRanks, type RanksModel} from './ranks-model.js';

/** Remember the last result; recompute only when a key differs by identity. */
export function memo<R>(): (keys: readonly unknown[], compute: () => R) => R {
	let last: readonly unknown[] | null = null;
	let value: R;
	return (keys, compute) => {
		if (last && last.length === keys.length && last.every((x, i) => Object.is(x, keys[i]))) return value;
		value = compute();
		last = keys;
		return value;
	};
}

/**
 * Like memo, but while keys change faster than `everyMs` (a log storm) the last value
 * is served and the call is marked stale; `due()` says when a recompute is owed, so
 * the caller redraws once more after the storm. The state a source ends with is
 * computed at once.
 */
function throttledMemo<R>(everyMs: number, clock: () => number, opts: {clockLast?: boolean} = {}) {
	// keys before this index are state; a change in the last one alone (the clock's
	// second) is never throttled: a tick must show the new ages when it redraws
	const stateKeys = (keys: readonly unknown[]) => (opts.clockLast ? keys.length - 1 : keys.length);
	let last: readonly unknown[] | null = null;
	let lastEnded = false;
	let value: R;
	let at = -Infinity;
	let stale = false;
	return {
		get(keys: readonly unknown[], ended: boolean, compute: () => R): R {
			if (last && last.length === keys.length && last.every((x, i) => Object.is(x, keys[i]))) {
				stale = false;
				return value;
			}
			const t = clock();
			const stateChanged = !last || last.length !== keys.length || keys.slice(0, stateKeys(keys)).some((x, i) => !Object.is(x, last![i]));
			if (last && stateChanged && t - at < everyMs && !(ended && !lastEnded)) {
				stale = true;
				return value;
			}
			value = compute();
			last = keys;
			lastEnded = ended;
			at = t;
			stale = false;
			return value;
		},
		due: () => (stale ? Math.max(1, at + everyMs - clock()) : 0),
	};
}

export interface Selectors {
	findings(state: RolloutState, now: number): Finding[];
	/**
	 * ms until a throttled view (findings, ranks, paths, GDR) should be recomputed for the
	 * latest state (0 = all up to date)
	 */
	viewsDue(): number;
	header(state: RolloutState, now: number): HeaderModel;
	ranks(state: RolloutState, now: number): RanksModel;
	paths(state: RolloutState): PathsModel;
	gdr(state: RolloutState): GdrModel;
	engine(state: RolloutState): EngineModel;
	endpoint(state: RolloutState): EndpointModel;
	/** `lines` is called only when the revision or query changed (copying the ring costs) */
	logs(lines: () => readonly RawLine[], revision: number, query: LogQuery, dropped: number): LogView;
}

/**
 * Findings are the one costly view (every rule over every rank: ~70 ms at 512
 * ranks), so while the state changes many times a second they are recomputed at
 * most once per `findingsEveryMs`; the caller asks `viewsDue()` and redraws
 * once more when it says so, so the final state always gets its own findings.
 *
 * The ranks, paths and GDR views are rebuilt at most once per `modelsEveryMs` the
 * same way: at 512 ranks they cost ~2.5 ms a frame, and under a log storm the state
 * changes on every frame while the logs pane is the one that has to move at 10
 * frames a second (k9s refreshes its tables every 2 s).
 */
export function createSelectors(title: TuiTitle, findingOptions: FindingOptions, opts: {findingsEveryMs?: number; modelsEveryMs?: number; clock?: () => number} = {}): Selectors {
	const findingsEvery = opts.findingsEveryMs ?? 0;
	const modelsEvery = opts.modelsEveryMs ?? 0;
	// Only the throttles read a clock (the caller's: the view layer reads none); with no
	// throttle every call computes, so no clock is needed.
	if ((findingsEvery > 0 || modelsEvery > 0) && !opts.clock) throw new Error('createSelectors: throttled views need a clock');
	const clock = opts.clock ?? (() => 0);
	// Clocks tick once a second: keying time-dependent models on the second keeps
	// them stable between ticks, so a quiet source redraws at most once a second.
	const sec = (now: number) => Math.floor(now / 1000) * 1000;
	// A clock tick alone re-evaluates findings every 10 s (time-based rules such as
	// init-stalled have thresholds of tens of seconds); a new state waits for the throttle.
	const findings = throttledMemo<Finding[]>(findingsEvery, clock, {clockLast: true});
	const phase = memo<{phase: ReturnType<typeof derivePhase>; spans: PhaseSpan[]}>();
	const header = memo<HeaderModel>();
	const ranks = throttledMemo<RanksModel>(modelsEvery, clock, {clockLast: true});
	const paths = throttledMemo<PathsModel>(modelsEvery, clock);
	const gdr = throttledMemo<GdrModel>(modelsEvery, clock);
	const engine = memo<EngineModel>();
	const endpoint = memo<EndpointModel>();
	const logs = memo<LogView>();
	const rankOpts = {stragglerMs: findingOptions.stragglerSeconds * 1000, silentMs: Math.max(30_000, findingOptions.stragglerSeconds * 3000)};
	const phaseOf = (s: RolloutState) => phase([s], () => ({phase: derivePhase(s), spans: phaseTimeline(s)}));
	// a log read mid-run: per-process views of one communicator read as one (model/comm-join.ts)
	const j = withJoinedComms;
	return {
		findings: (s, now) => findings.get([s, Math.floor(now / 10_000)], s.ended, () => computeFindings(s, sec(now), findingOptions)),
		viewsDue: () => {
			const owed = [findings.due(), ranks.due(), paths.due(), gdr.due()].filter(x => x > 0);
			return owed.length ? Math.min(...owed) : 0;
		},
		header: (s, now) =>
			header([s, sec(now)], () => {
				const p = phaseOf(s);
				return buildHeader(j(s), title, p.phase, p.spans, sec(now));
			}),
		ranks: (s, now) => ranks.get([s.procs, s.comms, s.pods, sec(now)], s.ended, () => buildRanks(j(s), sec(now), rankOpts)),
		paths: s => paths.get([s.topology, s.comms, s.procs, s.nccl], s.ended, () => buildPaths(j(s))),
		gdr: s => gdr.get([s.gdr, s.nccl, s.comms, s.procs], s.ended, () => buildGdr(j(s))),
		engine: s => engine([s.engine], () => buildEngine(s.engine)),
		endpoint: s => endpoint([s.endpoint], () => buildEndpoint(s.endpoint)),
		logs: (lines, rev, q, dropped) => logs([rev, q.filter, q.proc, dropped], () => buildLogView(lines(), q, dropped)),
	};
}
