/**
 * Terminal-safe text: a log line is shown in a TUI, so escape sequences from the
 * log (ANSI colours from vLLM/Ray, OSC 52 clipboard writes, cursor moves), C0/C1
 * controls and bidi overrides must never reach the screen.
 *
 * ANSI CSI, e.g. `\x1b[36m(RayWorkerWrapper pid=639)\x1b[0m` (docs/log-formats/vllm.md §2.2).
 * OSC, e.g. `\x1b]52;c;ZXZpbA==\x07` (clipboard write), `\x1b]0;title\x1b\\`.
 */

/** Anything that needs work; a plain ASCII/UTF-8 line fails this test quickly. */
// e.g. "\x1b[32mINFO\x1b[0m", "a\x00b", "\u202Eevil"
const NEEDS_SANITIZE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

// e.g. "\x1b[1;36m", "\x1b[?25l", "\x1b]52;c;AAAA\x07", "\x1b]8;;http://x\x1b\\", "\x9b31m"
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)|\x1b[P^_X][^\x1b\x9c]*(?:\x1b\\|\x9c|$)|\x1b[ -/]*[0-~]?/g;

// C0 (except tab; `\r` is kept when asked, for tqdm handling), DEL, C1, bidi controls.
const CONTROLS_KEEP_CR = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Escape sequences and control characters are removed (replaced by nothing). */
export function sanitize(text: string, keepCr = false): string {
	if (!NEEDS_SANITIZE.test(text)) return text;
	return stripControls(text, keepCr);
}

/** sanitize() for a text known to need it (the stream parser's line scan found a control). */
export function stripControls(text: string, keepCr = false): string {
	let s = text.indexOf('\x1b') !== -1 || text.indexOf('\x9b') !== -1 || text.indexOf('\x9d') !== -1 ? text.replace(ESCAPES, '') : text;
	s = s.replace(keepCr ? CONTROLS_KEEP_CR : CONTROLS, '');
	return s;
}
