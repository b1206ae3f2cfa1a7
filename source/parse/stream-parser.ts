/**
 * The parser for one stream (one container's log): raw byte chunks in any split
 * → typed events. Pure: no I/O, no Kubernetes, never throws.
 * (Placeholder: the core parser work replaces the body; the interface stays.)
 */
import type {LogEvent} from './log-events.js';

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
}

export interface StreamParser {
	push(chunk: Uint8Array | string): LogEvent[];
	/** flush a final line without newline */
	end(): LogEvent[];
}

export function createStreamParser(options: StreamParserOptions): StreamParser {
	let lines = 0;
	const pod = options.pod;
	return {
		push(chunk) {
			const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
			let n = 0;
			for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
			lines += n;
			return n ? [{type: 'log-progress', pod, at: null, lines, lastAt: null}] : [];
		},
		end() {
			return [];
		},
	};
}
