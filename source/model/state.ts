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

export type Phase =
	| 'pending'
	| 'starting'
	| 'nccl-init'
	| 'initialized'
	| 'loading-weights'
	| 'profiling'
	| 'capturing-graphs'
	| 'serving'
	| 'completed'
	| 'failed'
	| 'unknown';

export type SourceInfo =
	| {kind: 'files'; files: string[]}
	| {kind: 'stdin'}
	| {kind: 'kubernetes'; context: string | null; namespace: string; selector: string | null; workload?: string | null; matchedBy?: string | null}
	| {kind: 'demo'; scenario: string; context?: string | null; namespace?: string; selector?: string | null; workload?: string | null};

export interface ContainerState {
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

export type RankState = 'unseen' | 'starting' | 'initializing' | 'ready' | 'failed' | 'exited';

/** One GPU process: identified by (pod, host, pid) across all its communicators. */
export interface ProcState {
	key: string;
	pod: string | null;
	host: string | null;
	pid: number | null;
	cudaDev: number | null;
	nvmlDev: number | null;
	busId: string | null;
	/** world rank from vLLM/torch (`rank N in world size M`, `[rankN]:`), if logged */
	worldRank: number | null;
	/** where worldRank came from: a launcher/vLLM line (`log`) or the largest communicator (`comm`) */
	worldRankFrom?: 'log' | 'comm' | null;
	tpRank: number | null;
	ppRank: number | null;
	dpRank: number | null;
	state: RankState;
	firstSeenAt: number | null;
	lastLineAt: number | null;
	/** comm ids (resolved) this process joined */
	comms: string[];
	initStartAt: number | null;
	initCompleteAt: number | null;
	/** an Init START or COMPLETE of this process was read (initStartAt stays null on a log without stamps) */
	initSeen?: boolean;
	initSeconds: number | null;
	/**
	 * where initSeconds came from: NCCL's own `Init timings` total for the process's largest
	 * communicator (`nccl`), else its first Init START to its last Init COMPLETE (`stamps`)
	 */
	initSecondsFrom?: 'nccl' | 'stamps' | null;
	exitCode: number | null;
	failedAt: number | null;
	/** short reason for failure/exit, e.g. the first error's text */
	failure: string | null;
	warnings: number;
}

export interface CommMember {
	proc: string;
	rank: number;
	/** this process's pointer to the comm (`comm 0x…`) */
	ptr: string;
	startAt: number | null;
	completeAt: number | null;
	state: 'initializing' | 'ready' | 'failed' | 'destroyed';
	/** an Init START or COMPLETE of this rank was read (also on a log without stamps, where startAt stays null); absent for a member met mid-run */
	initSeen?: boolean;
	/** NCCL's `Init timings` for this rank in this comm (seconds: total, kernels, alloc, bootstrap, …) */
	initTimings?: InitTimings | null;
	/** `Ring NN : prev -> rank -> next`, one per channel, sorted by channel (≤ 64) */
	ring?: RingNeighbours[];
	/** `Trees [c] d0/d1/d2->rank->up` / `Tree c : up -> rank -> d0/d1/d2`, one per channel, sorted (≤ 64) */
	tree?: TreePosition[];
}

/** NCCL's init time breakdown in seconds; 2.22 has no `alloc`, later parts keep their printed names. */
export interface InitTimings {
	total: number;
	[part: string]: number;
}

export interface RingNeighbours {
	channel: number;
	prev: number;
	next: number;
}

export interface TreePosition {
	channel: number;
	/** null at the root */
	up: number | null;
	down: number[];
}

/** One channel's ring as rank 0 printed it (`Channel 00/02 : 0 1 2 3`). */
export interface RingOrder {
	channel: number;
	ranks: number[];
	/** the line was cut (NCCL prints at most 20 ranks ≤2.22, 127 characters 2.23+) */
	truncated: boolean;
}

export interface ChannelLink {
	fromRank: number;
	toRank: number;
	/** e.g. P2P/CUMEM, P2P/IPC, SHM, NET/IB/GDRDMA, NET/Socket */
	transport: string;
	/** as NCCL printed it after `via`, e.g. `NET/IB/0/GDRDMA`, `P2P/CUMEM/read` */
	raw: string;
	dir: 'send' | 'receive' | null;
	channels: number;
}

export interface PatternInfo {
	pattern: number;
	nChannels: number;
	bwIntra: number;
	bwInter: number;
	typeIntra: string;
	typeInter: string;
}

export interface CommState {
	/** commId, or `<parent commId>/<color>` for a split communicator */
	id: string;
	nranks: number;
	nNodes: number | null;
	localRanks: number | null;
	members: Record<number, CommMember>;
	ranksStarted: number;
	ranksComplete: number;
	/** distinct normalised transports (P2P/CUMEM, SHM, NET/IB, NET/IB/GDRDMA, NET/Socket …) */
	transports: string[];
	links: ChannelLink[];
	channels: {coll: number; nvls: number; p2p: number; collnet?: number} | null;
	patterns: PatternInfo[];
	state: 'initializing' | 'ready' | 'failed' | 'destroyed';
	firstStartAt: number | null;
	lastCompleteAt: number | null;
	/** `Connected all rings ... GDR n` as printed — NOT evidence of GDR use */
	ringsGdr: number | null;
	/** ring order per channel from rank 0's dump, sorted by channel (≤ 64) */
	ringOrders?: RingOrder[];
}

export type LinkType = 'LOC' | 'NVL' | 'C2C' | 'PIX' | 'PXB' | 'PXN' | 'P2C' | 'PHB' | 'SYS' | 'NET' | 'DIS' | 'PCI' | 'NVB';

export interface TopoLink {
	from: string;
	to: string;
	type: LinkType;
	bw: number | null;
}

export interface HostTopology {
	pod: string | null;
	host: string | null;
	maxBw: number | null;
	totalBw: number | null;
	gpus: {busId: string; index: number | null; node: string}[];
	nics: {id: string; name?: string | null; speedGbps?: number | null}[];
	/** graph links as printed in the dump (tree edges) */
	links: TopoLink[];
	/** per-GPU best path to every other GPU (from the path lines) */
	paths: {from: string; to: string; type: LinkType; bw: number | null; hops: number | null}[];
}

export interface GdrEntry {
	pod: string | null;
	host: string | null;
	gpu: string;
	hca: string;
	enabled: boolean;
	/** the log line (trimmed) that says so */
	evidence: string;
}

export interface NetDevice {
	name: string;
	port: number | null;
	linkLayer: 'IB' | 'RoCE' | 'Ethernet' | null;
	speedGbps: number | null;
	pod: string | null;
}

export interface NcclFacts {
	version: string | null;
	cudaDriverVersion: number | null;
	netPlugin: string | null;
	externalNetPlugin: boolean | null;
	bootstrapInterface: string | null;
	netDevices: NetDevice[];
	/** NCCL_* read from the environment as NCCL reported them ("set by environment to"): the first value seen */
	env: Record<string, string>;
	/** the same per pod (pods may be configured differently: a value here is never overwritten by another pod's) */
	envByPod: Record<string, Record<string, string>>;
	ibDeviceFound: boolean | null;
	/**
	 * NCCL's IB transport (InfiniBand or RoCE) is in use, and the first line that says so:
	 * `NET/IB : Using [0]mlx5_0:1/RoCE …` (`devices`; linkLayer of its first IB/RoCE device),
	 * a channel `via NET/IB/…` (`channel`), or a WARN from transport/net_ib*.cc (`warn`) — any
	 * of them is enough, so a log read from mid-run (no `Using network IB`) still says it.
	 * Absent/null while nothing says so.
	 */
	ibInUse?: {from: 'devices' | 'channel' | 'warn'; linkLayer: 'IB' | 'RoCE' | null; evidence: string} | null;
	/** per-collective lines seen (SUBSYS=COLL): counted, never stored */
	collectiveLines: number;
	torchThreadsReduced: string | null;
}

export interface EngineState {
	vllmVersion: string | null;
	model: string | null;
	servedModelName: string | null;
	architecture: string | null;
	dtype: string | null;
	quantization: string | null;
	maxSeqLen: number | null;
	tensorParallelSize: number | null;
	pipelineParallelSize: number | null;
	dataParallelSize: number | null;
	chunkedPrefill: boolean | null;
	maxNumBatchedTokens: number | null;
	prefixCaching: boolean | null;
	kvCacheTokens: number | null;
	gpuBlocks: number | null;
	maxConcurrency: number | null;
	weightsLoadSeconds: number | null;
	graphCaptureSeconds: number | null;
	/** every key of the engine-config line, as printed (secrets redacted) */
	config: Record<string, string>;
	weightsShards: {done: number; total: number} | null;
	graphCapture: {done: number; total: number} | null;
	milestones: Partial<Record<EngineMilestone, number | null>>;
	dead: {at: number | null; message: string} | null;
	deprecations: string[];
	/** `init engine (profile, create kv cache, warmup model) took X s (compilation: Y s)` */
	initEngineSeconds?: number | null;
	compilationSeconds?: number | null;
	/** an OpenAI API server fronts this engine (false/null: the offline `LLM` class, or not seen) */
	apiServer?: boolean | null;
	/** native multi-node without Ray: this node's rank, the engine's TP x PP world, the GPUs on this node, the head's address */
	nodeRank?: number | null;
	executorWorldSize?: number | null;
	localWorldSize?: number | null;
	headNodeAddress?: string | null;
	/** the latest periodic stats line */
	stats?: EngineStats | null;
}

/** vLLM's periodic stats line as last printed (running/waiting requests, KV cache use, throughputs). */
export interface EngineStats {
	engine: number | null;
	promptTokensPerSec: number | null;
	generationTokensPerSec: number | null;
	running: number | null;
	waiting: number | null;
	swapped: number | null;
	kvCacheUsagePct: number | null;
	prefixCacheHitRatePct: number | null;
	at: number | null;
}

export type EngineMilestone =
	| 'configSeen'
	| 'weightsStart'
	| 'weightsDone'
	| 'profilingStart'
	| 'kvCacheSized'
	| 'graphsStart'
	| 'graphsDone'
	| 'apiServerStarting'
	| 'serving'
	/** the engine core finished startup (`init engine … took`, `Core engine process N ready.`): the offline `LLM` class's end state */
	| 'engineReady';

export type FailureKind =
	| 'nccl-error'
	| 'nccl-warn'
	| 'remote-error'
	| 'watchdog-timeout'
	| 'cuda-oom'
	| 'traceback'
	| 'rank-exit'
	| 'engine-dead'
	| 'socket-ifname'
	| 'kv-cache-too-small';

/** A notable error, kept (bounded) for root-cause analysis. */
export interface FailureRecord {
	kind: FailureKind;
	at: number | null;
	pod: string | null;
	/** proc key when the line could be attributed to a GPU process */
	proc: string | null;
	/** world/global rank when the text names it */
	rank: number | null;
	message: string;
	/** true when this error says a peer died (`Connection closed by remote peer`, ncclRemoteError …) */
	remote: boolean;
	exitCode?: number | null;
	/** e.g. `socket.cc:120` for NCCL WARN */
	where?: string | null;
	/** the process as vLLM names it (`VllmWorker-1`, `EngineCore_DP0`) */
	procName?: string | null;
}

export interface WarnGroup {
	message: string;
	where: string | null;
	count: number;
	firstAt: number | null;
	pods: string[];
}

/** the endpoint's metrics window: one definition, in core/probe-types.ts (the prober's vocabulary) */
export type {EndpointMetrics} from '../core/probe-types.js';
import type {EndpointMetrics} from '../core/probe-types.js';

export type EndpointHealth = 'ok' | 'stalled' | 'unhealthy' | 'unreachable' | 'unauthorized';

export interface EndpointState {
	url: string;
	/** how it is reached: direct URL, or `service ns/name:port via API proxy` */
	via: string;
	health: EndpointHealth | null;
	reason: string | null;
	lastStatus: number | null;
	latencyMs: number | null;
	latencyHistory: number[];
	models: string[];
	version: string | null;
	metrics: EndpointMetrics | null;
	lastProbeAt: number | null;
	/** when generation tokens last rose (or requests were zero) */
	lastProgressAt: number | null;
	completionLatencyMs: number | null;
	errors: string[];
	/** first probe that found it ok (a failure after this is an outage, not a slow start) */
	everOkAt?: number | null;
	/** first probe of the current run of failures (null while ok) */
	failingSince?: number | null;
	/** probes in a row that were not ok (stalled excluded: it answers) */
	consecutiveFailures?: number;
	/** when `metrics` was scraped (they are kept through a failed scrape) */
	metricsAt?: number | null;
	/** `--stall-after` in force when this was probed */
	stallAfterMs?: number;
	probes?: number;
	/** the last probe's answers were not vLLM's (an nginx page, no model list, no vllm:* metrics): why; health is then `unhealthy` */
	notVllm?: string | null;
}

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

/** One line of an NCCL 2.31+ diagnostics report (parse/nccl-diag.ts reads it). */
export interface NcclDiagRecord {
	pod: string | null;
	proc: string | null;
	at: number | null;
	report: 'active' | 'ras' | null;
	kind: 'ok' | 'info' | 'header' | 'done' | null;
	check: string | null;
	/** the text after `NCCL DIAG ` */
	text: string;
	problem: boolean;
}

export const MAX_FAILURES = 200;
export const MAX_WARN_GROUPS = 100;

export function emptyNcclFacts(): NcclFacts {
	return {
		version: null,
		cudaDriverVersion: null,
		netPlugin: null,
		externalNetPlugin: null,
		bootstrapInterface: null,
		netDevices: [],
		env: {},
		envByPod: {},
		ibDeviceFound: null,
		collectiveLines: 0,
		torchThreadsReduced: null,
	};
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
