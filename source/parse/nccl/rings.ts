/**
 * NCCL's ring and tree dumps and its per-communicator `Init timings` line
 * (docs/log-formats/nccl.md §1.4 "Graph search, rings, trees" and §1.2 "Init timings").
 * Pure text → data; nccl.ts decides which communicator a line belongs to.
 *
 * Ring and tree lines are printed while a communicator is set up (between its
 * Init START and COMPLETE); `Init timings` right after its COMPLETE (2.22+).
 */
import type {ParsedInitTimings, ParsedTreePosition} from '../event-values.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	s = 115,
}

/** NCCL's MAXCHANNELS is 32 (≤2.22) / 64 (2.23+): a channel index past it is a garbled line. */
export const MAX_CHANNELS = 64;

// 2.23+: "Init timings - ncclCommInitRankConfig: rank 0 nranks 4 total 2.05 (kernels 0.34, alloc 0.04, bootstrap 1.63, allgathers 0.00, topo 0.03, graphs 0.00, connections 0.00, rest 0.00)"
// 2.22:  "Init timings: rank 0 nranks 2 total 0.37 (kernels 0.28, bootstrap 0.00, allgathers 0.00, topo 0.03, graphs 0.00, connections 0.01, rest 0.00)"
const INIT_TIMINGS = /^Init timings(?: - (\w+))?: rank (\d+) nranks (\d+) total (\d+(?:\.\d+)?) \(([^)]*)\)/;
// one part of the breakdown, e.g. "bootstrap 1.63"
const TIMING_PART = /^([a-z]\w*) (\d+(?:\.\d+)?)$/;

export interface InitTimingsLine {
	caller: string | null;
	rank: number;
	nranks: number;
	timings: ParsedInitTimings;
}

export function parseInitTimings(msg: string): InitTimingsLine | null {
	const m = INIT_TIMINGS.exec(msg);
	if (!m) return null;
	const timings: ParsedInitTimings = {total: Number(m[4])};
	for (const part of m[5]!.split(',')) {
		const p = TIMING_PART.exec(part.trim());
		// `total` is NCCL's own sum: a part of that name would be a garbled line, keep the head's
		if (p && p[1] !== 'total') timings[p[1]!] = Number(p[2]);
	}
	return {caller: m[1] ?? null, rank: Number(m[2]), nranks: Number(m[3]), timings};
}

// ring order dump of one channel, rank 0 only (src/graph/rings.cc dumpLine):
//   2.23+ "Channel 00/02 : 0 1 2 3" (cut at 127 chars, the last 3 replaced by "...")
//   ≤2.22 "Channel 00/24 :    0   1" (at most 20 ranks)
// The connection lines "Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM" share the head but hold `[`, `->`, `via`.
const RING_ORDER_HEAD = /^Channel (\d+)\/(\d+) :/;

export interface RingOrderLine {
	channel: number;
	nChannels: number;
	ranks: number[];
	/** NCCL cut the line ("..." in 2.23+): the ranks are a prefix of the ring */
	truncated: boolean;
}

export function parseRingOrder(msg: string): RingOrderLine | null {
	const m = RING_ORDER_HEAD.exec(msg);
	if (!m) return null;
	const channel = Number(m[1]);
	if (channel >= MAX_CHANNELS) return null;
	let rest = msg.slice(m[0].length).trimEnd();
	const truncated = rest.endsWith('...');
	if (truncated) {
		rest = rest.slice(0, -3);
		// the digits just before "..." may be a number cut short: drop them
		if (!rest.endsWith(' ')) rest = rest.slice(0, rest.lastIndexOf(' ') + 1);
	}
	const words = rest.trim();
	if (words === '') return null;
	const ranks: number[] = [];
	for (const w of words.split(/ +/)) {
		if (!/^\d+$/.test(w)) return null;
		ranks.push(Number(w));
	}
	return {channel, nChannels: Number(m[2]), ranks, truncated};
}

// "Ring 00 : 3 -> 0 -> 1" (channel, prev, this rank, next; src/init.cc ≤2.2x, src/graph/connect.cc later).
// Not the TRACE line "Ring 00 : 0[0] <- 1[1] via P2P/CUMEM".
const RING = /^Ring (\d+) : (-?\d+) -> (\d+) -> (-?\d+)(?:\s|$)/;

export interface RingLine {
	channel: number;
	rank: number;
	prev: number;
	next: number;
}

export function parseRing(msg: string): RingLine | null {
	const m = RING.exec(msg);
	if (!m) return null;
	const channel = Number(m[1]);
	if (channel >= MAX_CHANNELS) return null;
	return {channel, prev: Number(m[2]), rank: Number(m[3]), next: Number(m[4])};
}

// "Tree 0 : -1 -> 0 -> 1/2/-1" (channel, up, this rank, down0/down1/down2; src/graph/connect.cc)
const TREE = /^Tree (\d+) : (-?\d+) -> (\d+) -> (-?\d+)\/(-?\d+)\/(-?\d+)(?:\s|$)/;
// one channel of the summary "Trees [0] 1/2/-1->0->-1 [1] 1/-1/-1->0->2" (down0/down1/down2 -> this rank -> up)
const TREES_ENTRY = /\[(\d+)\] (-?\d+)\/(-?\d+)\/(-?\d+)->(\d+)->(-?\d+)/g;
/**
 * The summary is built in `char line[1024]` with snprintf(…, 1023-strlen(line), …): at
 * most 1022 characters after "Trees", the last entry possibly cut mid-number.
 */
const TREES_MAX = 1022;

export interface TreeLines {
	rank: number;
	trees: ParsedTreePosition[];
}

function position(channel: number, up: number, downs: number[]): ParsedTreePosition {
	return {channel, up: up < 0 ? null : up, down: downs.filter(d => d >= 0)};
}

/** `Tree N : …` (one channel) or `Trees [0] … [1] …` (every channel NCCL could fit in the line). */
export function parseTrees(msg: string): TreeLines | null {
	if (msg.charCodeAt(4) !== Ch.s) {
		// "Tree N : …" (not "Trees")
		const m = TREE.exec(msg);
		if (!m) return null;
		const channel = Number(m[1]);
		if (channel >= MAX_CHANNELS) return null;
		return {rank: Number(m[3]), trees: [position(channel, Number(m[2]), [Number(m[4]), Number(m[5]), Number(m[6])])]};
	}
	if (!msg.startsWith('Trees [')) return null;
	let rank = -1;
	const trees: ParsedTreePosition[] = [];
	TREES_ENTRY.lastIndex = 0;
	let m: RegExpExecArray | null;
	let lastEnd = 0;
	while ((m = TREES_ENTRY.exec(msg))) {
		const r = Number(m[5]);
		if (rank === -1) rank = r;
		lastEnd = TREES_ENTRY.lastIndex;
		// every entry names the printing rank: another number is text from a colliding write
		if (r !== rank) continue;
		const channel = Number(m[1]);
		if (channel >= MAX_CHANNELS || trees.some(t => t.channel === channel)) continue;
		trees.push(position(channel, Number(m[6]), [Number(m[2]), Number(m[3]), Number(m[4])]));
	}
	// a full buffer: the last entry may end in a number cut short
	if (trees.length && msg.trimEnd().length - 5 >= TREES_MAX && lastEnd >= msg.trimEnd().length) trees.pop();
	if (rank === -1 || trees.length === 0) return null;
	return {rank, trees};
}
