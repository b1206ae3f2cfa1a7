/**
 * Events the stream parser emits from log lines. Owned by the parser (parse/);
 * every event carries the pod it was read from and the time of its line.
 *
 * Process keys are `${pod}|${host}|${pid}` (one GPU process, see ProcState.key).
 * Communicator ids are already resolved by the parser: the commId as printed,
 * or `<parent commId>/<color>` for split communicators (NCCL prints no commId
 * for them, and the `parent 0x…` pointer is per process).
 */
// The values they carry (links, topologies, engine patches …) are in event-values.ts,
// re-exported here.
import type {ParsedLink, ParsedPattern, ParsedInitTimings, ParsedTreePosition, ParsedNetDevice, ParsedTopology, ParsedFailureKind, ParsedMilestone, EnginePatch} from './event-values.js';

export type {LinkTypeName, ParsedLink, ParsedPattern, ParsedInitTimings, ParsedTreePosition, ParsedNetDevice, ParsedTopology, ParsedFailureKind, ParsedMilestone, ParsedEngineStats, EnginePatch} from './event-values.js';

export interface LogEventBase {
	pod: string;
	/** epoch ms of the line, or null when the line has no usable stamp */
	at: number | null;
}

/** At most one per push(): line counts and stamps, plus counters the hot path bumps. */
export interface LogProgressEvent extends LogEventBase {
	type: 'log-progress';
	/** complete lines read in this push (delta) */
	lines: number;
	firstAt: number | null;
	lastAt: number | null;
	/** per-collective NCCL lines (`AllReduce: opCount …`) seen in this push */
	collectiveLines: number;
	/** lines with Ray's `[repeated Nx across cluster]` suffix */
	rayRepeatedLines: number;
	/** lines no rule recognised */
	unrecognised: number;
	/** proc key → last stamp of its lines in this push */
	procLastAt: Record<string, number | null>;
}

/** First line of a GPU process in this stream (NCCL prefix `host:pid:tid [dev]`). */
export interface ProcSeenEvent extends LogEventBase {
	type: 'proc-seen';
	proc: string;
	host: string | null;
	pid: number | null;
	/** the `[dev]` of its first NCCL head: NCCL's cudaDev (src/debug.cc), known before any Init line */
	dev?: number | null;
	/** the GPU's bus id where the line that made it names one (nccl-tests' device table) */
	busId?: string;
}

export interface NcclFactEvent extends LogEventBase {
	type: 'nccl-fact';
	proc: string | null;
	fact:
		| {kind: 'version'; version: string; fromVllm?: boolean}
		| {kind: 'cuda-driver'; version: number}
		| {kind: 'bootstrap'; iface: string}
		| {kind: 'external-net-plugin'; found: boolean; name: string | null}
		| {kind: 'network'; name: string}
		| {kind: 'ib-none'}
		| {kind: 'net-devices'; devices: ParsedNetDevice[]}
		| {kind: 'env'; key: string; value: string}
		| {kind: 'torch-threads'; text: string}
		/** NCCL's IB transport (InfiniBand or RoCE) in use: a `via NET/IB/…` channel, or a WARN from transport/net_ib*.cc (`evidence`: the line's text) */
		| {kind: 'ib-in-use'; from: 'channel' | 'warn'; evidence: string}
		/** nccl-tests' summary after its bandwidth table (`# Avg bus bandwidth    : 745.53`): the benchmark ran to its end */
		| {kind: 'tests-summary'; avgBusBandwidthGBs: number};
}

export interface CommInitEvent extends LogEventBase {
	type: 'comm-init';
	proc: string;
	comm: string;
	phase: 'start' | 'complete';
	/** ncclCommInitRank, ncclCommInitRankConfig, ncclCommSplit … or null (≤2.22 without caller) */
	caller: string | null;
	ptr: string;
	rank: number;
	nranks: number;
	cudaDev: number;
	nvmlDev: number | null;
	busId: string;
	parentComm: string | null;
	color: number | null;
}

export interface CommInfoEvent extends LogEventBase {
	type: 'comm-info';
	proc: string;
	comm: string;
	rank: number;
	nranks: number;
	nNodes: number;
	localRanks: number;
	/** this process's `comm 0x…` pointer: the line alone makes this process a member at `rank` (a log read from after Init START) */
	ptr?: string;
}

/**
 * Lines of a process that name no communicator (channels, ring/tree, pattern lines of a log
 * read from after Init START) go to `${proc}@unknown comm`: this makes it exist, with the
 * process at `rank` (null: not known yet) and `nranks` the ranks seen so far (a lower bound).
 */
export interface CommSeenEvent extends LogEventBase {
	type: 'comm-seen';
	proc: string;
	comm: string;
	rank: number | null;
	nranks: number;
}

/**
 * A comm known only by this process's pointer (`${proc}@0x…`) or the `unknown comm` of a
 * process turned out to be `into` (an Init line named its commId or parent, or a Destroy line
 * its pointer): `from`'s members, links and lines move there and `from` goes.
 */
export interface CommMergeEvent extends LogEventBase {
	type: 'comm-merge';
	proc: string;
	from: string;
	into: string;
}

export interface CommLinkEvent extends LogEventBase {
	type: 'comm-link';
	proc: string;
	comm: string;
	link: ParsedLink;
}

export interface CommChannelsEvent extends LogEventBase {
	type: 'comm-channels';
	proc: string;
	comm: string;
	coll: number;
	nvls: number;
	p2p: number;
	collnet: number | null;
}

export interface CommPatternEvent extends LogEventBase {
	type: 'comm-pattern';
	proc: string;
	comm: string;
	pattern: ParsedPattern;
}

export interface CommRingsEvent extends LogEventBase {
	type: 'comm-rings';
	proc: string;
	comm: string;
	gdr: number | null;
}

/** `Init timings …: rank R nranks N total T (kernels …, bootstrap …, …)` (2.22+), just after the comm's Init COMPLETE. */
export interface CommInitTimingsEvent extends LogEventBase {
	type: 'comm-init-timings';
	proc: string;
	comm: string;
	rank: number;
	nranks: number;
	/** the init call as printed (2.23+), e.g. ncclCommInitRankConfig, ncclCommSplit */
	caller: string | null;
	timings: ParsedInitTimings;
}

/** The ring order of one channel, `Channel 00/02 : 0 1 2 3` (printed by rank 0 only). */
export interface CommRingOrderEvent extends LogEventBase {
	type: 'comm-ring-order';
	proc: string;
	comm: string;
	channel: number;
	nChannels: number;
	ranks: number[];
	/** NCCL cut the line: `ranks` is the start of the ring only */
	truncated: boolean;
}

/** One rank's neighbours on one ring channel, `Ring 00 : 3 -> 0 -> 1` (prev -> rank -> next). */
export interface CommRingEvent extends LogEventBase {
	type: 'comm-ring';
	proc: string;
	comm: string;
	rank: number;
	channel: number;
	prev: number;
	next: number;
}

/** One rank's tree positions: `Trees [0] 1/2/-1->0->-1 …` (every channel) or `Tree 0 : -1 -> 0 -> 1/2/-1` (one). */
export interface CommTreeEvent extends LogEventBase {
	type: 'comm-tree';
	proc: string;
	comm: string;
	rank: number;
	trees: ParsedTreePosition[];
}

export interface CommEndEvent extends LogEventBase {
	type: 'comm-end';
	proc: string;
	comm: string;
	rank: number;
	how: 'destroy' | 'abort';
	/** as the Destroy/Abort line prints them: with them a comm never seen before is created, its member destroyed */
	ptr?: string;
	nranks?: number;
	cudaDev?: number;
	busId?: string;
}

export interface TopologyEvent extends LogEventBase {
	type: 'topology';
	proc: string;
	/** the key in state.topology: the pod, or `pod/host` for another host logged in this pod's stream (Ray) */
	key: string;
	topology: ParsedTopology;
}

export interface GdrEvent extends LogEventBase {
	type: 'gdr';
	proc: string;
	host: string | null;
	gpu: string;
	hca: string;
	enabled: boolean;
	evidence: string;
}

export interface NcclWarnEvent extends LogEventBase {
	type: 'nccl-warn';
	proc: string | null;
	where: string | null;
	message: string;
	/** the WARN is error-like (goes to failures too) */
	error: boolean;
	remote: boolean;
}

/** A line of an NCCL 2.31+ diagnostics report (`host:pid NCCL DIAG …`, source/parse/nccl-diag.ts). */
export interface NcclDiagEvent extends LogEventBase {
	type: 'nccl-diag';
	proc: string | null;
	report: 'active' | 'ras' | null;
	kind: 'ok' | 'info' | 'header' | 'done' | null;
	check: string | null;
	/** the line's text after `NCCL DIAG ` (the evidence) */
	text: string;
	problem: boolean;
}

export interface FailureEvent extends LogEventBase {
	type: 'failure';
	kind: ParsedFailureKind;
	proc: string | null;
	rank: number | null;
	message: string;
	remote: boolean;
	exitCode?: number | null;
	where?: string | null;
	/** the process as vLLM names it (`VllmWorker-1`, `EngineCore_DP0`, `Worker_TP1 pid=77`) when no proc key can be given */
	procName?: string | null;
}

/** A process ended (torch.distributed.elastic report, vLLM worker death). */
export interface ProcExitEvent extends LogEventBase {
	type: 'proc-exit';
	proc: string;
	exitCode: number | null;
	worldRank: number | null;
	reason: string;
}

/** vLLM `rank N in world size M is assigned as DP rank …, PP rank …, TP rank …` (or torch's `[rankN]:`). */
export interface ProcRanksEvent extends LogEventBase {
	type: 'proc-ranks';
	proc: string;
	worldRank: number | null;
	tpRank: number | null;
	ppRank: number | null;
	dpRank: number | null;
}

/** A patch to the vLLM engine slice. */
export interface EngineEvent extends LogEventBase {
	type: 'engine';
	patch: EnginePatch;
	config?: Record<string, string>;
	milestone?: ParsedMilestone;
	deprecation?: string;
	dead?: string;
}

export type LogEvent =
	| LogProgressEvent
	| ProcSeenEvent
	| NcclFactEvent
	| CommInitEvent
	| CommInfoEvent
	| CommSeenEvent
	| CommMergeEvent
	| CommLinkEvent
	| CommChannelsEvent
	| CommPatternEvent
	| CommRingsEvent
	| CommInitTimingsEvent
	| CommRingOrderEvent
	| CommRingEvent
	| CommTreeEvent
	| CommEndEvent
	| TopologyEvent
	| GdrEvent
	| NcclWarnEvent
	| NcclDiagEvent
	| FailureEvent
	| ProcExitEvent
	| ProcRanksEvent
	| EngineEvent;
