/**
 * What NCCL printed about a communicator's graph and init cost, per rank: its
 * `Init timings` breakdown, its ring neighbours and tree positions per channel, and
 * rank 0's ring order per channel (docs/log-formats/nccl.md §1.2, §1.4). Kept as data for the
 * snapshot and for later findings (a rank whose `bootstrap` dominates its init was
 * waiting for its peers).
 */
import type {CommInitTimingsEvent, CommRingEvent, CommRingOrderEvent, CommTreeEvent} from '../parse/log-events.js';
import type {CommMember, CommState, RingOrder, RolloutState} from './state.js';
import {initSecondsOf, withComm} from './comms.js';
import {jsonEqual} from './json-equal.js';
import {ofProcess, withProc} from './procs.js';
import {withEntry, writable} from './batch.js';

/** NCCL's MAXCHANNELS (64 since 2.23, 32 before): a bound on every per-channel list. */
export const MAX_CHANNELS = 64;

/** `items` merged into `list` by channel (an item replaces its channel's entry), sorted; null when nothing changes. */
function mergeByChannel<T extends {channel: number}>(list: readonly T[] | undefined, items: readonly T[]): T[] | null {
	// hot at SUBSYS=GRAPH (a Ring and a Tree line per channel per rank, channels in order, or a
	// `Trees` line with every channel in order): new channels after the last are an append
	if (appendsInOrder(list, items)) return list ? list.concat(items) : items.slice();
	const out = list ? list.slice() : [];
	let changed = false;
	for (const it of items) {
		if (it.channel < 0 || it.channel >= MAX_CHANNELS) continue;
		const i = out.findIndex(x => x.channel === it.channel);
		if (i === -1) out.push(it);
		else if (!jsonEqual(out[i], it)) out[i] = it;
		else continue;
		changed = true;
	}
	return changed ? out.sort((a, b) => a.channel - b.channel) : null;
}

/** `items` (some) are in range, strictly ascending and all after the list's last channel. */
function appendsInOrder(list: readonly {channel: number}[] | undefined, items: readonly {channel: number}[]): boolean {
	let prev = list && list.length ? list[list.length - 1]!.channel : -1;
	for (const it of items) {
		if (!(it.channel > prev && it.channel < MAX_CHANNELS)) return false;
		prev = it.channel;
	}
	return items.length > 0;
}

/** The member for a rank line of `proc`, or null when the comm or rank is not that process's. */
function memberOf(state: RolloutState, comm: string, rank: number, proc: string): {c: CommState; m: CommMember} | null {
	const c = state.comms[comm];
	const m = c?.members[rank];
	// a rank of one of the process's GPU rows (procs.ts gpuProcKey) is the process's too
	return c && m && ofProcess(m.proc, proc) ? {c, m} : null;
}

function withMember(state: RolloutState, c: CommState, m: CommMember): RolloutState {
	const next = writable(c);
	next.members = withEntry(c.members, m.rank, m);
	return withComm(state, next);
}

export function reduceCommInitTimings(state: RolloutState, e: CommInitTimingsEvent): RolloutState {
	const at = memberOf(state, e.comm, e.rank, e.proc);
	if (!at || (at.m.initTimings && jsonEqual(at.m.initTimings, e.timings))) return state;
	const s = withMember(state, at.c, {...at.m, initTimings: {...e.timings}});
	const p = s.procs[at.m.proc];
	if (!p) return s;
	const init = initSecondsOf(s, p);
	if (init.seconds === p.initSeconds && init.from === (p.initSecondsFrom ?? null)) return s;
	return withProc(s, {...p, initSeconds: init.seconds, initSecondsFrom: init.from});
}

export function reduceCommRingOrder(state: RolloutState, e: CommRingOrderEvent): RolloutState {
	const c = state.comms[e.comm];
	if (!c) return state;
	// ≤2.22 prints at most 20 ranks without saying so: short of nranks is cut too
	const entry: RingOrder = {channel: e.channel, ranks: e.ranks.slice(0, c.nranks), truncated: e.truncated || e.ranks.length < c.nranks};
	const ringOrders = mergeByChannel(c.ringOrders, [entry]);
	if (!ringOrders) return state;
	const next = writable(c);
	next.ringOrders = ringOrders;
	return withComm(state, next);
}

export function reduceCommRing(state: RolloutState, e: CommRingEvent): RolloutState {
	const at = memberOf(state, e.comm, e.rank, e.proc);
	if (!at) return state;
	const ring = mergeByChannel(at.m.ring, [{channel: e.channel, prev: e.prev, next: e.next}]);
	if (!ring) return state;
	const m = writable(at.m);
	m.ring = ring;
	return withMember(state, at.c, m);
}

export function reduceCommTree(state: RolloutState, e: CommTreeEvent): RolloutState {
	const at = memberOf(state, e.comm, e.rank, e.proc);
	if (!at) return state;
	const tree = mergeByChannel(
		at.m.tree,
		e.trees.map(t => ({channel: t.channel, up: t.up, down: t.down.slice()})),
	);
	if (!tree) return state;
	const m = writable(at.m);
	m.tree = tree;
	return withMember(state, at.c, m);
}

/**
 * Ring order per channel: rank 0's dump where printed and whole; else, where every rank
 * printed its `Ring` line for the channel (rank 0's log may be another pod's, or cut),
 * the ring walked from rank 0 by `next`. `from` says which.
 */
export function ringOrdersOf(c: CommState): (RingOrder & {from: 'dump' | 'ranks'})[] {
	const out = new Map<number, RingOrder & {from: 'dump' | 'ranks'}>();
	for (const o of c.ringOrders ?? []) out.set(o.channel, {...o, ranks: o.ranks.slice(), from: 'dump'});
	const next = new Map<number, Map<number, number>>();
	for (const m of Object.values(c.members)) {
		for (const r of m.ring ?? []) {
			let ch = next.get(r.channel);
			if (!ch) next.set(r.channel, (ch = new Map()));
			ch.set(m.rank, r.next);
		}
	}
	for (const [channel, ch] of next) {
		const have = out.get(channel);
		if ((have && !have.truncated) || ch.size !== c.nranks) continue;
		const ranks: number[] = [];
		const seen = new Set<number>();
		for (let r: number | undefined = 0; r !== undefined && r >= 0 && !seen.has(r); r = ch.get(r)) {
			seen.add(r);
			ranks.push(r);
		}
		// a whole ring visits every rank once and comes back to 0
		if (ranks.length === c.nranks && ch.get(ranks[ranks.length - 1]!) === 0) out.set(channel, {channel, ranks, truncated: false, from: 'ranks'});
	}
	return [...out.values()].sort((a, b) => a.channel - b.channel);
}
