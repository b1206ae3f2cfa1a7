/**
 * The init timeline's data: a row per rank grouped by pod, a bar per communicator from
 * its Init START to COMPLETE (NCCL's own `Init timings` split where printed), the
 * rollout's phases (vLLM's weights, KV cache, graphs, serving after NCCL), restarts and
 * the first failure. Rows are toned and worded as the Ranks pane words them
 * (ranks-model.ts), so the straggler and the missing rank read the same as on screen.
 */
import type {Phase, RolloutState} from '../../model/state.js';
import {failureTime, phaseTimeline} from '../../model/phase.js';
import {phaseLabel} from '../header-model.js';
import {shortComm} from '../paths-model.js';
import type {RankRow} from '../ranks-model.js';

export interface BarPart {
	name: string;
	seconds: number;
}

export interface Bar {
	comm: string;
	label: string;
	start: number;
	end: number;
	/** no COMPLETE read: the bar runs to the rank's failure or the end of the logs */
	open: boolean;
	parts: BarPart[] | null;
	total: number | null;
	/** written on the bar: `joined 30 s late`, `bootstrap 29.9 s: waited for rank 3 (pod1)` */
	note: string | null;
	tone: 'ok' | 'warn' | 'error' | 'muted';
	/** a late rank's bar: when its peers started (their median), drawn as the wait before the bar */
	lateFrom?: number | null;
}

export interface Row {
	key: string;
	title: string;
	pod: string | null;
	rank: number | null;
	busId: string | null;
	bars: Bar[];
	failedAt: number | null;
	failure: string | null;
	severity: RankRow['severity'];
	reason: string | null;
	unseen: boolean;
	/** several ranks in one row (a large rollout's pod summarised) */
	ranks?: number;
}

export interface Group {
	pod: string;
	label: string;
	rows: Row[];
	/** container (re)starts of a pod that restarted, and what ended the last run */
	restarts: {count: number; at: number | null; reason: string | null} | null;
}

export interface PhaseBar {
	phase: Phase;
	label: string;
	start: number;
	end: number;
}

export interface TimelineModel {
	t0: number | null;
	t1: number | null;
	groups: Group[];
	phases: PhaseBar[];
	firstFailure: {at: number; text: string} | null;
	/** bars drawn: a rank a row */
	rows: number;
	/** pods folded into one row each (past MAX_ROWS ranks); their problem ranks still have their own row */
	folded: boolean;
	/** the log has no timestamps: bars are NCCL's own Init timings, each from 0 */
	relative: boolean;
}

export const MAX_ROWS = 64;

const wait = (row: RankRow | undefined) => row?.reason && /late|not joined|never seen/.test(row.reason);

export function buildTimeline(state: RolloutState, rankRows: readonly RankRow[], now: number): TimelineModel {
	const lateRows = rankRows.filter(r => wait(r));
	const late = lateRows[0];
	const lateName = late ? `rank ${late.globalRank ?? '?'}${late.pod ? ` (${late.pod})` : ''}` : null;
	const ff = failureTime(state);
	const relative = state.firstTs === null;
	const end = Math.max(state.lastTs ?? 0, typeof ff === 'number' ? ff : 0) || (state.ended ? null : now);
	const rows: Row[] = [];
	for (const r of rankRows) {
		const p = state.procs[r.key];
		const bars: Bar[] = [];
		for (const id of p?.comms ?? []) {
			const c = state.comms[id];
			const m = c && Object.values(c.members).find(x => x.proc === r.key);
			if (!c || !m) continue;
			const t = m.initTimings ?? null;
			// a log with no timestamps at all: NCCL's own durations, each bar from 0
			const start = m.startAt ?? (m.completeAt !== null && t ? m.completeAt - t.total * 1000 : relative && t ? 0 : null);
			if (start === null) continue;
			const open = m.completeAt === null && !(relative && t && m.state !== 'initializing');
			const stop = m.completeAt ?? (relative && t ? t.total * 1000 : (p?.failedAt ?? end ?? start));
			const parts = t
				? Object.entries(t)
						.filter(([k, v]) => k !== 'total' && v > 0)
						.map(([name, seconds]) => ({name, seconds}))
				: null;
			let note: string | null = null;
			let tone: Bar['tone'] = m.state === 'failed' ? 'error' : open ? 'warn' : 'ok';
			const boot = t?.bootstrap ?? 0;
			let lateFrom: number | null = null;
			if (late && late.key === r.key && c.nranks === Math.max(...(p?.comms ?? []).map(x => state.comms[x]?.nranks ?? 0))) {
				note = r.reason;
				tone = 'warn';
				const peers = Object.values(c.members)
					.filter(x => x.proc !== r.key && x.startAt !== null)
					.map(x => x.startAt!)
					.sort((a, b) => a - b);
				lateFrom = peers.length ? peers[Math.floor((peers.length - 1) / 2)]! : null;
			} else if (t && boot >= 1 && boot >= t.total / 2) note = `bootstrap ${boot.toFixed(1)} s: waited for ${lateName && late?.key !== r.key ? lateName : 'its peers'}`;
			else if (open) note = `no Init COMPLETE${p?.failedAt ? ' before it failed' : ''}`;
			bars.push({comm: id, label: `${shortComm(id)} (${c.nranks} ranks)`, start, end: Math.max(start, stop), open, parts, total: t?.total ?? null, note, tone, lateFrom});
		}
		bars.sort((a, b) => a.start - b.start);
		rows.push({
			key: r.key,
			title: `rank ${r.globalRank ?? '?'}${r.busId ? ` · GPU ${r.busId}` : ''}`,
			pod: r.pod,
			rank: r.globalRank,
			busId: r.busId,
			bars,
			failedAt: p?.failedAt ?? null,
			failure: p?.failure ?? null,
			severity: r.severity,
			reason: r.reason,
			unseen: r.state === 'unseen',
		});
	}
	const times = rows.flatMap(r => [...r.bars.flatMap(b => [b.start, b.end]), ...(r.failedAt !== null ? [r.failedAt] : [])]);
	const spans = phaseTimeline(state);
	const phases: PhaseBar[] = [];
	for (const s of spans) {
		if (s.startedAt === null) continue;
		phases.push({phase: s.phase, label: phaseLabel[s.phase], start: s.startedAt, end: s.endedAt ?? Math.max(s.startedAt, end ?? s.startedAt)});
	}
	const all = [...times, ...phases.flatMap(x => [x.start, x.end])];
	const t0 = all.length ? Math.min(...all) : null;
	const t1 = all.length ? Math.max(...all, end ?? 0) : null;
	let firstFailure: TimelineModel['firstFailure'] = null;
	if (typeof ff === 'number') {
		const root = rankRows.find(x => x.reason?.includes('first failure'));
		firstFailure = {at: ff, text: root ? `rank ${root.globalRank ?? '?'}${root.pod ? ` (${root.pod})` : ''} ${root.reason!.replace(/ — first failure$/, '')} failed first` : ''};
	}
	const groups = groupRows(state, rows);
	const folded = rows.length > MAX_ROWS;
	return {t0, t1, groups: folded ? mergeQuiet(groups.map(foldGroup)) : groups, phases, firstFailure, rows: rows.length, folded, relative};
}

const byName = new Intl.Collator('en', {numeric: true});

function groupRows(state: RolloutState, rows: Row[]): Group[] {
	const groups = new Map<string, Group>();
	for (const r of rows) {
		const pod = r.pod ?? 'never seen';
		let g = groups.get(pod);
		if (!g) {
			const ps = r.pod ? state.pods[r.pod] : undefined;
			const restarted = ps && ((ps.restarts ?? 0) > 0 || ps.generation > 0);
			const c = ps?.containers.find(x => x.restarts > 0) ?? ps?.containers[0];
			g = {
				pod,
				label: r.pod ? pod : 'ranks no process of which was seen',
				rows: [],
				restarts: restarted
					? {count: Math.max(ps!.restarts ?? 0, ps!.generation), at: c?.startedAt ?? null, reason: c?.lastTerminationReason ? `${c.lastTerminationReason}${c.lastExitCode !== null ? ` (exit ${c.lastExitCode})` : ''}` : null}
					: null,
			};
			groups.set(pod, g);
		}
		g.rows.push(r);
	}
	for (const g of groups.values()) g.rows.sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || byName.compare(a.key, b.key));
	return [...groups.values()].sort((a, b) => Number(a.pod === 'never seen') - Number(b.pod === 'never seen') || byName.compare(a.pod, b.pod));
}

/** A pod's healthy ranks as one row (each communicator's earliest start to latest end); its problem ranks keep their rows. */
function foldGroup(g: Group): Group {
	const healthy = g.rows.filter(r => r.severity === 'ok' || r.severity === 'idle');
	const odd = g.rows.filter(r => !healthy.includes(r));
	if (healthy.length <= 1) return g;
	const byComm = new Map<string, Bar>();
	for (const r of healthy) {
		for (const b of r.bars) {
			const x = byComm.get(b.comm);
			if (!x) byComm.set(b.comm, {...b, parts: null, note: null});
			else {
				x.start = Math.min(x.start, b.start);
				x.end = Math.max(x.end, b.end);
				x.open ||= b.open;
			}
		}
	}
	const ranks = healthy.map(r => r.rank).filter((x): x is number => x !== null);
	const summary: Row = {
		key: `${g.pod}:healthy`,
		title: `${healthy.length} ranks${ranks.length ? ` (${Math.min(...ranks)}–${Math.max(...ranks)})` : ''}`,
		pod: g.pod,
		rank: null,
		busId: null,
		bars: [...byComm.values()].sort((a, b) => a.start - b.start),
		failedAt: null,
		failure: null,
		severity: 'ok',
		reason: null,
		unseen: false,
		ranks: healthy.length,
	};
	return {...g, rows: [summary, ...odd]};
}

/** Past 16 pods, the pods where nothing stood out (no problem rank, no restart) are one row: the span of all their bars. */
function mergeQuiet(groups: Group[]): Group[] {
	if (groups.length <= 16) return groups;
	const quiet = groups.filter(g => !g.restarts && g.rows.every(r => r.severity === 'ok' || r.severity === 'idle'));
	if (quiet.length < 2) return groups;
	const bars = new Map<string, Bar>();
	let ranks = 0;
	for (const g of quiet) {
		for (const r of g.rows) {
			ranks += r.ranks ?? 1;
			for (const b of r.bars) {
				const x = bars.get(b.comm);
				if (!x) bars.set(b.comm, {...b, parts: null, note: null});
				else {
					x.start = Math.min(x.start, b.start);
					x.end = Math.max(x.end, b.end);
					x.open ||= b.open;
				}
			}
		}
	}
	const names = quiet.map(g => g.pod);
	const row: Row = {key: 'quiet', title: `${ranks} ranks`, pod: null, rank: null, busId: null, bars: [...bars.values()].sort((a, b) => a.start - b.start), failedAt: null, failure: null, severity: 'ok', reason: null, unseen: false, ranks};
	const merged: Group = {pod: 'quiet', label: `${quiet.length} pods where no rank stood out (${names.slice(0, 3).join(', ')} … ${names[names.length - 1]})`, rows: [row], restarts: null};
	return [merged, ...groups.filter(g => !quiet.includes(g))];
}
