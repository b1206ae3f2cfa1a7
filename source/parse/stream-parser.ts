/**
 * The parser for one stream (one container's log): raw byte chunks in any split
 * → typed events. Pure: no I/O, no Kubernetes, never throws.
 *
 * A line travels one way, each step once:
 *   split     bytes → lines, once, at the edge (line-splitter.ts);
 *   fast path the bulk of an NCCL_DEBUG=INFO log — stamp and head at fixed positions, one
 *             scan for anything unusual, the message looked up in the one INFO table —
 *             read in place (stream/fast-line.ts);
 *   full path every other line: stamp, wrappers, text safety (stream/full-line.ts), then
 *             prefixes, the format's head and its one reader (stream/router.ts).
 * The parts share the stream's stamp clock (stream/clock.ts), its process registry
 * (stream/processes.ts) and the handlers' state (context.ts).
 */
import type {LogEvent} from './log-events.js';
import {newStreamCtx} from './context.js';
import {createLineSplitter} from './line-splitter.js';
import {flushProc} from './nccl/topology.js';
import {StampClock} from './stream/clock.js';
import {createFastLine} from './stream/fast-line.js';
import {createFullLine} from './stream/full-line.js';
import {Processes} from './stream/processes.js';
import {Router} from './stream/router.js';

/** A complete, sanitised log line, handed to the log pane's ring buffer. */
export interface RawLine {
	pod: string;
	container: string;
	/** epoch ms, or null */
	at: number | null;
	/** the line without its Kubernetes timestamp, with control sequences removed and secrets redacted */
	text: string;
	/** the NCCL/vLLM process the line was attributed to (`pod|host|pid`), if any */
	proc: string | null;
}

export interface StreamParserOptions {
	pod: string;
	container?: string;
	/** called for every complete line (optional; the log pane uses it) */
	onLine?: (line: RawLine) => void;
	/** lines longer than this are cut with a marker (default 64 KiB) */
	maxLineBytes?: number;
	/**
	 * Every line through the full path (default false). For tests: the fast path must
	 * give exactly what the full path gives (test/parse/fast-path.test.ts).
	 */
	fullPathOnly?: boolean;
}

export interface StreamParser {
	push(chunk: Uint8Array | string): LogEvent[];
	/** flush a final line without newline */
	end(): LogEvent[];
}

export function createStreamParser(options: StreamParserOptions): StreamParser {
	const pod = options.pod;
	const container = options.container ?? '';
	const onLine = options.onLine;
	const fast = options.fullPathOnly !== true;
	const splitter = createLineSplitter(options.maxLineBytes ?? 64 * 1024);
	const ctx = newStreamCtx(pod);
	const clock = new StampClock();
	const procs = new Processes(ctx, clock.at);
	const router = new Router(ctx, clock, procs);
	const full = createFullLine({ctx, clock, procs, router, pod, container, onLine, reread: line});
	const fastLine = createFastLine({ctx, clock, procs, pod, container, onLine, bare: full.bare});

	function line(raw: string): void {
		if (fast && fastLine(raw, 0, raw.length)) return;
		full.line(raw);
	}

	/** One line from the splitter: src[b, e). */
	function lineRange(src: string, b: number, e: number): void {
		if (fast && fastLine(src, b, e)) return;
		full.line(b === 0 && e === src.length ? src : src.slice(b, e));
	}

	/** The push's events, and its progress (lines read, stamps, counters) when it read anything. */
	function drain(): LogEvent[] {
		const events = ctx.events;
		ctx.events = [];
		const counters = ctx.counters;
		if (clock.lines > 0 || counters.collectiveLines || counters.rayRepeatedLines || counters.unrecognised) {
			const p = clock.progress();
			events.push({
				type: 'log-progress',
				pod,
				at: null,
				lines: p.lines,
				firstAt: p.firstAt,
				lastAt: p.lastAt,
				collectiveLines: counters.collectiveLines,
				rayRepeatedLines: counters.rayRepeatedLines,
				unrecognised: counters.unrecognised,
				procLastAt: p.procLastAt,
			});
		}
		clock.reset();
		ctx.counters = {collectiveLines: 0, rayRepeatedLines: 0, unrecognised: 0};
		return events;
	}

	return {
		push(chunk) {
			try {
				splitter.scan(chunk, lineRange);
			} catch {
				ctx.counters.unrecognised++;
			}
			return drain();
		},
		end() {
			try {
				for (const l of splitter.end()) line(l);
				full.end();
				for (const p of ctx.procs.values()) flushProc(ctx, p);
			} catch {
				ctx.counters.unrecognised++;
			}
			return drain();
		},
	};
}
