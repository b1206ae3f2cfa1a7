/**
 * The fast path for the bulk of an NCCL_DEBUG=INFO, SUBSYS=ALL log: a line with the
 * nanosecond k8s stamp (or none, on a stream that showed no wrapper: `kubectl logs`
 * without `--timestamps`, a saved file), the NCCL head of a process already seen, and a
 * message that needs no sanitising, redaction or splitting. Decided by fixed-position checks, one
 * character-class scan of the message and the one INFO table (nccl/dispatch.ts), in place
 * in the decoded chunk: a noise line (proxy/alloc chatter, per-collective
 * `AllReduce: opCount …`) is only counted, with no slice or allocation unless the log pane
 * wants its text; a line with a reader goes to it with the rule already found.
 * Whenever the full path is needed it returns false having changed nothing; its effects are
 * exactly the full path's for such a line (test/parse/fast-path.test.ts compares both on
 * the corpus and on lines with planted escapes, secrets and glued heads).
 */
import type {ProcCtx, StreamCtx} from '../context.js';
import {classifyInfo, COLLECTIVE, countCollective, decidingColon, ncclMessage, type InfoRule} from '../nccl/dispatch.js';
import {parseRfc3339} from '../times.js';
import {maybeSecret} from '../../core/text/redact.js';
import type {StampClock} from './clock.js';
import type {Processes} from './processes.js';
import {CONTROL, mayRedactBefore, needsFullPath} from './scans.js';
import type {RawLine} from '../stream-parser.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Space = 32,
	OpenParen = 40, // '('
	Minus = 45, // '-'
	Digit0 = 48,
	Digit9 = 57,
	Colon = 58, // ':'
	T = 84,
	Z = 90,
	OpenBracket = 91, // '['
	CloseBracket = 93, // ']'
}

// NCCL_DEBUG_TIMESTAMP_FORMAT's default `[%F %T] ` exactly, e.g. "[2026-11-26 22:05:13] " (22 chars)
const NCCL_STAMP_FIXED = /\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] /y;

/**
 * A host the full path reads the same way on every line, so the fast path may take
 * its head: no `(`/`[` start (process prefix, torch rank, NCCL stamp), no `]` (Ray's
 * `cluster]`), no secret-ish word (redaction could touch the head), no control.
 */
export function fastHeadHost(h: string): boolean {
	return h.length > 0 && h.charCodeAt(0) !== Ch.OpenParen && h.indexOf('[') === -1 && h.indexOf(']') === -1 && !maybeSecret(h) && !CONTROL.test(h);
}

export interface FastLineDeps {
	ctx: StreamCtx;
	clock: StampClock;
	procs: Processes;
	pod: string;
	container: string;
	onLine: ((line: RawLine) => void) | undefined;
	/**
	 * Whether the full path would read a line without a k8s stamp as it stands: past the
	 * wrapper probes' first lines, no wrapper (journald, compose, a learned prefix, a CRI
	 * part) seen on the stream. Asked only for a line with no stamp.
	 */
	bare: () => boolean;
}

/** The line src[b, e) (the splitter's range of the decoded chunk: no slice per line) → true when it was read here. */
export type FastLine = (src: string, b: number, e: number) => boolean;

/** A digit at t[i] (compared in place: a call to an imported helper costs a target check per character, on every line). */
function isDigitAt(t: string, i: number): boolean {
	const c = t.charCodeAt(i);
	return c >= Ch.Digit0 && c <= Ch.Digit9;
}

export function createFastLine({ctx, clock, procs, pod, container, onLine, bare}: FastLineDeps): FastLine {
	// where the next `[0m` of the chunk is (-1: none left): a reset with its ESC lost, which the
	// full path strips (wrappers.ts hasSgrRemnant looks at a line's first 320 characters). One
	// search per hit, not per line: a search from each line would run on to the chunk's end.
	let sgrSrc: string | null = null;
	let sgrAt = -1;
	function sgrResetIn(src: string, from: number, to: number): boolean {
		if (src !== sgrSrc || (sgrAt !== -1 && sgrAt < from)) {
			sgrSrc = src;
			sgrAt = src.indexOf('[0m', from);
		}
		return sgrAt !== -1 && sgrAt < to;
	}

	return function fastLine(src, b, e) {
		// every read below stays inside the line: src may go on with the next lines (a read there
		// would see them), and a read past the string's end (NaN) deoptimises the function (each
		// recompile costs CPU time); the shortest head line is ~20 chars, ~51 with a k8s stamp
		if (ctx.mainPid === null || e - b < 20) return false;
		// k8s `timestamps=true` stamp at full precision, fixed width: "2026-11-26T22:05:02.718062268Z "
		// (as k8sStampLength reads it: `-` `T` `:` in place, the first space after 19 at 30, `Z` before it)
		const c0 = src.charCodeAt(b);
		let h0 = b;
		if (e - b >= 51 && src.charCodeAt(b + 30) === Ch.Space && src.charCodeAt(b + 29) === Ch.Z && src.charCodeAt(b + 10) === Ch.T && src.charCodeAt(b + 4) === Ch.Minus && src.charCodeAt(b + 13) === Ch.Colon) {
			if (c0 < Ch.Digit0 || c0 > Ch.Digit9 || src.indexOf(' ', b + 19) !== b + 30) return false;
			h0 = b + 31;
			// NCCL 2.26+ own stamp in its default form (ncclStampLength's reading), e.g. "[2026-11-26 22:05:13] "
			if (src.charCodeAt(h0) === Ch.OpenBracket) {
				NCCL_STAMP_FIXED.lastIndex = h0;
				if (!NCCL_STAMP_FIXED.test(src)) return false;
				h0 += 22;
			}
		} else if (c0 === Ch.OpenBracket || (c0 >= Ch.Digit0 && c0 <= Ch.Digit9) || !bare()) {
			// no k8s stamp: the line is read as it stands only where the full path would not peel
			// anything off it first. `[` (an NCCL stamp, which would be the line's time, a torch rank,
			// kubectl's --prefix) and a digit (a stamp of another form) go the full path.
			return false;
		}
		const stamped = h0 !== b;
		// NCCL head "vm:1574:1574 [0] NCCL INFO " as ncclHead reads it (this fixed form only):
		// host up to the first `:`, then pid, tid, [cudaDev]
		const colon = src.indexOf(':', h0 + 1);
		if (colon === -1 || colon >= e || colon - h0 > 256) return false;
		const hostLen = colon - h0;
		let pid = 0;
		let q = colon + 1;
		for (let c = src.charCodeAt(q); c >= Ch.Digit0 && c <= Ch.Digit9 && q < e - 1; c = src.charCodeAt(++q)) pid = pid * 10 + c - Ch.Digit0;
		if (q === colon + 1 || src.charCodeAt(q) !== Ch.Colon) return false;
		let p = ++q;
		while (q < e - 1 && isDigitAt(src, q)) q++;
		if (q === p || q + 1 >= e || src.charCodeAt(q) !== Ch.Space || src.charCodeAt(q + 1) !== Ch.OpenBracket) return false;
		p = q += 2;
		while (q < e - 1 && isDigitAt(src, q)) q++;
		if (q === p || src.charCodeAt(q) !== Ch.CloseBracket || !src.startsWith(' NCCL INFO ', q + 1)) return false;
		const m = q + 12;
		if (m >= e) return false;
		// the process, found as the full path finds it; a new one takes the full path (proc-seen)
		const proc = procs.find(src, h0, hostLen, pid);
		if (proc === null || !proc.fastHead || needsFullPath(src, m, e) || sgrResetIn(src, m, Math.min(e, (stamped ? b + 31 : b) + 320))) return false;
		// inside a topology dump every line goes to the dump's reader (the rule is found there)
		const rule = proc.topo !== null ? undefined : classifyInfo(src, m, e);
		if (rule !== null && rule !== COLLECTIVE) {
			// the head's [dev] (q ends it), for lines that place a rank (only lines with a reader)
			let dev = 0;
			for (let k = p; k < q; k++) dev = dev * 10 + src.charCodeAt(k) - Ch.Digit0;
			ctx.lineDev = dev;
			return readLine(b === 0 && e === src.length ? src : src.slice(b, e), proc, m - b, rule, stamped);
		}
		// noise (or a per-collective line): read here as the full path would read it once redacted.
		// With the log pane's text, redaction must see it (the scan does not look for secret words);
		// without, only where redaction could change the reading: a per-collective line is told by
		// its first colon, which may move when something before it is redacted
		let text = '';
		if (onLine) {
			text = src.slice(stamped ? b + 31 : b, e);
			if (maybeSecret(text)) return false;
		} else {
			const colon = decidingColon();
			if (colon !== -1 && mayRedactBefore(src, m, colon)) return false;
		}
		// the full path's effects for this line
		clock.lines++;
		clock.streamLines++;
		procs.last = proc;
		if (stamped) {
			clock.sawK8s(src, b);
			clock.procWrote(proc.key, src, b);
		} else clock.procWrote(proc.key, null, 0);
		if (rule === COLLECTIVE) countCollective(ctx);
		if (onLine) onLine({pod, container, at: stamped ? parseRfc3339(src, b) : null, text, proc: proc.key});
		return true;
	};

	/**
	 * A clean NCCL INFO line with a message to read (its head and process found, nothing in
	 * it to sanitise or split): the full path's effects for it, without peeling the line again.
	 * A secret-ish word sends it to the full path (redaction may rewrite the message).
	 */
	function readLine(raw: string, proc: ProcCtx, m: number, rule: InfoRule | undefined, stamped: boolean): boolean {
		if (maybeSecret(raw)) return false;
		clock.lines++;
		clock.streamLines++;
		clock.startLine();
		procs.last = proc;
		if (stamped) {
			clock.takeK8s(raw);
			clock.procWrote(proc.key, raw, 0);
		} else clock.procWrote(proc.key, null, 0);
		try {
			ncclMessage(ctx, proc, 'INFO', null, raw.slice(m), clock.at, rule);
		} catch {
			ctx.counters.unrecognised++;
		}
		if (onLine) onLine({pod, container, at: clock.lineTime(), text: stamped ? raw.slice(31) : raw, proc: proc.key});
		return true;
	}
}
