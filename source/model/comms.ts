/**
 * Communicators (CommState) and the processes' init progress. A comm's members
 * are keyed by their rank in that comm (split comms renumber ranks).
 */
import type {CommChannelsEvent, CommEndEvent, CommInfoEvent, CommInitEvent, CommLinkEvent, CommMergeEvent, CommPatternEvent, CommRingsEvent, CommSeenEvent} from '../parse/log-events.js';
import type {CommMember, CommState, ProcState, RolloutState} from './state.js';
import {gpuProcKey, ofProcess, procOf, withProc} from './procs.js';
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

/**
 * The communicators a person can be shown: those whose size is known. A process's
 * `unknown comm` that only rank-less lines fed (`Connected all rings`, `Pattern` lines
 * of a log read mid-run, or behind Ray's folding) waits at size 0 for a merge.
 */
export function shownComms(state: RolloutState): CommState[] {
	return Object.values(state.comms).filter(c => c.nranks >= 1);
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
	let best: {n: number; rank: number; seen: boolean} | null = null;
	for (const id of proc.comms) {
		const c = state.comms[id];
		if (!c) continue;
		for (const m of Object.values(c.members)) {
			// in a comm, the rank its Init line names beats ranks only channel lines placed (a log cut mid-init)
			const seen = m.initSeen === true;
			if (m.proc === proc.key && (!best || c.nranks > best.n || (c.nranks === best.n && seen && !best.seen))) best = {n: c.nranks, rank: m.rank, seen};
		}
	}
	if (!best || (best.rank === proc.worldRank && proc.worldRankFrom === 'comm')) return proc;
	return {...proc, worldRank: best.rank, worldRankFrom: 'comm'};
}

export function reduceCommInit(state: RolloutState, e0: CommInitEvent): RolloutState {
	const gpu = gpuProcKey(state, e0.proc, e0.cudaDev);
	let e = e0;
	if (gpu !== e0.proc) {
		// another GPU of this process: its own row, with the process's pod, host and pid
		if (!state.procs[gpu]) {
			const parent = state.procs[e0.proc]!;
			state = withProc(state, {...procOf(state, gpu, e0.at), pod: parent.pod, host: parent.host, pid: parent.pid, firstSeenAt: parent.firstSeenAt});
		}
		e = {...e0, proc: gpu};
	}
	const comm0 = state.comms[e.comm] ?? emptyComm(e.comm, e.nranks, e.at);
	const old = comm0.members[e.rank];
	let member: CommMember;
	if (e.phase === 'start') {
		member = {proc: e.proc, rank: e.rank, ptr: e.ptr, startAt: e.at, completeAt: null, state: 'initializing', initSeen: true};
		if (old && old.proc === e.proc && old.ptr === e.ptr && old.startAt === e.at && old.initSeen) return state;
	} else {
		// the rank's ring/tree lines came between its START and this COMPLETE: keep them
		const kept = old && old.proc === e.proc ? old : undefined;
		member = {...kept, proc: e.proc, rank: e.rank, ptr: e.ptr, startAt: old?.startAt ?? null, completeAt: e.at, state: 'ready', initSeen: true};
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
	proc.initSeen = true;
	if (e.phase === 'start') {
		proc.initStartAt = proc.initStartAt ?? e.at;
		if (proc.state === 'starting' || proc.state === 'ready') proc.state = 'initializing';
	} else {
		const allReady = comms.every(id => {
			const c = s.comms[id];
			// the process's rank whose Init line was read (a log cut mid-init may also hold ranks placed only by channel lines)
			const ms = c ? Object.values(c.members) : [];
			const m = ms.find(x => x.proc === e.proc && x.initSeen) ?? ms.find(x => x.proc === e.proc);
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
	// the line names this process's rank: alone (no Init line before it in this log) it makes the member
	if (e.ptr !== undefined && !c?.members[e.rank]) {
		const base = c ?? emptyComm(e.comm, e.nranks, null);
		const s = withMember(state, {...base, nranks: Math.max(base.nranks, e.nranks), nNodes: e.nNodes, localRanks: e.localRanks}, {proc: e.proc, rank: e.rank, ptr: e.ptr, startAt: null, completeAt: null, state: 'initializing'}, e.at);
		const p = s.procs[e.proc];
		return p && p.state === 'starting' ? withProc(s, {...p, state: 'initializing'}) : s;
	}
	if (!c) return withComm(state, {...emptyComm(e.comm, e.nranks, e.at), nNodes: e.nNodes, localRanks: e.localRanks});
	if (c.nNodes === e.nNodes && c.localRanks === e.localRanks) return state;
	return withComm(state, {...c, nNodes: e.nNodes, localRanks: e.localRanks});
}

/** `comm` with `member` added (recounted), and the comm in the member's process's list. */
function withMember(state: RolloutState, comm: CommState, member: CommMember, at: number | null): RolloutState {
	const s = withComm(state, recount({...comm, members: {...comm.members, [member.rank]: member}}));
	const p = procOf(s, member.proc, at);
	return p.comms.includes(comm.id) && s.procs[member.proc] ? s : withProc(s, {...p, comms: p.comms.includes(comm.id) ? p.comms : [...p.comms, comm.id]});
}

/** A process's `unknown comm` (lines that named no comm): made, grown to the ranks seen, with the process at the rank it printed. */
export function reduceCommSeen(state: RolloutState, e: CommSeenEvent): RolloutState {
	const c0 = state.comms[e.comm];
	const c = c0 ? (c0.nranks >= e.nranks ? c0 : {...c0, nranks: e.nranks}) : emptyComm(e.comm, e.nranks, null);
	if (e.rank !== null && !c.members[e.rank]) return withMember(state, c, {proc: e.proc, rank: e.rank, ptr: '', startAt: null, completeAt: null, state: 'initializing'}, e.at);
	if (c === c0) return state;
	const s = withComm(state, recount({...c}));
	const p = procOf(s, e.proc, e.at);
	return p.comms.includes(e.comm) ? s : withProc(s, {...p, comms: [...p.comms, e.comm]});
}

/**
 * `from` (a comm known by one process's pointer, or its `unknown comm`) is `into`: its
 * members where `into` has none at that rank (the same process's: fields merged, `into`'s
 * winning), its links counted in, transports, ring orders and per-comm lines where `into`
 * has none; `from` goes, and the process lists `into` in its place.
 */
export function reduceCommMerge(state: RolloutState, e: CommMergeEvent): RolloutState {
	const from = state.comms[e.from];
	if (!from || e.from === e.into) return state;
	const into0 = state.comms[e.into];
	let into: CommState;
	if (!into0) into = {...from, id: e.into};
	else {
		const members = {...into0.members};
		for (const m of Object.values(from.members)) {
			const have = members[m.rank];
			if (!have) members[m.rank] = m;
			else if (have.proc === m.proc) {
				const both: CommMember = {...m, ...have};
				// what only `from` had (ring/tree lines read before the comm was named)
				if (have.ring === undefined && m.ring !== undefined) both.ring = m.ring;
				if (have.tree === undefined && m.tree !== undefined) both.tree = m.tree;
				if (have.initTimings == null && m.initTimings != null) both.initTimings = m.initTimings;
				if (!have.ptr) both.ptr = m.ptr;
				members[m.rank] = both;
			}
		}
		const links = into0.links.slice();
		for (const l of from.links) {
			const i = links.findIndex(x => x.fromRank === l.fromRank && x.toRank === l.toRank && x.raw === l.raw && x.dir === l.dir);
			if (i === -1) links.push(l);
			else links[i] = {...links[i]!, channels: links[i]!.channels + l.channels};
		}
		const orders = [...(into0.ringOrders ?? [])];
		for (const o of from.ringOrders ?? []) if (!orders.some(x => x.channel === o.channel)) orders.push(o);
		orders.sort((a, b) => a.channel - b.channel);
		const firsts = [into0.firstStartAt, from.firstStartAt].filter((x): x is number => x !== null);
		into = {
			...into0,
			nranks: Math.max(into0.nranks, from.nranks),
			nNodes: into0.nNodes ?? from.nNodes,
			localRanks: into0.localRanks ?? from.localRanks,
			members,
			transports: [...into0.transports, ...from.transports.filter(t => !into0.transports.includes(t))],
			links,
			channels: into0.channels ?? from.channels,
			patterns: into0.patterns.length ? into0.patterns : from.patterns,
			firstStartAt: firsts.length ? Math.min(...firsts) : null,
			lastCompleteAt: into0.lastCompleteAt ?? from.lastCompleteAt,
			ringsGdr: into0.ringsGdr ?? from.ringsGdr,
			...(orders.length ? {ringOrders: orders} : {}),
		};
	}
	const comms = {...state.comms};
	delete comms[e.from];
	comms[e.into] = recount(into);
	let procs = state.procs;
	for (const key of new Set([e.proc, ...Object.values(from.members).map(m => m.proc)])) {
		const p = procs[key];
		if (!p || !p.comms.includes(e.from)) continue;
		const list = p.comms.includes(e.into) ? p.comms.filter(id => id !== e.from) : p.comms.map(id => (id === e.from ? e.into : id));
		procs = {...procs, [key]: {...p, comms: list}};
	}
	return {...state, comms, procs};
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
	let c = state.comms[e.comm];
	// the line's size beats one grown from channel lines of a log read mid-run (they show the ranks they join, not all)
	if (c && e.nranks !== undefined && c.nranks < e.nranks) {
		c = {...c, nranks: e.nranks};
		state = withComm(state, c);
	}
	const m = c?.members[e.rank];
	// a comm (or rank) this log never showed the init of: the Destroy/Abort line names rank, size, device and bus id
	if (!m && e.nranks !== undefined) {
		const base = c ? (c.nranks >= e.nranks ? c : {...c, nranks: e.nranks}) : emptyComm(e.comm, e.nranks, null);
		const s = withMember(state, base, {proc: e.proc, rank: e.rank, ptr: e.ptr ?? '', startAt: null, completeAt: null, state: 'destroyed'}, e.at);
		return withEndFacts(s, e);
	}
	if (!c || !m || !ofProcess(m.proc, e.proc) || m.state === 'destroyed') return state;
	return withEndFacts(withComm(state, recount({...c, members: {...c.members, [e.rank]: {...m, state: 'destroyed'}}})), m.proc === e.proc ? e : {...e, proc: m.proc});
}

/**
 * What a Destroy/Abort line says of its process: its device and bus id where not known yet,
 * and, for a process whose init this log does not show (still `starting`), that it got
 * through one: it had a communicator to tear down.
 */
function withEndFacts(s: RolloutState, e: CommEndEvent): RolloutState {
	const p = s.procs[e.proc];
	if (!p) return s;
	const cudaDev = p.cudaDev ?? e.cudaDev ?? null;
	const busId = p.busId ?? e.busId ?? null;
	const state = p.state === 'starting' ? 'ready' : p.state;
	if (cudaDev === p.cudaDev && busId === p.busId && state === p.state) return s;
	return withProc(s, {...p, cudaDev, busId, state});
}
