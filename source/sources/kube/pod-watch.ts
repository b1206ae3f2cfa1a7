/**
 * Pods by list+watch, never list-once (kubectl logs -l resolves pods once and
 * misses every pod created later). The watch resumes from the last
 * resourceVersion (events and BOOKMARKs advance it), relists on 410 Gone
 * (the server compacted past it) reporting pods that vanished meanwhile, and
 * backs off exponentially (capped) on drops and errors, resetting on any event.
 */
import {StringDecoder} from 'node:string_decoder';
import type {KubeClient} from './client.js';
import {isPermanentRequestError, KubeApiError} from './errors.js';

export interface PodWatchArgs {
	client: KubeClient;
	namespace: string;
	labelSelector: string | null;
	/** every pod seen (ADDED/MODIFIED/listed) */
	onUpsert(pod: any): void;
	/** pod gone (DELETED, or missing from a relist) */
	onDelete(pod: any): void;
	/** first list done (pods that exist now are known) */
	onSynced?(): void;
	/** a failure while watching (surfaced, then retried) */
	onError?(err: unknown): void;
	signal: AbortSignal;
	backoff?: {initialMs: number; maxMs: number};
	/** server-side watch timeout (a real API server ends watches after a while anyway) */
	watchTimeoutSeconds?: number;
}

export interface PodWatch {
	/** list+watch cycles (1 + relists) */
	readonly lists: number;
	readonly watches: number;
	done: Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
	new Promise<void>(resolve => {
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

export function startPodWatch(args: PodWatchArgs): PodWatch {
	const {client, namespace, signal} = args;
	const backoff = args.backoff ?? {initialMs: 500, maxMs: 30_000};
	const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
	const known = new Map<string, any>();
	let lists = 0;
	let watches = 0;
	let synced = false;

	const list = async (): Promise<string> => {
		const body = await client.getJson(path, {labelSelector: args.labelSelector ?? undefined}, {verb: 'list', resource: 'pods', namespace, signal});
		lists++;
		const seen = new Set<string>();
		for (const pod of body.items ?? []) {
			seen.add(pod.metadata.name);
			known.set(pod.metadata.name, pod);
			args.onUpsert(pod);
		}
		for (const [name, pod] of known) {
			if (!seen.has(name)) {
				known.delete(name);
				args.onDelete(pod);
			}
		}
		if (!synced) {
			synced = true;
			args.onSynced?.();
		}
		return body.metadata?.resourceVersion ?? '';
	};

	/** one watch request; resolves with the next resourceVersion, or null when it must relist */
	const watchOnce = async (rv: string, onEvent: () => void): Promise<string | null> => {
		const res = await client.stream(
			path,
			{watch: 'true', resourceVersion: rv, allowWatchBookmarks: 'true', labelSelector: args.labelSelector ?? undefined, timeoutSeconds: args.watchTimeoutSeconds ?? 300},
			{verb: 'watch', resource: 'pods', namespace, signal},
		);
		watches++;
		let current: string | null = rv;
		await new Promise<void>((resolve, reject) => {
			const decoder = new StringDecoder('utf8');
			let buf = '';
			res.on('data', (chunk: Buffer) => {
				buf += decoder.write(chunk);
				let nl = buf.indexOf('\n');
				while (nl !== -1) {
					const line = buf.slice(0, nl);
					buf = buf.slice(nl + 1);
					nl = buf.indexOf('\n');
					if (!line.trim()) continue;
					let e: any;
					try {
						e = JSON.parse(line);
					} catch {
						continue;
					}
					onEvent();
					const obj = e.object;
					if (e.type === 'ERROR') {
						// {"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired",...}}
						if (obj?.code === 410 || obj?.reason === 'Expired' || obj?.reason === 'Gone') current = null;
						else reject(new KubeApiError(obj?.code ?? 500, obj?.message ?? 'watch error', obj?.reason ?? null, 'watch', 'pods', namespace));
						res.destroy();
						return;
					}
					const objRv = obj?.metadata?.resourceVersion;
					if (objRv) current = objRv;
					if (e.type === 'BOOKMARK') continue;
					const name = obj?.metadata?.name;
					if (!name) continue;
					if (e.type === 'DELETED') {
						known.delete(name);
						args.onDelete(obj);
					} else {
						known.set(name, obj);
						args.onUpsert(obj);
					}
				}
			});
			res.on('end', () => resolve());
			res.on('close', () => resolve());
			res.on('error', err => (current === null ? resolve() : reject(err)));
		});
		return current;
	};

	const loop = async () => {
		let delay = backoff.initialMs;
		let rv: string | null = null;
		while (!signal.aborted) {
			try {
				if (rv === null) rv = await list();
				delay = backoff.initialMs;
				const next = await watchOnce(rv, () => {
					delay = backoff.initialMs;
				});
				if (next === null) {
					rv = null; // 410: relist, then watch from the list's version
					continue;
				}
				rv = next;
				continue; // a clean end (server timeout): resume at once
			} catch (err) {
				if (signal.aborted) return;
				if (err instanceof KubeApiError && err.status === 410) rv = null;
				// watch forbidden but list allowed: fall back to listing at the backoff interval (still current, just slower)
				if (err instanceof KubeApiError && err.status === 403 && err.verb === 'watch') rv = null;
				if (!synced && err instanceof KubeApiError && (err.status === 401 || err.status === 403)) throw err;
				if (!synced && !(err instanceof KubeApiError)) throw err;
				// a 4xx no retry fixes (a malformed selector's 400): say it, don't ask forever
				if (isPermanentRequestError(err)) throw err;
				args.onError?.(err);
				await sleep(delay, signal);
				delay = Math.min(backoff.maxMs, delay * 2);
			}
		}
	};

	return {
		get lists() {
			return lists;
		},
		get watches() {
			return watches;
		},
		done: loop(),
	};
}
