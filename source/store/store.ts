/**
 * The one store. `dispatch` queues events; a flush applies them all and notifies
 * subscribers once, so a log storm never means a render per line.
 */
import type {InfertopEvent} from '../parse/events.js';
import type {RawLine} from '../parse/stream-parser.js';
import {reduceAll} from '../model/reduce.js';
import type {RolloutState} from '../model/state.js';
import {RingBuffer} from './ring-buffer.js';

export interface Store {
	getState(): RolloutState;
	dispatch(events: InfertopEvent | readonly InfertopEvent[]): void;
	/** apply queued events now and notify if anything changed */
	flush(): void;
	subscribe(listener: () => void): () => void;
	/** raw lines for the log pane, bounded */
	readonly logs: RingBuffer<RawLine>;
	pushLine(line: RawLine): void;
	/** bumped when log lines arrive (the log pane subscribes to this too) */
	logRevision(): number;
	dispose(): void;
}

export interface StoreOptions {
	/** flush at most this often (ms); 0 = flush synchronously on dispatch */
	flushMs?: number;
	/** flush early once this many events are queued */
	maxQueue?: number;
	logCapacity?: number;
}

export function createStore(initial: RolloutState, options: StoreOptions = {}): Store {
	const flushMs = options.flushMs ?? 50;
	const maxQueue = options.maxQueue ?? 5000;
	let state = initial;
	let queue: InfertopEvent[] = [];
	let timer: NodeJS.Timeout | null = null;
	let logRev = 0;
	let notifiedLogRev = 0;
	const listeners = new Set<() => void>();
	const logs = new RingBuffer<RawLine>(options.logCapacity ?? 5000);

	const notify = () => {
		for (const l of [...listeners]) l();
	};

	const flush = () => {
		if (timer) {
			clearTimeout(timer);
			timer = null;
		}
		const before = state;
		const q = queue;
		queue = [];
		state = reduceAll(state, q);
		if (state !== before || logRev !== notifiedLogRev) {
			notifiedLogRev = logRev;
			notify();
		}
	};

	const schedule = () => {
		if (flushMs === 0 || queue.length >= maxQueue) return flush();
		if (!timer) timer = setTimeout(flush, flushMs);
	};

	return {
		getState: () => state,
		dispatch(events) {
			if (Array.isArray(events)) {
				if (events.length === 0) return;
				for (const e of events) queue.push(e);
			} else queue.push(events as InfertopEvent);
			schedule();
		},
		flush,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		logs,
		pushLine(line) {
			logs.push(line);
			logRev++;
			if (flushMs !== 0 && !timer) timer = setTimeout(flush, flushMs);
		},
		logRevision: () => logRev,
		dispose() {
			if (timer) clearTimeout(timer);
			timer = null;
			listeners.clear();
		},
	};
}
