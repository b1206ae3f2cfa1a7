/**
 * A core/v1 Pod as the API server returns it, from a SimPod: metadata, the spec's
 * containers (with the GPU limit), and the status kubectl and infertop read
 * (phase, PodScheduled / Ready conditions, container states with their last
 * termination, restart counts). Times have whole seconds, as on the wire.
 */
import type {SimInstance, SimPod} from './objects.js';

const iso = (ms: number | null) => (ms === null ? undefined : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'));

function stateJson(inst: SimInstance): Record<string, unknown> {
	if (inst.state === 'running') return {running: {startedAt: iso(inst.startedAt)}};
	if (inst.state === 'terminated') {
		return {terminated: {exitCode: inst.exitCode, reason: inst.reason, startedAt: iso(inst.startedAt), finishedAt: iso(inst.finishedAt), containerID: inst.id}};
	}
	return {waiting: {reason: inst.reason ?? 'ContainerCreating'}};
}

/** A core/v1 Pod as the API server would return it (the fields infertop and kubectl read). */
export function podJson(pod: SimPod): Record<string, unknown> {
	const conditions: unknown[] = [];
	if (pod.phase === 'Pending' && pod.pendingMessage) {
		conditions.push({type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: pod.pendingMessage, lastTransitionTime: iso(pod.createdAt)});
	} else {
		conditions.push({type: 'PodScheduled', status: 'True', lastTransitionTime: iso(pod.createdAt)});
	}
	const running = pod.containers.every(c => c.current.state === 'running');
	conditions.push({type: 'Ready', status: running ? 'True' : 'False', lastTransitionTime: iso(pod.createdAt)});
	return {
		kind: 'Pod',
		apiVersion: 'v1',
		metadata: {
			name: pod.name,
			namespace: pod.namespace,
			uid: pod.uid,
			resourceVersion: String(pod.resourceVersion),
			creationTimestamp: iso(pod.createdAt),
			labels: pod.labels,
			annotations: pod.annotations,
		},
		spec: {
			nodeName: pod.nodeName ?? undefined,
			containers: pod.containers.map((c, i) => ({name: c.name, image: c.image, ...(i === 0 && pod.gpus !== null ? {resources: {limits: {'nvidia.com/gpu': String(pod.gpus)}}} : {})})),
			restartPolicy: 'Always',
		},
		status: {
			phase: pod.phase,
			conditions,
			hostIP: pod.nodeName ? '10.0.0.1' : undefined,
			podIP: pod.phase === 'Running' ? '10.1.0.1' : undefined,
			startTime: iso(pod.createdAt),
			containerStatuses: pod.containers.map(c => ({
				name: c.name,
				image: c.image,
				imageID: '',
				containerID: c.current.state === 'waiting' ? undefined : c.current.id,
				ready: c.current.state === 'running',
				started: c.current.state === 'running',
				restartCount: c.restarts,
				state: stateJson(c.current),
				lastState: c.previous ? stateJson(c.previous) : {},
			})),
		},
	};
}
