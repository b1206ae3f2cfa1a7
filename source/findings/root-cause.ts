/**
 * Which failure came first. When one rank dies its peers fail too — with
 * `ncclRemoteError`, `Connection closed by remote peer`, watchdog timeouts, or a
 * SIGTERM from their launcher — and those follow-ons often print louder and
 * later. The root cause is the EARLIEST failure that is not such a follow-on.
 * Shared by rank-exited, nccl-error and collective-timeout; memoised per state.
 */
import type {FailureRecord, ProcState, RolloutState} from '../model/state.js';
import {CLOCK_SKEW_MS, rankLabel} from './subject.js';

export interface FailureSubject {
	/** proc key, or `pod|rank`, or `pod` */
	key: string;
	proc: ProcState | null;
	pod: string | null;
	rank: number | null;
	/** earliest evidence of this subject's failure (ms), null when the logs carry no time */
	at: number | null;
	exitCode: number | null;
	/** true: every piece of evidence says a peer went away, or the launcher tore it down */
	followOn: boolean;
	records: FailureRecord[];
	label: string;
	/** one short phrase: `exited with code 3`, `ncclRemoteError: …` */
	reason: string;
}

export interface FailureAnalysis {
	root: FailureSubject | null;
	/** other independent failures within clock skew of the root, on other pods: reported as ties */
	ties: FailureSubject[];
	/** everything else, earliest first */
	followOns: FailureSubject[];
	all: FailureSubject[];
}

/** Exit codes meaning "terminated by someone else": torchrun/elastic sends SIGTERM to the survivors. */
const teardownExitCodes = new Set([-15, 143]);

const signals: Record<number, string> = {[-6]: 'SIGABRT', [-9]: 'SIGKILL', [-11]: 'SIGSEGV', [-15]: 'SIGTERM', [-7]: 'SIGBUS', [-2]: 'SIGINT'};

/** `exit code 3`, `killed by SIGTERM (exit -15)` */
export function describeExit(code: number): string {
	const sig = signals[code] ?? (code > 128 && code < 160 ? signals[-(code - 128)] : undefined);
	if (sig) return `killed by ${sig} (exit ${code})`;
	return `exited with code ${code}`;
}

function isRemote(f: FailureRecord): boolean {
	return f.remote || f.kind === 'remote-error' || f.kind === 'watchdog-timeout';
}

// elastic's report for a rank it terminated: `traceback : Signal 15 (SIGTERM) received by PID 1462`
const sigtermRe = /SIGTERM|Signal 15\b/;

/** A launcher's report that it SIGTERMed a rank is the teardown, not that rank's own failure. */
function isTeardown(f: FailureRecord): boolean {
	if (f.kind !== 'rank-exit') return false;
	if (f.exitCode !== undefined && f.exitCode !== null) return teardownExitCodes.has(f.exitCode);
	return sigtermRe.test(f.message);
}

// torch.distributed.elastic's own traceback after a child died: `…errors.ChildFailedError:`
const launcherSummaryRe = /ChildFailedError/;

function isLauncherSummary(f: FailureRecord): boolean {
	return f.proc === null && f.rank === null && launcherSummaryRe.test(f.message);
}

export function procForRecord(state: RolloutState, f: FailureRecord): ProcState | null {
	if (f.proc && state.procs[f.proc]) return state.procs[f.proc]!;
	if (f.rank === null) return null;
	let found: ProcState | null = null;
	for (const p of Object.values(state.procs)) {
		if (p.worldRank !== f.rank) continue;
		if (f.pod !== null && p.pod !== null && p.pod !== f.pod) continue;
		if (found) return null; // ambiguous (several incarnations): don't guess
		found = p;
	}
	return found;
}

/** `rank 3 (pod1, GPU busId 90)` for a record, as precisely as the state allows. */
export function labelForRecord(state: RolloutState, f: FailureRecord): string {
	const p = procForRecord(state, f);
	if (p) return rankLabel(state, p, f.rank);
	// no GPU process known for it: the process vLLM's prefix or message named (`EngineCore_DP0 pid=269`, `ApiServer_0 pid=359`)
	if (f.rank !== null) return `rank ${f.rank} (${f.pod ?? 'unknown pod'}${f.procName ? `, ${f.procName}` : ''})`;
	return `pod ${f.pod ?? 'unknown'}${f.procName ? ` (${f.procName})` : ''}`;
}

function minTime(a: number | null, b: number | null): number | null {
	if (a === null) return b;
	if (b === null) return a;
	return Math.min(a, b);
}

function byTime(a: FailureSubject, b: FailureSubject): number {
	if (a.at === null && b.at === null) return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
	if (a.at === null) return 1;
	if (b.at === null) return -1;
	return a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

// `WorkNCCL(SeqNum=2, OpType=ALLREDUCE, …)` in a watchdog timeout
const opTypeRe = /OpType=(\w+)/;
// `ncclRemoteError: A call failed …`
const ncclResultRe = /\bnccl[A-Z][A-Za-z]+Error\b/;

function remoteReason(f: FailureRecord): string {
	if (f.kind === 'watchdog-timeout') {
		const op = f.message.match(opTypeRe)?.[1];
		return `watchdog timeout${op ? ` (${op})` : ''}`;
	}
	const name = f.message.match(ncclResultRe)?.[0] ?? (/closed by remote peer/i.test(f.message) ? 'Connection closed by remote peer' : shorten(f.message, 60));
	return `peer went away (${name})`;
}

function shorten(s: string, n = 120): string {
	const one = s.replace(/\s+/g, ' ').trim();
	return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

const cache = new WeakMap<RolloutState, FailureAnalysis>();

export function analyzeFailures(state: RolloutState): FailureAnalysis {
	const hit = cache.get(state);
	if (hit) return hit;

	const subjects = new Map<string, FailureSubject>();
	const subjectFor = (proc: ProcState | null, pod: string | null, rank: number | null): FailureSubject => {
		const key = proc ? proc.key : rank !== null ? `${pod ?? '?'}|${rank}` : (pod ?? '?');
		let s = subjects.get(key);
		if (!s) {
			s = {
				key,
				proc,
				pod: proc?.pod ?? pod,
				rank,
				at: null,
				exitCode: proc?.exitCode ?? null,
				followOn: true,
				records: [],
				label: proc ? rankLabel(state, proc) : rank !== null ? `rank ${rank} (${pod ?? 'unknown pod'})` : `pod ${pod ?? 'unknown'}`,
				reason: '',
			};
			subjects.set(key, s);
		}
		return s;
	};

	// Evidence 1: processes the launcher reported as failed/exited abnormally.
	for (const p of Object.values(state.procs)) {
		const abnormal = p.state === 'failed' || (p.state === 'exited' && p.exitCode !== null && p.exitCode !== 0);
		if (!abnormal) continue;
		const s = subjectFor(p, p.pod, p.worldRank);
		s.at = minTime(s.at, p.failedAt);
		if (p.exitCode === null || !teardownExitCodes.has(p.exitCode)) s.followOn = false;
	}
	// Evidence 2: error records (NCCL WARNs are not failures by themselves; the launcher's
	// `ChildFailedError` summary repeats the exit reports it follows).
	for (const f of state.failures) {
		if (f.kind === 'nccl-warn' || isLauncherSummary(f)) continue;
		const proc = procForRecord(state, f);
		const s = subjectFor(proc, f.pod, f.rank);
		s.records.push(f);
		if (f.exitCode !== undefined && f.exitCode !== null && s.exitCode === null) s.exitCode = f.exitCode;
	}
	for (const s of subjects.values()) {
		const own = s.records.filter(f => !isRemote(f) && !isTeardown(f));
		// no GPU process known for it: name the process vLLM's prefix or message named (`EngineCore_DP0 pid=269`, `ApiServer_0 pid=359`)
		const named = s.proc ? undefined : (own.find(f => f.procName) ?? s.records.find(f => f.procName));
		if (named?.procName) s.label = s.rank !== null ? `rank ${s.rank} (${s.pod ?? 'unknown pod'}, ${named.procName})` : `pod ${s.pod ?? 'unknown'} (${named.procName})`;
		// A launcher's exit report (even one flagged remote) is not evidence of what the rank saw.
		const remote = s.records.filter(f => isRemote(f) && f.kind !== 'rank-exit');
		const exitRemote = s.records.filter(f => isRemote(f) && f.kind === 'rank-exit');
		const firstRemote = remote.reduce<number | null>((t, f) => minTime(t, f.at), null);
		if (own.length > 0) {
			s.followOn = false;
			s.at = minTime(
				s.at,
				own.reduce<number | null>((t, f) => minTime(t, f.at), null),
			);
		}
		// A process that saw a peer vanish and then aborted is a follow-on, whatever its exit code.
		if (own.length === 0 && (remote.length > 0 || exitRemote.length > 0)) {
			s.followOn = true;
			s.at = minTime(s.at, firstRemote ?? exitRemote.reduce<number | null>((t, f) => minTime(t, f.at), null));
		}
		if (s.exitCode !== null && teardownExitCodes.has(s.exitCode) && own.length === 0) s.followOn = true;
		const firstOwn = own.find(f => f.kind !== 'rank-exit') ?? own[0];
		const exit = s.exitCode !== null && s.exitCode !== 0 ? describeExit(s.exitCode) : null;
		if (s.followOn) {
			const r = remote[0];
			if (r) s.reason = remoteReason(r);
			else if (exit && s.exitCode !== null && teardownExitCodes.has(s.exitCode)) s.reason = `${exit} from its launcher`;
			else s.reason = exit ?? 'terminated';
		} else {
			// The launcher's exit report says only the code; any other record says why.
			const why = firstOwn && firstOwn.kind !== 'rank-exit' ? shorten(firstOwn.message) : null;
			s.reason = exit && why ? `${exit} after "${why}"` : (exit ?? (why ? `failed: "${why}"` : s.proc?.failure ? `failed: "${shorten(s.proc.failure)}"` : 'failed'));
		}
	}

	// A pod-level error (no process attributed) and a failed process of that pod within
	// a few seconds are one failure: keep the process, it names the rank and GPU. A
	// process that already saw a peer vanish absorbs only errors that came after that.
	const near = (a: number | null, b: number | null) => a === null || b === null || Math.abs(a - b) <= 5000;
	for (const s of [...subjects.values()]) {
		if (s.proc || s.rank !== null) continue;
		const closest = (xs: FailureSubject[]) => xs.sort((a, b) => Math.abs((a.at ?? 0) - (s.at ?? 0)) - Math.abs((b.at ?? 0) - (s.at ?? 0)))[0];
		const others = [...subjects.values()].filter(o => o !== s && (o.proc || o.rank !== null) && o.pod === s.pod && near(o.at, s.at));
		// A pod-level remote error (a traceback's continuation line) belongs to the nearest rank of its pod.
		const same = s.followOn ? closest(others) : (closest(others.filter(o => !o.followOn)) ?? closest(others.filter(o => o.at === null || s.at === null || s.at >= o.at)));
		if (!same) continue;
		same.records.push(...s.records);
		if (!same.followOn) {
			same.at = minTime(same.at, s.at);
			if (!same.reason.includes(' after ') && s.records[0]) same.reason = `${same.reason} after "${shorten(s.records[0].message)}"`;
		}
		subjects.delete(s.key);
	}

	const all = [...subjects.values()].sort(byTime);
	const roots = all.filter(s => !s.followOn);
	const root = roots[0] ?? null;
	const ties = root && root.at !== null ? roots.slice(1).filter(s => s.at !== null && s.at - root.at! <= CLOCK_SKEW_MS && s.pod !== root.pod) : [];
	const followOns = all.filter(s => s !== root && !ties.includes(s));
	const result = {root, ties, followOns, all};
	cache.set(state, result);
	return result;
}
