/**
 * The live Kubernetes source: kubeconfig → workload → pods by list+watch → one
 * log stream per container instance → the pipeline (parsers) and the store
 * (pod facts, stream health). `once` lists the pods and reads what exists now.
 *
 * This file wires the parts and owns the start and the stop: the pods become
 * facts in pod-events.ts, which instances get a stream is reconcile.ts's call,
 * and the streams themselves are stream-pool.ts's.
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
import {createPodEvents} from './pod-events.js';
import {startPodWatch} from './pod-watch.js';
import {createRateLimiter} from './rate-limit.js';
import {createReconciler} from './reconcile.js';
import {createLogSaver} from './save.js';
import {createStreamPool} from './stream-pool.js';
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
	const pool = createStreamPool({
		client,
		namespace,
		options,
		once,
		pipeline,
		saver,
		signal,
		tuning,
		dispatch,
		notice,
		// a stream's lookup is a sight of its pod too; late-bound: the pods need the reconciler, which needs the pool
		lookup: (pod, uid, container, id) => pods.lookup(pod, uid, container, id),
	});
	const reconciler = createReconciler({pool, once, container: options.kube.container, signal, dispatch});
	const pods = createPodEvents({client, namespace, once, signal, workload, wanted, eventsEveryMs: tuning.eventsEveryMs, reconciler, dispatch, notice});

	let done: Promise<void>;
	if (once) {
		let body: any;
		try {
			body = await client.getJson(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {labelSelector: match.selector ?? undefined}, {verb: 'list', resource: 'pods', namespace, signal});
		} catch (err) {
			client.close();
			throw fail(err);
		}
		const listed = (body.items ?? []).filter(wanted);
		if (listed.length === 0) {
			// nothing to read is not an empty snapshot that reads as all well: say what the namespace holds
			const message = await noPodsMessage(client, namespace, workload, options.kube.selector, signal).catch(() => `no pods match in namespace ${namespace}`);
			client.close();
			throw new UserError(message);
		}
		await Promise.all(listed.filter((p: any) => p.status?.phase === 'Pending').map((p: any) => pods.readEvents(p.metadata.name)));
		for (const p of listed) pods.upsert(p, true);
		for (const p of listed) reconciler.reconcile(p);
		done = pool.drained().then(() => {
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
			onUpsert: p => pods.upsert(p),
			onDelete: p => pods.remove(p),
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
		done = watch.done.catch(() => undefined).then(() => pool.drained());
	}

	let stopped: Promise<void> | null = null;
	return {
		describe,
		done,
		kubeConfig: cfg.kc,
		notices,
		unfinished: () => pool.unfinished(),
		requests: () => client.limiter.granted,
		stop() {
			stopped ??= (async () => {
				abort.abort();
				io.signal.removeEventListener('abort', onUserStop);
				await pool.ended();
				await saver?.close();
				client.close();
			})();
			return stopped;
		},
	};
}
