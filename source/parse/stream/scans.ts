/**
 * The scans that say whether a line needs more than the plain path: controls (sanitising),
 * a glued second write (a second NCCL, vLLM or k8s head), Ray's repeat folding. Each is one
 * pass over part of the line; a false alarm only costs the full path.
 * Measured (bench/parse.ts): V8's regex scanner beats a JS char loop here, and two simple
 * regexes beat one with every branch.
 */
import {maybeSecret} from '../../core/text/redact.js';
import {isDigit} from '../chars.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Space = 32,
	Colon = 58, // ':'
	N = 78,
	Z = 90,
	CloseBracket = 93, // ']'
	a = 97,
	b = 98,
	k = 107,
	p = 112,
	s = 115,
}

// control characters incl. `\r` and bidi (core/text/controls.ts, tqdm), e.g. "\x1b[36m", "\u202e";
// controls.ts's NEEDS_SANITIZE exactly (the full path skips stripping when this finds nothing)
export const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A vLLM head's `MM-DD HH:` around the `-` at j: digits either side, a space at +3, `:` at +6. */
function isVllmDateAt(t: string, j: number): boolean {
	return t.charCodeAt(j + 3) === Ch.Space && t.charCodeAt(j + 6) === Ch.Colon && isDigit(t.charCodeAt(j - 1)) && isDigit(t.charCodeAt(j + 1));
}

/** A second NCCL head (` NCCL INFO`/` NCCL WARN`) or vLLM head (`… 04-14 16:…`) after `from`. */
export function mayBeGlued(t: string, from: number): boolean {
	if (t.indexOf(' NCCL ', from) !== -1) return true;
	for (let j = t.indexOf('-', from + 2); j !== -1; j = t.indexOf('-', j + 1)) if (isVllmDateAt(t, j)) return true;
	return false;
}

/**
 * What the fast path must not skip in a message: controls/C1/bidi (sanitising), and
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

/**
 * True when the message t[from, end) needs the full path: anything the full path's scans or
 * mayBeGlued would flag in it (a superset). Secret words are not looked for here. `t` may go
 * on past the line (the splitter's chunk): a hit there is not the line's (the scan stops at
 * the line's `\n`, or `\r` before it).
 */
export function needsFullPath(t: string, from: number, end: number): boolean {
	FULL_PATH.lastIndex = from;
	while (FULL_PATH.test(t)) {
		const i = FULL_PATH.lastIndex - 1;
		if (i >= end) break;
		const c = t.charCodeAt(i);
		if (c === Ch.Z) {
			if (i + 1 < end && t.charCodeAt(i + 1) === Ch.Space) return true;
		} else if (c === Ch.CloseBracket) {
			if (t.startsWith('cluster', i - 7)) return true;
		} else if (c === Ch.N) {
			if (i > 0 && t.charCodeAt(i - 1) === Ch.Space && i + 5 <= end && t.startsWith('NCCL ', i)) return true;
		} else return true;
	}
	// a glued vLLM head "…requestINFO 04-14 16:08:22 [file.py:206] …", as mayBeGlued looks for it
	for (let j = t.indexOf('-', from + 1); j !== -1 && j < end; j = t.indexOf('-', j + 1)) if (j + 6 < end && isVllmDateAt(t, j)) return true;
	return false;
}

/**
 * Whether redaction may rewrite something in t[from, to) (the text before a colon the fast
 * path decided by): one of redact.ts's words in any case (its rules for them ignore case:
 * key, token, bearer, secret, passw, authoriz), or anything of the one list's gate (a token
 * shape: hf_, sk-, ghp_, AKIA …). A short-range loop before the gate's regexes.
 */
export function mayRedactBefore(t: string, from: number, to: number): boolean {
	for (let i = from; i < to; i++) {
		const c = t.charCodeAt(i) | 0x20;
		if (
			c === Ch.k
				? lowerAt(t, i, 'key', to) || lowerAt(t, i - 2, 'token', to)
				: c === Ch.b
					? lowerAt(t, i, 'bearer', to)
					: c === Ch.s
						? lowerAt(t, i, 'secret', to)
						: c === Ch.p
							? lowerAt(t, i, 'passw', to)
							: c === Ch.a && lowerAt(t, i, 'authoriz', to)
		)
			return true;
	}
	return to > from && maybeSecret(t.slice(from, to));
}

/** `word` (lower case) at t[i…] ignoring case, ending before `to`. */
function lowerAt(t: string, i: number, word: string, to: number): boolean {
	if (i < 0 || i + word.length > to) return false;
	for (let k = 0; k < word.length; k++) if ((t.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
	return true;
}
