/**
 * The objects of the simulated cluster, as SimCluster keeps them and the API
 * server's routes read them: pods with containers, each container instance with
 * its own log lines (as the kubelet keeps one file per instance), events,
 * workloads, watch events with the object as it was, and the faults a test can
 * inject into the next matching request.
 */

export interface SimLine {
	/** RFC3339NanoFixed, as the kubelet prints with timestamps=true */
	stamp: string;
	/** epoch ms */
	ms: number;
	text: string;
	/** the final fragment of a stopped container that never got its newline */
	noNewline?: boolean;
}

export interface SimInstance {
	id: string;
	lines: SimLine[];
	/** index of the first line of the current log file (kubelet serves only the latest file) */
	rotatedAt: number;
	/** bumped on rotation: follows opened before it stall (kubernetes/kubernetes#115701) */
	fileGeneration: number;
	state: 'waiting' | 'running' | 'terminated';
	reason: string | null;
	exitCode: number | null;
	startedAt: number | null;
	finishedAt: number | null;
	partial: string;
	listeners: Set<() => void>;
}

export interface SimContainer {
	name: string;
	image: string;
	current: SimInstance;
	previous: SimInstance | null;
	restarts: number;
}

export interface SimPod {
	namespace: string;
	name: string;
	uid: string;
	labels: Record<string, string>;
	annotations: Record<string, string>;
	nodeName: string | null;
	phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
	/** PodScheduled=False message, e.g. `0/4 nodes are available: 4 Insufficient nvidia.com/gpu.` */
	pendingMessage: string | null;
	containers: SimContainer[];
	createdAt: number;
	resourceVersion: number;
	gpus: number | null;
}

export interface SimEvent {
	namespace: string;
	name: string;
	involvedObject: {kind: string; name: string; uid?: string};
	reason: string;
	message: string;
	type: 'Normal' | 'Warning';
	at: number;
	resourceVersion: number;
}

export interface SimWorkload {
	resource: 'deployments' | 'statefulsets' | 'leaderworkersets';
	namespace: string;
	name: string;
	matchLabels: Record<string, string>;
}

export interface WatchEvent {
	rv: number;
	type: 'ADDED' | 'MODIFIED' | 'DELETED';
	pod: SimPod;
	/** the object as it was at that resourceVersion */
	json: unknown;
}

/** One-shot (or `times`-shot) misbehaviour the server applies to the next matching request. */
export type Fault = {times?: number; pod?: string; container?: string} & (
	| {kind: 'log-cut'; afterBytes: number}
	| {kind: 'log-trickle'}
	| {kind: 'log-stall'; afterBytes?: number}
	| {kind: 'log-status'; code: number; message?: string}
	| {kind: 'watch-close'; afterEvents?: number}
	| {kind: 'watch-gone'}
	| {kind: 'list-status'; code: number; message?: string}
);
