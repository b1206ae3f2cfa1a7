/**
 * Per-stream parse state shared by the line handlers. One stream is one
 * container's log; several GPU processes (and, under Ray, several hosts) can
 * write to it, so everything multi-line is kept per process.
 */
import type {LogEvent, ParsedTopology} from './log-events.js';

/** The current line's time (epoch ms or null), computed only when a line produces an event. */
export type AtFn = () => number | null;

export interface TopoAcc {
	phase: 'nodes' | 'paths';
	topology: ParsedTopology;
	/** (indent, node id) of the open nodes, for tree links */
	stack: {indent: number; node: string}[];
}

/** A comm of one process known only by lines that name no comm (nccl.ts unknownComm). */
export interface UnknownComm {
	/** `${proc key}@unknown comm` (then `… 2`, `… 3` for further ones) */
	id: string;
	/**
	 * this process's ranks in it with the `[dev]` of the line that placed each: one, unless the
	 * process drives several GPUs (nccl-tests `-g`: a rank per GPU, told apart by the head's dev)
	 */
	ranks: {rank: number; dev: number | null}[];
	/** the size its lines show so far */
	nranks: number;
	/** an Init START came after its lines: they belong to an earlier comm (only a Destroy/Abort takes them) */
	sealed: boolean;
}

/** One GPU process seen through its NCCL head. */
export interface ProcCtx {
	key: string;
	host: string;
	pid: number;
	/** logged through Ray with `ip=` (another node's output in this pod's stream) */
	remote: boolean;
	busId: string | null;
	cudaDev: number | null;
	/** this process's `comm 0x…` pointer → resolved comm id */
	ptrToComm: Map<string, string>;
	/** comm id → this process's rank and the comm's size (to place lazily-connected channel lines) */
	commRanks: Map<string, {rank: number; nranks: number}>;
	/** comm whose Init START was seen and COMPLETE not yet */
	initComm: string | null;
	lastComm: string | null;
	/**
	 * Where this process's comm lines go while nothing names their comm (a log read from
	 * after Init START, 2.18's missing START), most recently used last: one per rank this
	 * process was seen at, since a process has one rank in each comm (a log cut mid-run mixes
	 * the world comm's channels, where it is rank 2, with a split comm's, where it is rank 0).
	 */
	unknown: UnknownComm[] | null;
	/** comm ids keyed by this process's pointer only (`${key}@0x…`), until an Init line names commId or parent */
	provisional: Set<string> | null;
	topo: TopoAcc | null;
	/** the host can take the stream parser's fast path (decided once, when created) */
	fastHead: boolean;
	/** it printed an error WARN or an error back trace: later `file:line -> N` lines are that error's chain (nccl/warn.ts) */
	failed: boolean;
}

export interface TracebackAcc {
	lines: number;
	last: string;
}

export interface StreamCtx {
	pod: string;
	events: LogEvent[];
	procs: Map<string, ProcCtx>;
	/** pid → processes with that pid (different hosts under Ray) */
	byPid: Map<number, ProcCtx[]>;
	/** year of the last full stamp (vLLM stamps have none) */
	year: number | null;
	/** vLLM `rank N in world size M …` lines whose pid has not shown an NCCL head yet */
	pendingRanks: Map<number, {worldRank: number; tp: number | null; pp: number | null; dp: number | null; at: number | null}>;
	/** pids that appeared in a vLLM/Ray process prefix */
	prefixPids: Set<number>;
	/** pid of NCCL lines without any process prefix (the driver / API-server process) */
	mainPid: number | null;
	/** Python tracebacks in flight, per process prefix ('' = none) */
	tracebacks: Map<string, TracebackAcc>;
	/** torch.distributed.elastic failure report: the `rank : N` of the entry being read */
	elasticRank: number | null;
	counters: {collectiveLines: number; rayRepeatedLines: number; unrecognised: number};
	/** the `[dev]` of the NCCL head whose message is being handled (null: none printed) */
	lineDev: number | null;
	/** vLLM: parallel sizes from this stream's engine-config line (world ranks from worker prefixes) */
	vllmSizes: {tp: number; pp: number; pcp: number; dp: number | null} | null;
	/** vLLM: an `(APIServer pid=N)` line was seen */
	apiServerSeen: boolean;
	/** vLLM: the prefix name whose ranks were handled, per pid (once per pid and name) */
	prefixRanksSeen: Map<number, string>;
	/** an `ib-in-use` fact from a `via NET/IB` channel was emitted (once per stream) */
	ibChannelSeen: boolean;
	/** nccl-tests' device table: each `pod|host|pid`'s first device (a process's other GPUs are rows of their own) */
	testsFirstDev: Map<string, number>;
}

export function newStreamCtx(pod: string): StreamCtx {
	return {
		pod,
		events: [],
		procs: new Map(),
		byPid: new Map(),
		year: null,
		pendingRanks: new Map(),
		prefixPids: new Set(),
		mainPid: null,
		tracebacks: new Map(),
		elasticRank: null,
		counters: {collectiveLines: 0, rayRepeatedLines: 0, unrecognised: 0},
		lineDev: null,
		vllmSizes: null,
		apiServerSeen: false,
		prefixRanksSeen: new Map(),
		ibChannelSeen: false,
		testsFirstDev: new Map(),
	};
}
