/**
 * Wires sources to parsers and the store: one parser per stream (pod/container),
 * events into the store, sanitised lines into the log ring buffer.
 */
import type {StreamParser} from '../parse/stream-parser.js';
import {createDemuxParser} from '../parse/demux.js';
import type {Store} from './store.js';

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
				// a saved `kubectl logs --prefix` of several pods is read as each pod's stream (parse/demux.ts)
				parser = createDemuxParser({
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
