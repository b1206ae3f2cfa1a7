/**
 * NCCL INFO/WARN messages (the text after `NCCL INFO `), NCCL 2.18 … 2.32, and the 2.31+
 * diagnostics report (`host:pid NCCL DIAG …`, nccl-diag.ts).
 * Format strings and their version ranges: log-formats.md §1. The order of the
 * checks follows frequency at NCCL_DEBUG_SUBSYS=ALL: per-collective and proxy
 * noise is rejected by its first characters before any regex runs.
 */
import type {LogEvent, ParsedLink, ParsedNetDevice} from './log-events.js';
import type {ProcCtx, StreamCtx, UnknownComm} from './context.js';
import {feedTopology, startTopology} from './nccl-topology.js';
import {parseInitTimings, parseRingOrder, parseRing, parseTrees} from './nccl-rings.js';
import {parseDiag} from './nccl-diag.js';

export type AtFn = () => number | null;

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

// e.g. "Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM", "Channel 00 : 0[0] -> 1[1] via SHM/direct/direct",
//      "Channel 00/0 : 3[3] -> 0[0] [receive] via NET/Socket/0", "Channel 01/0 : 0[1b000] -> 1[1c000] via P2P/direct pointer/read" (2.18)
const CHANNEL_LINK = /^Channel (\d+)(?:\/\d+)? : (\d+)\[[0-9a-fA-Fx]+\] -> (\d+)\[[0-9a-fA-Fx]+\](?: \[(send|receive)\])? via (.+?)\s*$/;

// e.g. "Pattern 4, crossNic 0, nChannels 1, bw 1.200000/1.200000, type NVL/PHB, sameChannels 1"
const PATTERN = /^Pattern (\d+), crossNic \d+, nChannels (\d+), bw ([\d.]+)\/([\d.]+), type (\w+)\/(\w+)/;

// e.g. "2 coll channels, 2 collnet channels, 0 nvls channels, 2 p2p channels, 2 p2p channels per peer" (2.20+)
// e.g. "2 coll channels, 0 nvls channels, 2 p2p channels, 2 p2p channels per peer" (2.18–2.19)
const CHANNEL_COUNTS = /^(\d+) coll channels, (?:(\d+) collnet channels, )?(\d+) nvls channels, (\d+) p2p channels/;

// e.g. "NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.0.0.1<0>"
// 2.30.7+ (transport/net_ib/init.cc) adds `:rail` and/or `:plane` after the port: "[0]mlx5_0:1:2/IB",
// "[0]mlx5_0:1:2:1/IB", and with a plane but no rail an empty field: "[0]mlx5_0:1::1/IB"
const IB_DEVICE = /\[(\d+)\]([^:\s]+):(\d+)(?::\d*)*\/(\w+)/g;
// e.g. "NET/Socket : Using [0]eth0:192.0.2.2<0> [1]eth1:10.0.0.2<0>"
const SOCKET_DEVICE = /\[(\d+)\]([^:\s]+):\S+/g;

// e.g. "NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'", "NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'"
const GDR_HCA = /^NET\/(\S+) : GPU Direct RDMA (Enabled|Disabled) for HCA (\d+) '([^']*)'/;
// e.g. "GPU Direct RDMA Enabled for GPU 81000 / HCA 0 (distance 4 <= 4), read 1" (2.18–2.23; 2.24–2.25 GPU is a rank; 2.26–2.28 adds "mode Default")
const GDR_GPU_OLD = /^GPU Direct RDMA (Enabled|Disabled) for (?:GPU|HCA) ([0-9a-fA-Fx]+) \/ HCA ([0-9a-fA-Fx]+)/;
// e.g. "GPU Direct RDMA Enabled for GPU/0-1b000 (rank 0) - NET/0-c (distance 3 <= 4, read 1, mode Default)" (2.29)
const GDR_GPU_NEW = /^GPU Direct RDMA (Enabled|Disabled) for GPU\/([0-9a-fA-F-]+)(?: \(rank \d+\))? - NET\/([0-9a-fA-F-]+)/;

// e.g. "Connected all rings, use ring PXN 0 GDR 1" (2.24+)
const RINGS_GDR = /GDR (\d+)/;

/** WARN texts that mean a peer went away (the error is a consequence, not the cause). */
export function isRemoteText(t: string): boolean {
	return t.includes('closed by remote peer') || t.includes('ncclRemoteError') || t.includes('remote process exited') || t.includes('Connection reset by peer');
}

/** WARN texts that are real errors (not "could not read …, ignoring"). */
function isErrorWarn(t: string): boolean {
	return !/ignoring|Defaulting|retrying/i.test(t);
}

/**
 * NCCL's RAS thread (2.24+) failing to listen on its client port (localhost:28028, NCCL_RAS_ADDR):
 * every process after the first on a host prints it, and the job runs on (RAS carries none of its
 * traffic; src/ras/client_support.cc rasClientInitSocket, 2.24 → 2.32: SYSCHECKGOTO's
 * "Call to bind failed: %s", then INFO "RAS failed to establish a client listening socket at %s").
 */
// e.g. where "ras/client_support.cc:160", message "Call to bind failed: Address already in use" (2.26, vllm-project/vllm#19204);
// 2.30.7+ prints the function too: "ras/client_support.cc:179 (rasClientInitSocket) NCCL WARN …" (where stays file:line)
export function isRasBindNoise(where: string | null, message: string): boolean {
	return where !== null && where.startsWith('ras/') && message.includes('Address already in use');
}

export function normaliseTransport(raw: string): string {
	const parts = raw.split('/');
	const head = parts[0]!;
	if (head === 'NET') return `NET/${parts[1] ?? '?'}${raw.includes('/GDRDMA') ? '/GDRDMA' : ''}`;
	if (head === 'P2P') {
		const kind = (parts[1] ?? '').split(' ')[0]!;
		return `P2P/${kind}`;
	}
	if (head.startsWith('SHM')) return 'SHM';
	return head;
}

/** Comm for a line of this process that belongs to the communicator being set up. */
function currentComm(proc: ProcCtx): string | null {
	return proc.initComm ?? proc.lastComm;
}

/** The `unknown comm` of a process: its comm lines that nothing names (ProcCtx.unknown). */
export const UNKNOWN_COMM = 'unknown comm';
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
function unknownComm(ctx: StreamCtx, proc: ProcCtx, rank: number | null, size: number, at: number | null): string {
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
function mergeUnknown(ctx: StreamCtx, proc: ProcCtx, into: string, rank: number, nranks: number, at: number | null, byEnd: boolean): void {
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
function sealUnknown(proc: ProcCtx): void {
	for (const u of proc.unknown ?? []) u.sealed = true;
}

/**
 * A comm known only by this process's pointer, `${proc}@0x…` (a `comm 0x… rank R nRanks N
 * …` or Destroy line whose Init line the log does not hold): an Init line that later names
 * the commId or parent for that pointer merges it there. `opening`: the line is printed
 * while the comm is set up (the lines after it are this comm's).
 */
function pointerComm(proc: ProcCtx, ptr: string, rank: number, nranks: number, opening: boolean): string {
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
function emitCommScoped(ctx: StreamCtx, proc: ProcCtx, ev: LogEvent & {comm: string}): void {
	ev.comm = currentComm(proc) ?? unknownComm(ctx, proc, null, 0, ev.at);
	ctx.events.push(ev);
}

/**
 * Ring and tree lines are printed only while a comm is set up (between its Init START
 * and COMPLETE): they go to the comm being set up, or, with none open (2.18 prints no
 * START; a log read from mid-init), to the `unknown comm`, which the next Init COMPLETE
 * that fits takes. `rank`/`size`: the process's rank and the ranks the line shows.
 */
function initScoped(ctx: StreamCtx, proc: ProcCtx, ev: LogEvent & {comm: string}, rank: number | null, size: number): void {
	ev.comm = proc.initComm ?? unknownComm(ctx, proc, rank, size, ev.at);
	ctx.events.push(ev);
}

/**
 * `Init timings` follows its comm's Init COMPLETE in the same process (src/init.cc): the
 * comm just completed, checked by the rank and size the line names; else the latest comm
 * of this process where they fit.
 */
function initTimings(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
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

/**
 * Channel lines name ranks, not comms. Connections are also made lazily at the
 * first collective (corpus crash-rank1: the world comm's NET/Socket channels come
 * after a split comm's Init START), so a line goes to the comm being set up only
 * when this process is one end and both ranks exist there; else to the most
 * recent comm where that holds.
 */
function commForLink(proc: ProcCtx, from: number, to: number): string | null {
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

function finishTopology(ctx: StreamCtx, proc: ProcCtx, at: AtFn): void {
	const acc = proc.topo;
	if (!acc) return;
	proc.topo = null;
	const key = proc.remote ? `${ctx.pod}/${proc.host}` : ctx.pod;
	ctx.events.push({type: 'topology', pod: ctx.pod, at: at(), proc: proc.key, key, topology: acc.topology});
}

/** End any open multi-line block of this process (end of stream). */
export function flushProc(ctx: StreamCtx, proc: ProcCtx): void {
	finishTopology(ctx, proc, () => null);
}

function warn(ctx: StreamCtx, proc: ProcCtx, where: string | null, msg: string, at: AtFn): void {
	const message = msg.trim();
	const remote = isRemoteText(message);
	const error = isErrorWarn(message) && !isRasBindNoise(where, message);
	ctx.events.push({type: 'nccl-warn', pod: ctx.pod, at: at(), proc: proc.key, where, message, error, remote});
	// e.g. "transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer …": the IB transport is in use
	if (where !== null && where.startsWith('transport/net_ib')) ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'ib-in-use', from: 'warn', evidence: message}});
	// NCCL_SOCKET_IFNAME matching nothing: "Bootstrap : no socket interface found", "NET/Socket : No usable listening interface found"
	if (/no socket interface found|No usable listening interface/i.test(message)) {
		ctx.events.push({type: 'failure', pod: ctx.pod, at: at(), kind: 'socket-ifname', proc: proc.key, rank: null, message, remote: false, where});
	}
}

/** [A-Z0-9_], the characters of an env name (env()'s key test). */
function isEnvKeyChar(c: number): boolean {
	return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

// NCCL_IB_HCA is reported only this way, whenever the user set it (transport/net_ib.cc, 2.18 → 2.30):
// e.g. "NCCL_IB_HCA set to mlx5_4" (public excerpt, NVIDIA/nccl#1052, NCCL 2.18.5), also
// "NCCL_SOCKET_IFNAME set to enp9s0np0" beside its "set by environment to" line (NVIDIA/nccl#1866, 2.27.6)
const ENV_SET_TO = /^(NCCL_[A-Z0-9_]+) set to (\S.*)$/;

/** The ` set by environment to ` of an env line, e.g. "NCCL_P2P_LEVEL set by environment to NVL". */
const SET_BY_ENV = ' set by environment to ';

/**
 * Whether t[from, to) holds one of redact.ts's gate words (key, token, bearer, secret,
 * passw; any case). A short-range loop instead of a slice and an `/i` regex.
 */
function hasSecretWord(t: string, from: number, to: number): boolean {
	for (let i = from; i < to; i++) {
		const c = t.charCodeAt(i) | 0x20;
		if (c === 107 ? lowerAt(t, i, 'key', to) || lowerAt(t, i - 2, 'token', to) : c === 98 ? lowerAt(t, i, 'bearer', to) : c === 115 ? lowerAt(t, i, 'secret', to) : c === 112 && lowerAt(t, i, 'passw', to)) return true;
	}
	return false;
}

/** `word` (lower case) at t[i…] ignoring case, ending before `to`. */
function lowerAt(t: string, i: number, word: string, to: number): boolean {
	if (i < 0 || i + word.length > to) return false;
	for (let k = 0; k < word.length; k++) if ((t.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
	return true;
}

/**
 * indexOf within t[from, end), or -1. `t` may go on past the line (the splitter's
 * chunk): a search of the whole rest would cost O(chunk) per line, so a line inside a
 * longer string is searched as a slice (a view, no copy).
 */
function indexIn(t: string, s: string, from: number, end: number): number {
	if (end === t.length) return t.indexOf(s, from);
	const i = t.slice(from, end).indexOf(s);
	return i === -1 ? -1 : from + i;
}

/** The message ends the line at `end` with an Init START/COMPLETE (initLine's lines). */
function isInitLine(t: string, end: number): boolean {
	return t.startsWith('- Init START', end - 12) || t.startsWith(' - Init COMPLETE', end - 16);
}

/**
 * What handleNcclMessage would do with an INFO message starting at `m` of `t` and
 * running to `end` (no open topology block): 2 count it as a per-collective line,
 * 1 nothing (noise), 0 it may produce an event (or can't tell here) — take the full path.
 * Must follow handleNcclMessage's checks; anything not sure is 0. Messages at
 * SUBSYS=ALL are mostly lower-case proxy chatter ("proxyProgressAsync opId=…",
 * "resp.opId=… matches …"), "ProxyCall UDS …", "New proxy …", "Received and initiated …",
 * "channel.cc:42 Cuda Alloc Size …", "Allocated shareable buffer …", "AllReduce: opCount …".
 */
export function ncclInfoNoise(t: string, m: number, end = t.length): 0 | 1 | 2 {
	const c0 = t.charCodeAt(m);
	if (c0 === 65 || c0 === 66 || c0 === 82 || c0 === 83 || c0 === 71) {
		// (the next line's stamp has a `:`: the search never runs far past the line)
		let colon = t.indexOf(':', m);
		if (colon >= end) colon = -1;
		// the full path reads the redacted text: redaction rewrites only values after a secret
		// word, so with one before the first colon the colon may move (either way): full path
		if (colon !== -1 && hasSecretWord(t, m, colon)) return 0;
		if (colon > m && colon < m + 24 && t.startsWith(': opCount ', colon)) return 2;
	}
	if (c0 >= 97 && c0 <= 122) {
		// only `n…` (caller of an init line) and `c…` (comm, cudaDriverVersion, ≤2.20 init) have handlers
		if (c0 === 110) return isInitLine(t, end) ? 0 : 1;
		if (c0 === 99) {
			if (t.startsWith('channel.cc:', m)) return 1;
			if (t.startsWith('comm ', m) || t.startsWith('cudaDriverVersion ', m) || isInitLine(t, end)) return 0;
			return 1;
		}
		return 1;
	}
	if (c0 >= 65 && c0 <= 90) {
		switch (c0) {
			case 67: // 'C'
				if (t.startsWith('Channel ', m) || t.startsWith('Connected all rings', m)) return 0;
				if (t.startsWith('Could not find', m) || t.startsWith('Connected to proxy', m) || t.startsWith('CC ', m) || t.startsWith('Check P2P', m)) return 1;
				break;
			case 80: // 'P'
				if (t.startsWith('Pattern ', m)) return 0;
				break;
			case 73: // 'I': "Init timings - ncclCommInitRankConfig: rank 0 …" (2.22+), "Initialized NET plugin IB" (2.27+)
				if (t.startsWith('Init timings', m) || t.startsWith('Initialized NET plugin ', m)) return 0;
				break;
			case 65: // 'A': "Assigned NET plugin IB to comm" (2.27+)
				if (t.startsWith('Assigned NET plugin ', m)) return 0;
				break;
			case 70: // 'F': "Failed to initialize NET plugin IB" (2.27+)
				if (t.startsWith('Failed to initialize NET plugin ', m)) return 0;
				break;
			case 82: // 'R': "Ring 00 : 3 -> 0 -> 1"
				if (t.startsWith('Ring ', m)) return 0;
				break;
			case 84: // 'T': "Trees [0] 1/2/-1->0->-1 …", "Tree 0 : -1 -> 0 -> 1/2/-1"
				if (t.startsWith('Tree', m)) return 0;
				break;
			case 78: // 'N'
				if (t.startsWith('NCCL version ', m) || t.startsWith('NET/', m) || t.startsWith('NCCL git version ', m)) return 0;
				break;
			case 66: // 'B'
				if (t.startsWith('Bootstrap', m)) return 0;
				break;
			case 85: // 'U'
				if (t.startsWith('Using network ', m)) return 0;
				break;
			case 71: // 'G'
				if (t.startsWith('GPU Direct RDMA ', m)) return 0;
				break;
		}
		// the rest of the upper-case starts: only env lines have a handler, and env() takes
		// only `IDENT<spaces>set by environment to …` (its key test): a message whose leading
		// [A-Z0-9_] run is followed by a non-space, e.g. "ProxyCall UDS …", is noise
		let e = m + 1;
		while (e < end && isEnvKeyChar(t.charCodeAt(e))) e++;
		if (e === end) return 1;
		// "NCCL_IB_HCA set to mlx5_4" (see ENV_SET_TO)
		if (c0 === 78 && t.startsWith(' set to ', e) && t.startsWith('NCCL_', m)) return 0;
		const after = t.charCodeAt(e);
		if (after < 128 && after !== 32 && (after < 9 || after > 13)) return 1;
		return indexIn(t, SET_BY_ENV, m, end) === -1 ? 1 : 0;
	}
	// `[Rank 0] ncclCommInitRankConfig … - Init START` (2.29+); else e.g. "[Proxy Service UDS] exit: stop 1 abortFlag 0"
	if (c0 === 91) return t.startsWith('[Rank ', m) ? 0 : 1;
	// `2 coll channels, …`; else e.g. the ring order dump "0 : 1 2 3"
	if (c0 >= 48 && c0 <= 57) return indexIn(t, ' coll channels, ', m, end) === -1 ? 1 : 0;
	// `=== System : …` opens a topology dump; any other start has no handler, e.g. the
	// tuning table "  Protocol    |             LL |          LL128 | …"
	return c0 === 61 ? 0 : 1;
}

export function handleNcclMessage(ctx: StreamCtx, proc: ProcCtx, level: string, where: string | null, msg: string, at: AtFn): void {
	if (proc.topo) {
		if (feedTopology(proc.topo, msg)) return;
		finishTopology(ctx, proc, at);
	}
	if (level === 'WARN') {
		warn(ctx, proc, where, msg, at);
		return;
	}
	if (level === 'DIAG') {
		const d = parseDiag(msg);
		ctx.events.push({type: 'nccl-diag', pod: ctx.pod, at: at(), proc: proc.key, report: d.report, kind: d.kind, check: d.check, text: msg.trim(), problem: d.problem});
		return;
	}
	if (level !== 'INFO') return;
	const c0 = msg.charCodeAt(0);
	// --- hot: per-collective lines only bump a counter (SUBSYS=COLL), e.g. "AllReduce: opCount 5 sendbuff …"
	// AllReduce, AllGather, AlltoAll, Broadcast, Reduce, ReduceScatter, Recv, Send, Gather, Scatter
	if (c0 === 65 || c0 === 66 || c0 === 82 || c0 === 83 || c0 === 71) {
		const colon = msg.indexOf(':');
		if (colon > 0 && colon < 24 && msg.startsWith(': opCount ', colon)) {
			ctx.counters.collectiveLines++;
			return;
		}
	}
	switch (c0) {
		case 67: // 'C'
			if (msg.startsWith('Channel ')) {
				if (msg.indexOf(' via ') === -1) {
					// ring order dump `Channel 00/02 : 0 1 2 3` (rank 0 only)
					const o = parseRingOrder(msg);
					// printed by rank 0; a whole line lists every rank once
					if (o) initScoped(ctx, proc, {type: 'comm-ring-order', pod: ctx.pod, at: at(), proc: proc.key, comm: '', ...o}, 0, Math.max(...o.ranks) + 1);
					return;
				}
				const m = CHANNEL_LINK.exec(msg);
				if (!m) return;
				const raw = m[5]!;
				// a line cut by a colliding write (`… via P`) names no transport
				if (raw.indexOf('/') === -1) return;
				const link: ParsedLink = {fromRank: Number(m[2]), toRank: Number(m[3]), transport: normaliseTransport(raw), raw, dir: (m[4] as 'send' | 'receive' | undefined) ?? null};
				const comm = commForLink(proc, link.fromRank, link.toRank);
				if (comm) ctx.events.push({type: 'comm-link', pod: ctx.pod, at: at(), proc: proc.key, comm, link});
				else {
					// no comm of this process has both ranks (or it has none): a comm whose Init lines this
					// log does not hold (read from after them), e.g. the world comm's lazily connected NET
					// channels after a split comm's init — the `unknown comm`, placed by the printing rank:
					// the receiver of a `[receive]` line, else the sender (transport/{net,p2p,shm}.cc)
					const ev: LogEvent & {comm: string} = {type: 'comm-link', pod: ctx.pod, at: at(), proc: proc.key, comm: '', link};
					ev.comm = unknownComm(ctx, proc, link.dir === 'receive' ? link.toRank : link.fromRank, Math.max(link.fromRank, link.toRank) + 1, ev.at);
					ctx.events.push(ev);
				}
				if (!ctx.ibChannelSeen && link.transport.startsWith('NET/IB')) {
					ctx.ibChannelSeen = true;
					ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'ib-in-use', from: 'channel', evidence: msg.trim()}});
				}
				return;
			}
			if (msg.startsWith('Connected all rings')) {
				const g = RINGS_GDR.exec(msg);
				emitCommScoped(ctx, proc, {type: 'comm-rings', pod: ctx.pod, at: at(), proc: proc.key, comm: '', gdr: g ? Number(g[1]) : null});
				return;
			}
			if (msg.startsWith('Could not find') || msg.startsWith('Connected to proxy') || msg.startsWith('CC ') || msg.startsWith('Check P2P')) return;
			break;
		case 99: // 'c'
			if (msg.startsWith('comm ')) {
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
			}
			if (msg.startsWith('cudaDriverVersion ')) {
				const v = Number(msg.slice(18).trim());
				if (Number.isFinite(v)) ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'cuda-driver', version: v}});
				return;
			}
			if (msg.startsWith('channel.cc:')) return;
			break;
		case 61: // '='
			if (msg.startsWith('=== System :')) {
				proc.topo = startTopology(msg, ctx.pod, proc.host);
				return;
			}
			break;
		case 80: // 'P'
			if (msg.startsWith('Pattern ')) {
				const p = PATTERN.exec(msg);
				if (p)
					emitCommScoped(ctx, proc, {
						type: 'comm-pattern',
						pod: ctx.pod,
						at: at(),
						proc: proc.key,
						comm: '',
						pattern: {pattern: Number(p[1]), nChannels: Number(p[2]), bwIntra: Number(p[3]), bwInter: Number(p[4]), typeIntra: p[5]!, typeInter: p[6]!},
					});
				return;
			}
			break;
		case 73: // 'I'
			if (msg.startsWith('Init timings')) {
				initTimings(ctx, proc, msg, at);
				return;
			}
			if (msg.startsWith('Initialized NET plugin ')) {
				netPluginLine(ctx, proc, 'initialized', msg.slice(23), at);
				return;
			}
			break;
		case 65: // 'A'
			// "Assigned NET plugin IB to comm"; "Assigned GIN plugin GIN_IB_GDAKI to comm" (2.28+) is not the network
			if (msg.startsWith('Assigned NET plugin ')) {
				const name = msg.slice(20).trim();
				netPluginLine(ctx, proc, 'assigned', name.endsWith(' to comm') ? name.slice(0, -8) : name, at);
				return;
			}
			break;
		case 70: // 'F'
			if (msg.startsWith('Failed to initialize NET plugin ')) {
				netPluginLine(ctx, proc, 'failed', msg.slice(32), at);
				return;
			}
			break;
		case 82: // 'R'
			if (msg.startsWith('Ring ')) {
				const r = parseRing(msg);
				if (r) initScoped(ctx, proc, {type: 'comm-ring', pod: ctx.pod, at: at(), proc: proc.key, comm: '', ...r}, r.rank, Math.max(r.prev, r.rank, r.next) + 1);
				return;
			}
			break;
		case 84: // 'T'
			if (msg.startsWith('Tree')) {
				const t = parseTrees(msg);
				if (t) {
					let size = t.rank + 1;
					for (const x of t.trees) for (const r of x.down) size = Math.max(size, r + 1, (x.up ?? 0) + 1);
					initScoped(ctx, proc, {type: 'comm-tree', pod: ctx.pod, at: at(), proc: proc.key, comm: '', rank: t.rank, trees: t.trees}, t.rank, size);
				}
				return;
			}
			break;
		case 78: // 'N'
			if (msg.startsWith('NCCL version ')) {
				ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'version', version: msg.slice(13).trim().split(' ')[0]!}});
				return;
			}
			if (msg.startsWith('NCCL git version ')) {
				const v = gitVersion(msg);
				if (v) ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'version', version: v}});
				return;
			}
			if (msg.startsWith('NET/')) {
				handleNet(ctx, proc, msg, at);
				return;
			}
			if (msg.startsWith('NCCL_') && msg.indexOf(' set by environment to ') !== -1) {
				env(ctx, proc, msg, at);
				return;
			}
			if (msg.startsWith('NCCL_')) {
				const m = ENV_SET_TO.exec(msg);
				if (m) {
					ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'env', key: m[1]!, value: m[2]!.trim()}});
					return;
				}
			}
			break;
		case 66: // 'B'
			// ≤2.23 "Bootstrap : Using eth0:10.0.0.1<0>", 2.24+ "Bootstrap: Using eth0:192.0.2.2<0>"
			if (msg.startsWith('Bootstrap : Using') || msg.startsWith('Bootstrap: Using')) {
				const rest = msg.slice(msg.indexOf('Using') + 5).trim();
				const iface = rest.split(':')[0]!.trim();
				if (iface && iface !== 'N/A') ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'bootstrap', iface}});
				return;
			}
			break;
		case 85: // 'U'
			if (msg.startsWith('Using network ')) {
				ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'network', name: msg.slice(14).trim()}});
				return;
			}
			break;
		case 71: // 'G'
			if (msg.startsWith('GPU Direct RDMA ')) {
				gdrPerGpu(ctx, proc, msg, at);
				return;
			}
			break;
		case 91: // '['
			if (msg.startsWith('[Rank ') && msg.includes('- Init ')) {
				initLine(ctx, proc, msg, at);
				return;
			}
			break;
	}
	// the rest start with a caller name (`ncclCommInitRank …`), a digit (`2 coll channels, …`) or an env name
	if (c0 === 110) {
		if (msg.endsWith('- Init START') || msg.endsWith(' - Init COMPLETE')) initLine(ctx, proc, msg, at);
		return;
	}
	if (c0 === 99 && (msg.endsWith('- Init START') || msg.endsWith(' - Init COMPLETE'))) {
		// ≤2.20: no caller name (`comm 0x… rank 0 nranks 2 … - Init COMPLETE`)
		initLine(ctx, proc, msg, at);
		return;
	}
	if (c0 >= 48 && c0 <= 57 && msg.includes(' coll channels, ')) {
		const c = CHANNEL_COUNTS.exec(msg);
		if (c)
			emitCommScoped(ctx, proc, {
				type: 'comm-channels',
				pod: ctx.pod,
				at: at(),
				proc: proc.key,
				comm: '',
				coll: Number(c[1]),
				collnet: c[2] === undefined ? null : Number(c[2]),
				nvls: Number(c[3]),
				p2p: Number(c[4]),
			});
		return;
	}
	if (c0 >= 65 && c0 <= 90 && msg.includes(' set by environment to ')) env(ctx, proc, msg, at);
}

function env(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	// e.g. "NCCL_NVLS_ENABLE set by environment to 0." (params end in '.'), "NCCL_SOCKET_IFNAME set by environment to net1"
	const i = msg.indexOf(' set by environment to ');
	const key = msg.slice(0, i).trim();
	if (!/^[A-Z][A-Z0-9_]*$/.test(key)) return;
	let value = msg.slice(i + 23).trim();
	if (value.endsWith('.')) value = value.slice(0, -1);
	ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'env', key, value}});
}

function handleNet(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const push = (fact: Parameters<typeof factEvent>[3]) => ctx.events.push(factEvent(ctx, proc, at, fact));
	// NET plugin search, every version's wording (log-formats.md §1.2):
	//   2.18 "NET/Plugin : No plugin found, using internal implementation"
	//   2.19–2.20 "NET/Plugin : dlerror=… No plugin found (libnccl-net.so), using internal implementation"
	//   2.21 "NET/Plugin: No plugin found (libnccl-net.so)", "NET/Plugin: Using internal network plugin."
	//   2.22–2.25 "NET/Plugin: Could not find:libnccl-net.so. Using internal network plugin."
	//   2.26+ "NET/Plugin: Could not find: libnccl-net.so"
	//   all "NET/Plugin: Loaded net plugin NCCL RDMA Plugin v8 (v8)"
	if (msg.startsWith('NET/Plugin')) {
		if (/Loaded (?:net|coll(?:net)?) plugin/i.test(msg)) {
			const m = /Loaded net plugin (.+?)(?: \(v\d+\))?\s*$/.exec(msg);
			if (m) push({kind: 'external-net-plugin', found: true, name: m[1]!});
			return;
		}
		if (/No plugin found|Could not find|Using internal|Plugin load returned|Plugin load \(/.test(msg)) push({kind: 'external-net-plugin', found: false, name: null});
		return;
	}
	if (msg.startsWith('NET/IB : No device found') || msg.startsWith('NET/IB: No device found')) {
		push({kind: 'ib-none'});
		return;
	}
	if (msg.startsWith('NET/IB : Using') || msg.startsWith('NET/IB: Using')) {
		const list = msg.slice(0, msg.indexOf(';') === -1 ? msg.length : msg.indexOf(';'));
		const devices: ParsedNetDevice[] = [];
		IB_DEVICE.lastIndex = 0;
		let m: RegExpExecArray | null;
		while ((m = IB_DEVICE.exec(list))) {
			const ll = m[4]!;
			devices.push({name: m[2]!, port: Number(m[3]), linkLayer: ll === 'IB' ? 'IB' : ll === 'RoCE' ? 'RoCE' : null, speedGbps: null, pod: ctx.pod});
		}
		if (devices.length) push({kind: 'net-devices', devices});
		return;
	}
	if (msg.startsWith('NET/Socket : Using') || msg.startsWith('NET/Socket: Using [')) {
		const devices: ParsedNetDevice[] = [];
		SOCKET_DEVICE.lastIndex = 0;
		let m: RegExpExecArray | null;
		while ((m = SOCKET_DEVICE.exec(msg))) devices.push({name: m[2]!, port: null, linkLayer: 'Ethernet', speedGbps: null, pod: ctx.pod});
		if (devices.length) push({kind: 'net-devices', devices});
		return;
	}
	const g = GDR_HCA.exec(msg);
	if (g) {
		ctx.events.push({
			type: 'gdr',
			pod: ctx.pod,
			at: at(),
			proc: proc.key,
			host: proc.host,
			gpu: proc.busId ?? (proc.cudaDev === null ? '?' : `cudaDev ${proc.cudaDev}`),
			hca: g[4]!,
			enabled: g[2] === 'Enabled',
			evidence: msg.trim(),
		});
	}
}

// `git describe --dirty --always` naming a release tag exactly: "v2.29.2-1", "v2.30.7-1-dirty"
const GIT_RELEASE = /^v(\d+\.\d+\.\d+)-\d+(?:-dirty)?$/;

/**
 * 2.29+ "NCCL git version <branch> <describe>" (src/misc/git_version.cc, printed by showVersion()
 * after "NCCL version …"): a version only when the build sat exactly on a release tag; a branch
 * build ("master 3e9b1a4c", "HEAD v2.29.2-1-5-g3e9b1a4c") or one made without git ("unknown unknown")
 * says nothing the version line does not.
 */
// e.g. "NCCL git version HEAD v2.29.2-1" → "2.29.2"
export function gitVersion(msg: string): string | null {
	const parts = msg.slice(17).trim().split(/\s+/);
	const m = GIT_RELEASE.exec(parts[parts.length - 1] ?? '');
	return m ? m[1]! : null;
}

/**
 * 2.27+ plugin lines of src/plugin/net.cc: "Initialized NET plugin %s" (each plugin that came up:
 * several per process, e.g. IB then Socket), "Assigned NET plugin %s to comm" (the one the comm
 * uses: what "Using network %s" says too), "Failed to initialize NET plugin %s" (INFO: that plugin
 * found no device or could not start; the next one is tried).
 */
function netPluginLine(ctx: StreamCtx, proc: ProcCtx, what: 'initialized' | 'assigned' | 'failed', raw: string, at: AtFn): void {
	const name = raw.trim();
	if (!name) return;
	const internal = name === 'IB' || name === 'Socket' || name.startsWith('IB (') || name.startsWith('Socket (');
	if (what === 'assigned') ctx.events.push(factEvent(ctx, proc, at, {kind: 'network', name}));
	else if (what === 'initialized') {
		if (!internal) ctx.events.push(factEvent(ctx, proc, at, {kind: 'external-net-plugin', found: true, name}));
	} else if (name === 'IB') ctx.events.push(factEvent(ctx, proc, at, {kind: 'ib-none'}));
}

function factEvent(ctx: StreamCtx, proc: ProcCtx, at: AtFn, fact: Extract<LogEvent, {type: 'nccl-fact'}>['fact']): LogEvent {
	return {type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact};
}

function gdrPerGpu(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	let m = GDR_GPU_NEW.exec(msg);
	let gpu: string;
	let hca: string;
	let enabled: boolean;
	if (m) {
		enabled = m[1] === 'Enabled';
		const id = m[2]!;
		gpu = id.slice(id.lastIndexOf('-') + 1);
		hca = `NET/${m[3]}`;
	} else {
		m = GDR_GPU_OLD.exec(msg);
		if (!m) return;
		enabled = m[1] === 'Enabled';
		gpu = m[2]!.toLowerCase();
		hca = m[3]!;
	}
	ctx.events.push({type: 'gdr', pod: ctx.pod, at: at(), proc: proc.key, host: proc.host, gpu, hca, enabled, evidence: msg.trim()});
}

function initLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
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
