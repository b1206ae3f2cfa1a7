/**
 * The snapshot's contract types (contract/snapshot.md, snapshot.schema.json:
 * `infertop.snapshot/v1`), apart from the code that builds it (snapshot.ts). Where a
 * field prints a state value as it is, its type is the state's (test/view/snapshot-types.test.ts).
 */
import type {EngineAddedScalars, EngineConfigScalars} from '../core/engine-scalars.js';
import type {Finding} from '../findings/types.js';
import type {CommState, EndpointHealth, EngineStats, EndpointMetrics, LinkType, RankState, SourceInfo, Phase} from '../model/state.js';

export const SNAPSHOT_SCHEMA = 'infertop.snapshot/v1';

export interface SnapshotPod {
	name: string;
	node: string | null;
	phase: string | null;
	restarts: number | null;
	exitCode: number | null;
	lines: number;
	workload: string | null;
	group: number | null;
	role: 'leader' | 'worker' | null;
	workerIndex: number | null;
	lagSeconds: number | null;
	reconnects: number | null;
}

export interface SnapshotRank {
	pod: string | null;
	host: string | null;
	pid: number | null;
	cudaDev: number | null;
	nvmlDev: number | null;
	busId: string | null;
	globalRank: number | null;
	state: RankState;
	initSeconds: number | null;
	/** addition: `nccl` (NCCL's `Init timings` total for the rank's largest communicator) or `stamps` (first Init START to last COMPLETE) */
	initSecondsFrom: 'nccl' | 'stamps' | null;
	exitCode: number | null;
}

/** Channels that share one value, listed once: `{channels: [0, 1, 2], …}`. */
export type ByChannels<T> = {channels: number[]} & T;

/** Addition: one rank of a communicator as NCCL printed it at that communicator's init. */
export interface SnapshotCommMember {
	rank: number;
	pod: string | null;
	host: string | null;
	pid: number | null;
	busId: string | null;
	/** NCCL's `Init timings` (2.22+) in seconds: total, kernels, alloc (2.23+), bootstrap, allgathers, topo, graphs, connections, rest */
	initTimings: {total: number; [part: string]: number} | null;
	/** `Ring NN : prev -> rank -> next`, channels with the same neighbours grouped */
	ring: ByChannels<{prev: number; next: number}>[];
	/** tree position (`Trees [c] d/d/d->rank->up`): up null at the root, down without NCCL's -1 */
	tree: ByChannels<{up: number | null; down: number[]}>[];
}

export interface SnapshotCommunicator {
	id: string;
	nranks: number;
	nNodes: number | null;
	localRanks: number | null;
	ranksStarted: number;
	ranksComplete: number;
	transports: string[];
	channels: {coll: number; nvls: number; p2p: number; collnet?: number} | null;
	state: CommState['state'];
	/**
	 * addition: the ring order of each channel, channels with the same order grouped; `from`
	 * `dump` (rank 0's `Channel 00/02 : 0 1 2 3`) or `ranks` (walked from every rank's `Ring` line)
	 */
	rings: ByChannels<{ranks: number[]; truncated: boolean; from: 'dump' | 'ranks'}>[];
	/** addition: per rank, its init timings, ring neighbours and tree position */
	members: SnapshotCommMember[];
}

export type SnapshotLinkType = Exclude<LinkType, 'PCI' | 'NVB'>;

export interface SnapshotTopology {
	pod: string | null;
	host: string | null;
	maxBw: number | null;
	totalBw: number | null;
	gpus: {busId: string; index: number | null}[];
	nics: {id: string; name?: string | null; speedGbps?: number | null}[];
	links: {from: string; to: string; type: SnapshotLinkType; bw: number | null}[];
}

export interface SnapshotNccl {
	version: string | null;
	cudaDriverVersion: number | null;
	netPlugin: string | null;
	externalNetPlugin: boolean | null;
	bootstrapInterface: string | null;
	netDevices: {name: string; port: number | null; linkLayer: 'IB' | 'RoCE' | 'Ethernet' | null; speedGbps: number | null; pod: string | null}[];
	env: Record<string, string>;
	/** addition: the NCCL_* values each pod's processes reported (pods may differ; `env` keeps the first seen) */
	envByPod: Record<string, Record<string, string>>;
	/**
	 * addition: where `netPlugin` came from: `line` (`Using network X`), or `transports` when no line named it and it was
	 * read off the communicators' NET channel transports (`NET/IBext_v8/GDRDMA` → `IBext_v8`); null while nothing names one
	 */
	netPluginFrom?: 'line' | 'transports' | null;
	/** addition: NCCL's IB transport (InfiniBand or RoCE) is in use, and the line that says so (`NET/IB : Using …`, `via NET/IB/…`, a net_ib WARN); null while nothing says so */
	ibInUse?: {from: 'devices' | 'channel' | 'warn'; linkLayer: 'IB' | 'RoCE' | null; evidence: string} | null;
	/** nccl-tests' `# Avg bus bandwidth` in GB/s (the run ended), or null */
	testsAvgBusBandwidthGBs?: number | null;
	/** addition: NCCL 2.31+ `NCCL DIAG` report lines (NCCL_RUN_DIAGNOSTICS=1), the failing ones marked `problem` */
	diag?: {pod: string | null; at: string | null; report: 'active' | 'ras' | null; kind: string | null; check: string | null; text: string; problem: boolean}[];
}

/** The engine's scalars are core/engine-scalars.ts's, as the state holds them; stats' time is ISO text. */
export interface SnapshotEngine extends EngineConfigScalars, EngineAddedScalars {
	/** added: vLLM's latest periodic stats line (`Avg prompt throughput … Running: N reqs …`) */
	stats?: (Omit<EngineStats, 'engine' | 'at'> & {at: string | null}) | null;
}

export interface SnapshotEndpoint {
	url: string;
	/** absent before the first probe */
	health?: EndpointHealth;
	lastStatus: number | null;
	latencyMs: number | null;
	models: string[];
	version: string | null;
	metrics: EndpointMetrics | null;
	/** `vllm:num_requests_waiting_by_reason` per `reason` (capacity, deferred); null when the server does not export it */
	waitingByReason?: Record<string, number> | null;
	/** `vllm:engine_sleep_state`: engines per `sleep_state` (awake, weights_offloaded, discard_all); null when not exported */
	sleepState?: Record<string, number> | null;
	/** added: the endpoint answered, but not as vLLM does (why, in words); null when it did or was not asked. `health` is then `unhealthy` */
	notVllm?: string | null;
}

/** The whole snapshot: exactly contract/snapshot.schema.json. */
export interface Snapshot {
	schema: typeof SNAPSHOT_SCHEMA;
	generatedAt: string;
	source: SourceInfo;
	phase: Phase;
	pods: SnapshotPod[];
	ranks: SnapshotRank[];
	communicators: SnapshotCommunicator[];
	nccl: SnapshotNccl;
	topology: SnapshotTopology[];
	gdr: {pod: string | null; host: string | null; gpu: string; hca: string; enabled: boolean}[];
	engine: SnapshotEngine | null;
	endpoint: SnapshotEndpoint | null;
	findings: Finding[];
	/**
	 * Added: the logs start mid-run (kubelet rotation, --since/--tail, an excerpt), so the
	 * rollout's init is not in them; null when it is. `pods`: those whose GPU processes work
	 * in communicators with no init of theirs in the log; `engine`: vLLM's progress was
	 * read but not its startup; `logStartsAt`: where the log starts; `text`: as the panes say it.
	 */
	initNotSeen?: {pods: string[]; engine: boolean; logStartsAt: string | null; text: string} | null;
}
