/**
 * Which container instances get a log stream, decided again at every sight of a
 * pod: each instance (pod UID, container, containerID) is streamed once; a new
 * instance in a `pod/container` slot seen before (a restart, or the same name with
 * a new UID when an LWS group is recreated) first resets that slot's ranks, and a
 * container first seen after it restarted has its crashed instance read before the
 * current one. The streams themselves are the pool's (stream-pool.ts).
 */
import type {SourceEvent} from '../../parse/events.js';
import {instanceIdOf} from './pod-facts.js';
import type {Follower, StreamPool} from './stream-pool.js';

export interface Reconciler {
	/** start the streams this pod's containers need and have not had */
	reconcile(pod: any): void;
	/** the pod came back under its name with a new UID: end its old ranks now, not when the new containers start */
	recreated(name: string, containers: readonly string[]): void;
}

export function createReconciler(args: {
	pool: StreamPool;
	once: boolean;
	/** --container: stream only this one */
	container: string | null;
	signal: AbortSignal;
	dispatch(e: SourceEvent): void;
}): Reconciler {
	const {pool, once, signal, dispatch} = args;
	const started = new Set<string>();
	/** last instance per pod/container, to know when one is new (restart / recreated pod) */
	const lastInstance = new Map<string, string>();
	/** slots whose stream-reset was already sent when the new UID appeared */
	const resetDone = new Set<string>();
	const reset = (pod: string, container: string) => dispatch({type: 'stream-reset', pod, container, at: Date.now()});

	return {
		reconcile(pod) {
			const name: string = pod.metadata.name;
			const uid: string = pod.metadata.uid ?? '';
			for (const c of pod.spec?.containers ?? []) {
				if (args.container && c.name !== args.container) continue;
				const inst = instanceIdOf(pod, c.name);
				if (!inst.id) continue;
				const id = inst.id;
				const key = `${uid}|${c.name}|${id}`;
				if (started.has(key)) continue;
				started.add(key);
				const slot = `${name}/${c.name}`;
				const prev = lastInstance.get(slot);
				lastInstance.set(slot, key);
				const fresh = prev !== undefined && prev !== key;
				// a new container instance, or the same name with a new UID (LWS recreated the group): its ranks start clean
				if (fresh && !resetDone.delete(slot)) reset(name, c.name);
				const f = pool.add({key, pod: name, container: c.name, stream: null});
				let go = () => void pool.open(f, {uid, id, fresh});
				// first sight of a container that already restarted (live): the crashed instance's log first, then the current one
				const restarted = (pod.status?.containerStatuses ?? []).find((x: any) => x.name === c.name);
				const lastId = inst.lastId;
				if (!once && prev === undefined && lastId && (restarted?.restartCount ?? 0) > 0) {
					go = () => {
						const pf: Follower = pool.add({key: `${key}|previous`, pod: name, container: c.name, stream: null});
						void pool.open(pf, {uid, id: lastId, fresh: false, previous: true}).done.then(() => {
							if (signal.aborted) return;
							reset(name, c.name);
							pool.add(f);
							pool.open(f, {uid, id, fresh: true});
						});
					};
				}
				pool.schedule(name, c.name, go);
			}
		},
		recreated(name, containers) {
			for (const c of containers) {
				const slot = `${name}/${c}`;
				if (lastInstance.has(slot) && !resetDone.has(slot)) {
					resetDone.add(slot);
					reset(name, c);
				}
			}
		},
	};
}
