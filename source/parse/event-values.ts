/**
 * The values log events carry: a link, a topology, a network device, NCCL's init timings,
 * a vLLM engine patch and its stats. Owned by the parser (parse/); model/state.ts holds
 * them as they are (log-events.ts has the events).
 */
import type {EngineAddedScalars, EngineConfigScalars, EngineNodeScalars, Progress} from '../core/engine-scalars.js';
// parse/ may not import model/ (test/arch): the shapes below mirror state.ts
// structurally (the reducer assigns them to state fields, so tsc checks the match).

export type LinkTypeName = 'LOC' | 'NVL' | 'C2C' | 'PIX' | 'PXB' | 'PXN' | 'P2C' | 'PHB' | 'SYS' | 'NET' | 'DIS' | 'PCI' | 'NVB';

export interface ParsedLink {
	fromRank: number;
	toRank: number;
	transport: string;
	raw: string;
	dir: 'send' | 'receive' | null;
}

export interface ParsedPattern {
	pattern: number;
	nChannels: number;
	bwIntra: number;
	bwInter: number;
	typeIntra: string;
	typeInter: string;
}

/**
 * NCCL's `Init timings` breakdown in seconds (docs/log-formats/nccl.md §1.2): `total` and each
 * part as printed — 2.22: kernels, bootstrap, allgathers, topo, graphs, connections,
 * rest; 2.23+ adds alloc. A part a later version adds is kept under its own name.
 */
export interface ParsedInitTimings {
	total: number;
	[part: string]: number;
}

/** A rank's place in one channel's tree: `up` null at the root (NCCL's -1), `down` without NCCL's -1 slots. */
export interface ParsedTreePosition {
	channel: number;
	up: number | null;
	down: number[];
}

export interface ParsedNetDevice {
	name: string;
	port: number | null;
	linkLayer: 'IB' | 'RoCE' | 'Ethernet' | null;
	speedGbps: number | null;
	pod: string | null;
}

export interface ParsedTopology {
	pod: string | null;
	host: string | null;
	maxBw: number | null;
	totalBw: number | null;
	gpus: {busId: string; index: number | null; node: string}[];
	nics: {id: string; name?: string | null; speedGbps?: number | null}[];
	links: {from: string; to: string; type: LinkTypeName; bw: number | null}[];
	paths: {from: string; to: string; type: LinkTypeName; bw: number | null; hops: number | null}[];
}

export type ParsedFailureKind = 'nccl-error' | 'nccl-warn' | 'remote-error' | 'watchdog-timeout' | 'cuda-oom' | 'traceback' | 'rank-exit' | 'engine-dead' | 'socket-ifname' | 'kv-cache-too-small';

export type ParsedMilestone = 'configSeen' | 'weightsStart' | 'weightsDone' | 'profilingStart' | 'kvCacheSized' | 'graphsStart' | 'graphsDone' | 'apiServerStarting' | 'serving' | 'engineReady';

/** vLLM's periodic stats line (V0 `Avg prompt throughput: …`, V1 `Engine 000: Avg prompt throughput: …`), as last printed. */
export interface ParsedEngineStats {
	/** V1's engine index (`Engine 000:` → 0); null for V0 */
	engine: number | null;
	promptTokensPerSec: number | null;
	generationTokensPerSec: number | null;
	running: number | null;
	/** V1 `Waiting:`, V0 `Pending:` */
	waiting: number | null;
	/** V0 only */
	swapped: number | null;
	kvCacheUsagePct: number | null;
	prefixCacheHitRatePct: number | null;
	at: number | null;
}

/** Scalar engine facts a line can set (EngineState minus its collections): core/engine-scalars.ts's one list. */
export interface EnginePatch extends Partial<EngineConfigScalars>, EngineAddedScalars, EngineNodeScalars {
	weightsShards?: Progress | null;
	graphCapture?: Progress | null;
	stats?: ParsedEngineStats | null;
}
