/** The pods slice: Kubernetes facts about each pod and the health of its log streams (model/pods.ts folds them). */

import type {ContainerFacts} from '../../parse/events.js';

/** A container as the pod facts give it: one definition, the source's (parse/events.ts). */
export type ContainerState = ContainerFacts;

export interface StreamHealth {
	/** container name this stream reads */
	container: string;
	connected: boolean;
	/** when the stream dropped (ms), null while connected */
	droppedAt: number | null;
	reconnects: number;
	/** lines not read because of a limit (e.g. --max-streams) — never silently */
	skippedLines: number;
	/** stalled follows detected (kubelet log rotation) */
	stalls: number;
	skippedReason: string | null;
}

export interface PodState {
	name: string;
	uid: string | null;
	/** earlier incarnations of a pod of the same name (LWS recreates groups) */
	generation: number;
	node: string | null;
	phase: string | null;
	pendingReason: string | null;
	restarts: number | null;
	exitCode: number | null;
	workload: string | null;
	group: number | null;
	role: 'leader' | 'worker' | null;
	workerIndex: number | null;
	containers: ContainerState[];
	/** complete lines read from its current containers */
	lines: number;
	/** last timestamp read from this pod's log */
	lastLineAt: number | null;
	/** first timestamp read from this pod's log */
	firstLineAt: number | null;
	createdAt: number | null;
	/** GPUs its containers ask for (resources), null when unknown (saved logs) */
	gpus?: number | null;
	deleted: boolean;
	streams: StreamHealth[];
	/** lines that looked like Ray's `[repeated Nx across cluster]` folding */
	rayRepeatedLines: number;
}

export function emptyPod(name: string): PodState {
	return {
		name,
		uid: null,
		generation: 0,
		node: null,
		phase: null,
		pendingReason: null,
		restarts: null,
		exitCode: null,
		workload: null,
		group: null,
		role: null,
		workerIndex: null,
		containers: [],
		lines: 0,
		lastLineAt: null,
		firstLineAt: null,
		createdAt: null,
		deleted: false,
		streams: [],
		rayRepeatedLines: 0,
	};
}
