/**
 * Lines that passed through another tool before reaching us carry that tool's
 * wrapper: a JSON record, a CRI or journald head, a `[pod/…]`, compose or stern
 * prefix, colour codes that lost their ESC byte. Each reader here is pure and is
 * called only after a fixed-position check of the first characters says the line
 * may be that wrapper (docs/log-formats/wrappers.md has each format, as read in the
 * tool's source, with a real example). What is left is handed to the normal path.
 */
import {isoToRfc3339, epochToRfc3339} from './times.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Tab = 9,
	Lf = 10,
	Cr = 13,
	Space = 32,
	Minus = 45, // '-'
	Dot = 46, // '.'
	Digit0 = 48,
	Digit9 = 57,
	Colon = 58, // ':'
	Semicolon = 59, // ';'
	Greater = 62, // '>'
	A = 65,
	E = 69,
	F = 70,
	P = 80,
	T = 84,
	Z = 90,
	OpenBracket = 91, // '['
	CloseBracket = 93, // ']'
	Underscore = 95, // '_'
	a = 97,
	m = 109,
	s = 115,
	z = 122,
	Pipe = 124, // '|'
	CloseBrace = 125, // '}'
	NonAscii = 128,
}

/** A line's message inside a wrapper, and the wrapper's time (RFC3339, parseRfc3339 reads it) if it has one. */
export interface Unwrapped {
	text: string;
	/** RFC3339 stamp, e.g. `2025-01-02T03:04:05.123Z` */
	time: string | null;
	/** vLLM-style `MM-DD HH:MM:SS` (syslog/journald `short` has no year) */
	monthDay: string | null;
	/**
	 * A part of a longer line: docker's json-file writes a line over 16 KiB as several
	 * records, and only the last one's `log` ends with the line's `\n` (daemon/logger
	 * copier.go, jsonfilelog). Only a docker-shaped record (`log`, `stream`, `time`) is one,
	 * or a Fluent Bit CRI record tagged `"logtag":"P"`.
	 */
	partial?: boolean;
}

// ---- JSON-per-line: docker json-file, Fluent Bit, Loki / logcli, journalctl -o json ----

// the message key, in the order they are looked for
const MSG_KEYS = ['log', 'line', 'message', 'MESSAGE', 'msg'] as const;
const TIME_KEYS = ['time', 'timestamp', 'date', '@timestamp', 'ts', '__REALTIME_TIMESTAMP'] as const;

/**
 * A JSON object line with a string message (`log`, `line`, `message`, `MESSAGE`, `msg`).
 * The caller checked `{` at 0. Returns null for any other JSON (a config dict a program
 * printed stays a line of its own).
 * e.g. `{"log":"vm:1:1 [0] NCCL INFO …\n","stream":"stderr","time":"2025-01-02T03:04:05.123456789Z"}`
 */
export function unwrapJson(line: string): Unwrapped | null {
	if (line.charCodeAt(line.length - 1) !== Ch.CloseBrace || line.indexOf('":') === -1) return null;
	let o: unknown;
	try {
		o = JSON.parse(line);
	} catch {
		return null;
	}
	if (o === null || typeof o !== 'object' || Array.isArray(o)) return null;
	const rec = o as Record<string, unknown>;
	let text: string | null = null;
	for (const k of MSG_KEYS) {
		const v = rec[k];
		if (typeof v === 'string') {
			text = v;
			break;
		}
	}
	if (text === null) return null;
	// docker json-file keeps the line's own `\n` (and a `\r` before it)
	let end = text.length;
	while (end > 0 && (text.charCodeAt(end - 1) === Ch.Lf || text.charCodeAt(end - 1) === Ch.Cr)) end--;
	// docker json-file's own record is exactly `log`, `stream`, `time`: a shipper that re-wraps lines
	// (Fluent Bit's `date`, its CRI parser's `logtag`) says a part otherwise, or not at all
	const tag = rec['logtag'];
	const partial = typeof tag === 'string' ? tag === 'P' : end === text.length && typeof rec['log'] === 'string' && typeof rec['stream'] === 'string' && typeof rec['time'] === 'string' && rec['date'] === undefined;
	if (end !== text.length) text = text.slice(0, end);
	let time: string | null = null;
	for (const k of TIME_KEYS) {
		const v = rec[k];
		if (v === undefined) continue;
		time = wrapperTime(v, k === '__REALTIME_TIMESTAMP' ? 'us' : null);
		if (time !== null) break;
	}
	return partial ? {text, time, monthDay: null, partial} : {text, time, monthDay: null};
}

/** A wrapper's time value: an RFC3339 string, epoch seconds (Fluent Bit `date`), or a digit string (Loki ns, journald µs). */
function wrapperTime(v: unknown, unit: 'us' | null): string | null {
	if (typeof v === 'number' && Number.isFinite(v)) return epochToRfc3339(byMagnitude(v));
	if (typeof v !== 'string' || v.length === 0) return null;
	const c = v.charCodeAt(0);
	if (c < Ch.Digit0 || c > Ch.Digit9) return null;
	if (v.charCodeAt(4) === Ch.Minus) return isoToRfc3339(v);
	if (/^\d+(?:\.\d+)?$/.test(v)) {
		const n = Number(v);
		return epochToRfc3339(unit === 'us' ? n / 1000 : byMagnitude(n));
	}
	return null;
}

/** epoch seconds, ms, µs or ns → ms, told apart by size (all between 2001 and 2286) */
function byMagnitude(n: number): number {
	// float seconds (Fluent Bit `date`, µs digits): 0.5 µs up so 1.718999 s is not read as 1718.9989… ms
	if (n < 1e11) return Math.floor(n * 1000 + 0.0005);
	if (n < 1e14) return n;
	if (n < 1e17) return n / 1000;
	return n / 1e6;
}

// ---- CRI (containerd / CRI-O log file): `<RFC3339Nano> <stream> <P|F> <message>` ----

export interface CriRecord {
	partial: boolean;
	/** index of the message in the text */
	msgStart: number;
}

/**
 * The CRI tag after the stamp (the stamp was peeled as a k8s stamp): `stdout F ` / `stderr P `.
 * e.g. "stderr F vm:1:1 [0] NCCL INFO …" → {partial: false, msgStart: 9}
 */
export function criTag(text: string): CriRecord | null {
	if (text.charCodeAt(0) !== Ch.s || text.charCodeAt(6) !== Ch.Space || text.charCodeAt(8) !== Ch.Space) return null;
	if (!text.startsWith('stderr', 0) && !text.startsWith('stdout', 0)) return null;
	const t = text.charCodeAt(7);
	if (t !== Ch.F && t !== Ch.P) return null;
	return {partial: t === Ch.P, msgStart: 9};
}

// ---- kubectl logs --prefix: `[pod/<name>/<container>] ` ----

/** Length of a `kubectl logs --prefix` head, or 0. e.g. "[pod/vllm-0/vllm] …" → 17 */
export function kubectlPrefixLength(text: string): number {
	if (!text.startsWith('[pod/')) return 0;
	const close = text.indexOf('] ', 5);
	if (close === -1 || close > 300) return 0;
	// name/container: no space inside
	for (let i = 5; i < close; i++) if (text.charCodeAt(i) === Ch.Space) return 0;
	return close + 2;
}

// ---- journald / syslog ----

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
// e.g. "Jan  2 03:04:05 gpu-node-1 vllm[1234]: …", "Jan 02 03:04:05.123456 gpu-node-1 python3[99]: …"
const SYSLOG = /^([A-Z][a-z][a-z]) ([ \d]\d) (\d\d:\d\d:\d\d)(?:\.\d+)? [^\s:]+ [^\s:[\]]+(?:\[\d+\])?: /;
// e.g. "авг 18 14:15:04 llm python3[28059]: …" (journalctl `short` under a Russian locale, public excerpt 1CatAI/1Cat-vLLM#237)
const SYSLOG_LOCAL = /^\p{L}{2,4}\.? ([ \d]\d) (\d\d:\d\d:\d\d)(?:\.\d+)? [^\s:]+ [^\s:[\]]+(?:\[\d+\])?: /u;
// e.g. "2025-01-02T03:04:05+0000 gpu-node-1 vllm[1234]: …" (short-iso), "…05.123456+00:00 …" (short-iso-precise)
const SYSLOG_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) [^\s:]+ [^\s:[\]]+(?:\[\d+\])?: /;

/**
 * journalctl `short` / `short-precise` / `short-iso` / `short-iso-precise` and classic syslog heads.
 * Decided by fixed positions first: a month name then ` `, `:` at 9; or `-` at 4, `T` at 10.
 */
export function unwrapSyslog(line: string): Unwrapped | null {
	const c0 = line.charCodeAt(0);
	// a month named in the host's locale (`авг 18 14:15:04 llm python3[28059]: `, `mai`, `déc.`):
	// the same shape after a 3–5 letter word; no month number, so no time from it
	if (c0 >= Ch.NonAscii || (c0 >= Ch.a && c0 <= Ch.z)) {
		const sp = line.indexOf(' ');
		if (sp < 3 || sp > 5 || line.charCodeAt(sp + 3) !== Ch.Space || line.charCodeAt(sp + 6) !== Ch.Colon || line.charCodeAt(sp + 9) !== Ch.Colon) return null;
		const m = SYSLOG_LOCAL.exec(line);
		return m ? {text: line.slice(m[0].length), time: null, monthDay: null} : null;
	}
	if (c0 >= Ch.A && c0 <= Ch.Z) {
		if (line.charCodeAt(3) !== Ch.Space || line.charCodeAt(6) !== Ch.Space || line.charCodeAt(9) !== Ch.Colon) return null;
		const mi = MONTHS.indexOf(line.slice(0, 3));
		if (mi === -1 || mi % 3 !== 0) return null;
		const m = SYSLOG.exec(line);
		if (!m) return null;
		const mm = String(mi / 3 + 1).padStart(2, '0');
		const dd = m[2]!.replace(' ', '0');
		return {text: line.slice(m[0].length), time: null, monthDay: `${mm}-${dd} ${m[3]}`};
	}
	if (c0 >= Ch.Digit0 && c0 <= Ch.Digit9 && line.charCodeAt(4) === Ch.Minus && line.charCodeAt(10) === Ch.T) {
		const m = SYSLOG_ISO.exec(line);
		if (!m) return null;
		return {text: line.slice(m[0].length), time: isoToRfc3339(m[1]!), monthDay: null};
	}
	return null;
}

// ---- prefixes read after sanitising: compose, SGR remnants ----

// docker compose v2 `%-<w>s | ` (w = longest name + 1) and v1 `name.ljust(w) + ' |' + ' '`;
// e.g. "vllm-1  | INFO 04-14 …", "db_1   | …"
const COMPOSE = /^[\w.-]*[ ]+\| /;

/** Length of a docker compose service prefix, or 0. `col` is the stream's last `|` column (checked first). */
export function composePrefixLength(text: string, col: number): number {
	if (col > 0 && text.charCodeAt(col) === Ch.Pipe && text.charCodeAt(col - 1) === Ch.Space && text.charCodeAt(col + 1) === Ch.Space) {
		let ok = true;
		for (let i = 0; i < col - 1 && ok; i++) ok = isNameChar(text.charCodeAt(i)) || text.charCodeAt(i) === Ch.Space;
		if (ok) return col + 2;
	}
	const c = text.charCodeAt(0);
	if (!isNameChar(c) && c !== Ch.Space) return 0;
	// the service column is at most ~80 wide: search there, not the whole line
	if (text.lastIndexOf(' | ', 80) === -1) return 0;
	const m = COMPOSE.exec(text);
	return m ? m[0].length : 0;
}

function isNameChar(c: number): boolean {
	return (c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z) || (c >= Ch.Digit0 && c <= Ch.Digit9) || c === Ch.Underscore || c === Ch.Minus || c === Ch.Dot;
}

// an SGR sequence whose ESC byte was lost (pasted issue text, `cat -v`-less copies), written out as `ESC`, or
// shown as a space: "[36m", "[0m", "[1;36m", "ESC[36m", " [36m(RayWorkerVllm pid=5310) [0m host:…" (vllm-project/vllm#2734:
// Ray's `ESC[36m(…)ESC[0m ` pasted with each ESC a space; the space goes with the code, or the prefix is not at 0)
const SGR_REMNANT = /(?:ESC|\^\[| )?\[\d{1,3}(?:;\d{1,3})*m/g;

/**
 * True when the text has SGR remnants to strip: one at the start, or a reset `[0m`
 * (Ray's and vLLM's colour always ends with it). A real `[0]` cudaDev bracket is not one.
 */
export function hasSgrRemnant(text: string): boolean {
	const c = text.charCodeAt(0);
	if ((c === Ch.OpenBracket && isSgrAt(text, 1)) || (c === Ch.E && text.startsWith('ESC[', 0) && isSgrAt(text, 4))) return true;
	// its ESC shown as a space: ` [36m(RayWorkerVllm pid=5310) [0m …`
	if (c === Ch.Space && text.charCodeAt(1) === Ch.OpenBracket && isSgrAt(text, 2)) return true;
	// a reset ends a coloured prefix or level word near the start: look there, not along the whole line
	return (text.length > 320 ? text.slice(0, 320) : text).indexOf('[0m') !== -1;
}

function isSgrAt(text: string, i: number): boolean {
	let any = false;
	for (; i < text.length && i < 16; i++) {
		const c = text.charCodeAt(i);
		if (c === Ch.m) return any;
		if ((c < Ch.Digit0 || c > Ch.Digit9) && c !== Ch.Semicolon) return false;
		any = true;
	}
	return false;
}

/** The text without SGR remnants (call when hasSgrRemnant said so). */
export function stripSgrRemnants(text: string): string {
	return text.replace(SGR_REMNANT, '');
}

// ---- what may stand before a second k8s stamp ----

// kubectl `[pod/x/c] `, compose `svc  | `, stern `pod container ` (DNS-1123 names)
const WRAPPER_PREFIX = /^(?:\[pod\/[^\s\]]+\] |[\w.-]* +\| |[a-z0-9][a-z0-9.-]{0,252} [a-z0-9][a-z0-9-]{0,62} )$/;

/** True when `s` (the text before an embedded stamp) is only a wrapper's prefix, with nothing of the program's in it. */
export function isWrapperPrefix(s: string): boolean {
	return s.length <= 320 && WRAPPER_PREFIX.test(s);
}

// ---- an unknown prefix: where a known head starts later in the line ----

// torch `[rank1]:[E1126 …` / `[E1126 22:03:48.455398836 ProcessGroupNCCL.cpp:612] `
const TORCH_AFTER = /\[rank\d+\]:|\[[EWIF]\d{3,4} \d\d:\d\d:\d\d[.\d]* [\w.]+:\d+\] /g;

/**
 * Start of a torch head (`[rankN]:` or `[E1126 … file.cpp:N] `) after `from` that follows a
 * space, `:`, `|`, `>` or `]` (the end of some prefix), or -1.
 */
export function embeddedTorchHead(text: string, from: number): number {
	// a prefix is short: look at its first PREFIX_MAX characters only (long vLLM lines are full of `[`)
	const t = text.length > from + PREFIX_MAX + 64 ? text.slice(0, from + PREFIX_MAX + 64) : text;
	if (t.indexOf('[', from + 1) === -1) return -1;
	TORCH_AFTER.lastIndex = from + 1;
	for (let m = TORCH_AFTER.exec(t); m !== null; m = TORCH_AFTER.exec(t)) {
		if (m.index - from > PREFIX_MAX) break;
		if (prefixEnd(t.charCodeAt(m.index - 1))) return m.index;
	}
	return -1;
}

/** How far into a line an unknown tool's prefix may reach. */
const PREFIX_MAX = 400;

/** Start of a vLLM/Ray process prefix `(Name pid=N…)` after `from` that follows a prefix's end, or -1. */
export function embeddedProcPrefix(text: string, from: number): number {
	// (a slice is a view in V8: the search stops at the prefix's reach instead of the line's end)
	const t = text.length > PREFIX_MAX ? text.slice(0, PREFIX_MAX) : text;
	for (let j = t.indexOf('pid=', from + 1); j !== -1; j = t.indexOf('pid=', j + 4)) {
		const open = text.lastIndexOf('(', j);
		if (open > from && text.indexOf(')', j) !== -1 && prefixEnd(text.charCodeAt(open - 1))) return open;
	}
	return -1;
}

// at most two words (a tag, or stern's `pod container`), e.g. "[vllm]: ", "        [1,0]<stdout>:"
const LEARNABLE = /^ *[^\s%]{1,64}(?: [^\s%]{1,64})? ?$/;
const HEADISH = /\d:\d|\d{4}-\d\d-|\b(?:INFO|WARN|WARNING|ERROR|DEBUG|NCCL)\b/;

/**
 * A prefix found before a head that may be taken as the stream's wrapper: short, one or two
 * words, no `%` (a progress bar glued to a head is not a prefix).
 */
export function isLearnablePrefix(p: string): boolean {
	// not the start of a program's own head (`host:pid:tid [dev] ` with a second head glued after it, a stamp)
	// and never the start of a line fastLine could take: that one begins with an NCCL host (no space,
	// no `[`), so a learned prefix ends with a space or begins with a space or `[`
	const c0 = p.charCodeAt(0);
	if (p.charCodeAt(p.length - 1) !== Ch.Space && c0 !== Ch.Space && c0 !== Ch.OpenBracket) return false;
	return p.length <= 96 && LEARNABLE.test(p) && !HEADISH.test(p);
}

/** A character a wrapper's prefix ends with: space, `:`, `|`, `>`, `]`. */
export function prefixEnd(c: number): boolean {
	return c === Ch.Space || c === Ch.Colon || c === Ch.Pipe || c === Ch.Greater || c === Ch.CloseBracket || c === Ch.Tab;
}
