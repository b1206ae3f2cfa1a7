/**
 * A core/v1 Pod (JSON from list/watch) → the PodFacts infertop shows: phase,
 * node, container states and restarts, last termination, why it is pending,
 * and its LeaderWorkerSet place (docs/log-formats/kubernetes.md §4.1) or Run:ai workload (§4.3).
 */
import type {PodFacts} from '../../parse/events.js';

export const LWS_NAME = 'leaderworkerset.sigs.k8s.io/name';
export const LWS_GROUP_INDEX = 'leaderworkerset.sigs.k8s.io/group-index';
export const LWS_WORKER_INDEX = 'leaderworkerset.sigs.k8s.io/worker-index';
export const LWS_LEADER_NAME = 'leaderworkerset.sigs.k8s.io/leader-name';
export const RUNAI_WORKLOAD = 'workloadName';

const ms = (s: unknown): number | null => {
	if (typeof s !== 'string') return null;
	const t = Date.parse(s);
	return Number.isNaN(t) ? null : t;
};
const int = (s: unknown): number | null => {
	if (typeof s !== 'string' || !/^\d+$/.test(s)) return null;
	return Number(s);
};

export function pendingReasonOf(pod: any): string | null {
	if (pod?.status?.phase !== 'Pending') return null;
	// PodScheduled=False: `0/4 nodes are available: 4 Insufficient nvidia.com/gpu.`
	const sched = (pod.status.conditions ?? []).find((c: any) => c.type === 'PodScheduled' && c.status === 'False');
	if (sched) return sched.message || sched.reason || 'Unschedulable';
	for (const cs of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) {
		const w = cs?.state?.waiting;
		if (w?.reason && !genericWaiting.has(w.reason)) return w.message ? `${w.reason}: ${w.message}` : w.reason;
	}
	return null;
}

/** waiting reasons that say nothing by themselves: an Event (FailedMount, FailedScheduling…) says more */
const genericWaiting = new Set(['PodInitializing', 'ContainerCreating']);

/** `ContainerCreating` / `PodInitializing`, when that is all a pending pod's status says */
export function genericPendingReason(pod: any): string | null {
	if (pod?.status?.phase !== 'Pending') return null;
	for (const cs of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) {
		const w = cs?.state?.waiting;
		if (w?.reason) return w.reason;
	}
	return null;
}

/**
 * GPUs a pod's containers ask for: the sum of their `nvidia.com/gpu` (or any other
 * `<vendor>/gpu`) limits, else requests. Null when no container names one.
 */
export function gpusOf(pod: any): number | null {
	let total: number | null = null;
	for (const c of pod?.spec?.containers ?? []) {
		const res = c?.resources ?? {};
		for (const table of [res.limits, res.requests]) {
			if (!table || typeof table !== 'object') continue;
			const key = Object.keys(table).find(k => k.endsWith('/gpu'));
			const n = key === undefined ? NaN : Number(table[key]);
			if (Number.isInteger(n) && n >= 0) {
				total = (total ?? 0) + n;
				break;
			}
		}
	}
	return total;
}

export function toPodFacts(pod: any, workload: string | null): PodFacts {
	const labels: Record<string, string> = pod?.metadata?.labels ?? {};
	const annotations: Record<string, string> = pod?.metadata?.annotations ?? {};
	const workerIndex = int(labels[LWS_WORKER_INDEX]);
	const leaderName = annotations[LWS_LEADER_NAME];
	const role: PodFacts['role'] = workerIndex === 0 ? 'leader' : workerIndex !== null ? 'worker' : leaderName && leaderName !== pod.metadata.name ? 'worker' : labels['role'] === 'leader' ? 'leader' : null;
	const statuses = new Map<string, any>((pod?.status?.containerStatuses ?? []).map((c: any) => [c.name, c]));
	const names: string[] = (pod?.spec?.containers ?? []).map((c: any) => c.name);
	for (const n of statuses.keys()) if (!names.includes(n)) names.push(n);
	return {
		name: pod.metadata.name,
		uid: pod.metadata.uid ?? '',
		node: pod.spec?.nodeName ?? null,
		phase: pod.status?.phase ?? null,
		pendingReason: pendingReasonOf(pod),
		workload: labels[LWS_NAME] ?? labels[RUNAI_WORKLOAD] ?? workload,
		group: int(labels[LWS_GROUP_INDEX]),
		role,
		workerIndex,
		createdAt: ms(pod.metadata.creationTimestamp),
		gpus: gpusOf(pod),
		containers: names.map(name => {
			const cs = statuses.get(name);
			const st = cs?.state ?? {};
			const state = st.running ? 'running' : st.terminated ? 'terminated' : st.waiting ? 'waiting' : null;
			const last = cs?.lastState?.terminated;
			return {
				name,
				state,
				reason: st.waiting?.reason ?? st.terminated?.reason ?? null,
				restarts: cs?.restartCount ?? 0,
				exitCode: st.terminated?.exitCode ?? null,
				lastTerminationReason: last?.reason ?? null,
				lastExitCode: last?.exitCode ?? null,
				startedAt: ms(st.running?.startedAt ?? st.terminated?.startedAt),
			};
		}),
	};
}

/** containerID of the instance whose log `GET …/log?container=` serves now (null while waiting) */
export function instanceIdOf(pod: any, container: string): {id: string | null; state: 'running' | 'terminated' | 'waiting' | null; lastId: string | null} {
	const cs = (pod?.status?.containerStatuses ?? []).find((c: any) => c.name === container);
	if (!cs) return {id: null, state: null, lastId: null};
	const st = cs.state ?? {};
	const state = st.running ? 'running' : st.terminated ? 'terminated' : st.waiting ? 'waiting' : null;
	const id = cs.containerID ?? st.terminated?.containerID ?? null;
	return {id: state === 'waiting' ? null : (id ?? `restart-${cs.restartCount ?? 0}`), state, lastId: cs.lastState?.terminated?.containerID ?? null};
}
