/**
 * The rollout state: everything infertop knows, folded from events by `reduce`.
 * Panes, findings and the snapshot are pure functions of this (plus `now`).
 *
 * Times are epoch milliseconds (numbers), taken from the Kubernetes `timestamps=true`
 * stamp when present, else the most precise stamp in the line, else null.
 *
 * Ownership of slices (one file each under model/): pods (Kubernetes facts and
 * stream health), procs/comms/topology/gdr/nccl (NCCL), engine (vLLM), failures
 * (torch/NCCL/vLLM errors), endpoint (the HTTP prober). Slices are added to, never
 * renamed: the snapshot contract depends on them.
 */
// Each slice's types live in model/state/ (one file per slice); everything is
// re-exported here, so `model/state.js` stays the one name importers use.
export * from './state/pods.js';
export * from './state/nccl.js';
export * from './state/engine.js';
export * from './state/failures.js';
export * from './state/endpoint.js';
import type {PodState} from './state/pods.js';
import type {CommState, GdrEntry, HostTopology, NcclDiagRecord, NcclFacts, ProcState} from './state/nccl.js';
import {emptyNcclFacts} from './state/nccl.js';
import type {EngineState} from './state/engine.js';
import type {FailureRecord, WarnGroup} from './state/failures.js';
import type {EndpointState} from './state/endpoint.js';

export type Phase = 'pending' | 'starting' | 'nccl-init' | 'initialized' | 'loading-weights' | 'profiling' | 'capturing-graphs' | 'serving' | 'completed' | 'failed' | 'unknown';

export type SourceInfo =
	| {kind: 'files'; files: string[]}
	| {kind: 'stdin'}
	| {kind: 'kubernetes'; context: string | null; namespace: string; selector: string | null; workload?: string | null; matchedBy?: string | null}
	| {kind: 'demo'; scenario: string; context?: string | null; namespace?: string; selector?: string | null; workload?: string | null};

export interface RolloutState {
	source: SourceInfo;
	pods: Record<string, PodState>;
	procs: Record<string, ProcState>;
	comms: Record<string, CommState>;
	/** keyed by pod (a pod is one host in Kubernetes; two pods can print the same hostname) */
	topology: Record<string, HostTopology>;
	gdr: GdrEntry[];
	nccl: NcclFacts;
	engine: EngineState | null;
	endpoint: EndpointState | null;
	failures: FailureRecord[];
	warnGroups: Record<string, WarnGroup>;
	/** NCCL 2.31+ diagnostics report lines (`NCCL DIAG …`), bounded (model/nccl-diag.ts) */
	ncclDiag: NcclDiagRecord[];
	/** first/last timestamps read from any log */
	firstTs: number | null;
	lastTs: number | null;
	/** lines nobody recognised (counted, never an error) */
	unrecognised: number;
	/** all streams have ended (saved logs read to the end / every container stopped) */
	ended: boolean;
	/** bumped by the reducer on every change; unchanged state keeps the same object */
	revision: number;
}

export function emptyState(source: SourceInfo): RolloutState {
	return {
		source,
		pods: {},
		procs: {},
		comms: {},
		topology: {},
		gdr: [],
		nccl: emptyNcclFacts(),
		engine: null,
		endpoint: null,
		failures: [],
		warnGroups: {},
		ncclDiag: [],
		firstTs: null,
		lastTs: null,
		unrecognised: 0,
		ended: false,
		revision: 0,
	};
}
