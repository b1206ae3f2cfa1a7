/**
 * Wires sources to parsers and the store: one parser per stream (pod/container),
 * events into the store, sanitised lines into the log ring buffer.
 */
import {createStreamParser, type StreamParser} from './parse/stream-parser.js';
import type {Store} from './store/store.js';

export interface StreamSink {
	write(chunk: Uint8Array | string): void;
	end(): void;
}

export interface Pipeline {
	/** open (or reopen after a reset) the sink for one container's log */
	openStream(pod: string, container: string, opts?: {fresh?: boolean}): StreamSink;
	readonly store: Store;
}

export function createPipeline(store: Store, opts: {keepLines?: boolean; maxLineBytes?: number} = {}): Pipeline {
	const parsers = new Map<string, StreamParser>();
	const keepLines = opts.keepLines ?? true;
	return {
		store,
		openStream(pod, container, o = {}) {
			const key = `${pod}/${container}`;
			let parser = parsers.get(key);
			if (!parser || o.fresh) {
				parser = createStreamParser({
					pod,
					container,
					maxLineBytes: opts.maxLineBytes,
					onLine: keepLines ? line => store.pushLine(line) : undefined,
				});
				parsers.set(key, parser);
			}
			const p = parser;
			return {
				write(chunk) {
					store.dispatch(p.push(chunk));
				},
				end() {
					store.dispatch(p.end());
				},
			};
		},
	};
}
