/**
 * `straggler`: a rank that joined a communicator's init (`Init START`) or finished
 * it (`Init COMPLETE`) far later than its peers. Compared with the median of its
 * peers, so one late rank does not make everyone else look early. Times come from
 * each node's kubelet clock: the threshold is never below clock skew, and ranks
 * within skew of each other are ties.
 */
import type {RolloutState} from '../model/state.js';
import type {Finding, Rule} from './types.js';
import {CLOCK_SKEW_MS, commLabel, fmtSeconds, globalRank, joinList, median, rankLabel} from './subject.js';
import {likelyPods} from './init-stalled.js';

interface Late {
	lateMs: number;
	what: 'joined' | 'completed';
	comm: string;
}

/** The median of `sorted` (ascending) with one occurrence of `value` taken out. */
export function medianWithout(sorted: readonly number[], value: number): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (sorted[mid]! < value) lo = mid + 1;
		else hi = mid;
	}
	const at = (k: number) => sorted[k < lo ? k : k + 1]!;
	const n = sorted.length - 1;
	const mid = n >> 1;
	return n % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

export const straggler: Rule = (state, now, options) => {
	// NCCL init is collective: once a rank starts late, everyone completes late with it,
	// so a late COMPLETE only counts for a rank whose START was on time.
	const thresholdMs = Math.max(options.stragglerSeconds * 1000, 2 * CLOCK_SKEW_MS);
	const worst = new Map<string, Late>();
	const note = (proc: string, late: Late) => {
		const prev = worst.get(proc);
		if (!prev || late.lateMs > prev.lateMs) worst.set(proc, late);
	};
	for (const comm of Object.values(state.comms)) {
		const members = Object.values(comm.members);
		if (members.length < 2) continue;
		const lateStart = new Set<string>();
		for (const field of ['startAt', 'completeAt'] as const) {
			// every member's peers are all the others: one sorted list, each median leaves one out
			// (512 ranks: a filter per member was 250k steps a comm, every findings pass)
			const sorted = members
				.map(o => o[field])
				.filter((x): x is number => x !== null)
				.sort((a, b) => a - b);
			if (sorted.length < 2) continue;
			for (const m of members) {
				const t = m[field];
				if (t === null || (field === 'completeAt' && lateStart.has(m.proc))) continue;
				const lateMs = t - medianWithout(sorted, t);
				if (lateMs > thresholdMs) {
					if (field === 'startAt') lateStart.add(m.proc);
					note(m.proc, {lateMs, what: field === 'startAt' ? 'joined' : 'completed', comm: comm.id});
				}
			}
		}
	}
	// When every rank of a pod is late, the pod itself started late: say so, it is the fix.
	const latePods = new Map<string, number>();
	for (const key of worst.keys()) {
		const pod = state.procs[key]?.pod;
		if (pod) latePods.set(pod, (latePods.get(pod) ?? 0) + 1);
	}
	const ranksOf = (pod: string) => Object.values(state.procs).filter(p => p.pod === pod && p.comms.length > 0).length;
	const out: Finding[] = [];
	const rows = [...worst].map(([key, late]) => ({key, late, proc: state.procs[key], rank: state.procs[key] ? globalRank(state, state.procs[key]!) : null}));
	rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.key < b.key ? -1 : 1));
	for (const {late, proc} of rows) {
		const comm = state.comms[late.comm];
		if (!proc || !comm) continue;
		const pod = proc.pod ?? proc.host ?? '?';
		const wholePod = proc.pod !== null && (latePods.get(proc.pod) ?? 0) >= ranksOf(proc.pod) && ranksOf(proc.pod) > 1;
		const fix = wholePod
			? `every rank of pod ${pod} is late, so the pod itself started late: look at its scheduling, image pull and init containers (kubectl describe pod ${pod}).`
			: `look at what this rank did before init in pod ${pod} — model download, CUDA setup, a slow or busy GPU.`;
		out.push({
			id: 'straggler',
			severity: 'warn',
			subject: rankLabel(state, proc),
			message: `${late.what === 'joined' ? 'started' : 'completed'} init of ${commLabel(comm)} ${fmtSeconds(late.lateMs)} after the median of its peers (threshold ${fmtSeconds(thresholdMs)}). Fix: ${fix}`,
		});
	}
	out.push(...notJoined(state, now, thresholdMs));
	return out;
};

/**
 * While it happens: a communicator whose present ranks all started init more than the
 * threshold ago and none has completed (NCCL init is collective: they are all waiting in
 * bootstrap) is held up by the ranks that have not joined. Said now, not when the late
 * rank finally arrives. Once any member completed, nobody is waiting (ranks missing then
 * are lines not read, e.g. Ray's folding).
 */
function notJoined(state: RolloutState, now: number, thresholdMs: number): Finding[] {
	const out: Finding[] = [];
	for (const comm of Object.values(state.comms)) {
		const members = Object.values(comm.members);
		if (members.length === 0 || members.length >= comm.nranks || comm.state !== 'initializing') continue;
		if (members.some(m => m.completeAt !== null || m.state !== 'initializing')) continue;
		const starts = members.map(m => m.startAt).filter((t): t is number => t !== null);
		if (starts.length === 0) continue;
		const waitedMs = now - median(starts);
		if (waitedMs <= thresholdMs) continue;
		const missing: number[] = [];
		for (let r = 0; r < comm.nranks && missing.length <= 8; r++) if (!comm.members[r]) missing.push(r);
		const names =
			missing
				.slice(0, 8)
				.map(r => `rank ${r}`)
				.join(', ') + (missing.length > 8 ? ', …' : '');
		// where they probably are: pods with no rank in this communicator, and why they are not running yet
		const pods = likelyPods(state, comm).map(name => {
			const p = state.pods[name];
			const why = p?.pendingReason ?? (p?.phase && p.phase !== 'Running' ? p.phase : null);
			return why ? `${name} (${why})` : name;
		});
		const where = pods.length ? ` Likely in pod ${joinList(pods)}.` : '';
		out.push({
			id: 'straggler',
			severity: 'warn',
			subject: `${names} of ${commLabel(comm)}`,
			message: `not in init yet: its ${members.length} peer${members.length === 1 ? ' has' : 's have'} waited ${fmtSeconds(waitedMs)} in bootstrap for ${missing.length === 1 ? 'it' : 'them'} (threshold ${fmtSeconds(thresholdMs)}).${where} Fix: find the pod of the missing rank (its log may not be read yet, or its process is still loading, downloading or stuck before init_process_group) and look at what it is doing.`,
		});
	}
	return out;
}
