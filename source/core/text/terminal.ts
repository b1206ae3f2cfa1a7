/**
 * Draw-time sanitiser: the last line of defence between log text and the terminal.
 * The parser already sanitises, but a line that reaches a pane by any other road
 * (a pod name, a finding's subject quoting a log, a future source) is cleaned here
 * too, so no log can move the cursor, retitle the window, set the clipboard
 * (OSC 52), print a hyperlink (OSC 8) or reorder text with bidi overrides.
 */
import {redact} from './redact.js';

// OSC: ESC ] … terminated by BEL or ST (ESC \); an unterminated one runs to the end.
// e.g. "\x1b]52;c;ZWNobyBoaQ==\x07" (clipboard), "\x1b]0;title\x07", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"
const oscSequence = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)/g;
// DCS / SOS / PM / APC: ESC P|X|^|_ … ST. e.g. "\x1bPq#0;2;0;0;0\x1b\\" (sixel)
const stringSequence = /\x1b[PX^_][^\x1b]*(?:\x1b\\|$)/g;
// CSI: ESC [ params intermediates final. e.g. "\x1b[2J", "\x1b[31m", "\x1b[?1049h"
const csiSequence = /\x1b\[[0-?]*[ -/]*[@-~]?/g;
// Any other escape: ESC + one intermediate/final byte. e.g. "\x1bc" (reset), "\x1b(0" (line drawing)
const otherEscape = /\x1b[ -/]*[0-~]?/g;
// C1 controls as single code points (U+0080–U+009F; U+009B is an 8-bit CSI, U+009D an 8-bit OSC)
// with their parameters, then any C0 control but tab, and DEL.
const c1Csi = /\u009b[0-?]*[ -/]*[@-~]?/g;
const c1String = /[\u0090\u0098\u009d\u009e\u009f][^\u0007\u009c\x1b]*(?:\u0007|\u009c|\x1b\\|$)/g;
const controls = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
// Bidi embedding/override/isolate controls (Trojan Source) and the Arabic letter mark.
// e.g. "rank 1 \u202Eok\u202C" would draw "ko" reversed.
const bidiControls = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// Fast path: printable ASCII (and tab) needs no work; most NCCL lines are exactly that.
const unsafe = /[^\t\x20-\x7e]/;

/**
 * Text safe to hand to the terminal: escapes, controls and bidi overrides removed, tabs as
 * spaces. Stricter than controls.ts's stripControls (the parser's, which keeps a string
 * sequence's payload and tabs): this one is the draw-time pass over text from any road.
 */
export function stripForTerminal(text: string): string {
	if (!unsafe.test(text)) return text.includes('\t') ? text.replace(/\t/g, '  ') : text;
	return text.replace(oscSequence, '').replace(stringSequence, '').replace(csiSequence, '').replace(otherEscape, '').replace(c1Csi, '').replace(c1String, '').replace(controls, '').replace(bidiControls, '').replace(/\t/g, '  ');
}

/**
 * What every pane row goes through: stripForTerminal, then the one redaction list
 * (redact.ts), whatever the upstream code forgot.
 * e.g. "http://admin:s3cr3t@10.0.0.5:8000" → "http://admin:<redacted>@10.0.0.5:8000",
 * "Authorization: Basic dXNl" → "Authorization: Basic <redacted>", "ghp_…" / "AKIA…" → "<redacted>"
 */
export function drawSafe(text: string): string {
	return redact(stripForTerminal(text));
}
