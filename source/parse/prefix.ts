/**
 * Line prefixes, peeled in any combination (docs/log-formats/nccl.md §1.1, vllm.md §2.1, §2.2, kubernetes.md §3.1):
 *   Kubernetes `timestamps=true` stamp `2026-11-26T22:05:02.718062268Z `
 *   vLLM/Ray process prefix `(VllmWorker rank=1 pid=12)`, `(RayWorkerWrapper pid=327, ip=10.0.0.2)`
 *   NCCL 2.26+ stamp `[2026-11-26 22:05:13] `
 *   NCCL head `host:pid:tid [cudaDev] NCCL INFO ` / `host:pid:tid [dev] file.cc:72 NCCL WARN `
 *     (2.30.7+ `… [dev] file.cc:72 (func) NCCL WARN `), 2.31+ diagnostics `host:pid NCCL DIAG `
 *   vLLM logger `INFO 11-26 22:01:02 [file.py:123] ` (≤0.7: `INFO 03-26 14:53:09 core.py:50] `)
 * Heads are recognised with fixed-position character checks; regexes run only
 * on lines that already look like the format.
 */

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Space = 32,
	OpenParen = 40, // '('
	CloseParen = 41, // ')'
	Minus = 45, // '-'
	Digit0 = 48,
	Digit9 = 57,
	Colon = 58, // ':'
	C = 67,
	D = 68,
	E = 69,
	I = 73,
	N = 78,
	T = 84,
	W = 87,
	Z = 90,
	OpenBracket = 91, // '['
	CloseBracket = 93, // ']'
}

/** Length of a leading RFC3339(Nano) stamp plus its space, or 0. */
// e.g. "2026-11-26T22:05:02.718062268Z vm:1574:1574 [0] NCCL INFO …" → 31
export function k8sStampLength(line: string, from = 0): number {
	if (line.length < from + 21) return 0;
	if (line.charCodeAt(from + 4) !== Ch.Minus || line.charCodeAt(from + 10) !== Ch.T || line.charCodeAt(from + 13) !== Ch.Colon) return 0;
	const c0 = line.charCodeAt(from);
	if (c0 < Ch.Digit0 || c0 > Ch.Digit9) return 0;
	const sp = line.indexOf(' ', from + 19);
	if (sp === -1 || sp - from > 36) return sp === -1 && line.length - from <= 36 && isStampEnd(line, line.length) ? line.length - from : 0;
	return isStampEnd(line, sp) ? sp + 1 - from : 0;
}

function isStampEnd(line: string, end: number): boolean {
	const z = line.charCodeAt(end - 1);
	// `Z` or a numeric offset `+00:00`
	return z === Ch.Z || (z >= Ch.Digit0 && z <= Ch.Digit9 && line.charCodeAt(end - 3) === Ch.Colon);
}

// e.g. "2026-11-26T22:05:02.718062268Z" — a second stamp glued into a line by a partial write
export const EMBEDDED_K8S_STAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) /g;

export interface ProcPrefix {
	/** text inside the parentheses, e.g. `RayWorkerWrapper pid=327, ip=10.244.1.18` */
	name: string;
	pid: number | null;
	ip: string | null;
	/** chars consumed including the trailing space */
	length: number;
}

const IP_END = /[,\s)]/;

/** vLLM/Ray process prefix at the start of an (ANSI-stripped) line. */
// e.g. "(VllmWorker TP0 pid=5) ", "(pid=328, ip=10.244.1.18) ", "(Worker (TP1)) "
export function procPrefix(text: string): ProcPrefix | null {
	if (text.charCodeAt(0) !== Ch.OpenParen) return null;
	let depth = 0;
	let end = -1;
	for (let i = 0; i < text.length && i < 200; i++) {
		const c = text.charCodeAt(i);
		if (c === Ch.OpenParen) depth++;
		else if (c === Ch.CloseParen && --depth === 0) {
			end = i;
			break;
		}
	}
	if (end === -1) return null;
	const name = text.slice(1, end);
	const pidAt = name.indexOf('pid=');
	// a process prefix names a pid, or is one of the pid-less variants (`(Worker (TP1))`)
	if (pidAt === -1 && !/^(?:Worker|Engine|API)\b/.test(name)) return null;
	let pid: number | null = null;
	if (pidAt !== -1) {
		let j = pidAt + 4;
		let v = 0;
		let any = false;
		for (; j < name.length; j++) {
			const c = name.charCodeAt(j);
			if (c < Ch.Digit0 || c > Ch.Digit9) break;
			v = v * 10 + c - Ch.Digit0;
			any = true;
		}
		pid = any ? v : null;
	}
	const ipAt = name.indexOf('ip=');
	let ip: string | null = null;
	if (ipAt !== -1) {
		// up to a `,`, a space or `)`: "ip=10.244.1.18", "ip=10.0.0.2, …"
		ip = name.slice(ipAt + 3);
		const cut = ip.search(IP_END);
		if (cut !== -1) ip = ip.slice(0, cut);
	}
	let length = end + 1;
	if (text.charCodeAt(length) === Ch.Space) length++;
	// 0.10's nested `(EngineCore_0 pid=1) (VllmWorker TP0 pid=2) `: the inner one wrote the line
	if (text.charCodeAt(length) === Ch.OpenParen && pidAt !== -1) {
		const inner = procPrefix(text.slice(length));
		if (inner && inner.pid !== null) return {...inner, length: length + inner.length};
	}
	return {name, pid, ip, length};
}

/** NCCL 2.26+ `[%F %T] ` stamp (default NCCL_DEBUG_TIMESTAMP_FORMAT), optionally with sub-seconds. */
// e.g. "[2026-11-26 22:05:13] vm:1622:1622 [0] bootstrap.cc:114 NCCL WARN …"
export function ncclStampLength(text: string, from: number): number {
	if (text.charCodeAt(from) !== Ch.OpenBracket || text.charCodeAt(from + 5) !== Ch.Minus || text.charCodeAt(from + 11) !== Ch.Space) return 0;
	const close = text.indexOf('] ', from + 19);
	return close !== -1 && close - from < 34 ? close + 2 - from : 0;
}

export interface NcclHead {
	/** host is text.slice(start, hostEnd) */
	hostEnd: number;
	/** -1: a pasted line that lost its `host:pid:tid` (headlessNcclHead) */
	pid: number;
	tid: number;
	dev: number | null;
	/** `file.cc:line` on WARN/TRACE lines */
	where: string | null;
	/** DIAG: NCCL 2.31+ diagnostics report, `host:pid NCCL DIAG …` (no tid, no device; tid is -1) */
	level: 'INFO' | 'WARN' | 'TRACE' | 'CALL' | 'DIAG';
	/** index of the message in the text */
	msgStart: number;
	/** index where the head starts */
	start: number;
}

/** Position after the last readInt (module-level: no tuple allocation on the hot path). */
let intEnd = 0;

/** Decimal digits at i (or -1 when none); the end is left in intEnd. */
function readInt(text: string, i: number): number {
	let v = 0;
	const s = i;
	for (; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < Ch.Digit0 || c > Ch.Digit9) break;
		v = v * 10 + c - Ch.Digit0;
	}
	intEnd = i;
	return i === s ? -1 : v;
}

/** NCCL head `host:pid:tid [dev] [file:line [(func)] ]NCCL LEVEL ` at `from`. */
export function ncclHead(text: string, from: number): NcclHead | null {
	const c1 = text.indexOf(':', from);
	if (c1 <= from || c1 - from > 256) return null;
	for (let i = from; i < c1; i++) if (text.charCodeAt(i) === Ch.Space) return null;
	const pid = readInt(text, c1 + 1);
	const p1 = intEnd;
	if (pid < 0) return null;
	if (text.charCodeAt(p1) !== Ch.Colon) return text.charCodeAt(p1) === Ch.Space ? diagHead(text, from, c1, pid, p1) : null;
	const tid = readInt(text, p1 + 1);
	const p2 = intEnd;
	if (tid < 0 || text.charCodeAt(p2) !== Ch.Space) return null;
	let p = p2 + 1;
	let dev: number | null = null;
	if (text.charCodeAt(p) === Ch.OpenBracket) {
		const d = readInt(text, p + 1);
		const q = intEnd;
		if (d < 0 || text.charCodeAt(q) !== Ch.CloseBracket) return null;
		dev = d;
		p = q + 1;
		if (text.charCodeAt(p) === Ch.Space) p++;
	}
	return ncclHeadTail(text, p, from, c1, pid, tid, dev);
}

/** The rest of an NCCL head after `[dev] `, at p: `[file:line [(func)] ]NCCL LEVEL `. */
function ncclHeadTail(text: string, p: number, from: number, hostEnd: number, pid: number, tid: number, dev: number | null): NcclHead | null {
	let where: string | null = null;
	if (!text.startsWith('NCCL ', p)) {
		// WARN/TRACE call site: `misc/socket.cc:72 ` (+ 2.30.7+ WARN `(func) `); TRACE also has `%f ` before it
		let sp = text.indexOf(' ', p);
		if (sp === -1) return null;
		let tok = text.slice(p, sp);
		if (/^\d+\.\d+$/.test(tok)) {
			p = sp + 1;
			sp = text.indexOf(' ', p);
			if (sp === -1) return null;
			tok = text.slice(p, sp);
		}
		if (tok.indexOf(':') === -1) return null;
		where = tok;
		p = sp + 1;
		if (text.charCodeAt(p) === Ch.OpenParen) {
			const close = text.indexOf(') ', p);
			if (close === -1) return null;
			p = close + 2;
		}
		if (!text.startsWith('NCCL ', p)) return null;
	}
	p += 5;
	let level: NcclHead['level'];
	if (text.startsWith('INFO', p)) level = 'INFO';
	else if (text.startsWith('WARN', p)) level = 'WARN';
	else if (text.startsWith('TRACE', p)) level = 'TRACE';
	else if (text.startsWith('CALL', p)) level = 'CALL';
	else return null;
	p += level.length;
	if (text.charCodeAt(p) === Ch.Space) p++;
	return {hostEnd, pid, tid, dev, where, level, msgStart: p, start: from};
}

/**
 * NCCL 2.31+ diagnostics head `host:pid NCCL DIAG ` (src/include/diagnostics_log.h DIAG_PRINT, also
 * src/ras/diagnostics.cc): printed to stdout past the debug level and subsystem filter, with the
 * full gethostname() (not cut at the first `.` as NCCL's own head is: cut here the same way, so the
 * line goes to the same process), no tid and no device.
 */
// e.g. "node01:4242 NCCL DIAG [OK]   p2p: all 56 directed GPU P2P edges verified"
function diagHead(text: string, from: number, colon: number, pid: number, sp: number): NcclHead | null {
	if (!text.startsWith(' NCCL DIAG', sp)) return null;
	let p = sp + 10;
	if (p < text.length && text.charCodeAt(p) !== Ch.Space) return null;
	if (text.charCodeAt(p) === Ch.Space) p++;
	const dot = text.indexOf('.', from);
	const hostEnd = dot !== -1 && dot > from && dot < colon ? dot : colon;
	return {hostEnd, pid, tid: -1, dev: null, where: null, level: 'DIAG', msgStart: p, start: from};
}

/**
 * An NCCL line whose `host:pid:tid ` was lost, as users paste them into issues (the head cut
 * off by a grep, an editor, a log shipper's column): `[dev] NCCL INFO `, `[dev] file.cc:72
 * [(func) ]NCCL WARN `, or a bare `NCCL INFO ` / `NCCL WARN ` (docs/log-formats/nccl.md §1.12).
 * What is left is the 2.26+ prefix from its `[%d]` on (src/debug.cc). Told by fixed positions:
 * `[` and a digit, or `NCCL INFO `/`NCCL WARN ` at `from`; torch's `[rank0]:`, NCCL's
 * `[2026-…] ` stamp and kubectl's `[pod/…] ` never get this far (the router peels them first,
 * and none is `[digits] `). The head has no host (hostEnd = start), pid and tid -1.
 */
// e.g. "[3] NCCL INFO comm 0x563cb890f420 rank 3 nRanks 8 nNodes 1 localRanks 8 localRank 3 MNNVL 0" (NVIDIA/nccl#2094)
export function headlessNcclHead(text: string, from: number): NcclHead | null {
	const c0 = text.charCodeAt(from);
	if (c0 === Ch.N) {
		// `NCCL INFO ` / `NCCL WARN `, nothing before it
		if (text.charCodeAt(from + 4) !== Ch.Space || text.charCodeAt(from + 9) !== Ch.Space || !text.startsWith('NCCL ', from)) return null;
		const w = text.charCodeAt(from + 5);
		if (!(w === Ch.I ? text.startsWith('INFO', from + 5) : w === Ch.W && text.startsWith('WARN', from + 5))) return null;
		return {hostEnd: from, pid: -1, tid: -1, dev: null, where: null, level: w === Ch.I ? 'INFO' : 'WARN', msgStart: from + 10, start: from};
	}
	if (c0 !== Ch.OpenBracket) return null;
	const d = readInt(text, from + 1);
	const q = intEnd;
	if (d < 0 || text.charCodeAt(q) !== Ch.CloseBracket || text.charCodeAt(q + 1) !== Ch.Space) return null;
	const head = ncclHeadTail(text, q + 2, from, from, -1, -1, d);
	if (head === null || (head.level !== 'INFO' && head.level !== 'WARN')) return null;
	// a call site is `file.cc:72`: `[0] host:pid:tid …` (nccl-tests' `[rank] ` before a whole head) is not one
	if (head.where !== null && head.where.indexOf(':') !== head.where.lastIndexOf(':')) return null;
	return head;
}

// e.g. "…0   1   2   3llama-3-3-70b-instruct-0:5941:5941 [0] " before " NCCL INFO" — a head glued into a line
const HEAD_BEFORE = /([A-Za-z0-9][A-Za-z0-9._-]*):(\d+):(\d+)(?: \[\d+\])?(?: \S+:\d+(?: \([^)]*\))?)?$/;

/** Start index of a second NCCL head inside `text` after `from`, or -1. */
export function embeddedNcclHead(text: string, from: number): number {
	let j = text.indexOf(' NCCL ', from);
	while (j !== -1) {
		if (text.startsWith('INFO', j + 6) || text.startsWith('WARN', j + 6)) {
			const lo = Math.max(from, j - 300);
			const m = HEAD_BEFORE.exec(text.slice(lo, j));
			if (m && lo + m.index > from) return lo + m.index;
		}
		j = text.indexOf(' NCCL ', j + 6);
	}
	return -1;
}

export interface VllmHead {
	level: string;
	/** `MM-DD HH:MM:SS` */
	stamp: string;
	file: string;
	line: number;
	msgStart: number;
}

/** vLLM logger head at `from` (docs/log-formats/vllm.md §2.1). */
// e.g. "INFO 04-14 16:07:56 [api_server.py:1034] vLLM API server version 0.8.3"
// e.g. "INFO 03-26 14:53:09 core.py:50] Initializing a V1 LLM engine (v0.7.3) with config: …"
export function vllmHead(text: string, from: number): VllmHead | null {
	// the level word, told by its first character: INFO, WARNING, ERROR, DEBUG, CRITICAL
	const c = text.charCodeAt(from);
	const level = c === Ch.I ? 'INFO ' : c === Ch.W ? 'WARNING ' : c === Ch.E ? 'ERROR ' : c === Ch.D ? 'DEBUG ' : c === Ch.C ? 'CRITICAL ' : null;
	if (level === null || !text.startsWith(level, from)) return null;
	const d = from + level.length;
	if (text.charCodeAt(d + 2) !== Ch.Minus || text.charCodeAt(d + 5) !== Ch.Space || text.charCodeAt(d + 8) !== Ch.Colon) return null;
	const stamp = text.slice(d, d + 14);
	let p = d + 15;
	if (text.charCodeAt(p) === Ch.OpenBracket) p++;
	const close = text.indexOf('] ', p);
	if (close === -1 || close - p > 200) {
		// a bare `] ` at the end of line (empty message)
		if (!text.endsWith(']')) return null;
	}
	const end = close === -1 ? text.length - 1 : close;
	const fileinfo = text.slice(p, end);
	const colon = fileinfo.lastIndexOf(':');
	if (colon === -1) return null;
	return {level: level.trim(), stamp, file: fileinfo.slice(0, colon), line: Number(fileinfo.slice(colon + 1)) || 0, msgStart: Math.min(text.length, end + 2)};
}

// e.g. "…tokens per requestINFO 04-14 16:08:22 [custom_all_reduce_utils.py:206] …"
const EMBEDDED_VLLM = /(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d \[?[\w./-]+:\d+\] /g;

/** Start of a second vLLM logger head inside `text` after `from`, or -1. */
// cheap gate for EMBEDDED_VLLM, e.g. "INFO 04-14 " / "WARNING 04-14 "
const VLLM_LEVEL_DATE = /(?:INFO|WARNING|ERROR|DEBUG|CRITICAL) \d\d-/;

export function embeddedVllmHead(text: string, from: number): number {
	if (!VLLM_LEVEL_DATE.test(from ? text.slice(from + 1) : text)) return -1;
	EMBEDDED_VLLM.lastIndex = from + 1;
	const m = EMBEDDED_VLLM.exec(text);
	return m ? m.index : -1;
}
