/**
 * GPU processes (ProcState): created by their first NCCL line, given ranks by
 * vLLM/torch lines or by their communicators, ended by launcher reports.
 */
import type {ProcExitEvent, ProcRanksEvent, ProcSeenEvent} from '../parse/log-events.js';
import type {ProcState, RolloutState} from './state.js';
import {withEntry} from './batch.js';

export function emptyProc(key: string, pod: string | null, host: string | null, pid: number | null, at: number | null): ProcState {
	return {
		key,
		pod,
		host,
		pid,
		cudaDev: null,
		nvmlDev: null,
		busId: null,
		worldRank: null,
		worldRankFrom: null,
		tpRank: null,
		ppRank: null,
		dpRank: null,
		state: 'starting',
		firstSeenAt: at,
		lastLineAt: null,
		comms: [],
		initStartAt: null,
		initCompleteAt: null,
		initSeconds: null,
		exitCode: null,
		failedAt: null,
		failure: null,
		warnings: 0,
	};
}

/** The proc for `key`, created from the key's `pod|host|pid` parts when the parser's proc-seen was not folded. */
export function procOf(state: RolloutState, key: string, at: number | null): ProcState {
	const p = state.procs[key];
	if (p) return p;
	const [pod, host, pid] = key.split('|');
	// a GPU of a process that drives several is `pod|host|pid#dev` (gpuProcKey): the pid before `#`
	const n = pid ? Number.parseInt(pid, 10) : Number.NaN;
	return emptyProc(key, pod ?? null, host || null, Number.isNaN(n) ? null : n, at);
}

/**
 * The GPU row an Init line of process `key` on `cudaDev` belongs to. A process is one row
 * per GPU: nccl-tests `-g N` and `ncclCommInitAll` drive several GPUs from one pid, and NCCL
 * prints an Init line per GPU, each with its own rank, cudaDev and bus id. The first GPU an
 * Init line (or nccl-tests' device table, parse/nccl/tests.ts) names keeps the process's key;
 * another one is `key#cudaDev`. Only those decide it: a head's [dev] is the printing thread's
 * current device (a single-GPU process's RAS or proxy thread prints [0]), not the process's GPU.
 */
export function gpuProcKey(state: RolloutState, key: string, cudaDev: number | null): string {
	if (cudaDev === null) return key;
	const gpu = `${key}#${cudaDev}`;
	if (state.procs[gpu]) return gpu;
	const p = state.procs[key];
	// the process's device is known from an Init line, or from nccl-tests' device table (which names the bus id too)
	const known = p !== undefined && (p.initSeen === true || p.busId !== null);
	return known && p.cudaDev !== null && p.cudaDev !== cudaDev ? gpu : key;
}

/** Whether `member` (a comm member's proc key) is process `proc` or one of its GPU rows. */
export function ofProcess(member: string, proc: string): boolean {
	return member === proc || (member.length > proc.length && member.charCodeAt(proc.length) === 35 /* # */ && member.startsWith(proc));
}

export function withProc(state: RolloutState, proc: ProcState): RolloutState {
	const procs = withEntry(state.procs, proc.key, proc);
	return procs === state.procs ? state : {...state, procs};
}

export function reduceProcSeen(state: RolloutState, e: ProcSeenEvent): RolloutState {
	const have = state.procs[e.proc];
	// nccl-tests' device table names the GPU for sure (a head's [dev] is only the printing thread's)
	if (have) return e.busId === undefined || have.busId !== null || have.initSeen === true ? state : withProc(state, {...have, busId: e.busId, cudaDev: e.dev ?? have.cudaDev});
	const p = emptyProc(e.proc, e.pod, e.host, e.pid, e.at);
	// the head's device until an Init line names it: a log read mid-run may hold none
	if (e.dev !== undefined && e.dev !== null) p.cudaDev = e.dev;
	if (e.busId !== undefined) p.busId = e.busId;
	return withProc(state, p);
}

export function reduceProcRanks(state: RolloutState, e: ProcRanksEvent): RolloutState {
	const p = procOf(state, e.proc, e.at);
	const next: ProcState = {
		...p,
		worldRank: e.worldRank ?? p.worldRank,
		worldRankFrom: e.worldRank !== null ? 'log' : (p.worldRankFrom ?? null),
		tpRank: e.tpRank ?? p.tpRank,
		ppRank: e.ppRank ?? p.ppRank,
		dpRank: e.dpRank ?? p.dpRank,
	};
	if (state.procs[e.proc] && next.worldRank === p.worldRank && next.tpRank === p.tpRank && next.ppRank === p.ppRank && next.dpRank === p.dpRank && next.worldRankFrom === p.worldRankFrom) return state;
	return withProc(state, next);
}

export function reduceProcExit(state: RolloutState, e: ProcExitEvent): RolloutState {
	const p = procOf(state, e.proc, e.at);
	const failed = e.exitCode !== null && e.exitCode > 0;
	const next: ProcState = {
		...p,
		exitCode: e.exitCode,
		state: failed ? 'failed' : p.state === 'failed' ? 'failed' : 'exited',
		failedAt: p.failedAt ?? e.at,
		failure: failed ? (p.failure ?? e.reason) : (p.failure ?? e.reason),
		worldRank: e.worldRank ?? p.worldRank,
		worldRankFrom: e.worldRank !== null ? 'log' : (p.worldRankFrom ?? null),
	};
	if (state.procs[e.proc] && next.exitCode === p.exitCode && next.state === p.state && next.failedAt === p.failedAt && next.failure === p.failure && next.worldRank === p.worldRank) return state;
	return withProc(state, next);
}
