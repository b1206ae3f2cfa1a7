/**
 * Per-stream parse state shared by the line handlers. One stream is one
 * container's log; several GPU processes (and, under Ray, several hosts) can
 * write to it, so everything multi-line is kept per process.
 */
import type {LogEvent, ParsedTopology} from './log-events.js';

export interface TopoAcc {
	phase: 'nodes' | 'paths';
	topology: ParsedTopology;
	/** (indent, node id) of the open nodes, for tree links */
	stack: {indent: number; node: string}[];
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
	/** unused since lines that name no comm go to `unknown` (kept: stream-parser.ts creates it) */
	pending: LogEvent[];
	/**
	 * `${key}@unknown comm`: where this process's comm lines go while nothing names their
	 * comm (a log read from after Init START, 2.18's missing START): the ranks this process
	 * was seen at, the size seen so far; `sealed` once an Init START line came
	 * after them (they belong to an earlier comm: only a Destroy/Abort takes them).
	 */
	unknown?: {id: string; ranks: number[]; nranks: number; sealed: boolean} | null;
	/** comm ids keyed by this process's pointer only (`${key}@0x…`), until an Init line names commId or parent */
	provisional?: Set<string>;
	topo: TopoAcc | null;
	/** the host can take the stream parser's fast path (decided once, when created) */
	fastHead: boolean;
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
	/** an `ib-in-use` fact from a `via NET/IB` channel was emitted (once per stream) */
	ibChannelSeen?: boolean;
	procLastAt: Record<string, number | null>;
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
		procLastAt: {},
	};
}

/** What one line knows about itself while it is handled. */
export interface LineInfo {
	/** k8s stamp (string) or null */
	k8s: string | null;
	/** other stamp found in the line, and its kind */
	stamp: string | null;
	stampKind: 'nccl' | 'vllm' | 'py' | null;
	/** process prefix text `(… pid=…)` (without parens), or '' */
	procName: string;
	procPid: number | null;
	procIp: string | null;
	/** cached epoch ms (undefined = not computed yet) */
	atCache: number | null | undefined;
}
