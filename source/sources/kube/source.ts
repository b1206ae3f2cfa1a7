/**
 * The live Kubernetes source: kubeconfig → workload → pods by list+watch → one
 * log stream per container instance → the pipeline (parsers) and the store
 * (pod facts, stream health). `once` lists the pods and reads what exists now.
 */
import {safeText} from '../../core/text-safety.js';
import {setMaxListeners} from 'node:events';
import type {KubeConfig} from '@kubernetes/client-node';
import {UserError, type Io} from '../../core/io.js';
import type {Options} from '../../core/options.js';
import type {SourceEvent} from '../../parse/events.js';
import type {Pipeline} from '../../store/pipeline.js';
import {createKubeClient, type KubeClient, type KubeDeadlines} from './client.js';
import {loadKubeConfig} from './config.js';
import {explainClusterError, forbiddenReason, KubeApiError} from './errors.js';
import {startLogStream, type InstanceLookup, type LogStream} from './log-stream.js';
import {genericPendingReason, instanceIdOf, toPodFacts} from './pod-facts.js';
import {startPodWatch} from './pod-watch.js';
import {createRateLimiter} from './rate-limit.js';
import {createLogSaver} from './save.js';
import {noPodsMessage, resolveWorkload, type WorkloadMatch} from './workload.js';

export interface KubeSource {
	describe: {context: string | null; namespace: string; selector: string | null; workload: string | null; matchedBy: string | null};
	/** once: everything read; live: resolves when stopped */
	done: Promise<void>;
	stop(): Promise<void>;
	kubeConfig: KubeConfig;
	/** things the user should know that did not stop the source (RBAC skips, …) */
	notices: string[];
	/** `pod/container` streams not read to the end yet (for --once's --wait message) */
	unfinished(): string[];
	/** requests made through the rate limiter so far */
	requests(): number;
}

/** Intervals, shortened by tests. */
export interface KubeTuning {
	stallCheckMs: number;
	backoff: {initialMs: number; maxMs: number};
	watchBackoff: {initialMs: number; maxMs: number};
	watchTimeoutSeconds: number;
	/** how often a pending pod's Events are read for its reason */
	eventsEveryMs: number;
	/** per-request connect/response deadlines (client.ts) */
	deadlines?: Partial<KubeDeadlines>;
}

export const defaultTuning: KubeTuning = {
	stallCheckMs: 30_000,
	backoff: {initialMs: 500, maxMs: 20_000},
	watchBackoff: {initialMs: 500, maxMs: 30_000},
	watchTimeoutSeconds: 300,
	eventsEveryMs: 10_000,
};

interface Follower {
	key: string;
	pod: string;
	container: string;
	stream: LogStream | null;
}

export async function startKubeSource(args: {
	options: Options;
	pipeline: Pipeline;
	io: Io;
	once: boolean;
	tuning?: Partial<KubeTuning>;
	/** prefix for the in-cluster service-account folder (tests) */
	inClusterPrefix?: string;
	/** handed the client as soon as it exists, before the first request: what a caller shows while it connects */
	onClient?: (client: KubeClient) => void;
}): Promise<KubeSource> {
	const {options, pipeline, io, once} = args;
	const tuning = {...defaultTuning, ...args.tuning};
	const store = pipeline.store;
	const cfg = await loadKubeConfig({
		kubeconfig: options.kube.kubeconfig,
		context: options.kube.context,
		namespace: options.kube.namespace,
		env: io.env,
		inClusterPrefix: args.inClusterPrefix,
	});
	const namespace = cfg.namespace;
	const client: KubeClient = createKubeClient(cfg.kc, createRateLimiter(options.kube.qps), tuning.deadlines);
	args.onClient?.(client);
	const abort = new AbortController();
	const signal = abort.signal;
	// one listener per stream and request: 128 pods are expected, not a leak
	setMaxListeners(0, signal);
	const onUserStop = () => abort.abort();
	io.signal.addEventListener('abort', onUserStop, {once: true});
	const notices: string[] = [];
	const noticed = new Set<string>();
	const notice = (msg: string) => {
		if (noticed.has(msg)) return;
		noticed.add(msg);
		notices.push(msg);
		if (once) io.stderr.write(`infertop: ${safeText(msg)}\n`);
	};
	const fail = (err: unknown): Error => {
		io.signal.removeEventListener('abort', onUserStop);
		// stopped (by the user, or a caller's deadline) before the source was up: not a cluster error
		if (signal.aborted) return new UserError(`stopped while connecting to the Kubernetes API server at ${cfg.server}`);
		const e = explainClusterError(err, {server: cfg.server, context: cfg.context});
		if (e) return e;
		const msg = err instanceof Error ? err.message : String(err);
		return new UserError(`talking to the Kubernetes API server at ${cfg.server} failed: ${msg}. Try \`kubectl get pods -n ${namespace}\` with the same kubeconfig.`);
	};
	const dispatch = (e: SourceEvent) => store.dispatch(e);

	const workload = options.args[0] ?? null;
	let match: WorkloadMatch;
	try {
		match = workload
			? await resolveWorkload(client, namespace, workload, options.kube.selector, notice, signal)
			: {selector: options.kube.selector, namePrefix: null, matchedBy: options.kube.selector ? `label selector ${options.kube.selector}` : null};
	} catch (err) {
		client.close();
		throw fail(err);
	}
	const describe = {context: cfg.context, namespace, selector: match.selector, workload, matchedBy: match.matchedBy};
	const wanted = (pod: any) => !match.namePrefix || String(pod?.metadata?.name ?? '').startsWith(match.namePrefix);

	const saver = options.kube.save ? createLogSaver(options.kube.save) : null;
	const followers = new Map<string, Follower>();
	const started = new Set<string>();
	/** last instance per pod/container, to know when one is new (restart / recreated pod) */
	const lastInstance = new Map<string, string>();
	const queue: (() => void)[] = [];
	let active = 0;
	const podUids = new Map<string, string>();
	/** slots whose stream-reset was already sent when the new UID appeared */
	const resetDone = new Set<string>();
	const eventReasons = new Map<string, string>();
	const eventsReadAt = new Map<string, number>();
	let eventsForbidden = false;

	const lookupFor = (pod: string, uid: string, container: string, id: string) => async (): Promise<InstanceLookup> => {
		let p: any;
		try {
			p = await client.getJson(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`, {}, {verb: 'get', resource: 'pods', namespace, signal});
		} catch (err) {
			if (err instanceof KubeApiError && err.status === 404) return {kind: 'gone'};
			throw err;
		}
		if (p?.metadata?.uid !== uid) return {kind: 'gone'};
		if (!once) upsert(p);
		const now = instanceIdOf(p, container);
		if (now.id === id) return {kind: 'same', running: now.state === 'running'};
		return {kind: 'replaced'};
	};

	const startFollower = (f: Follower, uid: string, id: string, fresh: boolean, previous = false) => {
		active++;
		const sink = pipeline.openStream(f.pod, f.container, {fresh});
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
			lookup: lookupFor(f.pod, uid, f.container, id),
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
	};

	const startFollowerFresh = (f: Follower, uid: string, id: string) => startFollower(f, uid, id, true);

	const reconcileStreams = (pod: any) => {
		const name: string = pod.metadata.name;
		const uid: string = pod.metadata.uid ?? '';
		for (const c of pod.spec?.containers ?? []) {
			if (options.kube.container && c.name !== options.kube.container) continue;
			const inst = instanceIdOf(pod, c.name);
			if (!inst.id) continue;
			const key = `${uid}|${c.name}|${inst.id}`;
			if (started.has(key)) continue;
			started.add(key);
			const slot = `${name}/${c.name}`;
			const prev = lastInstance.get(slot);
			lastInstance.set(slot, key);
			const fresh = prev !== undefined && prev !== key;
			// a new container instance, or the same name with a new UID (LWS recreated the group): its ranks start clean
			if (fresh && !resetDone.delete(slot)) dispatch({type: 'stream-reset', pod: name, container: c.name, at: Date.now()});
			const f: Follower = {key, pod: name, container: c.name, stream: null};
			followers.set(key, f);
			let go = () => startFollower(f, uid, inst.id!, fresh);
			// first sight of a container that already restarted (live): the crashed instance's log first, then the current one
			const restarted = (pod.status?.containerStatuses ?? []).find((x: any) => x.name === c.name);
			if (!once && prev === undefined && inst.lastId && (restarted?.restartCount ?? 0) > 0) {
				go = () => {
					const pf: Follower = {key: `${key}|previous`, pod: name, container: c.name, stream: null};
					followers.set(pf.key, pf);
					startFollower(pf, uid, inst.lastId!, false, true);
					void pf.stream!.done.then(() => {
						if (signal.aborted) return;
						dispatch({type: 'stream-reset', pod: name, container: c.name, at: Date.now()});
						followers.set(key, f);
						startFollowerFresh(f, uid, inst.id!);
					});
				};
			}
			if (options.kube.maxStreams && active >= options.kube.maxStreams) {
				queue.push(go);
				dispatch({type: 'stream-status', pod: name, container: c.name, at: Date.now(), connected: false, skippedLines: 0, reason: `not streamed yet: --max-streams ${options.kube.maxStreams} reached`});
			} else go();
		}
	};

	const readEvents = async (name: string) => {
		if (eventsForbidden) return;
		const now = Date.now();
		if (now - (eventsReadAt.get(name) ?? 0) < tuning.eventsEveryMs) return;
		eventsReadAt.set(name, now);
		try {
			const body = await client.getJson(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, {fieldSelector: `involvedObject.name=${name}`}, {verb: 'list', resource: 'events', namespace, signal});
			const items: any[] = body.items ?? [];
			const last = items
				.filter(e => e.type === 'Warning')
				.sort((a, b) => Date.parse(a.lastTimestamp ?? a.eventTime ?? 0) - Date.parse(b.lastTimestamp ?? b.eventTime ?? 0))
				.pop();
			if (last?.message) {
				eventReasons.set(name, `${last.reason}: ${last.message}`);
				const pod = lastPods.get(name);
				if (pod) upsert(pod, true);
			}
		} catch (err) {
			if (err instanceof KubeApiError && err.status === 403) {
				eventsForbidden = true;
				notice(`pending reasons from Events are unavailable: ${forbiddenReason('list', 'events', namespace)}`);
			}
		}
	};

	const lastPods = new Map<string, any>();
	const upsert = (pod: any, fromEvents = false) => {
		if (!wanted(pod)) return;
		const name: string = pod.metadata.name;
		lastPods.set(name, pod);
		const facts = toPodFacts(pod, workload);
		if (facts.phase === 'Pending' && !fromEvents) void readEvents(name);
		if (facts.phase === 'Pending' && !facts.pendingReason) facts.pendingReason = eventReasons.get(name) ?? genericPendingReason(pod);
		const oldUid = podUids.get(name);
		if (oldUid && oldUid !== facts.uid) {
			// recreated under the same name: end the old incarnation's ranks now, not when the new one's containers start
			for (const c of facts.containers) {
				const slot = `${name}/${c.name}`;
				if (lastInstance.has(slot) && !resetDone.has(slot)) {
					resetDone.add(slot);
					dispatch({type: 'stream-reset', pod: name, container: c.name, at: Date.now()});
				}
			}
		}
		podUids.set(name, facts.uid);
		dispatch({type: 'pod-upsert', pod: facts});
		if (!fromEvents) reconcileStreams(pod);
	};
	const remove = (pod: any) => {
		if (!wanted(pod)) return;
		const name: string = pod.metadata.name;
		dispatch({type: 'pod-deleted', name, uid: pod.metadata.uid ?? null});
	};

	const waitStreams = async () => {
		// followers can be added while we wait (queued by --max-streams)
		for (;;) {
			const all = [...followers.values()].map(f => f.stream?.done).filter(Boolean);
			if (!all.length && !queue.length) return;
			await Promise.all(all);
			if (signal.aborted) return;
			if (!followers.size && !queue.length) return;
			if (!all.length) await new Promise(r => setTimeout(r, 5));
		}
	};

	let done: Promise<void>;
	if (once) {
		let body: any;
		try {
			body = await client.getJson(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {labelSelector: match.selector ?? undefined}, {verb: 'list', resource: 'pods', namespace, signal});
		} catch (err) {
			client.close();
			throw fail(err);
		}
		const pods = (body.items ?? []).filter(wanted);
		if (pods.length === 0) {
			// nothing to read is not an empty snapshot that reads as all well: say what the namespace holds
			const message = await noPodsMessage(client, namespace, workload, options.kube.selector, signal).catch(() => `no pods match in namespace ${namespace}`);
			client.close();
			throw new UserError(message);
		}
		await Promise.all(pods.filter((p: any) => p.status?.phase === 'Pending').map((p: any) => readEvents(p.metadata.name)));
		for (const p of pods) upsert(p, true);
		for (const p of pods) reconcileStreams(p);
		done = waitStreams().then(() => {
			dispatch({type: 'source-ended', at: Date.now()});
		});
	} else {
		let resolveSync!: () => void;
		const synced = new Promise<void>(r => (resolveSync = r));
		const watch = startPodWatch({
			client,
			namespace,
			labelSelector: match.selector,
			signal,
			backoff: tuning.watchBackoff,
			watchTimeoutSeconds: tuning.watchTimeoutSeconds,
			onUpsert: p => upsert(p),
			onDelete: remove,
			onSynced: resolveSync,
			onError(err) {
				if (err instanceof KubeApiError && err.status === 403) notice(forbiddenReason(err.verb, err.resource, namespace));
			},
		});
		try {
			await Promise.race([synced, watch.done]);
			// stopped before the first list answered: the watch loop ends quietly
			if (signal.aborted) throw new Error('stopped');
		} catch (err) {
			const e = fail(err);
			abort.abort();
			client.close();
			throw e;
		}
		done = watch.done.catch(() => undefined).then(() => waitStreams());
	}

	let stopped: Promise<void> | null = null;
	return {
		describe,
		done,
		kubeConfig: cfg.kc,
		notices,
		unfinished: () => [...followers.values()].filter(f => !f.stream?.complete).map(f => `${f.pod}/${f.container}`),
		requests: () => client.limiter.granted,
		stop() {
			stopped ??= (async () => {
				abort.abort();
				io.signal.removeEventListener('abort', onUserStop);
				await Promise.all([...followers.values()].map(f => f.stream?.done));
				await saver?.close();
				client.close();
			})();
			return stopped;
		},
	};
}
