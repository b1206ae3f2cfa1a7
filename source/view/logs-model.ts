/**
 * The log pane's view-model: the merged ring buffer, ordered by timestamp
 * across pods (arrival order within a stream), filtered by a regex and/or a
 * rank, windowed to the rows that fit.
 */
import type {RawLine} from '../parse/stream-parser.js';

export interface LogQuery {
	filter: string;
	proc: string | null;
}

export interface LogView {
	lines: RawLine[];
	/** index in `lines` of each pod, for a stable per-pod colour */
	podIndex: Map<string, number>;
	error: string | null;
	total: number;
	dropped: number;
}

/** Compile a user filter; an invalid regex is reported, never thrown. Case-insensitive unless it has capitals. */
export function compileFilter(text: string): {re: RegExp | null; error: string | null} {
	if (!text) return {re: null, error: null};
	try {
		return {re: new RegExp(text, /[A-Z]/.test(text) ? '' : 'i'), error: null};
	} catch (error) {
		return {re: null, error: `invalid regex: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`};
	}
}

export function buildLogView(all: readonly RawLine[], query: LogQuery, dropped = 0): LogView {
	const {re, error} = compileFilter(query.filter);
	const podIndex = new Map<string, number>();
	const out: RawLine[] = [];
	for (const l of all) {
		if (!podIndex.has(l.pod)) podIndex.set(l.pod, podIndex.size);
		if (query.proc !== null && l.proc !== query.proc) continue;
		if (re && !re.test(l.text) && !re.test(l.pod)) continue;
		out.push(l);
	}
	// Stable merge by time: streams arrive in bursts per pod (a replay reads files one by one).
	let sorted = true;
	for (let i = 1; i < out.length; i++) {
		const a = out[i - 1]!.at;
		const b = out[i]!.at;
		if (a !== null && b !== null && b < a) {
			sorted = false;
			break;
		}
	}
	if (!sorted) {
		const idx = out.map((l, i) => ({l, i}));
		idx.sort((x, y) => (x.l.at ?? 0) - (y.l.at ?? 0) || x.i - y.i);
		for (let i = 0; i < idx.length; i++) out[i] = idx[i]!.l;
	}
	return {lines: out, podIndex, error, total: all.length, dropped};
}
