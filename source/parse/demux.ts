/**
 * One saved log that holds several pods: `kubectl logs --prefix -l … > all.log` (or
 * `--all-containers`) writes `[pod/NAME/CONTAINER] ` before every line. Each prefixed line
 * belongs to that pod's stream: a parser per pod and container, so ranks, processes and
 * failures are each pod's, as they would be read live (stream-parser.ts alone would fold
 * them all into the file's pod). Lines without the prefix stay the file's.
 *
 * Decided once, by the stream's first line: a log that does not start with `[pod/` is
 * handed through untouched (no second split, no cost per line).
 */
import {createLineSplitter} from './line-splitter.js';
import type {LogEvent} from './log-events.js';
import {createStreamParser, type StreamParser, type StreamParserOptions} from './stream-parser.js';
import {kubectlPrefixLength} from './wrappers.js';

/** Sub-streams kept per file: a namespace's pods at most, never unbounded. */
const MAX_STREAMS = 4096;

export function createDemuxParser(options: StreamParserOptions): StreamParser {
	const own = createStreamParser(options);
	let mode: 'unknown' | 'plain' | 'demux' = 'unknown';
	const splitter = createLineSplitter(options.maxLineBytes ?? 64 * 1024);
	const subs = new Map<string, StreamParser>();
	// consecutive lines of one target are pushed together (one drain per run, not per line)
	let runKey: string | null = null;
	let run = '';
	let out: LogEvent[] = [];

	const target = (key: string | null): StreamParser => {
		if (key === null) return own;
		let p = subs.get(key);
		if (!p) {
			if (subs.size >= MAX_STREAMS) return own;
			const slash = key.indexOf('/');
			p = createStreamParser({...options, pod: key.slice(0, slash), container: key.slice(slash + 1)});
			subs.set(key, p);
		}
		return p;
	};
	const flush = (): void => {
		if (run === '') return;
		for (const e of target(runKey).push(run)) out.push(e);
		run = '';
	};
	const onLine = (src: string, b: number, e: number): void => {
		const text = b === 0 && e === src.length ? src : src.slice(b, e);
		const n = kubectlPrefixLength(text);
		const key = n ? text.slice(5, n - 2) : null;
		// `[pod/NAME/CONTAINER]`: NAME/CONTAINER, the container after the last slash
		const k = key !== null && key.indexOf('/') > 0 ? key : null;
		if (k !== runKey) {
			flush();
			runKey = k;
		}
		run += (k === null ? text : text.slice(n)) + '\n';
	};
	const take = (): LogEvent[] => {
		flush();
		const events = out;
		out = [];
		return events;
	};
	// the first chunks, held (as they came) until five characters say which mode
	let heldChunks: (Uint8Array | string)[] = [];
	let heldHead = '';
	const decide = (chunk: Uint8Array | string): void => {
		heldChunks.push(chunk);
		// `[pod/` is ASCII: its bytes are its characters
		for (let i = 0; i < chunk.length && heldHead.length < 5; i++) heldHead += typeof chunk === 'string' ? chunk[i] : String.fromCharCode(chunk[i]!);
		if (heldHead.length < 5 && heldHead.indexOf('\n') === -1) return;
		mode = heldHead === '[pod/' ? 'demux' : 'plain';
	};
	const release = (): LogEvent[] => {
		const chunks = heldChunks;
		heldChunks = [];
		const events: LogEvent[] = [];
		for (const c of chunks) {
			if (mode === 'plain') for (const e of own.push(c)) events.push(e);
			else splitter.scan(c, onLine);
		}
		return mode === 'demux' ? take() : events;
	};

	return {
		push(chunk) {
			if (mode === 'plain') return own.push(chunk);
			if (mode === 'unknown') {
				decide(chunk);
				return mode === 'unknown' ? [] : release();
			}
			splitter.scan(chunk, onLine);
			return take();
		},
		end() {
			if (mode === 'unknown') mode = 'plain';
			const held = release();
			if (mode === 'plain') return [...held, ...own.end()];
			for (const l of splitter.end()) onLine(l, 0, l.length);
			const events = [...held, ...take()];
			for (const p of subs.values()) for (const e of p.end()) events.push(e);
			for (const e of own.end()) events.push(e);
			return events;
		},
	};
}
