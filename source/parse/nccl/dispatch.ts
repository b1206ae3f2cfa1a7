/**
 * One NCCL message (the text after `NCCL INFO `/`NCCL WARN `/`NCCL DIAG `, NCCL 2.18 … 2.32)
 * → its reader. An INFO message is told by how it starts: one table, prefix → handler, that
 * both the stream parser's fast path (which looks a line up in place, in the decoded chunk,
 * to know whether it needs a handler at all) and the full path read. Formats and their
 * version ranges: docs/log-formats/nccl.md §1.
 *
 * Most INFO lines at NCCL_DEBUG_SUBSYS=ALL are noise — per-collective lines
 * ("AllReduce: opCount …"), proxy chatter ("proxyProgressAsync opId=…", "resp.opId=… matches …",
 * "ProxyCall UDS …", "New proxy …", "Received and initiated …"), allocations
 * ("channel.cc:42 Cuda Alloc Size …", "Allocated shareable buffer …") — and are rejected by
 * their first characters before any regex runs.
 */
import type {AtFn, ProcCtx, StreamCtx} from '../context.js';
import {channelCounts, channelLine, patternLine, ringLine, ringsConnected, treeLine} from './channels.js';
import {diagLine} from './diag.js';
import {cudaDriverLine, env, envSetTo, gitVersionLine, versionLine} from './env.js';
import {bootstrapSplitLine, commLine, initLine, initTimings} from './init.js';
import {bootstrapLine, gdrPerGpu, handleNet, pluginAssigned, pluginFailed, pluginInitialized, usingNetwork} from './net.js';
import {feedTopology, finishTopology, topologyStart} from './topology.js';
import {errorTrace, warn} from './warn.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Tab = 9,
	Cr = 13,
	Space = 32,
	Digit0 = 48,
	Digit9 = 57,
	Colon = 58, // ':'
	A = 65,
	Z = 90,
	Underscore = 95, // '_'
	NonAscii = 128,
}

/** Reads one INFO message of `proc` (the whole message, `msg`). */
export type InfoHandler = (ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn) => void;
/** A further test of the message t[m, end), once its prefix matched; false: the next rule is tried. */
export type InfoTest = (t: string, m: number, end: number) => boolean;

export interface InfoRule {
	/** the message starts with this ('' for a rule of every message starting with one of `first`) */
	prefix: string;
	/** the first characters whose messages the rule is tried on */
	first: string;
	/** the prefix's second character's code (checked before the whole prefix), or -1 for '' */
	second: number;
	when: InfoTest | null;
	/** NOISE: the message is read by nothing, and no later rule is tried */
	handle: InfoHandler;
}

/** A message known to say nothing (listed so that no later rule reads it). */
const NOISE: InfoHandler = () => {};

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
/** AllReduce, AllGather, AlltoAll, Broadcast, Reduce, ReduceScatter, Recv, Send, Gather, Scatter */
const COLLECTIVE_FIRST = 'ABRSG';

/** A rule for messages that start with `prefix`. */
function starts(prefix: string, handle: InfoHandler, when: InfoTest | null = null): InfoRule {
	return {prefix, first: prefix[0]!, second: prefix.charCodeAt(1), when, handle};
}

/** A rule for every message whose first character is one of `first` (after the rules for its prefixes). */
function startsWithAny(first: string, when: InfoTest, handle: InfoHandler): InfoRule {
	return {prefix: '', first, second: -1, when, handle};
}

// ---- the tests a rule may add. Here, beside the table: tried on every noise line, they stay
// local calls the compiler inlines (an imported function is a cell load and a target check
// at every call) ----

/** The message t[m, end) ends with an Init START/COMPLETE (initLine's lines). */
function endsWithInit(t: string, _m: number, end: number): boolean {
	return t.startsWith('- Init START', end - 12) || t.startsWith(' - Init COMPLETE', end - 16);
}

/**
 * NCCL's error back trace t[m, end): `init.cc:126 -> 5`, `proxy.cc:878 -> 6 [Progress Thread]`,
 * `misc/socket.cc:484 -> 2 (Connection refused)`, 2.30.7+ `init.cc:126 (ncclCommInitRankDev) -> 5` — a
 * source path (no space), `:`, the line, the function in 2.30.7+, ` -> `,
 * the ncclResult_t (src/include/checks.h NCCLCHECK / NCCLCHECKGOTO / SYSCHECKGOTO
 * `INFO(NCCL_ALL,"%s:%d -> %d", …)`, src/proxy.cc `"%s:%d -> %d [Progress Thread]"`, 2.18 → 2.30).
 * A fixed scan: a noise line fails at its first space ("channel.cc:42 Cuda Alloc …" at the one after 42).
 */
function isErrorTrace(t: string, m: number, end: number): boolean {
	const lim = Math.min(end, m + 96);
	let i = m;
	for (; i < lim; i++) {
		const c = t.charCodeAt(i);
		if (c === Ch.Colon) break;
		if (c === Ch.Space) return false;
	}
	if (i === m || i >= lim) return false;
	let j = i + 1;
	while (j < end && t.charCodeAt(j) >= Ch.Digit0 && t.charCodeAt(j) <= Ch.Digit9) j++;
	if (j === i + 1) return false;
	// 2.30.7+ names the function: `init.cc:126 (ncclCommInitRankDev) -> 5`
	if (t.startsWith(' (', j)) {
		const close = t.indexOf(')', j);
		if (close === -1 || close >= end || close - j > 96) return false;
		j = close + 1;
	}
	if (!t.startsWith(' -> ', j) || j + 4 >= end) return false;
	const r = t.charCodeAt(j + 4);
	return r >= Ch.Digit0 && r <= Ch.Digit9;
}

/** `[Rank 0] ncclCommInitRankConfig … - Init START` (2.29+): an init line behind its rank tag. */
function isRankedInitLine(t: string, m: number, end: number): boolean {
	return indexIn(t, '- Init ', m, end) !== -1;
}

/** `2 coll channels, …` (a digit first; else e.g. the ring order dump "0 : 1 2 3", which is noise). */
function hasChannelCounts(t: string, m: number, end: number): boolean {
	return indexIn(t, ' coll channels, ', m, end) !== -1;
}

/** The ` set by environment to ` of an env line, e.g. "NCCL_P2P_LEVEL set by environment to NVL". */
const SET_BY_ENV = ' set by environment to ';

/** [A-Z0-9_], the characters of an env name (env()'s key test). */
function isEnvKeyChar(c: number): boolean {
	return (c >= Ch.A && c <= Ch.Z) || (c >= Ch.Digit0 && c <= Ch.Digit9) || c === Ch.Underscore;
}

/** End of the [A-Z0-9_] run that starts the message at m (its first character is upper case). */
function keyEnd(t: string, m: number, end: number): number {
	let e = m + 1;
	while (e < end && isEnvKeyChar(t.charCodeAt(e))) e++;
	return e;
}

/**
 * A message env() may take: `IDENT<spaces>set by environment to …`. env() takes only a key
 * of [A-Z0-9_] (its key test), so a message whose leading [A-Z0-9_] run is followed by
 * another printable ASCII character, e.g. "ProxyCall UDS …", is none.
 */
function isEnvLine(t: string, m: number, end: number): boolean {
	const e = keyEnd(t, m, end);
	if (e === end) return false;
	const after = t.charCodeAt(e);
	if (after < Ch.NonAscii && after !== Ch.Space && (after < Ch.Tab || after > Ch.Cr)) return false;
	return indexIn(t, SET_BY_ENV, m, end) !== -1;
}

/** `NCCL_… set by environment to …` anywhere in the message */
function hasSetByEnv(t: string, m: number, end: number): boolean {
	return indexIn(t, SET_BY_ENV, m, end) !== -1;
}

/** "NCCL_IB_HCA set to mlx5_4" (ENV_SET_TO's shape: the name, then ` set to `) */
function isEnvSetTo(t: string, m: number, end: number): boolean {
	return t.startsWith(' set to ', keyEnd(t, m, end));
}

/**
 * indexOf within t[from, end), or -1. `t` may go on past the message (the fast path's
 * chunk): a search of the whole rest would cost O(chunk) per line, so a line inside a
 * longer string is searched as a slice (a view, no copy).
 */
function indexIn(t: string, s: string, from: number, end: number): number {
	if (end === t.length) return t.indexOf(s, from);
	const i = t.slice(from, end).indexOf(s);
	return i === -1 ? -1 : from + i;
}

/** The first colon of the message isCollective looked at last (-1: none in it). */
let collectiveColon = -1;

/** A per-collective line (SUBSYS=COLL), e.g. "AllReduce: opCount 5 sendbuff …": the name, then `: opCount `. */
function isCollective(t: string, m: number, end: number): boolean {
	// (the next line's stamp has a `:`: the search never runs far past the line)
	let colon = t.indexOf(':', m);
	if (colon >= end) colon = -1;
	collectiveColon = colon;
	return colon > m && colon < m + 24 && t.startsWith(': opCount ', colon);
}

/**
 * The colon that told the message classifyInfo just read a per-collective line or not (its
 * first character may start one, and it has a colon), or -1: what decided may move when the
 * text is redacted (the fast path's guard, stream/fast-line.ts).
 */
export function decidingColon(): number {
	return collectiveColon;
}

/** Per-collective lines only bump a counter. */
export function countCollective(ctx: StreamCtx): void {
	ctx.counters.collectiveLines++;
}

/** The per-collective lines' rule: the fast path counts them in place (countCollective), with no message slice. */
export const COLLECTIVE: InfoRule = startsWithAny(COLLECTIVE_FIRST, isCollective, countCollective);

/**
 * The INFO messages with a reader, in order: the first rule whose prefix and test match
 * reads the message. Rules for a whole first character come after those for its prefixes.
 */
const RULES: InfoRule[] = [
	// hot: the bulk of a SUBSYS=COLL log
	COLLECTIVE,
	// e.g. "Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM", "Channel 00/02 : 0 1 2 3"
	starts('Channel ', channelLine),
	// e.g. "Connected all rings, use ring PXN 0 GDR 1"
	starts('Connected all rings', ringsConnected),
	starts('Could not find', NOISE),
	starts('Connected to proxy', NOISE),
	starts('CC ', NOISE),
	starts('Check P2P', NOISE),
	// e.g. "init.cc:126 -> 5", "proxy.cc:878 -> 6 [Progress Thread]": before the lower-case noise
	// prefixes ("channel.cc:"), whose files print traces too
	startsWithAny(LOWER, isErrorTrace, errorTrace),
	// e.g. "comm 0x39a819d0 rank 0 nRanks 4 nNodes 2 localRanks 2 …", "comm 0x… - Destroy COMPLETE"
	starts('comm ', commLine),
	// e.g. "cudaDriverVersion 12080"
	starts('cudaDriverVersion ', cudaDriverLine),
	starts('channel.cc:', NOISE),
	// e.g. "=== System : maxBw 24.0 totalBw 24.0 ===" opens a topology dump
	starts('=== System :', topologyStart),
	// e.g. "Pattern 4, crossNic 0, nChannels 1, bw 1.200000/1.200000, type NVL/PHB, sameChannels 1"
	starts('Pattern ', patternLine),
	// e.g. "Init timings - ncclCommInitRankConfig: rank 0 …" (2.22+)
	starts('Init timings', initTimings),
	// e.g. "Initialized NET plugin IB", "Assigned NET plugin IB to comm", "Failed to initialize NET plugin IB" (2.27+)
	starts('Initialized NET plugin ', pluginInitialized),
	starts('Assigned NET plugin ', pluginAssigned),
	starts('Failed to initialize NET plugin ', pluginFailed),
	// e.g. "Ring 00 : 3 -> 0 -> 1"
	starts('Ring ', ringLine),
	// e.g. "Trees [0] 1/2/-1->0->-1 …", "Tree 0 : -1 -> 0 -> 1/2/-1"
	starts('Tree', treeLine),
	// e.g. "NCCL version 2.21.5+cuda12.4", "NCCL git version HEAD v2.29.2-1"
	starts('NCCL version ', versionLine),
	starts('NCCL git version ', gitVersionLine),
	// e.g. "NET/Plugin: Loaded net plugin …", "NET/IB : Using [0]mlx5_0:1/IB …", "NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'"
	starts('NET/', handleNet),
	// e.g. "NCCL_P2P_LEVEL set by environment to NVL", "NCCL_IB_HCA set to mlx5_4"
	starts('NCCL_', env, hasSetByEnv),
	starts('NCCL_', envSetTo, isEnvSetTo),
	// ≤2.23 "Bootstrap : Using eth0:10.0.0.1<0>", 2.24+ "Bootstrap: Using eth0:192.0.2.2<0>"
	starts('Bootstrap : Using', bootstrapLine),
	starts('Bootstrap: Using', bootstrapLine),
	// 2.20–2.22 "bootstrapSplit: comm 0x… parent 0x… rank 1 nranks 4 color … - DONE" (before its Init START)
	starts('bootstrapSplit: comm ', bootstrapSplitLine),
	// e.g. "Using network IB"
	starts('Using network ', usingNetwork),
	// e.g. "GPU Direct RDMA Enabled for GPU 81000 / HCA 0 (distance 4 <= 4), read 1"
	starts('GPU Direct RDMA ', gdrPerGpu),
	// `[Rank 0] ncclCommInitRankConfig … - Init START` (2.29+); else e.g. "[Proxy Service UDS] exit: stop 1 abortFlag 0"
	starts('[Rank ', initLine, isRankedInitLine),
	// the rest start with a caller name (`ncclCommInitRank …`), ≤2.20's bare `comm 0x… - Init COMPLETE`,
	// a digit (`2 coll channels, …`; else e.g. the ring order dump "0 : 1 2 3") or an env name
	startsWithAny('n', endsWithInit, initLine),
	startsWithAny('c', endsWithInit, initLine),
	startsWithAny(DIGITS, hasChannelCounts, channelCounts),
	startsWithAny(UPPER, isEnvLine, env),
];

/** RULES by the code of the first character they are tried on, in RULES' order (null: none). */
const BY_FIRST: (InfoRule[] | null)[] = Array.from({length: Ch.NonAscii}, () => null);
for (const r of RULES) for (const ch of r.first) (BY_FIRST[ch.charCodeAt(0)] ??= []).push(r);

/**
 * The rule that reads the INFO message t[m, end), or null when nothing does (noise). `t` may
 * go on past the message (the fast path's chunk): no prefix or test reads past `end`.
 */
export function classifyInfo(t: string, m: number, end: number): InfoRule | null {
	collectiveColon = -1;
	const c0 = t.charCodeAt(m);
	// (NaN for an empty message at the end of t: no rules)
	const rules = c0 < Ch.NonAscii ? BY_FIRST[c0]! : null;
	// most noise starts with a character no rule is tried on ("proxyProgressAsync …", "resp.opId=…")
	if (rules === null) return null;
	// (NaN past the end of t: no prefix matches)
	const c1 = t.charCodeAt(m + 1);
	for (let k = 0; k < rules.length; k++) {
		const r = rules[k]!;
		if (r.second !== -1 && (c1 !== r.second || !t.startsWith(r.prefix, m))) continue;
		const w = r.when;
		// hot: the tests most noise ends at are called by name (inlined), the rest through the table
		if (w !== null && !(w === isEnvLine ? isEnvLine(t, m, end) : w === isCollective ? isCollective(t, m, end) : w === endsWithInit ? endsWithInit(t, m, end) : w(t, m, end))) continue;
		return r.handle === NOISE ? null : r;
	}
	return null;
}

/**
 * One NCCL message of `proc`. `rule`: an INFO message's rule when the caller classified the
 * same text already (the fast path); undefined to classify it here.
 */
export function ncclMessage(ctx: StreamCtx, proc: ProcCtx, level: string, where: string | null, msg: string, at: AtFn, rule?: InfoRule | null): void {
	// inside a topology dump every line goes to the dump's reader
	if (proc.topo) {
		if (feedTopology(proc.topo, msg)) return;
		finishTopology(ctx, proc, at);
	}
	if (level === 'INFO') {
		const r = rule === undefined ? classifyInfo(msg, 0, msg.length) : rule;
		if (r !== null) r.handle(ctx, proc, msg, at);
	} else if (level === 'WARN') warn(ctx, proc, where, msg, at);
	else if (level === 'DIAG') diagLine(ctx, proc, msg, at);
}
