/**
 * Failures (bounded), NCCL WARN groups, and what a failure means for its process.
 * The first half of MAX_FAILURES is kept forever (root causes come first); later
 * ones roll.
 */
import type {FailureEvent, NcclWarnEvent} from '../parse/log-events.js';
import {MAX_FAILURES, MAX_WARN_GROUPS, type FailureRecord, type RolloutState} from './state.js';
import {procOf} from './procs.js';

function resolveProc(state: RolloutState, pod: string, proc: string | null, rank: number | null): string | null {
	if (proc !== null || rank === null) return proc;
	for (const p of Object.values(state.procs)) if (p.pod === pod && p.worldRank === rank) return p.key;
	return null;
}

export function addFailure(state: RolloutState, f: FailureRecord): RolloutState {
	// the same words from another process are its own failure: two DP engine cores each log `MulitprocExecutor got fatal signal …`
	// (no proc key, told apart by the prefix vLLM names them by)
	if (state.failures.some(x => x.kind === f.kind && x.pod === f.pod && x.proc === f.proc && x.message === f.message && (x.procName ?? null) === (f.procName ?? null))) return state;
	let failures = [...state.failures, f];
	if (failures.length > MAX_FAILURES) failures = [...failures.slice(0, MAX_FAILURES / 2), ...failures.slice(failures.length - MAX_FAILURES / 2)];
	let s: RolloutState = {...state, failures};
	// an error of its own (not a peer's death, not a warning) fails the process
	if (f.proc && !f.remote && f.kind !== 'nccl-warn' && f.kind !== 'rank-exit') {
		const p = procOf(s, f.proc, f.at);
		if (p.state !== 'failed') s = {...s, procs: {...s.procs, [p.key]: {...p, state: 'failed', failedAt: p.failedAt ?? f.at, failure: p.failure ?? f.message}}};
	}
	return s;
}

export function reduceFailure(state: RolloutState, e: FailureEvent): RolloutState {
	const proc = resolveProc(state, e.pod, e.proc, e.rank);
	let rank = e.rank;
	if (rank === null && proc) rank = state.procs[proc]?.worldRank ?? null;
	return addFailure(state, {
		kind: e.kind,
		at: e.at,
		pod: e.pod,
		proc,
		rank,
		message: e.message,
		remote: e.remote,
		...(e.exitCode !== undefined ? {exitCode: e.exitCode} : {}),
		...(e.where !== undefined ? {where: e.where} : {}),
		...(e.procName ? {procName: e.procName} : {}),
	});
}

/** Group key: the message with pointers, addresses and ports blurred. */
function groupKey(where: string | null, message: string): string {
	return `${where ?? ''}|${message.replace(/0x[0-9a-f]+/gi, '0x…').replace(/\d+\.\d+\.\d+\.\d+(<\d+>)?/g, '…')}`;
}

export function reduceNcclWarn(state: RolloutState, e: NcclWarnEvent): RolloutState {
	const key = groupKey(e.where, e.message);
	const g = state.warnGroups[key];
	let warnGroups = state.warnGroups;
	if (g) warnGroups = {...warnGroups, [key]: {...g, count: g.count + 1, pods: g.pods.includes(e.pod) ? g.pods : [...g.pods, e.pod], firstAt: g.firstAt ?? e.at}};
	else if (Object.keys(warnGroups).length < MAX_WARN_GROUPS) warnGroups = {...warnGroups, [key]: {message: e.message, where: e.where, count: 1, firstAt: e.at, pods: [e.pod]}};
	let s: RolloutState = warnGroups === state.warnGroups ? state : {...state, warnGroups};
	if (e.proc) {
		const p = procOf(s, e.proc, e.at);
		s = {...s, procs: {...s.procs, [p.key]: {...p, warnings: p.warnings + 1}}};
	}
	if (e.error) {
		const rank = e.proc ? (s.procs[e.proc]?.worldRank ?? null) : null;
		s = addFailure(s, {kind: e.remote ? 'remote-error' : 'nccl-warn', at: e.at, pod: e.pod, proc: e.proc, rank, message: e.message, remote: e.remote, where: e.where});
	}
	return s;
}
