/**
 * The pods as the API tells of them, turned into store events: each sight of a pod
 * (list, watch, or a log stream's lookup) becomes its PodFacts, with a pending
 * pod's reason from its Warning Events when its status says only
 * `ContainerCreating`; a deletion becomes `pod-deleted`; a pod back under its name
 * with a new UID resets its old ranks at once. Every sight is then reconciled into
 * streams (reconcile.ts), and a stream asks here whether its instance still runs.
 */
import type {SourceEvent} from '../../parse/events.js';
import type {KubeClient} from './client.js';
import {forbiddenReason, KubeApiError} from './errors.js';
import type {InstanceLookup} from './log-stream.js';
import {genericPendingReason, instanceIdOf, toPodFacts} from './pod-facts.js';
import type {Reconciler} from './reconcile.js';

export interface PodEvents {
	/** a pod seen (added or changed); `fromEvents`: seen again for its Events' reason, its streams are as they were */
	upsert(pod: any, fromEvents?: boolean): void;
	remove(pod: any): void;
	/** read a pending pod's Warning Events (at most every `eventsEveryMs`) for why it waits */
	readEvents(name: string): Promise<void>;
	/** what the API says now about one container instance (the pod gone, the instance replaced, or running) */
	lookup(pod: string, uid: string, container: string, id: string): Promise<InstanceLookup>;
}

export function createPodEvents(args: {
	client: KubeClient;
	namespace: string;
	once: boolean;
	signal: AbortSignal;
	/** the workload named on the command line, for the facts */
	workload: string | null;
	/** pods a workload match takes (its name prefix); the others are not shown */
	wanted(pod: any): boolean;
	eventsEveryMs: number;
	reconciler: Reconciler;
	dispatch(e: SourceEvent): void;
	notice(msg: string): void;
}): PodEvents {
	const {client, namespace, once, signal, workload, wanted, reconciler, dispatch, notice} = args;
	const podUids = new Map<string, string>();
	const lastPods = new Map<string, any>();
	const eventReasons = new Map<string, string>();
	const eventsReadAt = new Map<string, number>();
	let eventsForbidden = false;

	const readEvents = async (name: string) => {
		if (eventsForbidden) return;
		const now = Date.now();
		if (now - (eventsReadAt.get(name) ?? 0) < args.eventsEveryMs) return;
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

	const upsert = (pod: any, fromEvents = false) => {
		if (!wanted(pod)) return;
		const name: string = pod.metadata.name;
		lastPods.set(name, pod);
		const facts = toPodFacts(pod, workload);
		if (facts.phase === 'Pending' && !fromEvents) void readEvents(name);
		if (facts.phase === 'Pending' && !facts.pendingReason) facts.pendingReason = eventReasons.get(name) ?? genericPendingReason(pod);
		const oldUid = podUids.get(name);
		// recreated under the same name: end the old incarnation's ranks now, not when the new one's containers start
		if (oldUid && oldUid !== facts.uid)
			reconciler.recreated(
				name,
				facts.containers.map(c => c.name),
			);
		podUids.set(name, facts.uid);
		dispatch({type: 'pod-upsert', pod: facts});
		if (!fromEvents) reconciler.reconcile(pod);
	};

	return {
		upsert,
		remove(pod) {
			if (!wanted(pod)) return;
			const name: string = pod.metadata.name;
			dispatch({type: 'pod-deleted', name, uid: pod.metadata.uid ?? null});
		},
		readEvents,
		async lookup(pod, uid, container, id) {
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
		},
	};
}
