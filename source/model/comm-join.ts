/**
 * One communicator seen by several processes in a log that starts mid-run. Without its
 * Init lines nothing names a communicator across processes: each process knows it by
 * its own pointer (`pod|host|pid@0x…`, from `comm 0x… nRanks …` or Destroy lines) or only
 * by its lines (`…@unknown comm`). Such per-process views are joined here, at read time
 * (the reducer keeps them apart: later lines of each stream still name them), when they
 * can only be one communicator:
 * - the same size, and no rank held twice: the ranks of one comm (a world of 4 seen as
 *   four views holding ranks 0, 1, 2 and 3);
 * - where ranks repeat (two split comms of 2, each holding 0 and 1), per pod, for views
 *   that never leave their pod (no NET channel): a pod's TP group.
 * A view whose size matches one named communicator (its commId) without a rank clash
 * joins that one (a pod whose log was cut, beside one read whole).
 * Anything else stays as it is: two views that might be different comms are never joined.
 */
import type {CommState, RolloutState} from './state.js';
import {reduceCommMerge} from './comms.js';

/** A comm known only to one process (the parser's `proc@0x…` / `proc@unknown comm…` ids). */
function perProcess(c: CommState): boolean {
	if (c.id.indexOf('@') === -1) return false;
	const members = Object.values(c.members);
	return members.length > 0 && members.every(m => m.proc === members[0]!.proc);
}

function ranksOf(c: CommState): number[] {
	return Object.keys(c.members).map(Number);
}

/** `views` as one comm when no rank is held twice; the lowest rank's view (or `named`) names it. */
function joinable(views: CommState[]): boolean {
	const seen = new Set<number>();
	for (const v of views)
		for (const r of ranksOf(v)) {
			if (seen.has(r)) return false;
			seen.add(r);
		}
	return true;
}

function target(views: CommState[]): string {
	let best = views[0]!;
	let low = Math.min(...ranksOf(best));
	for (const v of views) {
		const r = Math.min(...ranksOf(v));
		if (r < low || (r === low && v.id < best.id)) {
			best = v;
			low = r;
		}
	}
	return best.id;
}

function merge(state: RolloutState, views: CommState[], into: string): RolloutState {
	let s = state;
	for (const v of views) {
		if (v.id === into) continue;
		const proc = Object.values(v.members)[0]!.proc;
		s = reduceCommMerge(s, {type: 'comm-merge', pod: state.procs[proc]?.pod ?? '', at: null, proc, from: v.id, into});
	}
	return s;
}

const hasNet = (c: CommState) => c.transports.some(t => t.startsWith('NET'));

/** A view known only by its lines (`…@unknown comm`): its size is the highest rank they show, a lower bound. */
const sizeIsLowerBound = (c: CommState) => c.id.indexOf('@unknown comm') !== -1;

/** The process a per-process view belongs to. */
const procOfView = (c: CommState) => Object.values(c.members)[0]!.proc;

/** Join `views` (one bucket, no named comm) where they can only be one comm; see the file's head. */
function joinViews(state: RolloutState, s: RolloutState, views: CommState[]): RolloutState {
	const podOf = (v: CommState) => state.procs[procOfView(v)]?.pod ?? null;
	// views in several pods are one comm only if it uses the network (its ranks talk across pods)
	const oneComm = (list: CommState[]) => joinable(list) && (new Set(list.map(podOf)).size === 1 || list.some(hasNet));
	if (oneComm(views)) return merge(s, views, target(views));
	// every process holds k views of this size: SPMD programs create (and connect, and destroy)
	// their communicators in one order, so each process's i-th view is the same comm
	const byProc = new Map<string, CommState[]>();
	for (const v of views) {
		const p = procOfView(v);
		const list = byProc.get(p);
		if (list) list.push(v);
		else byProc.set(p, [v]);
	}
	const counts = new Set([...byProc.values()].map(l => l.length));
	if (byProc.size > 1 && counts.size === 1 && [...counts][0]! > 1) {
		const k = [...counts][0]!;
		const order = (p: string) => state.procs[p]?.comms ?? [];
		const sorted = [...byProc].map(([p, l]) => l.slice().sort((x, y) => order(p).indexOf(x.id) - order(p).indexOf(y.id)));
		let out = s;
		for (let i = 0; i < k; i++) {
			const group = sorted.map(l => l[i]!);
			if (oneComm(group)) out = merge(out, group, target(group));
		}
		return out;
	}
	// ranks repeat (split comms), or views of several pods that never use the network: a
	// pod's own views, where none leaves the pod
	const byPod = new Map<string, CommState[]>();
	for (const v of views) {
		const pod = podOf(v);
		if (!pod || hasNet(v)) continue;
		const list = byPod.get(pod);
		if (list) list.push(v);
		else byPod.set(pod, [v]);
	}
	let out = s;
	for (const list of byPod.values()) if (list.length > 1 && joinable(list)) out = merge(out, list, target(list));
	return out;
}

function join(state: RolloutState): RolloutState {
	const all = Object.values(state.comms);
	if (!all.some(perProcess)) return state;
	// sizes the lines state exactly (named comms, `comm 0x… nRanks N` and Destroy lines)
	const exact = [...new Set(all.filter(c => c.nranks >= 2 && !sizeIsLowerBound(c)).map(c => c.nranks))].sort((x, y) => x - y);
	const buckets = new Map<number, {views: CommState[]; named: CommState[]}>();
	for (const c of all) {
		if (c.nranks < 2 && !(perProcess(c) && sizeIsLowerBound(c))) continue;
		// a view known by its lines alone: with others of its size if there are, else with the
		// smallest exact size that holds its ranks (its lines showed only some of them)
		const alone = perProcess(c) && sizeIsLowerBound(c) && !all.some(o => o !== c && o.nranks === c.nranks);
		const size = alone ? (exact.find(n => n >= c.nranks) ?? c.nranks) : c.nranks;
		let b = buckets.get(size);
		if (!b) buckets.set(size, (b = {views: [], named: []}));
		if (perProcess(c)) b.views.push(c);
		else if (c.id.indexOf('@') === -1) b.named.push(c);
	}
	let s = state;
	for (const {views, named} of buckets.values()) {
		if (views.length === 0 || (views.length === 1 && named.length === 0)) continue;
		if (named.length === 1 && joinable([named[0]!, ...views])) s = merge(s, views, named[0]!.id);
		else if (named.length === 0) s = joinViews(state, s, views);
	}
	return s;
}

let lastComms: RolloutState['comms'] | null = null;
let lastProcs: RolloutState['procs'] | null = null;
let lastOut: {comms: RolloutState['comms']; procs: RolloutState['procs']} | null = null;

/**
 * The state as views, findings and the snapshot read it: per-process views of one
 * communicator joined. The same comms and procs give the same objects back (selectors
 * key on them), and a state with nothing to join is returned as it is.
 */
export function withJoinedComms(state: RolloutState): RolloutState {
	if (state.comms !== lastComms || state.procs !== lastProcs) {
		const j = join(state);
		lastComms = state.comms;
		lastProcs = state.procs;
		lastOut = j === state ? null : {comms: j.comms, procs: j.procs};
	}
	return lastOut === null ? state : {...state, comms: lastOut.comms, procs: lastOut.procs};
}
