/**
 * One container instance's log, read with `timestamps=true` and handed on as
 * complete lines, none lost and none doubled, across everything the kubelet and
 * the network do to a follow (docs/log-formats/kubernetes.md §3.2, stern's resume in §3.5):
 *
 * - the stream ends while the container still runs (API timeout, dropped
 *   connection, cut mid-line): reopen from the last line's second and skip the
 *   replayed lines already handed on (resume-cursor.ts decides which, purely);
 * - open but silent while a `sinceTime` check finds newer lines: a stalled follow
 *   after log rotation (kubernetes/kubernetes#115701): reopen and count it;
 * - the container stopped: a clean end is everything; a broken one is finished
 *   with a non-follow read, or `previous=true` if it has restarted meanwhile.
 */
import type {IncomingMessage} from 'node:http';
import {StringDecoder} from 'node:string_decoder';
import type {StreamSink} from '../../store/pipeline.js';
import type {KubeClient} from './client.js';
import {forbiddenReason, KubeApiError} from './errors.js';
import {ResumeCursor} from './resume-cursor.js';

/** What the API says now about the container instance a stream reads. */
export type InstanceLookup = {kind: 'gone'} | {kind: 'replaced'} | {kind: 'same'; running: boolean};

export interface LogStreamStatus {
	connected: boolean;
	/** read to the end of its container instance */
	ended: boolean;
	reconnects: number;
	stalls: number;
	reason: string | null;
}

export interface LogStreamArgs {
	client: KubeClient;
	namespace: string;
	pod: string;
	container: string;
	/** follow (live) or read what exists (--once) */
	follow: boolean;
	/** read the previous (terminated) instance once, `previous=true` */
	previous?: boolean;
	sinceSeconds?: number | null;
	tailLines?: number | null;
	sink: StreamSink;
	/** raw text as handed on (complete lines, with timestamps), for --save */
	save?: (text: string) => void;
	onStatus(s: LogStreamStatus): void;
	lookup(): Promise<InstanceLookup>;
	signal: AbortSignal;
	/** silence this long → check with sinceTime whether the follow stalled */
	stallCheckMs?: number;
	backoff?: {initialMs: number; maxMs: number};
}

export interface LogStream {
	done: Promise<void>;
	/** complete lines handed on */
	readonly lines: number;
	readonly status: LogStreamStatus;
	/** true when every line up to the container's stop (or now, for --once) was handed on */
	readonly complete: boolean;
}

const sleep = (ms: number, signal: AbortSignal) =>
	new Promise<void>(resolve => {
		if (signal.aborted) return resolve();
		const t = setTimeout(resolve, ms);
		signal.addEventListener(
			'abort',
			() => {
				clearTimeout(t);
				resolve();
			},
			{once: true},
		);
	});

type Outcome = 'clean' | 'error' | 'stalled';

export function startLogStream(args: LogStreamArgs): LogStream {
	const {client, namespace, pod, container, signal} = args;
	const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
	const backoff = args.backoff ?? {initialMs: 500, maxMs: 20_000};
	const stallCheckMs = args.stallCheckMs ?? 30_000;
	const status: LogStreamStatus = {connected: false, ended: false, reconnects: 0, stalls: 0, reason: null};
	let lines = 0;
	let complete = false;
	const cursor = new ResumeCursor();
	let gotNew = false;

	const setStatus = (s: Partial<LogStreamStatus>) => {
		const changed = Object.entries(s).some(([k, v]) => status[k as keyof LogStreamStatus] !== v);
		Object.assign(status, s);
		if (changed) args.onStatus({...status});
	};

	const countLines = (text: string) => {
		let n = 0;
		for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
		return n;
	};

	const hand = (text: string) => {
		args.sink.write(text);
		args.save?.(text);
	};

	const onText = (s: string) => {
		const whole = cursor.take(s);
		if (!whole) return;
		lines += countLines(whole);
		gotNew = true;
		hand(whole);
	};

	const finish = () => {
		const rest = cursor.flush();
		if (rest) hand(rest);
		complete = true;
		args.sink.end();
		setStatus({connected: false, ended: true, reason: null});
	};

	/** is there a line newer than the last one handed on? (stalled-follow check) */
	const hasNewer = async (): Promise<boolean> => {
		try {
			const res = await client.stream(path, {container, timestamps: true, limitBytes: 262_144, sinceTime: cursor.sinceTime ?? undefined}, {verb: 'get', resource: 'pods/log', namespace, signal});
			let text = '';
			for await (const c of res) text += (c as Buffer).toString('utf8');
			return cursor.hasNewer(text);
		} catch {
			// a failed check is not evidence of a stall
		}
		return false;
	};

	const consume = (res: IncomingMessage, abort: AbortController, follow: boolean): Promise<Outcome> =>
		new Promise(resolve => {
			const decoder = new StringDecoder('utf8');
			let lastDataAt = Date.now();
			let settled = false;
			let checking = false;
			const settle = (o: Outcome) => {
				if (settled) return;
				settled = true;
				if (timer) clearInterval(timer);
				resolve(o);
			};
			res.on('data', (chunk: Buffer) => {
				lastDataAt = Date.now();
				onText(decoder.write(chunk));
			});
			res.on('end', () => {
				const tail = decoder.end();
				if (tail) onText(tail);
				settle(res.complete ? 'clean' : 'error');
			});
			res.on('error', () => settle('error'));
			res.on('close', () => settle(res.complete ? 'clean' : 'error'));
			const timer = follow
				? setInterval(
						async () => {
							if (checking || settled || Date.now() - lastDataAt < stallCheckMs) return;
							checking = true;
							const stalled = await hasNewer();
							checking = false;
							if (stalled && !settled) {
								settle('stalled');
								abort.abort();
								res.destroy();
							} else lastDataAt = Date.now();
						},
						Math.max(10, Math.floor(stallCheckMs / 2)),
					)
				: null;
		});

	const run = async () => {
		let mode: 'follow' | 'finish' | 'previous' = args.previous ? 'previous' : args.follow ? 'follow' : 'finish';
		let first = true;
		let delay = backoff.initialMs;
		/** the last stream ended or failed: ask the API what the instance does before reopening */
		let ended: Outcome | null = null;
		const wait = async () => {
			await sleep(delay, signal);
			delay = Math.min(backoff.maxMs, delay * 2);
		};
		while (!signal.aborted) {
			if (ended !== null && mode === 'follow') {
				// never reopen a follow blindly: after a restart the same URL serves the next instance
				let look: InstanceLookup;
				try {
					look = await args.lookup();
				} catch {
					setStatus({connected: false, reason: 'stream ended; API unreachable'});
					await wait();
					continue;
				}
				if (signal.aborted) break;
				if (look.kind === 'gone') return finish();
				if (look.kind === 'replaced' || !look.running) {
					if (ended === 'clean') return finish();
					// broken before the end: read the rest of that instance once
					mode = look.kind === 'replaced' ? 'previous' : 'finish';
				} else if (ended === 'clean') {
					// ended while the container runs (API timeout, proxy idle cut): resume
					setStatus({reconnects: status.reconnects + 1, reason: 'stream ended while the container runs: resumed'});
					if (!gotNew) await wait();
				}
			}
			const query: Record<string, string | number | boolean | undefined> = {
				container,
				timestamps: true,
				follow: mode === 'follow' ? true : undefined,
				previous: mode === 'previous' ? true : undefined,
			};
			// after lines went on, reopen from the last one's second and drop the replay (resume-cursor.ts)
			const sinceTime = cursor.reopen();
			if (sinceTime) query['sinceTime'] = sinceTime;
			else if (mode !== 'previous') {
				if (args.sinceSeconds) query['sinceSeconds'] = args.sinceSeconds;
				// tailLines only on the first open: later opens resume by time
				if (first && args.tailLines !== null && args.tailLines !== undefined) query['tailLines'] = args.tailLines;
			}
			const abort = new AbortController();
			const onAbort = () => abort.abort();
			signal.addEventListener('abort', onAbort, {once: true});
			let outcome: Outcome;
			try {
				const res = await client.stream(path, query, {verb: 'get', resource: 'pods/log', namespace, signal: abort.signal});
				first = false;
				gotNew = false;
				setStatus({connected: true, reason: null});
				outcome = await consume(res, abort, mode === 'follow');
			} catch (err) {
				signal.removeEventListener('abort', onAbort);
				if (signal.aborted) break;
				ended = 'error';
				if (err instanceof KubeApiError) {
					if (err.status === 404) return finish(); // the pod is gone
					if (err.status === 403) {
						setStatus({connected: false, reason: forbiddenReason('get', 'pods/log', namespace)});
						if (!args.follow) return;
						await sleep(backoff.maxMs, signal);
						continue;
					}
					if (err.status === 400) {
						// waiting to start / previous not found: ask what the container is doing
						if (mode === 'previous' || !args.follow) return finish();
						setStatus({connected: false, reason: err.message});
						await wait();
						continue;
					}
				}
				setStatus({connected: false, reconnects: status.reconnects + 1, reason: err instanceof Error ? err.message : String(err)});
				await wait();
				continue;
			}
			signal.removeEventListener('abort', onAbort);
			if (signal.aborted) break;
			if (gotNew) delay = backoff.initialMs;
			ended = outcome;
			if (outcome === 'stalled') {
				setStatus({connected: false, stalls: status.stalls + 1, reconnects: status.reconnects + 1, reason: 'stalled follow (log rotation?): reopened'});
				ended = 'error';
				continue;
			}
			if (mode === 'previous' || (mode === 'finish' && outcome === 'clean')) return finish();
			if (mode === 'finish') {
				setStatus({connected: false, reconnects: status.reconnects + 1, reason: 'stream broke: resuming'});
				await wait();
				continue;
			}
			// a follow ended: stopped (the lookup above ends it), restarted, or a drop (resume)
			if (outcome === 'clean') setStatus({connected: false});
			else {
				setStatus({connected: false, reconnects: status.reconnects + 1, reason: 'stream broke: resuming'});
				await wait();
			}
		}
		setStatus({connected: false});
	};

	const done = run().catch(err => {
		setStatus({connected: false, reason: err instanceof Error ? err.message : String(err)});
	});
	return {
		done,
		get lines() {
			return lines;
		},
		get status() {
			return {...status};
		},
		get complete() {
			return complete;
		},
	};
}
