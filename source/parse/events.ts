/**
 * Events: what sources and parsers emit, and what the one reducer folds.
 *
 * Log events (`LogEvent`) come from the pure stream parser (parse/). The other
 * kinds are typed facts from sources that do I/O: Kubernetes pod facts and stream
 * health (sources/kube-*), endpoint probes (endpoint/), and the source's end.
 */
import type {LogEvent} from './log-events.js';
import type {EndpointProbe} from '../core/probe-types.js';

export type {LogEvent} from './log-events.js';

/** Pod facts from the Kubernetes API (list+watch), already reduced to what we show. */
export interface PodFacts {
	name: string;
	uid: string;
	node: string | null;
	phase: string | null;
	pendingReason: string | null;
	workload: string | null;
	group: number | null;
	role: 'leader' | 'worker' | null;
	workerIndex: number | null;
	createdAt: number | null;
	/** GPUs the pod's containers ask for (`nvidia.com/gpu` and other `…/gpu` limits), null when none is named */
	gpus?: number | null;
	containers: ContainerFacts[];
}

/** One container's status as the API gives it (the state's ContainerState is this). */
export interface ContainerFacts {
	name: string;
	/** running | waiting | terminated | null (files) */
	state: 'running' | 'waiting' | 'terminated' | null;
	reason: string | null;
	restarts: number;
	exitCode: number | null;
	lastTerminationReason: string | null;
	lastExitCode: number | null;
	startedAt: number | null;
}

export type SourceEvent =
	| {type: 'pod-upsert'; pod: PodFacts}
	| {type: 'pod-deleted'; name: string; uid: string | null}
	| {
			type: 'stream-status';
			pod: string;
			container: string;
			at: number;
			connected: boolean;
			reconnects?: number;
			stalls?: number;
			skippedLines?: number;
			reason?: string | null;
			/** the stream read its container to the end (stopped, or --once done): not lagging */
			ended?: boolean;
	  }
	/** a new container instance (restart, or pod recreated): its ranks start clean */
	| {type: 'stream-reset'; pod: string; container: string; at: number}
	| {type: 'source-ended'; at: number | null}
	| {type: 'endpoint-probe'; probe: EndpointProbe};

export type InfertopEvent = LogEvent | SourceEvent;
