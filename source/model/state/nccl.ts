/**
 * The NCCL slices: GPU processes, communicators and their members, rings, trees,
 * channel links, the topology dump per host, GDR entries, NCCL-wide facts and the
 * 2.31+ diagnostics report.
 */
import type {LinkTypeName, ParsedInitTimings, ParsedNetDevice, ParsedPattern, ParsedTopology, ParsedTreePosition} from '../../parse/log-events.js';

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
export type InitTimings = ParsedInitTimings;

export interface RingNeighbours {
	channel: number;
	prev: number;
	next: number;
}

export type TreePosition = ParsedTreePosition;

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

export type PatternInfo = ParsedPattern;

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

export type LinkType = LinkTypeName;

export type HostTopology = ParsedTopology;

export interface GdrEntry {
	pod: string | null;
	host: string | null;
	gpu: string;
	hca: string;
	enabled: boolean;
	/** the log line (trimmed) that says so */
	evidence: string;
}

export type NetDevice = ParsedNetDevice;

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
	/** nccl-tests' `# Avg bus bandwidth` (GB/s): the benchmark ran to its end; absent/null before */
	testsAvgBusBandwidthGBs?: number | null;
	torchThreadsReduced: string | null;
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
