/**
 * Which communicator an NCCL line of one process belongs to, when the line does not
 * name it: the comm being set up, the process's latest comm that fits the ranks the line
 * shows, or an `unknown comm` of the process (a log read from after Init START, 2.18's
 * missing START) that a later Init or Destroy line merges into the named one.
 */
import type {LogEvent} from '../log-events.js';
import type {ProcCtx, StreamCtx, UnknownComm} from '../context.js';

/** Comm for a line of this process that belongs to the communicator being set up. */
function currentComm(proc: ProcCtx): string | null {
	return proc.initComm ?? proc.lastComm;
}

/** The `unknown comm` of a process: its comm lines that nothing names (ProcCtx.unknown). */
const UNKNOWN_COMM = 'unknown comm';
/** a process is one rank per GPU it drives: more ranks than this in one `unknown comm` is garbled text */
const MAX_UNKNOWN_RANKS = 64;
/** unknown comms kept per process (one per rank it was seen at): a world, its splits, a few more */
const MAX_UNKNOWN_COMMS = 8;

/**
 * The comm for a line of this process that nothing names — a log read from after Init
 * START (kubelet rotation, `--since`, a pasted excerpt), or 2.18, which prints no START:
 * `${proc}@unknown comm`, made to exist (comm-seen) with this process at `rank` (null: the
 * line does not say) and at least `size` ranks; a comm-seen again whenever that grows.
 * An Init COMPLETE or Destroy/Abort that fits merges it into the named comm (mergeUnknown).
 */
export function unknownComm(ctx: StreamCtx, proc: ProcCtx, rank: number | null, size: number, at: number | null): string {
	const list = (proc.unknown ??= []);
	const dev = ctx.lineDev;
	// a line that places this process goes to the unknown comm where it holds that rank; else to
	// one where it holds none yet, or holds ranks of other GPUs only (a process driving several);
	// a rank on the same GPU as another is another comm's. A line that does not place it: the last used.
	let i = -1;
	if (rank === null) i = list.length - 1;
	else {
		i = list.findIndex(x => x.ranks.some(r => r.rank === rank));
		if (i === -1) i = list.findIndex(x => !x.sealed && x.nranks <= MAX_UNKNOWN_RANKS && (x.ranks.length === 0 || (dev !== null && x.ranks.every(r => r.dev !== null && r.dev !== dev))));
	}
	let changed = false;
	let u: UnknownComm;
	if (i === -1 && list.length < MAX_UNKNOWN_COMMS) {
		u = {id: list.length ? `${proc.key}@${UNKNOWN_COMM} ${list.length + 1}` : `${proc.key}@${UNKNOWN_COMM}`, ranks: [], nranks: 0, sealed: false};
		changed = true;
	} else u = list.splice(i === -1 ? list.length - 1 : i, 1)[0]!;
	list.push(u);
	if (rank !== null) {
		if (!u.ranks.some(r => r.rank === rank) && u.ranks.length < MAX_UNKNOWN_RANKS) {
			u.ranks.push({rank, dev});
			changed = true;
		}
		size = Math.max(size, rank + 1);
	}
	if (size > u.nranks && size <= MAX_UNKNOWN_RANKS) {
		u.nranks = size;
		changed = true;
	}
	if (changed) ctx.events.push({type: 'comm-seen', pod: ctx.pod, at, proc: proc.key, comm: u.id, rank, nranks: u.nranks});
	return u.id;
}

/**
 * The process's unknown comm where it is `rank` (or not yet placed) and whose lines fit
 * `nranks` is `into` — at a `comm 0x… nRanks` line or an Init COMPLETE only while no Init
 * START came after those lines (else they are an earlier comm's), at a Destroy/Abort of a
 * comm whose init this log does not show.
 */
export function mergeUnknown(ctx: StreamCtx, proc: ProcCtx, into: string, rank: number, nranks: number, at: number | null, byEnd: boolean): void {
	const list = proc.unknown;
	if (!list || list.length === 0) return;
	const fits = (u: UnknownComm) => u.id !== into && (!u.sealed || byEnd) && u.nranks <= nranks;
	let i = list.findIndex(u => u.ranks.some(r => r.rank === rank) && fits(u));
	if (i === -1) i = list.findIndex(u => u.ranks.length === 0 && fits(u));
	if (i === -1) return;
	const u = list.splice(i, 1)[0]!;
	ctx.events.push({type: 'comm-merge', pod: ctx.pod, at, proc: proc.key, from: u.id, into});
}

/** An Init START: the lines after it are that comm's, the unknown comms' lines before it earlier ones'. */
export function sealUnknown(proc: ProcCtx): void {
	for (const u of proc.unknown ?? []) u.sealed = true;
}

/**
 * A comm known only by this process's pointer, `${proc}@0x…` (a `comm 0x… rank R nRanks N
 * …` or Destroy line whose Init line the log does not hold): an Init line that later names
 * the commId or parent for that pointer merges it there. `opening`: the line is printed
 * while the comm is set up (the lines after it are this comm's).
 */
export function pointerComm(proc: ProcCtx, ptr: string, rank: number, nranks: number, opening: boolean): string {
	const comm = `${proc.key}@${ptr}`;
	proc.ptrToComm.set(ptr, comm);
	(proc.provisional ??= new Set()).add(comm);
	if (opening) {
		proc.commRanks.delete(comm);
		proc.commRanks.set(comm, {rank, nranks});
		proc.initComm = comm;
		proc.lastComm = comm;
	}
	return comm;
}

/** A comm line that names no comm (pattern, channel counts, `Connected all rings`): the current one, else the `unknown comm`. */
export function emitCommScoped(ctx: StreamCtx, proc: ProcCtx, ev: LogEvent & {comm: string}): void {
	ev.comm = currentComm(proc) ?? unknownComm(ctx, proc, null, 0, ev.at);
	ctx.events.push(ev);
}

/**
 * Ring and tree lines are printed only while a comm is set up (between its Init START
 * and COMPLETE): they go to the comm being set up, or, with none open (2.18 prints no
 * START; a log read from mid-init), to the `unknown comm`, which the next Init COMPLETE
 * that fits takes. `rank`/`size`: the process's rank and the ranks the line shows.
 */
export function initScoped(ctx: StreamCtx, proc: ProcCtx, ev: LogEvent & {comm: string}, rank: number | null, size: number): void {
	ev.comm = proc.initComm ?? unknownComm(ctx, proc, rank, size, ev.at);
	ctx.events.push(ev);
}

/**
 * Channel lines name ranks, not comms. Connections are also made lazily at the
 * first collective (corpus crash-rank1: the world comm's NET/Socket channels come
 * after a split comm's Init START), so a line goes to the comm being set up only
 * when this process is one end and both ranks exist there; else to the most
 * recent comm where that holds.
 */
export function commForLink(proc: ProcCtx, from: number, to: number): string | null {
	const fits = (id: string | null) => {
		if (id === null) return false;
		const r = proc.commRanks.get(id);
		return !!r && from < r.nranks && to < r.nranks && (r.rank === from || r.rank === to);
	};
	if (fits(proc.initComm)) return proc.initComm;
	if (proc.initComm === null && fits(proc.lastComm)) return proc.lastComm;
	const ids = [...proc.commRanks.keys()];
	for (let k = ids.length - 1; k >= 0; k--) if (fits(ids[k]!)) return ids[k]!;
	return null;
}
