/**
 * Communicators (CommState) and the processes' init progress. A comm's members
 * are keyed by their rank in that comm (split comms renumber ranks).
 */
import type {CommChannelsEvent, CommEndEvent, CommInfoEvent, CommInitEvent, CommLinkEvent, CommPatternEvent, CommRingsEvent} from '../parse/log-events.js';
import type {CommMember, CommState, ProcState, RolloutState} from './state.js';
import {procOf, withProc} from './procs.js';
import {fresh, withEntry, writable} from './batch.js';

export function emptyComm(id: string, nranks: number, at: number | null): CommState {
	return {
		id,
		nranks,
		nNodes: null,
		localRanks: null,
		members: {},
		ranksStarted: 0,
		ranksComplete: 0,
		transports: [],
		links: [],
		channels: null,
		patterns: [],
		state: 'initializing',
		firstStartAt: at,
		lastCompleteAt: null,
		ringsGdr: null,
	};
}

export function withComm(state: RolloutState, comm: CommState): RolloutState {
	const comms = withEntry(state.comms, comm.id, comm);
	return comms === state.comms ? state : {...state, comms};
}

/** Counts and state from the members, set in place: `comm` is the caller's to write (a fresh copy, or one this batch made). */
function recount(comm: CommState): CommState {
	const members = Object.values(comm.members);
	const ranksStarted = members.length;
	const ranksComplete = members.filter(m => m.completeAt !== null || m.state === 'ready' || m.state === 'destroyed').length;
	let st: CommState['state'] = comm.state;
	if (members.length && members.every(m => m.state === 'destroyed')) st = 'destroyed';
	else if (members.some(m => m.state === 'failed')) st = 'failed';
	else st = ranksComplete >= comm.nranks ? 'ready' : 'initializing';
	comm.ranksStarted = ranksStarted;
	comm.ranksComplete = ranksComplete;
	comm.state = st;
	return comm;
}

/**
 * A process's init time. NCCL's own `Init timings` total (2.22+) for its largest
 * communicator (ties: the first it joined) when printed: it needs no log stamps, is
 * not skewed by when the lines were flushed, and counts the time before Init START is
 * printed. Else its first Init START to its last Init COMPLETE by the line stamps,
 * which also spans the gaps between communicators.
 */
export function initSecondsOf(state: RolloutState, proc: ProcState): {seconds: number | null; from: 'nccl' | 'stamps' | null} {
	let largest: CommState | null = null;
	for (const id of proc.comms) {
		const c = state.comms[id];
		if (c && (largest === null || c.nranks > largest.nranks)) largest = c;
	}
	if (largest) {
		for (const m of Object.values(largest.members)) {
			if (m.proc === proc.key && m.initTimings) return {seconds: m.initTimings.total, from: 'nccl'};
		}
	}
	if (proc.initStartAt !== null && proc.initCompleteAt !== null) return {seconds: Math.max(0, (proc.initCompleteAt - proc.initStartAt) / 1000), from: 'stamps'};
	return {seconds: proc.initSeconds, from: proc.initSecondsFrom ?? null};
}

/** A proc's world rank: logged (vLLM/torch) wins; else its rank in the largest comm containing it. */
function deriveWorldRank(state: RolloutState, proc: ProcState): ProcState {
	if (proc.worldRankFrom === 'log') return proc;
	let best: {n: number; rank: number} | null = null;
	for (const id of proc.comms) {
		const c = state.comms[id];
		if (!c) continue;
		for (const m of Object.values(c.members)) {
			if (m.proc === proc.key && (!best || c.nranks > best.n)) best = {n: c.nranks, rank: m.rank};
		}
	}
	if (!best || (best.rank === proc.worldRank && proc.worldRankFrom === 'comm')) return proc;
	return {...proc, worldRank: best.rank, worldRankFrom: 'comm'};
}

export function reduceCommInit(state: RolloutState, e: CommInitEvent): RolloutState {
	const comm0 = state.comms[e.comm] ?? emptyComm(e.comm, e.nranks, e.at);
	const old = comm0.members[e.rank];
	let member: CommMember;
	if (e.phase === 'start') {
		member = {proc: e.proc, rank: e.rank, ptr: e.ptr, startAt: e.at, completeAt: null, state: 'initializing'};
		if (old && old.proc === e.proc && old.ptr === e.ptr && old.startAt === e.at) return state;
	} else {
		// the rank's ring/tree lines came between its START and this COMPLETE: keep them
		const kept = old && old.proc === e.proc ? old : undefined;
		member = {...kept, proc: e.proc, rank: e.rank, ptr: e.ptr, startAt: old?.startAt ?? null, completeAt: e.at, state: 'ready'};
	}
	let comm = writable(comm0);
	comm.nranks = e.nranks;
	comm.members = withEntry(comm0.members, e.rank, member);
	comm.firstStartAt = comm0.firstStartAt ?? e.at;
	if (e.phase === 'complete') comm.lastCompleteAt = e.at ?? comm0.lastCompleteAt;
	comm = recount(comm);
	let s = withComm(state, comm);

	const p0 = procOf(s, e.proc, e.at);
	const comms = p0.comms.includes(e.comm) ? p0.comms : [...p0.comms, e.comm];
	const nvmlDev = e.nvmlDev ?? p0.nvmlDev;
	let proc: ProcState = writable(p0);
	proc.comms = comms;
	proc.cudaDev = e.cudaDev;
	proc.nvmlDev = nvmlDev;
	proc.busId = e.busId;
	if (e.phase === 'start') {
		proc.initStartAt = proc.initStartAt ?? e.at;
		if (proc.state === 'starting' || proc.state === 'ready') proc.state = 'initializing';
	} else {
		const allReady = comms.every(id => {
			const c = s.comms[id];
			const m = c && Object.values(c.members).find(x => x.proc === e.proc);
			return !m || m.completeAt !== null || m.state !== 'initializing';
		});
		if (allReady && (proc.state === 'starting' || proc.state === 'initializing')) proc.state = 'ready';
		proc.initCompleteAt = e.at ?? proc.initCompleteAt;
		const init = initSecondsOf(s, proc);
		proc.initSeconds = init.seconds;
		proc.initSecondsFrom = init.from;
	}
	s = withProc(s, proc);
	proc = deriveWorldRank(s, proc);
	return withProc(s, proc);
}

export function reduceCommInfo(state: RolloutState, e: CommInfoEvent): RolloutState {
	const c = state.comms[e.comm];
	if (!c) return withComm(state, {...emptyComm(e.comm, e.nranks, e.at), nNodes: e.nNodes, localRanks: e.localRanks});
	if (c.nNodes === e.nNodes && c.localRanks === e.localRanks) return state;
	return withComm(state, {...c, nNodes: e.nNodes, localRanks: e.localRanks});
}

export function reduceCommLink(state: RolloutState, e: CommLinkEvent): RolloutState {
	const c = state.comms[e.comm];
	if (!c) return state;
	const l = e.link;
	// hot at SUBSYS=ALL (one event per channel line): a plain loop, no closure
	const old = c.links;
	let i = -1;
	for (let k = 0; k < old.length; k++) {
		const x = old[k]!;
		if (x.fromRank === l.fromRank && x.toRank === l.toRank && x.raw === l.raw && x.dir === l.dir) {
			i = k;
			break;
		}
	}
	const links = old.slice();
	if (i === -1) links.push({...l, channels: 1});
	else links[i] = {...links[i]!, channels: links[i]!.channels + 1};
	const transports = c.transports.includes(l.transport) ? c.transports : [...c.transports, l.transport];
	return withComm(state, {...c, links, transports});
}

/**
 * A run of channel lines (one per channel and peer: hundreds at SUBSYS=ALL, thousands
 * with 512 ranks) folded at once: each communicator's links are copied once and found
 * through an index by rank pair, instead of a copy and a scan per line. The result
 * equals reduceCommLink applied in order (test/model/reduce-batch.test.ts).
 * The index is keyed by a number (no key string per link and line: building the index
 * with `from|to|dir|raw` strings was this slice's main cost, measured with the reducer alone).
 */
export function reduceCommLinks(state: RolloutState, events: readonly CommLinkEvent[]): RolloutState {
	const touched = new Map<string, {c: CommState; links: CommState['links']; index: Map<number, number[]>; transports: string[] | null}>();
	for (const e of events) {
		let t = touched.get(e.comm);
		if (!t) {
			const c = state.comms[e.comm];
			if (!c) continue;
			const index = new Map<number, number[]>();
			for (let k = 0; k < c.links.length; k++) {
				const x = c.links[k]!;
				const key = pairKey(x.fromRank, x.toRank);
				const same = index.get(key);
				if (same) same.push(k);
				else index.set(key, [k]);
			}
			t = {c, links: c.links.slice(), index, transports: null};
			touched.set(e.comm, t);
		}
		const l = e.link;
		const key = pairKey(l.fromRank, l.toRank);
		const same = t.index.get(key);
		// the first of equal links wins, as reduceCommLink's scan finds it (a bucket is in link order)
		let i = -1;
		if (same) {
			for (const k of same) {
				const x = t.links[k]!;
				if (x.fromRank === l.fromRank && x.toRank === l.toRank && x.raw === l.raw && x.dir === l.dir) {
					i = k;
					break;
				}
			}
		}
		if (i === -1) {
			if (same) same.push(t.links.length);
			else t.index.set(key, [t.links.length]);
			t.links.push(fresh({...l, channels: 1}));
		} else {
			// one line per channel: a link is counted up many times in a run (in place after its copy)
			const x = writable(t.links[i]!);
			x.channels += 1;
			t.links[i] = x;
		}
		const have = t.transports ?? t.c.transports;
		if (!have.includes(l.transport)) t.transports = [...have, l.transport];
	}
	if (touched.size === 0) return state;
	let comms = state.comms;
	for (const [id, t] of touched) {
		const transports = t.transports ?? t.c.transports;
		const c = writable(t.c);
		c.links = t.links;
		c.transports = transports;
		comms = withEntry(comms, id, c);
	}
	return comms === state.comms ? state : {...state, comms};
}

/** A number for a rank pair (equal pairs, equal numbers; a bucket's links are still compared whole). */
const pairKey = (from: number, to: number) => from * 65536 + to;

export function reduceCommChannels(state: RolloutState, e: CommChannelsEvent): RolloutState {
	const c = state.comms[e.comm];
	if (!c) return state;
	const ch = {coll: e.coll, nvls: e.nvls, p2p: e.p2p, ...(e.collnet === null ? {} : {collnet: e.collnet})};
	if (c.channels && c.channels.coll === ch.coll && c.channels.nvls === ch.nvls && c.channels.p2p === ch.p2p && c.channels.collnet === ch.collnet) return state;
	return withComm(state, {...c, channels: ch});
}

export function reduceCommPattern(state: RolloutState, e: CommPatternEvent): RolloutState {
	const c = state.comms[e.comm];
	if (!c) return state;
	const p = e.pattern;
	if (c.patterns.some(x => x.pattern === p.pattern && x.nChannels === p.nChannels && x.bwIntra === p.bwIntra && x.bwInter === p.bwInter && x.typeIntra === p.typeIntra && x.typeInter === p.typeInter)) return state;
	if (c.patterns.length >= 32) return state;
	return withComm(state, {...c, patterns: [...c.patterns, p]});
}

export function reduceCommRings(state: RolloutState, e: CommRingsEvent): RolloutState {
	const c = state.comms[e.comm];
	if (!c || c.ringsGdr === e.gdr || e.gdr === null) return state;
	return withComm(state, {...c, ringsGdr: Math.max(c.ringsGdr ?? 0, e.gdr)});
}

export function reduceCommEnd(state: RolloutState, e: CommEndEvent): RolloutState {
	const c = state.comms[e.comm];
	const m = c?.members[e.rank];
	if (!c || !m || m.proc !== e.proc || m.state === 'destroyed') return state;
	return withComm(state, recount({...c, members: {...c.members, [e.rank]: {...m, state: 'destroyed'}}}));
}
