/**
 * Cell fitting with terminal-width semantics: every cell is cut to its width
 * before Ink sees it, so nothing wraps into garbage at 80 columns (wide CJK
 * characters count 2, combining marks 0 — string-width's rules, which Ink uses).
 */
import stringWidth from 'string-width';
import {drawSafe} from '../core/text/terminal.js';

// Narrow, non-combining BMP ranges the panes draw (Latin-1, Greek…, punctuation, arrows,
// math, box drawing, blocks, geometric shapes): one column per UTF-16 unit, so no
// string-width call. Wide or emoji-presentation blocks (U+2300–23FF, 2600–27BF, CJK) are left out.
const narrowOnly = /^[\x20-\x7e\u00a0-\u02ff\u0370-\u10ff\u2010-\u2027\u2030-\u205f\u2070-\u22ff\u2400-\u25ff]*$/;

/** Display width of a string. */
export function widthOf(text: string): number {
	return narrowOnly.test(text) ? text.length : stringWidth(text);
}

/** Cut `text` to at most `width` columns, ending in `…` (or `~` in ASCII mode) when cut. */
export function truncate(text: string, width: number, ascii = false): string {
	if (width <= 0) return '';
	if (narrowOnly.test(text)) {
		if (text.length <= width) return text;
		return text.slice(0, width - 1) + (ascii ? '~' : '…');
	}
	if (stringWidth(text) <= width) return text;
	let out = '';
	let w = 0;
	for (const ch of text) {
		const cw = stringWidth(ch);
		if (w + cw > width - 1) break;
		out += ch;
		w += cw;
	}
	return out + (ascii ? '~' : '…');
}

/**
 * Cut `text` from the left to at most `width` columns, starting with `…`: for paths, whose
 * end (the model's name in `/models/Qwen2.5-32B-Instruct`) says more than their start.
 */
export function truncateStart(text: string, width: number, ascii = false): string {
	if (width <= 0) return '';
	if (widthOf(text) <= width) return text;
	const chars = [...text];
	let out = '';
	let w = 0;
	for (let i = chars.length - 1; i >= 0; i--) {
		const cw = widthOf(chars[i]!);
		if (w + cw > width - 1) break;
		out = chars[i]! + out;
		w += cw;
	}
	return (ascii ? '~' : '…') + out;
}

/** Cut and pad to exactly `width` columns (left-aligned, or right-aligned for numbers). */
export function fit(text: string, width: number, opts: {ascii?: boolean; right?: boolean} = {}): string {
	const t = truncate(text, width, opts.ascii);
	const pad = width - widthOf(t);
	if (pad <= 0) return t;
	return opts.right ? ' '.repeat(pad) + t : t + ' '.repeat(pad);
}

/** Sanitise, redact credentials, then cut: for any text that came from a log, the cluster or a finding. */
export function safe(text: string | null | undefined, width: number, ascii = false): string {
	return truncate(drawSafe(text ?? ''), width, ascii);
}

/**
 * How long ago, to the second (`<1s`, `7s`, `4m05s`): a line age only has to show a rank
 * going quiet, and tenths would change every row on every frame of a log storm.
 */
export function formatAge(ms: number | null | undefined): string {
	if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
	if (ms < 1000) return '<1s';
	return ms < 60_000 ? `${Math.floor(ms / 1000)}s` : formatDuration(ms);
}

/** `12.3s`, `4m05s`, `1h02m`: compact durations for narrow columns. */
export function formatDuration(ms: number | null | undefined): string {
	if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
	const s = Math.max(0, ms) / 1000;
	if (s < 10) return `${s.toFixed(1)}s`;
	if (s < 60) return `${Math.round(s)}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
	return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
