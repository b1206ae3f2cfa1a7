/**
 * One saved log that holds several pods: `kubectl logs --prefix -l … > all.log` (or
 * `--all-containers`) writes `[pod/NAME/CONTAINER] ` before every line, and stern's
 * default template writes `POD CONTAINER ` (each name in one SGR colour with
 * `--color always`; stern 1.24.0 recorded in test/fixtures/public). Each prefixed line
 * belongs to that pod's stream: a parser per pod and container, so ranks, processes and
 * failures are each pod's, as they would be read live (stream-parser.ts alone would fold
 * them all into the file's pod). Lines without the prefix stay the file's.
 *
 * Decided once, by the stream's first lines: a log that starts with neither is handed
 * through untouched (no second split, no cost per line). `[pod/` decides at once, and so
 * does stern's coloured head; two plain words could be any log's, so a plain stern head
 * must hold on the first STERN_PROBE_LINES lines, with a pod name that has a `-` or a digit
 * (generated pod names do; `loading model` does not).
 */
import {createLineSplitter} from './line-splitter.js';
import type {LogEvent} from './log-events.js';
import {createStreamParser, type StreamParser, type StreamParserOptions} from './stream-parser.js';
import {kubectlPrefixLength} from './wrappers.js';

/** Sub-streams kept per file: a namespace's pods at most, never unbounded. */
const MAX_STREAMS = 4096;
/** lines a plain `POD CONTAINER ` head must hold on before a stream is read as stern's */
const STERN_PROBE_LINES = 4;
/** held while deciding, at most (a first line longer than this decides on what is held) */
const MAX_HELD = 64 * 1024;

// stern's `{{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} `: a DNS-1123
// subdomain and label, each maybe wrapped in `ESC[…m … ESC[0m`
// e.g. "vllm-0-1 vllm ", "\x1b[92mvllm-0\x1b[0m \x1b[32mvllm\x1b[0m "
const STERN_HEAD = /^(\x1b\[[0-9;]*m)?([a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?)(?:\x1b\[0m)? (?:\x1b\[[0-9;]*m)?([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)(?:\x1b\[0m)? /;

/** A line's stern head: the pod, the container and where the message starts; null when it has none. */
export function sternHead(text: string): {pod: string; container: string; end: number; coloured: boolean} | null {
	const m = STERN_HEAD.exec(text);
	return m ? {pod: m[2]!, container: m[3]!, end: m[0].length, coloured: m[1] !== undefined} : null;
}

type Mode = 'unknown' | 'plain' | 'kubectl' | 'stern';

/** What the held head of a stream says it is; null while it cannot tell yet. */
function classify(head: string, final: boolean): Mode | null {
	if (head.startsWith('[pod/')) return 'kubectl';
	if (!final && head.length < 5 && head.indexOf('\n') === -1) return null;
	const parts = head.split('\n');
	const whole = final || head.length >= MAX_HELD ? parts : parts.slice(0, -1);
	const lines = whole.filter(l => l.length > 0);
	if (lines.length === 0) return final ? 'plain' : null;
	const first = sternHead(lines[0]!);
	if (!first) return 'plain';
	if (first.coloured) return 'stern';
	if (!/[-0-9]/.test(first.pod)) return 'plain';
	if (lines.length < STERN_PROBE_LINES && !final && head.length < MAX_HELD) return null;
	return lines.slice(0, STERN_PROBE_LINES).every(l => sternHead(l) !== null) ? 'stern' : 'plain';
}

export function createDemuxParser(options: StreamParserOptions): StreamParser {
	const own = createStreamParser(options);
	let mode: Mode = 'unknown';
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
		let k: string | null = null;
		let n = 0;
		if (mode === 'kubectl') {
			n = kubectlPrefixLength(text);
			const key = n ? text.slice(5, n - 2) : null;
			// `[pod/NAME/CONTAINER]`: NAME/CONTAINER, the container after the last slash
			k = key !== null && key.indexOf('/') > 0 ? key : null;
		} else {
			const h = sternHead(text);
			if (h) {
				k = `${h.pod}/${h.container}`;
				n = h.end;
			}
		}
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
	// the first chunks, held (as they came) until their first lines say which mode
	let heldChunks: (Uint8Array | string)[] = [];
	let heldHead = '';
	const decide = (chunk: Uint8Array | string): void => {
		heldChunks.push(chunk);
		// both heads are ASCII: a byte's char is enough to tell them (a UTF-8 tail never matches)
		if (typeof chunk === 'string') heldHead += chunk.slice(0, MAX_HELD - heldHead.length);
		else for (let i = 0; i < chunk.length && heldHead.length < MAX_HELD; i++) heldHead += String.fromCharCode(chunk[i]!);
		mode = classify(heldHead, false) ?? 'unknown';
		if (mode !== 'unknown') heldHead = '';
	};
	const release = (): LogEvent[] => {
		const chunks = heldChunks;
		heldChunks = [];
		const events: LogEvent[] = [];
		for (const c of chunks) {
			if (mode === 'plain') for (const e of own.push(c)) events.push(e);
			else splitter.scan(c, onLine);
		}
		return mode === 'plain' ? events : take();
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
			if (mode === 'unknown') mode = classify(heldHead, true) ?? 'plain';
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
