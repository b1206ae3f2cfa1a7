/**
 * The log streams the Kubernetes source has open, one per container instance:
 * each gets a parser sink from the pipeline, its stream status goes to the store,
 * and with `--max-streams` the ones past the limit wait in a queue and start as
 * others end. The source waits on the pool (`--once`: until every stream read to
 * its end) and stops it; which instance gets a stream is reconcile.ts's call.
 */
import type {Options} from '../../core/options.js';
import type {SourceEvent} from '../../parse/events.js';
import type {Pipeline} from '../../store/pipeline.js';
import type {KubeClient} from './client.js';
import {startLogStream, type InstanceLookup, type LogStream} from './log-stream.js';
import type {LogSaver} from './save.js';

/** One container instance's stream, from the moment it is decided (maybe queued) until it ends. */
export interface Follower {
	key: string;
	pod: string;
	container: string;
	stream: LogStream | null;
}

/** Where a stream starts: the pod incarnation and container instance it belongs to. */
export interface StreamStart {
	uid: string;
	/** the container instance (containerID) the stream reads */
	id: string;
	/** a new instance in a slot seen before: its parser starts clean */
	fresh: boolean;
	/** read the terminated instance once, `previous=true` */
	previous?: boolean;
}

export interface StreamPool {
	/** a follower for `key`, known to the pool (and counted as unfinished) from now on */
	add(f: Follower): Follower;
	/** open the follower's log stream now, whatever the limit */
	open(f: Follower, at: StreamStart): LogStream;
	/** run `start` now, or, past --max-streams, once a stream ends (the slot says it waits) */
	schedule(pod: string, container: string, start: () => void): void;
	/** resolves when every stream, queued ones included, has ended */
	drained(): Promise<void>;
	/** `pod/container` of the streams not read to the end yet */
	unfinished(): string[];
	/** every stream's end, for a stop (the signal has ended them) */
	ended(): Promise<void>;
}

export function createStreamPool(args: {
	client: KubeClient;
	namespace: string;
	options: Options;
	once: boolean;
	pipeline: Pipeline;
	saver: LogSaver | null;
	signal: AbortSignal;
	tuning: {stallCheckMs: number; backoff: {initialMs: number; maxMs: number}};
	dispatch(e: SourceEvent): void;
	notice(msg: string): void;
	/** what the API says now about an instance, asked before a follow is reopened */
	lookup(pod: string, uid: string, container: string, id: string): Promise<InstanceLookup>;
}): StreamPool {
	const {client, namespace, options, once, pipeline, saver, signal, tuning, dispatch, notice} = args;
	const followers = new Map<string, Follower>();
	const queue: (() => void)[] = [];
	let active = 0;

	const open = (f: Follower, at: StreamStart): LogStream => {
		active++;
		const previous = at.previous ?? false;
		const sink = pipeline.openStream(f.pod, f.container, {fresh: at.fresh});
		const stream = startLogStream({
			client,
			namespace,
			pod: f.pod,
			container: f.container,
			follow: !once && !previous,
			previous,
			sinceSeconds: options.kube.sinceMs ? Math.max(1, Math.ceil(options.kube.sinceMs / 1000)) : null,
			tailLines: options.kube.tail,
			sink,
			save: saver?.writer(f.pod),
			signal,
			stallCheckMs: tuning.stallCheckMs,
			backoff: tuning.backoff,
			lookup: () => args.lookup(f.pod, at.uid, f.container, at.id),
			onStatus(s) {
				if (s.reason?.startsWith('forbidden')) notice(`log of ${f.pod}/${f.container}: ${s.reason}`);
				dispatch({type: 'stream-status', pod: f.pod, container: f.container, at: Date.now(), connected: s.connected, ended: s.ended, reconnects: s.reconnects, stalls: s.stalls, reason: s.reason});
			},
		});
		f.stream = stream;
		void stream.done.then(() => {
			active--;
			followers.delete(f.key);
			const next = queue.shift();
			if (next && !signal.aborted) next();
		});
		return stream;
	};

	return {
		add(f) {
			followers.set(f.key, f);
			return f;
		},
		open,
		schedule(pod, container, start) {
			if (options.kube.maxStreams && active >= options.kube.maxStreams) {
				queue.push(start);
				dispatch({type: 'stream-status', pod, container, at: Date.now(), connected: false, skippedLines: 0, reason: `not streamed yet: --max-streams ${options.kube.maxStreams} reached`});
			} else start();
		},
		async drained() {
			// followers can be added while we wait (queued by --max-streams)
			for (;;) {
				const all = [...followers.values()].map(f => f.stream?.done).filter(Boolean);
				if (!all.length && !queue.length) return;
				await Promise.all(all);
				if (signal.aborted) return;
				if (!followers.size && !queue.length) return;
				if (!all.length) await new Promise(r => setTimeout(r, 5));
			}
		},
		unfinished: () => [...followers.values()].filter(f => !f.stream?.complete).map(f => `${f.pod}/${f.container}`),
		async ended() {
			await Promise.all([...followers.values()].map(f => f.stream?.done));
		},
	};
}
