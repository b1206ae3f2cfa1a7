/**
 * The parser for one stream (one container's log): raw byte chunks in any split
 * → typed events. Pure: no I/O, no Kubernetes, never throws.
 *
 * Per line: split once at the edge (line-splitter), peel the Kubernetes stamp,
 * sanitise (escapes, controls, bidi) and redact secrets, keep tqdm's last `\r`
 * segment, then peel process / NCCL / vLLM / torch prefixes and hand the message
 * to the handler for its format. Multi-line blocks (topology dumps, tracebacks)
 * are grouped per process. Two writes glued into one line are split at the
 * second head and both parts parsed.
 *
 * Most lines of an NCCL_DEBUG=INFO (SUBSYS=ALL) log are per-collective and proxy
 * chatter that produce no event: those take fastLine, which decides them in place
 * (stamp and head at fixed positions, one scan for anything the full path would
 * treat specially) and only counts them. Everything else takes the full path.
 */
import type {LogEvent} from './log-events.js';
import {createLineSplitter} from './line-splitter.js';
import {stripControls} from '../core/text/controls.js';
import {maybeSecret, redact} from '../core/text/redact.js';
import {
	EMBEDDED_K8S_STAMP,
	embeddedNcclHead,
	embeddedVllmHead,
	k8sStampLength,
	ncclHead,
	type NcclHead,
	ncclStampLength,
	procPrefix,
	vllmHead,
} from './prefix.js';
import {parseMonthDay, parseRfc3339, parseSpaced} from './times.js';
import {
	composePrefixLength,
	criTag,
	embeddedProcPrefix,
	embeddedTorchHead,
	hasSgrRemnant,
	isLearnablePrefix,
	isWrapperPrefix,
	kubectlPrefixLength,
	prefixEnd,
	stripSgrRemnants,
	unwrapJson,
	unwrapSyslog,
	type Unwrapped,
} from './wrappers.js';
import {newStreamCtx, type ProcCtx, type StreamCtx} from './context.js';
import {flushProc, handleNcclMessage, ncclInfoNoise} from './nccl.js';
import {assignRanks, handleVllmMessage, notePrefixRanks} from './vllm.js';
import {feedTraceback, handleTorchLine} from './torch.js';

/** A complete, sanitised log line, handed to the log pane's ring buffer. */
export interface RawLine {
	pod: string;
	container: string;
	/** epoch ms, or null */
	at: number | null;
	/** the line without its Kubernetes timestamp, with control sequences removed and secrets redacted */
	text: string;
	/** the NCCL/vLLM process the line was attributed to (`pod|host|pid`), if any */
	proc: string | null;
}

export interface StreamParserOptions {
	pod: string;
	container?: string;
	/** called for every complete line (optional; the log pane uses it) */
	onLine?: (line: RawLine) => void;
	/** lines longer than this are cut with a marker (default 64 KiB) */
	maxLineBytes?: number;
	/**
	 * Every line through the full path (default false). For tests: the fast path must
	 * give exactly what the full path gives (test/parse/fast-path.test.ts).
	 */
	fullPathOnly?: boolean;
}

export interface StreamParser {
	push(chunk: Uint8Array | string): LogEvent[];
	/** flush a final line without newline */
	end(): LogEvent[];
}

// e.g. "… INFO 04-14 16:08:16 [__init__.py:239] Automatically detected platform cuda. [repeated 4x across cluster]"
const RAY_REPEATED = / ?\[repeated \d+x across cluster\]/;
// Anything that needs more than the plain path. Measured (bench/parse.ts): V8's regex
// scanner beats a JS char loop here, and two simple regexes beat one with every branch.
// control characters incl. `\r` and bidi (sanitize.ts, tqdm), e.g. "\x1b[36m", "\u202e";
// sanitize.ts's NEEDS_SANITIZE exactly (slowLine skips sanitize() when this finds nothing)
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * A host the full path reads the same way on every line, so the fast path may take
 * its head: no `(`/`[` start (process prefix, torch rank, NCCL stamp), no `]` (Ray's
 * `cluster]`), no secret-ish word (redaction could touch the head), no control.
 */
function fastHeadHost(h: string): boolean {
	return h.length > 0 && h.charCodeAt(0) !== 40 && h.charCodeAt(0) !== 91 && h.indexOf(']') === -1 && !maybeSecret(h) && !CONTROL.test(h);
}

/** A second NCCL head (` NCCL INFO`/` NCCL WARN`) or vLLM head (`… 04-14 16:…`) after `from`. */
function mayBeGlued(t: string, from: number): boolean {
	if (t.indexOf(' NCCL ', from) !== -1) return true;
	for (let j = t.indexOf('-', from + 2); j !== -1; j = t.indexOf('-', j + 1)) {
		if (t.charCodeAt(j + 3) === 32 && t.charCodeAt(j + 6) === 58 && isDigit(t.charCodeAt(j - 1)) && isDigit(t.charCodeAt(j + 1))) return true;
	}
	return false;
}

function isDigit(c: number): boolean {
	return c >= 48 && c <= 57;
}

/**
 * What the fast path must not skip in a message: controls/C1/bidi (sanitize.ts), and
 * the chars that start `Z ` (a second k8s stamp), `… across cluster]` (Ray) and
 * ` NCCL ` (a glued NCCL head); a hit on those three is looked at in place.
 * e.g. "\x1b[0m", "…3Z 2026-…", " [repeated 2x across cluster]", "…0 vm:966:966 [1] NCCL INFO …"
 * Measured (a scan bench over the corpus lines): one character class beats an
 * alternation of literals (~90 vs ~120 ns a line) and a table-driven char loop (~250).
 * Also measured: searching the whole chunk once per pattern (remembering the next hit for
 * the lines before it) is slower: the class scan costs ~0.7 ns a character, and the
 * message is only part of the line.
 * `\n` is in the class too: never inside a line, it ends one that is a range of the chunk,
 * so the scan stops there instead of running on to the next line's stamp (~20 ns a line).
 */
const FULL_PATH = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069Z\]N]/g;

// NCCL_DEBUG_TIMESTAMP_FORMAT's default `[%F %T] ` exactly, e.g. "[2026-11-26 22:05:13] " (22 chars)
const NCCL_STAMP_FIXED = /\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] /y;

/**
 * True when the message t[from, end) needs the full path: anything slowLine's scans or mayBeGlued
 * would flag in it (a superset: a false alarm only costs the slow path). Secret words
 * are not looked for here. `t` may go on past the line (the splitter's chunk): a hit
 * there is not the line's (the scan stops at the line's `\n`, or `\r` before it).
 */
function needsFullPath(t: string, from: number, end: number): boolean {
	FULL_PATH.lastIndex = from;
	while (FULL_PATH.test(t)) {
		const i = FULL_PATH.lastIndex - 1;
		if (i >= end) break;
		const c = t.charCodeAt(i);
		if (c === 90) {
			if (i + 1 < end && t.charCodeAt(i + 1) === 32) return true;
		} else if (c === 93) {
			if (t.startsWith('cluster', i - 7)) return true;
		} else if (c === 78) {
			if (i > 0 && t.charCodeAt(i - 1) === 32 && i + 5 <= end && t.startsWith('NCCL ', i)) return true;
		} else return true;
	}
	// a glued vLLM head "…requestINFO 04-14 16:08:22 [file.py:206] …", as mayBeGlued looks for it
	for (let j = t.indexOf('-', from + 1); j !== -1 && j < end; j = t.indexOf('-', j + 1)) {
		if (j + 6 < end && t.charCodeAt(j + 3) === 32 && t.charCodeAt(j + 6) === 58 && isDigit(t.charCodeAt(j - 1)) && isDigit(t.charCodeAt(j + 1))) return true;
	}
	return false;
}

// e.g. "[rank1]:[E1126 22:03:48.455398836 ProcessGroupNCCL.cpp:612] …"
const TORCH_RANK = /^\[rank(\d+)\]:/;

interface Line {
	k8s: string | null;
	/** a stamp inside the line and how to read it */
	stamp: string | null;
	/** `journal`: journald `short`'s `MM-DD HH:MM:SS`, read like vLLM's, but a full stamp in the line beats it */
	stampKind: 'nccl' | 'vllm' | 'py' | 'journal' | null;
	cached: number | null | undefined;
	proc: string | null;
}

export function createStreamParser(options: StreamParserOptions): StreamParser {
	const pod = options.pod;
	const container = options.container ?? '';
	const onLine = options.onLine;
	const fast = options.fullPathOnly !== true;
	const splitter = createLineSplitter(options.maxLineBytes ?? 64 * 1024);
	const ctx: StreamCtx = newStreamCtx(pod);

	let lines = 0;
	// a line's k8s stamp is held as (string, index of the stamp in it): the fast path's lines
	// are ranges of the decoded chunk, not strings of their own
	let firstK8s: string | null = null;
	let firstK8sAt = 0;
	let lastK8s: string | null = null;
	let lastK8sAt = 0;
	let firstOther: number | null = null;
	let lastOther: number | null = null;
	const procLastStamp = new Map<string, string | null>();
	// the last process's stamp is held here and written to the map only when another
	// process writes (hot: one Map.set per run of lines instead of per line); the map's
	// key order (first appearance) is unchanged
	let stampKey: string | null = null;
	let stampVal: string | null = null;
	let stampValAt = 0;
	const noteStamp = (key: string, k8s: string | null, at: number): void => {
		if (key !== stampKey) {
			if (stampKey !== null) procLastStamp.set(stampKey, heldStamp());
			stampKey = key;
		}
		stampVal = k8s;
		stampValAt = at;
	};
	/** the held stamp as a string of its own (the stamp and what follows; parseRfc3339 reads the stamp) */
	const heldStamp = (): string | null => (stampVal === null || stampValAt === 0 ? stampVal : stampVal.slice(stampValAt, stampValAt + 31));

	const cur: Line = {k8s: null, stamp: null, stampKind: null, cached: undefined, proc: null};
	// wrappers seen on this stream: docker compose's `|` column, a CRI `P` line's text waiting for its `F`
	let composeCol = 0;
	// journald and compose put their head on every line of what they write: looked for on a
	// stream's first lines (and on all of them once seen), not on every line of a plain log
	const WRAP_PROBE_LINES = 32;
	let syslogSeen = false;
	// full-path lines of this stream so far (`lines` counts a push's only)
	let slowLines = 0;
	let criPartial: string | null = null;
	let criPartialRaw = '';
	// an unknown tool's prefix seen before a head (`[vllm]: `, `[1,0]<stdout>:`): peeled from the stream's later lines too
	const learned: string[] = [];
	// the prefix this line taught (its own text is shown without it too)
	let learnedNow: string | null = null;
	function learnPrefix(p: string): void {
		if (!isLearnablePrefix(p)) return;
		learnedNow = p;
		if (learned.length < 16 && learned.indexOf(p) === -1) learned.push(p);
	}
	const timeOf = (l: Line): number | null => {
		if (l.k8s) return parseRfc3339(l.k8s);
		if (l.stamp) return l.stampKind === 'vllm' || l.stampKind === 'journal' ? parseMonthDay(l.stamp, ctx.year) : parseSpaced(l.stamp);
		return null;
	};
	/** the current line's time, for events (lines that produce events only) */
	const at = (): number | null => {
		if (cur.cached !== undefined) return cur.cached;
		const v = timeOf(cur);
		cur.cached = v;
		if (!cur.k8s && v !== null) {
			if (firstOther === null) firstOther = v;
			lastOther = v;
		}
		return v;
	};

	let lastProc: ProcCtx | null = null;
	function procFor(host: string, pid: number, remote: boolean, dev: number | null = null): ProcCtx {
		// hot: consecutive lines mostly come from the same process
		if (lastProc !== null && lastProc.pid === pid && lastProc.host === host) return lastProc;
		const same = ctx.byPid.get(pid);
		if (same) {
			for (const q of same) if (q.host === host) return (lastProc = q);
			// a head glued to the previous write (`…3llama-0:5941:5941`) or cut (`instruct-0:5941:…`): same pid, host suffix
			for (const q of same) if (q.host.endsWith(host) || host.endsWith(q.host)) return (lastProc = q);
		}
		let p: ProcCtx;
		const key = `${pod}|${host}|${pid}`;
		// every field set here, none added later: one object shape for the hot path's reads
		p = {key, host, pid, remote, busId: null, cudaDev: null, ptrToComm: new Map(), commRanks: new Map(), initComm: null, lastComm: null, unknown: null, provisional: null, topo: null, fastHead: fastHeadHost(host)};
		ctx.procs.set(key, p);
		const list = ctx.byPid.get(pid);
		if (list) list.push(p);
		else ctx.byPid.set(pid, [p]);
		ctx.events.push({type: 'proc-seen', pod, at: at(), proc: key, host, pid, dev});
		const pending = ctx.pendingRanks.get(pid);
		if (pending) {
			ctx.pendingRanks.delete(pid);
			assignRanks(ctx, pid, pending);
		}
		return (lastProc = p);
	}

	/** One NCCL segment whose head was found at `head.start`. */
	function nccl(text: string, head: NcclHead, hasPrefix: boolean, remote: boolean): void {
		let end = text.length;
		if (mayBeGlued(text, head.msgStart)) {
			const second = embeddedNcclHead(text, head.msgStart);
			if (second !== -1) end = second;
			else {
				const v = embeddedVllmHead(text, head.msgStart);
				if (v !== -1) end = v;
			}
		}
		if (!hasPrefix && !ctx.prefixPids.has(head.pid) && ctx.mainPid === null) {
			ctx.mainPid = head.pid;
			const pending = ctx.pendingRanks.get(-1);
			if (pending) {
				ctx.pendingRanks.delete(-1);
				ctx.pendingRanks.set(head.pid, pending);
			}
		}
		// hot: the same process as the last NCCL line, compared in place (no host slice)
		const lp = lastProc;
		const proc =
			lp !== null && lp.pid === head.pid && head.hostEnd - head.start === lp.host.length && text.startsWith(lp.host, head.start)
				? lp
				: procFor(text.slice(head.start, head.hostEnd), head.pid, remote, head.dev);
		cur.proc = proc.key;
		noteStamp(proc.key, cur.k8s, 0);
		const msg = end === text.length ? text.slice(head.msgStart) : text.slice(head.msgStart, end);
		ctx.lineDev = head.dev;
		handleNcclMessage(ctx, proc, head.level, head.where, msg, at);
		if (end !== text.length) body(text.slice(end), true, undefined, false);
	}

	/** Everything after the k8s stamp and sanitising. */
	function body(text: string, hasPrefix: boolean, pid: number | null | undefined, remote: boolean, rare = true): void {
		let i = 0;
		let prefixKey = '';
		if (!hasPrefix && text.charCodeAt(0) === 40) {
			const pp = procPrefix(text);
			if (pp) {
				i = pp.length;
				hasPrefix = true;
				pid = pp.pid;
				remote = pp.ip !== null;
				prefixKey = pp.name;
				if (pp.pid !== null) {
					ctx.prefixPids.add(pp.pid);
					// a vLLM/Ray-prefixed line belongs to the GPU process of that pid, once its NCCL head was seen
					const same = ctx.byPid.get(pp.pid);
					if (same && same.length === 1) cur.proc = same[0]!.key;
					notePrefixRanks(ctx, pp.name, pp.pid, at);
				}
			}
		}
		if (rare && text.indexOf('across cluster]', i) !== -1 && RAY_REPEATED.test(text)) {
			ctx.counters.rayRepeatedLines++;
			text = text.replace(RAY_REPEATED, '');
		}
		let rank: number | null = null;
		if (text.startsWith('[rank', i)) {
			const m = TORCH_RANK.exec(i ? text.slice(i) : text);
			if (m) {
				rank = Number(m[1]);
				i += m[0].length;
			}
		}
		const ns = ncclStampLength(text, i);
		if (ns) {
			if (!cur.k8s && (!cur.stamp || cur.stampKind === 'journal')) {
				cur.stamp = text.slice(i + 1, i + ns - 2);
				cur.stampKind = 'nccl';
			}
			i += ns;
		}
		const c = text.charCodeAt(i);
		// NCCL head: `host:pid:tid [dev] NCCL INFO …`
		if (c !== 32 && text.indexOf(' NCCL ', i) !== -1) {
			const head = ncclHead(text, i);
			if (head) {
				nccl(text, head, hasPrefix, remote);
				return;
			}
		}
		// v2.18–2.21 and VERSION level: a raw `NCCL version 2.21.5+cuda12.4` (rank 0 only)
		if (c === 78 && text.startsWith('NCCL version ', i)) {
			ctx.events.push({type: 'nccl-fact', pod, at: at(), proc: null, fact: {kind: 'version', version: text.slice(i + 13).trim().split(' ')[0]!}});
			return;
		}
		const vh = vllmHead(text, i);
		if (vh) {
			if (!cur.k8s && !cur.stamp) {
				cur.stamp = vh.stamp;
				cur.stampKind = 'vllm';
			}
			let end = text.length;
			const second = embeddedNcclHead(text, vh.msgStart);
			if (second !== -1) end = second;
			else {
				const v = embeddedVllmHead(text, vh.msgStart);
				if (v !== -1) end = v;
			}
			const msg = end === text.length ? text.slice(vh.msgStart) : text.slice(vh.msgStart, end);
			if (!handleVllmMessage(ctx, vh.level, msg, pid, at, prefixKey || undefined)) {
				if (vh.level === 'ERROR' || vh.level === 'CRITICAL') {
					// vLLM repeats the logger head on every traceback line (NewLineFormatter)
					if (!feedTraceback(ctx, prefixKey, msg, at, t => handleTorchLine(ctx, t, rank, at))) handleTorchLine(ctx, msg, rank, at);
				}
			}
			if (end !== text.length) body(text.slice(end), true, undefined, false);
			return;
		}
		const rest = i ? text.slice(i) : text;
		// uvicorn `INFO:     Application startup complete.`
		if (c === 73 && rest.startsWith('INFO:')) {
			handleVllmMessage(ctx, 'INFO', rest.slice(5).trimStart(), pid, at);
			return;
		}
		// Python logging / Ray `2025-04-14 16:07:42,252\tINFO …`: a full stamp gives the year vLLM's lack
		if (c >= 48 && c <= 57 && rest.charCodeAt(4) === 45 && rest.charCodeAt(10) === 32 && rest.charCodeAt(13) === 58) {
			if (!cur.k8s && (!cur.stamp || cur.stampKind === 'journal')) {
				cur.stamp = rest.slice(0, 19);
				cur.stampKind = 'py';
			}
			const y = Number(rest.slice(0, 4));
			if (y > 1970) ctx.year = y;
			return;
		}
		if (feedTraceback(ctx, prefixKey, rest, at, t => handleTorchLine(ctx, t, rank, at))) return;
		if (handleTorchLine(ctx, rest, rank, at)) return;
		// un-headed vLLM text: tqdm bars on stderr, continuation lines
		if (handleVllmMessage(ctx, 'INFO', rest, pid, at)) return;
		// a head after other text: a write glued to the previous one (its writer is unknown), or an
		// unknown tool's prefix (`[vllm]: `, mpirun's `[1,0]<stdout>:`, stern's `pod container `).
		// The earliest head wins; a process prefix or torch head counts only after a prefix's end.
		let at0 = embeddedNcclHead(rest, 0);
		const v = embeddedVllmHead(rest, 0);
		if (v > 0 && (at0 <= 0 || v < at0)) at0 = v;
		const pp = embeddedProcPrefix(rest, 0);
		if (pp > 0 && (at0 <= 0 || pp < at0)) at0 = pp;
		const th = embeddedTorchHead(rest, 0);
		if (th > 0 && (at0 <= 0 || th < at0)) at0 = th;
		if (at0 > 0) {
			// after a prefix's end (space, `:`, `|`, `]`, `>`) the rest is a line of its own, read from its start
			if (!hasPrefix && prefixEnd(rest.charCodeAt(at0 - 1))) {
				if (rest === text) learnPrefix(rest.slice(0, at0));
				body(rest.slice(at0), false, null, false);
			} else body(rest.slice(at0), true, undefined, at0 === v ? false : remote);
			return;
		}
		if (rest.length && !hasPrefix) ctx.counters.unrecognised++;
	}

	/** tqdm redraws with `\r`: keep the last non-empty segment, and the process prefix before it. */
	function lastSegment(text: string): string {
		const parts = text.split('\r');
		let last = '';
		for (let k = parts.length - 1; k >= 0; k--) {
			if (parts[k]!.trim() !== '') {
				last = parts[k]!;
				break;
			}
		}
		const pp = procPrefix(parts[0]!);
		if (pp && !last.startsWith(parts[0]!.slice(0, pp.length))) {
			const prefix = parts[0]!.slice(0, pp.length);
			return last === parts[0] ? last : prefix + last.trimStart();
		}
		return last;
	}

	/**
	 * The fast path for the bulk of an NCCL_DEBUG=INFO, SUBSYS=ALL log: a line with the
	 * nanosecond k8s stamp, the NCCL head of a process already seen, and a message that
	 * produces no event (proxy/alloc chatter, per-collective `AllReduce: opCount …`).
	 * Decided by fixed-position checks, one character-class scan of the message and a
	 * first-characters table (ncclInfoNoise); no slice or allocation unless onLine is set.
	 * The line is src[b, e) (the splitter's range of the decoded chunk: no slice per line).
	 * Returns false, having changed nothing, whenever the full path is needed; its effects
	 * are exactly the full path's for such a line (test/parse/fast-path.test.ts compares
	 * both on the corpus and on lines with planted escapes, secrets and glued heads).
	 */
	function fastLine(src: string, b: number, e: number): boolean {
		// every read below stays inside the line: src may go on with the next lines (a read there
		// would see them), and a read past the string's end (NaN) deoptimises the function (each
		// recompile costs CPU time); the shortest head line is ~51 chars
		if (ctx.mainPid === null || e - b < 51) return false;
		// k8s `timestamps=true` stamp at full precision, fixed width: "2026-11-26T22:05:02.718062268Z "
		// (as k8sStampLength reads it: `-` `T` `:` in place, the first space after 19 at 30, `Z` before it)
		if (src.charCodeAt(b + 30) !== 32 || src.charCodeAt(b + 29) !== 90 || src.charCodeAt(b + 10) !== 84 || src.charCodeAt(b + 4) !== 45 || src.charCodeAt(b + 13) !== 58) return false;
		if (!isDigit(src.charCodeAt(b)) || src.indexOf(' ', b + 19) !== b + 30) return false;
		// NCCL 2.26+ own stamp in its default form (ncclStampLength's reading), e.g. "[2026-11-26 22:05:13] "
		let h0 = b + 31;
		if (src.charCodeAt(h0) === 91) {
			NCCL_STAMP_FIXED.lastIndex = h0;
			if (!NCCL_STAMP_FIXED.test(src)) return false;
			h0 += 22;
		}
		// NCCL head "vm:1574:1574 [0] NCCL INFO " as ncclHead reads it (this fixed form only):
		// host up to the first `:`, then pid, tid, [cudaDev]
		const colon = src.indexOf(':', h0 + 1);
		if (colon === -1 || colon >= e || colon - h0 > 256) return false;
		const hostLen = colon - h0;
		let pid = 0;
		let q = colon + 1;
		for (let c = src.charCodeAt(q); c >= 48 && c <= 57 && q < e - 1; c = src.charCodeAt(++q)) pid = pid * 10 + c - 48;
		if (q === colon + 1 || src.charCodeAt(q) !== 58) return false;
		let p = ++q;
		while (q < e - 1 && isDigit(src.charCodeAt(q))) q++;
		if (q === p || q + 1 >= e || src.charCodeAt(q) !== 32 || src.charCodeAt(q + 1) !== 91) return false;
		p = q += 2;
		while (q < e - 1 && isDigit(src.charCodeAt(q))) q++;
		if (q === p || src.charCodeAt(q) !== 93 || !src.startsWith(' NCCL INFO ', q + 1)) return false;
		const m = q + 12;
		if (m >= e) return false;
		// the process, found as nccl()/procFor find it: the last one, else the first of that pid with that host
		let proc = lastProc;
		if (proc === null || proc.pid !== pid || proc.host.length !== hostLen || !src.startsWith(proc.host, h0)) {
			proc = null;
			const same = ctx.byPid.get(pid);
			if (same === undefined) return false;
			for (const x of same) {
				if (x.host.length === hostLen && src.startsWith(x.host, h0)) {
					proc = x;
					break;
				}
			}
			if (proc === null) return false;
		}
		if (!proc.fastHead || needsFullPath(src, m, e)) return false;
		// inside a topology dump every line goes to the dump's reader
		const noise = proc.topo !== null ? 0 : ncclInfoNoise(src, m, e);
		if (noise === 0) {
			// the head's [dev] (q ends it), for lines that place a rank (only lines with a handler)
			let dev = 0;
			for (let k = p; k < q; k++) dev = dev * 10 + src.charCodeAt(k) - 48;
			ctx.lineDev = dev;
			return handledLine(b === 0 && e === src.length ? src : src.slice(b, e), proc, m - b);
		}
		let text = '';
		if (onLine) {
			text = src.slice(b + 31, e);
			// redaction must see it (the scan does not look for secret words)
			if (maybeSecret(text)) return false;
		}
		// the full path's effects for this line
		lines++;
		lastProc = proc;
		if (firstK8s === null) {
			firstK8s = src;
			firstK8sAt = b;
		}
		lastK8s = src;
		lastK8sAt = b;
		if (ctx.year === null) ctx.year = Number(src.slice(b, b + 4));
		noteStamp(proc.key, src, b);
		if (noise === 2) ctx.counters.collectiveLines++;
		if (onLine) onLine({pod, container, at: parseRfc3339(src, b), text, proc: proc.key});
		return true;
	}

	/**
	 * A clean NCCL INFO line with a message to read (fastLine found its head and process,
	 * and that nothing in it needs sanitising or splitting): the full path's effects
	 * for it, without peeling the line again. A secret-ish word sends it to the full
	 * path (redaction may rewrite the message).
	 */
	function handledLine(raw: string, proc: ProcCtx, m: number): boolean {
		if (maybeSecret(raw)) return false;
		lines++;
		cur.k8s = raw;
		cur.stamp = null;
		cur.stampKind = null;
		cur.cached = undefined;
		cur.proc = proc.key;
		if (firstK8s === null) {
			firstK8s = raw;
			firstK8sAt = 0;
		}
		lastK8s = raw;
		lastK8sAt = 0;
		if (ctx.year === null) ctx.year = Number(raw.slice(0, 4));
		lastProc = proc;
		noteStamp(proc.key, raw, 0);
		try {
			handleNcclMessage(ctx, proc, 'INFO', null, raw.slice(m), at);
		} catch {
			ctx.counters.unrecognised++;
		}
		if (onLine) onLine({pod, container, at: cur.cached !== undefined ? cur.cached : timeOf(cur), text: raw.slice(31), proc: proc.key});
		return true;
	}

	function line(raw: string): void {
		if (fast && fastLine(raw, 0, raw.length)) return;
		slowLine(raw);
	}

	/** One line from the splitter: src[b, e). */
	function lineRange(src: string, b: number, e: number): void {
		if (fast && fastLine(src, b, e)) return;
		slowLine(b === 0 && e === src.length ? src : src.slice(b, e));
	}

	/** A time taken from a wrapper (JSON `time`, journald's ISO stamp, a stamp after a prefix) stands for the k8s stamp. */
	function takeStamp(s: string): void {
		cur.k8s = s;
		if (firstK8s === null) {
			firstK8s = s;
			firstK8sAt = 0;
		}
		lastK8s = s;
		lastK8sAt = 0;
		if (ctx.year === null) ctx.year = Number(s.slice(0, 4));
	}

	/** The full path. */
	function slowLine(raw: string): void {
		lines++;
		slowLines++;
		// one Line object per stream, reset per line (no allocation on the hot path)
		cur.k8s = null;
		cur.stamp = null;
		cur.stampKind = null;
		cur.cached = undefined;
		cur.proc = null;
		let text = raw;
		const n = k8sStampLength(raw);
		if (n) {
			// the raw line itself stands for its stamp (parseRfc3339 reads only the stamp): no slice per line
			cur.k8s = raw;
			text = raw.slice(n);
			if (firstK8s === null) {
				firstK8s = raw;
				firstK8sAt = 0;
			}
			lastK8s = raw;
			lastK8sAt = 0;
			if (ctx.year === null) ctx.year = Number(cur.k8s.slice(0, 4));
		}
		// a wrapper around the program's line, told by its first characters (wrappers.ts, docs/log-formats/wrappers.md)
		const c0 = text.charCodeAt(0);
		if (c0 === 123) {
			// `{"log":"…","stream":"stderr","time":"…"}` (docker json-file, Fluent Bit, Loki, journalctl -o json)
			const u = unwrapJson(text);
			if (u) {
				if (u.time !== null && cur.k8s === null) takeStamp(u.time);
				if (u.text.indexOf('\n') !== -1) {
					// one record, several lines (a shipper's multiline join): each read as a line, with the record's time
					const parts = u.text.split('\n');
					const k8s = cur.k8s;
					for (let k = 0; k < parts.length; k++) {
						if (k > 0) {
							lines++;
							cur.k8s = k8s;
							cur.stamp = null;
							cur.stampKind = null;
							cur.cached = undefined;
							cur.proc = null;
						}
						inner(parts[k]!, parts[k]!, 0);
					}
					return;
				}
				text = u.text;
			}
		} else if (n !== 0 && c0 === 115) {
			// CRI log file `<stamp> stderr F <message>`: `P` parts are held and joined to the next `F`
			const r = criTag(text);
			if (r) {
				if (r.partial) {
					criPartial = (criPartial ?? '') + text.slice(r.msgStart);
					criPartialRaw = raw;
					return;
				}
				text = criPartial !== null ? criPartial + text.slice(r.msgStart) : text.slice(r.msgStart);
				criPartial = null;
			}
		} else if (c0 === 91 && text.charCodeAt(1) === 112) {
			// `kubectl logs --prefix`: `[pod/name/container] ` (with --timestamps, the stamp follows it)
			const k = kubectlPrefixLength(text);
			if (k) {
				text = text.slice(k);
				const m = k8sStampLength(text);
				if (m) {
					if (cur.k8s === null) takeStamp(text);
					text = text.slice(m);
				}
			}
		}
		// journald / syslog `Jan  2 03:04:05 host unit[pid]: ` or `2025-01-02T03:04:05+0000 host unit[pid]: `
		// (a kubelet stamp ends in `Z`: one with an offset may be journald's short-iso)
		if ((syslogSeen || slowLines <= WRAP_PROBE_LINES) && (n === 0 ? (c0 >= 65 && c0 <= 90) || (c0 >= 48 && c0 <= 57) || (c0 >= 97 && c0 <= 122) || c0 > 127 : raw.charCodeAt(n - 2) !== 90)) {
			const u: Unwrapped | null = unwrapSyslog(n === 0 ? text : raw);
			if (u) {
				syslogSeen = true;
				text = u.text;
				if (u.time !== null && cur.k8s === null) takeStamp(u.time);
				if (u.monthDay !== null && cur.k8s === null) {
					cur.stamp = u.monthDay;
					cur.stampKind = 'journal';
				}
			}
		}
		// the stamp a second write's part keeps when the line is split (the line was not unwrapped)
		inner(raw, text, text.length === raw.length - n ? n : 0);
	}

	/** A CRI `P` part the stream ended on (no `F` came): read as a line, at its own stamp. */
	function flushCriPartial(): void {
		const t = criPartial!;
		criPartial = null;
		lines++;
		cur.stamp = null;
		cur.stampKind = null;
		cur.cached = undefined;
		cur.proc = null;
		cur.k8s = null;
		if (k8sStampLength(criPartialRaw)) takeStamp(criPartialRaw);
		inner(t, t, 0);
	}

	/** The rest of the full path, for the line's text once its outer wrapper is off (`raw` is the whole line). */
	function inner(raw: string, text: string, n: number): void {
		// a few scans say whether anything unusual is in the line (most NCCL lines: nothing);
		// what they found spares sanitize and redact their own first scan (~100 ns a line each)
		const control = CONTROL.test(text);
		// with a control in the line, redact looks for secret words after sanitising
		const secretish = !control && maybeSecret(text);
		const rare = control || secretish || text.indexOf('Z ') !== -1 || text.indexOf('cluster]') !== -1;
		// older kubelets stamp every partial fragment: a second stamp mid-line starts a second write
		if (rare && text.indexOf('Z ') > 0) {
			EMBEDDED_K8S_STAMP.lastIndex = 1;
			const m = EMBEDDED_K8S_STAMP.exec(text);
			if (m && m.index > 0) {
				// a wrapper's prefix before the stamp (stern, compose, kubectl with --timestamps): the line is what follows
				const before = text.slice(0, m.index);
				if (isWrapperPrefix(control ? stripControls(before) : before)) {
					line(text.slice(m.index));
					lines -= 1;
					return;
				}
				// one line read (pods[].lines counts lines read), two writes parsed and shown
				line(raw.slice(0, n) + text.slice(0, m.index));
				line(text.slice(m.index));
				lines -= 2;
				return;
			}
		}
		// sanitize() leaves a text without controls as it is, and redact() one without secret
		// words; a `\r` is a control
		if (control) {
			text = redact(stripControls(text, true));
			if (text.indexOf('\r') !== -1) text = lastSegment(text);
		} else if (secretish) text = redact(text, true);
		// colour codes that lost their ESC byte: `[36m(RayWorkerVllm pid=5085)[0m …`
		if (hasSgrRemnant(text)) text = stripSgrRemnants(text);
		// docker compose `svc-1  | ` (the stream's column is remembered)
		const cp = composeCol > 0 || slowLines <= WRAP_PROBE_LINES ? composePrefixLength(text, composeCol) : 0;
		if (cp) {
			composeCol = cp - 2;
			text = text.slice(cp);
			// compose --timestamps: the stamp follows the prefix
			const m = k8sStampLength(text);
			if (m) {
				if (cur.k8s === null) takeStamp(text);
				text = text.slice(m);
			}
		}
		for (let k = 0; k < learned.length; k++) {
			if (text.startsWith(learned[k]!)) {
				text = text.slice(learned[k]!.length);
				break;
			}
		}
		learnedNow = null;
		try {
			body(text, false, null, false, rare);
		} catch {
			// a parser bug must never stop the stream: the line still reaches the log pane
			ctx.counters.unrecognised++;
		}
		if (learnedNow !== null && text.startsWith(learnedNow)) text = text.slice((learnedNow as string).length);
		if (onLine) onLine({pod, container, at: cur.cached !== undefined ? cur.cached : timeOf(cur), text, proc: cur.proc});
	}

	function drain(): LogEvent[] {
		const events = ctx.events;
		ctx.events = [];
		if (lines > 0 || ctx.counters.collectiveLines || ctx.counters.rayRepeatedLines || ctx.counters.unrecognised) {
			const procLastAt: Record<string, number | null> = {};
			if (stampKey !== null) procLastStamp.set(stampKey, heldStamp());
			for (const [k, s] of procLastStamp) procLastAt[k] = s ? parseRfc3339(s) : null;
			events.push({
				type: 'log-progress',
				pod,
				at: null,
				lines,
				firstAt: firstK8s ? parseRfc3339(firstK8s, firstK8sAt) : firstOther,
				lastAt: lastK8s ? parseRfc3339(lastK8s, lastK8sAt) : lastOther,
				collectiveLines: ctx.counters.collectiveLines,
				rayRepeatedLines: ctx.counters.rayRepeatedLines,
				unrecognised: ctx.counters.unrecognised,
				procLastAt,
			});
		}
		lines = 0;
		firstK8s = lastK8s = null;
		firstOther = lastOther = null;
		procLastStamp.clear();
		stampKey = stampVal = null;
		ctx.counters = {collectiveLines: 0, rayRepeatedLines: 0, unrecognised: 0};
		return events;
	}

	return {
		push(chunk) {
			try {
				splitter.scan(chunk, lineRange);
			} catch {
				ctx.counters.unrecognised++;
			}
			return drain();
		},
		end() {
			try {
				for (const l of splitter.end()) line(l);
				if (criPartial !== null) flushCriPartial();
				for (const p of ctx.procs.values()) flushProc(ctx, p);
			} catch {
				ctx.counters.unrecognised++;
			}
			return drain();
		},
	};
}
