/**
 * The report's one escaper, and the small formatters every section shares. Text from
 * outside (log lines, pod names, a server's strings) is sanitised and redacted by the
 * parser already; here it goes once more through the one list (core/text-safety.ts:
 * controls and escape sequences removed, credentials redacted), then every character
 * HTML gives a meaning to is written as an entity. So `<script>`, `</svg>`, quotes and
 * ESC inside a log line are text in the page, in an element and in an attribute alike.
 */
import {safeText} from '../../core/text-safety.js';

const entities: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;'};

/** Any value as safe HTML text (element content and quoted attribute values alike); null/undefined → `-`. */
export function h(value: unknown): string {
	if (value === null || value === undefined || value === '') return '-';
	return safeText(String(value)).replace(/[&<>"'`]/g, c => entities[c]!);
}

/** Like h, but empty stays empty (optional parts of a line). */
export function hOpt(value: unknown): string {
	return value === null || value === undefined || value === '' ? '' : h(value);
}

/** Cut long text (a huge log line) before it is escaped: at most `max` characters and an ellipsis. */
export function cut(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** A class name from a closed set, never from input: anything else becomes `x`. */
export function cls(name: string): string {
	return /^[a-z][a-z0-9-]*$/.test(name) ? name : 'x';
}

/** Seconds as a person reads a wait: `0.44 s`, `29.9 s`, `2 min 5 s`. */
export function secs(s: number | null | undefined): string {
	if (s === null || s === undefined || !Number.isFinite(s)) return '-';
	if (s < 10) return `${s.toFixed(2)} s`;
	if (s < 120) return `${s.toFixed(1)} s`;
	const m = Math.floor(s / 60);
	return `${m} min ${Math.round(s - m * 60)} s`;
}

export function ms(v: number | null | undefined): string {
	return v === null || v === undefined ? '-' : secs(v / 1000);
}

/** An epoch-ms time as UTC `2026-11-26 22:03:48.978Z`; `-` when unknown. */
export function when(t: number | null | undefined): string {
	if (t === null || t === undefined || !Number.isFinite(t)) return '-';
	return new Date(t).toISOString().replace('T', ' ');
}

/** Just the clock part, `22:03:48.978Z`, for labels inside a drawing. */
export function clock(t: number | null | undefined): string {
	return t === null || t === undefined || !Number.isFinite(t) ? '-' : new Date(t).toISOString().slice(11);
}

/** A number for an SVG attribute: finite, at most 1 decimal, never NaN. */
export function n(v: number): string {
	return Number.isFinite(v) ? String(Math.round(v * 10) / 10) : '0';
}

export const plural = (k: number, word: string): string => `${k} ${word}${k === 1 ? '' : 's'}`;
