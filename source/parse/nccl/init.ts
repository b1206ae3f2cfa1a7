/**
 * A communicator's life in one process: its Init START/COMPLETE (`ncclCommInitRankConfig
 * comm 0x… rank 0 nranks 2 … - Init START`), the `comm 0x… rank R nRanks N …` line of its
 * setup, `Init timings` after COMPLETE, and its Destroy/Abort (docs/log-formats/nccl.md §1.2).
 */
import type {AtFn, ProcCtx, StreamCtx} from '../context.js';
import {mergeUnknown, pointerComm, sealUnknown} from './comms.js';
import {parseInitTimings} from './rings.js';

// e.g. "ncclCommInitRankConfig comm 0x2eaa44e0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 60 commId 0xe5be1de28bddac49 - Init START"
// e.g. "[Rank 0] ncclCommInitRankConfig comm 0x… rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0x… - Init START" (2.29+)
// e.g. "ncclCommSplit comm 0x412d1530 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 60 parent 0x39a819d0 splitCount 1 color 2130503744 key 0- Init START" (2.24+)
// e.g. "comm 0x5581 rank 0 nranks 2 cudaDev 0 busId 1b000 commId 0xabc - Init COMPLETE" (2.18)
const INIT_LINE =
	/^(?:\[Rank \d+\] )?(?:(\w+) )?comm (0x[0-9a-fA-F]+|\(nil\)) rank (\d+) nranks (\d+) cudaDev (\d+)(?: nvmlDev (\d+))? busId ([0-9a-fA-F]+)(?: commId (0x[0-9a-fA-F]+))?(?: parent (0x[0-9a-fA-F]+|\(nil\))(?: (?:splitCount|childCount) \d+)? color (-?\d+) key (-?\d+))?(?: commId (0x[0-9a-fA-F]+))?\s*- Init (START|COMPLETE)/;

// e.g. "comm 0x39a819d0 rank 0 nRanks 4 nNodes 2 localRanks 2 localRank 0 MNNVL 0" (2.20+)
const COMM_INFO = /^comm (0x[0-9a-fA-F]+) rank (\d+) nRanks (\d+) nNodes (\d+) localRanks (\d+)/;

// e.g. "comm 0x3dd742d0 rank 1 nranks 4 cudaDev 1 busId 70 - Destroy COMPLETE", "… nRanks 4 … - Abort COMPLETE"
const COMM_END = /^comm (0x[0-9a-fA-F]+) rank (\d+) n[Rr]anks (\d+) cudaDev (\d+) busId ([0-9a-fA-F]+) - (Destroy|Abort) COMPLETE/;

// e.g. "bootstrapSplit: comm 0x7f8298e6e1d0 parent 0x5575f8179cf0 rank 1 nranks 4 color 116666945 key 1 prev 0 next 2 - DONE"
// (src/bootstrap.cc bootstrapSplit, INFO(NCCL_INIT, "bootstrapSplit: comm %p parent %p rank %d nranks %d color %d key %d prev %d next %d - DONE")
// in v2.20.3-1 … v2.22.3-1; v2.19 prints no comm/parent, v2.23.4-1+ prints it at TRACE(NCCL_BOOTSTRAP) only)
const BOOTSTRAP_SPLIT = /^bootstrapSplit: comm (0x[0-9a-fA-F]+) parent (?:0x[0-9a-fA-F]+|\(nil\)) rank (\d+) nranks (\d+) color (-?\d+)/;

/**
 * `bootstrapSplit: comm 0x… parent 0x… rank R nranks N color C …` (2.20–2.22): printed in the
 * process before that comm's Init START (src/init.cc ncclCommInitRankFunc calls bootstrapSplit,
 * then prints the START), so it places the process at rank R of an N-rank comm known by its
 * pointer; the START that names the commId for the pointer takes it (initLine's provisional).
 * A log cut between the two (NVIDIA/nccl#1609) still has each process's rank.
 */
export function bootstrapSplitLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const m = BOOTSTRAP_SPLIT.exec(msg);
	if (!m) return;
	const ptr = m[1]!;
	const rank = Number(m[2]);
	const nranks = Number(m[3]);
	if (proc.ptrToComm.has(ptr)) return;
	const comm = pointerComm(proc, ptr, rank, nranks, true);
	ctx.events.push({type: 'comm-seen', pod: ctx.pod, at: at(), proc: proc.key, comm, rank, nranks});
}

/**
 * `comm 0x…` lines: Destroy/Abort COMPLETE, the `comm 0x… rank R nRanks N nNodes …` line of a
 * comm's setup, or (≤2.20, no caller name) `comm 0x… rank 0 nranks 2 … - Init COMPLETE`.
 */
export function commLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	if (msg.endsWith('COMPLETE') && (msg.includes('- Destroy') || msg.includes('- Abort'))) {
		const e = COMM_END.exec(msg);
		if (e) commEnd(ctx, proc, e, at);
		return;
	}
	const i = COMM_INFO.exec(msg);
	if (i) {
		// names the pointer, rank and size: alone (a log read from after Init START) it makes the comm
		const ptr = i[1]!;
		const rank = Number(i[2]);
		const nranks = Number(i[3]);
		const comm = proc.ptrToComm.get(ptr) ?? pointerComm(proc, ptr, rank, nranks, true);
		// printed after the graph search (`Pattern …` lines) of the same init: the unknown comm's lines before it are this comm's when they fit
		mergeUnknown(ctx, proc, comm, rank, nranks, at(), false);
		ctx.events.push({type: 'comm-info', pod: ctx.pod, at: at(), proc: proc.key, comm, rank, nranks, nNodes: Number(i[4]), localRanks: Number(i[5]), ptr});
		return;
	}
	if (msg.endsWith('- Init START') || msg.endsWith(' - Init COMPLETE')) initLine(ctx, proc, msg, at);
}

/**
 * `Init timings` follows its comm's Init COMPLETE in the same process (src/init.cc): the
 * comm just completed, checked by the rank and size the line names; else the latest comm
 * of this process where they fit.
 */
export function initTimings(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const t = parseInitTimings(msg);
	if (!t) return;
	const fits = (id: string | null) => {
		if (id === null) return false;
		const r = proc.commRanks.get(id);
		return !!r && r.rank === t.rank && r.nranks === t.nranks;
	};
	let comm: string | null = fits(proc.lastComm) ? proc.lastComm : null;
	if (comm === null) {
		const ids = [...proc.commRanks.keys()];
		for (let k = ids.length - 1; k >= 0 && comm === null; k--) if (fits(ids[k]!)) comm = ids[k]!;
	}
	if (comm === null) return;
	ctx.events.push({type: 'comm-init-timings', pod: ctx.pod, at: at(), proc: proc.key, comm, rank: t.rank, nranks: t.nranks, caller: t.caller, timings: t.timings});
}

export function initLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const m = INIT_LINE.exec(msg);
	if (!m) return;
	const ptr = m[2]!;
	const commId = m[8] ?? m[12] ?? null;
	const parentPtr = m[9] ?? null;
	const color = m[10] === undefined ? null : Number(m[10]);
	let comm = ptr !== '(nil)' ? proc.ptrToComm.get(ptr) : undefined;
	// known so far only by its pointer (a `comm 0x… nRanks` or Destroy line of a log read from after Init START)
	const provisional = comm !== undefined && proc.provisional?.has(comm) ? comm : null;
	let parentComm: string | null = null;
	if (parentPtr !== null) parentComm = proc.ptrToComm.get(parentPtr) ?? `?${parentPtr}`;
	if (commId) comm = commId;
	else if (!comm || (provisional !== null && parentPtr !== null)) comm = parentPtr !== null ? `${parentComm}/${color}` : `${proc.key}@${ptr}`;
	if (ptr !== '(nil)') proc.ptrToComm.set(ptr, comm);
	const rank = Number(m[3]);
	const nranks = Number(m[4]);
	const phase = m[13] === 'START' ? 'start' : 'complete';
	const t = at();
	if (provisional !== null && provisional !== comm) {
		// the pointer's comm now has its name: what was read under the pointer moves there
		proc.provisional!.delete(provisional);
		proc.commRanks.delete(provisional);
		if (proc.initComm === provisional) proc.initComm = comm;
		if (proc.lastComm === provisional) proc.lastComm = comm;
		ctx.events.push({type: 'comm-merge', pod: ctx.pod, at: t, proc: proc.key, from: provisional, into: comm});
	}
	// an Init START: the lines before it are another comm's; a COMPLETE takes them when they fit
	if (phase === 'start') sealUnknown(proc);
	else mergeUnknown(ctx, proc, comm, rank, nranks, t, false);
	proc.commRanks.delete(comm);
	proc.commRanks.set(comm, {rank, nranks});
	proc.busId = m[7]!.toLowerCase();
	proc.cudaDev = Number(m[5]);
	ctx.events.push({
		type: 'comm-init',
		pod: ctx.pod,
		at: t,
		proc: proc.key,
		comm,
		phase,
		caller: m[1] ?? null,
		ptr,
		rank,
		nranks,
		cudaDev: Number(m[5]),
		nvmlDev: m[6] === undefined ? null : Number(m[6]),
		busId: proc.busId,
		parentComm,
		color,
	});
	if (phase === 'start') proc.initComm = comm;
	else if (proc.initComm === comm) proc.initComm = null;
	proc.lastComm = comm;
}

/**
 * `comm 0x… rank R nranks N cudaDev D busId B - Destroy COMPLETE` (or `- Abort`, `nRanks`
 * in 2.30): names the rank, size, device and bus id, so a comm this log never showed the
 * init of is made here (by its pointer) and its member destroyed; the process's `unknown
 * comm` goes into it when it fits.
 */
function commEnd(ctx: StreamCtx, proc: ProcCtx, e: RegExpExecArray, at: AtFn): void {
	const ptr = e[1]!;
	const rank = Number(e[2]);
	const nranks = Number(e[3]);
	const cudaDev = Number(e[4]);
	const busId = e[5]!.toLowerCase();
	const t = at();
	let comm = proc.ptrToComm.get(ptr);
	const unseen = comm === undefined || proc.provisional?.has(comm) === true;
	if (comm === undefined) comm = pointerComm(proc, ptr, rank, nranks, false);
	if (unseen) mergeUnknown(ctx, proc, comm, rank, nranks, t, true);
	proc.busId ??= busId;
	proc.cudaDev ??= cudaDev;
	ctx.events.push({type: 'comm-end', pod: ctx.pod, at: t, proc: proc.key, comm, rank, how: e[6] === 'Abort' ? 'abort' : 'destroy', ptr, nranks, cudaDev, busId});
}
