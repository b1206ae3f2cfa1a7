/**
 * The ranks pane's view-model: one row per GPU process (plus ranks a
 * communicator says exist but that never logged), grouped by LeaderWorkerSet
 * group (else pod), worst first, so at 512 ranks the problems are on screen.
 */
import type {ProcState, RankState, RolloutState} from '../model/state.js';
import {unseenRanks} from '../model/world.js';

export type RowSeverity = 'error' | 'warn' | 'ok' | 'idle';

export interface RankRow {
	key: string;
	pod: string | null;
	role: 'leader' | 'worker' | null;
	node: string | null;
	host: string | null;
	globalRank: number | null;
	tpRank: number | null;
	ppRank: number | null;
	busId: string | null;
	state: RankState;
	/** ms the init took (complete) or has taken so far (initializing) */
	initMs: number | null;
	commsJoined: number;
	commsReady: number;
	commsTotal: number;
	lastLineAgeMs: number | null;
	warnings: number;
	severity: RowSeverity;
	/** why it stands out: `late +14s`, `silent 45s`, `exit 3: …` */
	reason: string | null;
	problem: boolean;
}

export interface RankGroup {
	id: string;
	label: string;
	rows: RankRow[];
	severity: RowSeverity;
	ready: number;
	problems: number;
}

export interface RanksModel {
	groups: RankGroup[];
	total: number;
	ready: number;
	problems: number;
}

const sevOrder: Record<RowSeverity, number> = {error: 0, warn: 1, idle: 2, ok: 3};

export interface RanksOptions {
	stragglerMs: number;
	/** a rank still initialising with no line for this long, while peers log, is silent */
	silentMs: number;
}

function median(xs: number[]): number | null {
	if (xs.length === 0) return null;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor((s.length - 1) / 2)]!;
}

/** Rank of each proc in the largest communicator containing it (the world rank when vLLM doesn't log one). */
function commRanks(state: RolloutState): Map<string, number> {
	const out = new Map<string, {rank: number; size: number}>();
	for (const comm of Object.values(state.comms)) {
		for (const m of Object.values(comm.members)) {
			const prev = out.get(m.proc);
			if (!prev || comm.nranks > prev.size) out.set(m.proc, {rank: m.rank, size: comm.nranks});
		}
	}
	return new Map([...out].map(([k, v]) => [k, v.rank]));
}

/** World ranks no process has shown up as (model/world.ts): the Ranks pane's `unseen` rows and the header's count. */
export function unseenWorldRanks(state: RolloutState, ranks: Map<string, number> = commRanks(state)): number[] {
	return unseenRanks(state, p => p.worldRank ?? ranks.get(p.key) ?? null);
}

export function buildRanks(state: RolloutState, now: number, opts: RanksOptions): RanksModel {
	const procs = Object.values(state.procs);
	const ranks = commRanks(state);
	const completes = procs.map(p => p.initCompleteAt).filter((x): x is number => x !== null);
	const medComplete = median(completes);
	// NCCL init is collective: a rank that joins late holds every peer in bootstrap, and
	// they all complete together, so lateness shows at START, not at COMPLETE
	const medStart = median(procs.map(p => p.initStartAt).filter((x): x is number => x !== null));
	const latestLine = procs.reduce((m, p) => Math.max(m, p.lastLineAt ?? 0), 0);
	const maxComms = procs.reduce((m, p) => Math.max(m, p.comms.length), 0);
	// The earliest abnormal exit is the root cause; ranks that failed after it
	// (SIGTERM'd by the launcher, aborted on a remote error) are its follow-ons.
	// Within 2 s counts as a tie: kubelet stamps come from each node's clock.
	// A rank killed by a signal (SIGTERM/SIGKILL from the launcher tearing down) is never the root
	// cause while another rank failed on its own.
	const abnormal = procs.filter(isAbnormal);
	const roots = abnormal.some(p => !killed(p)) ? abnormal.filter(p => !killed(p)) : abnormal;
	const failedTimes = roots.map(p => p.failedAt).filter((x): x is number => x !== null);
	const firstFailure = failedTimes.length ? Math.min(...failedTimes) : null;

	// One pass over members (not per proc × comm): 512 ranks × 512 members would be 250k finds a frame.
	const readyByProc = new Map<string, number>();
	for (const comm of Object.values(state.comms)) {
		for (const m of Object.values(comm.members)) {
			if (m.state === 'ready' || m.state === 'destroyed') readyByProc.set(m.proc, (readyByProc.get(m.proc) ?? 0) + 1);
		}
	}
	const ctx = {medComplete, medStart, latestLine, maxComms, readyByProc, firstFailure, roots: new Set(roots.map(p => p.key)), ...opts};
	const rows: RankRow[] = procs.map(p => rowFor(state, p, ranks.get(p.key) ?? null, now, ctx));

	// Ranks the largest communicator promises but that never logged: the silent ones.
	for (const r of unseenWorldRanks(state, ranks)) {
		rows.push({
			key: `unseen:${r}`,
			pod: null,
			role: null,
			node: null,
			host: null,
			globalRank: r,
			tpRank: null,
			ppRank: null,
			busId: null,
			state: 'unseen',
			initMs: null,
			commsJoined: 0,
			commsReady: 0,
			commsTotal: maxComms,
			lastLineAgeMs: null,
			warnings: 0,
			severity: 'warn',
			reason: medStart !== null && now - medStart > opts.stragglerMs ? `never seen, peers wait ${Math.round((now - medStart) / 1000)}s` : 'never seen',
			problem: true,
		});
	}

	const groups = new Map<string, RankGroup>();
	for (const row of rows) {
		const pod = row.pod ? state.pods[row.pod] : undefined;
		const id = pod?.group !== null && pod?.group !== undefined ? `group ${pod.group}` : (row.pod ?? 'unseen');
		let g = groups.get(id);
		if (!g) {
			g = {id, label: id, rows: [], severity: 'ok', ready: 0, problems: 0};
			groups.set(id, g);
		}
		g.rows.push(row);
	}
	for (const g of groups.values()) {
		g.rows.sort((a, b) => sevOrder[a.severity] - sevOrder[b.severity] || (a.globalRank ?? 1e9) - (b.globalRank ?? 1e9) || a.key.localeCompare(b.key));
		g.severity = g.rows.reduce<RowSeverity>((s, r) => (sevOrder[r.severity] < sevOrder[s] ? r.severity : s), 'ok');
		g.ready = g.rows.filter(r => r.state === 'ready').length;
		g.problems = g.rows.filter(r => r.problem).length;
		const pods = [...new Set(g.rows.map(r => r.pod).filter(Boolean))];
		if (g.id.startsWith('group ')) g.label = `${g.id} (${pods.length} pod${pods.length === 1 ? '' : 's'})`;
	}
	const sorted = [...groups.values()].sort((a, b) => sevOrder[a.severity] - sevOrder[b.severity] || minRank(a) - minRank(b) || a.id.localeCompare(b.id));
	return {
		groups: sorted,
		total: rows.length,
		ready: rows.filter(r => r.state === 'ready').length,
		problems: rows.filter(r => r.problem).length,
	};
}

function minRank(g: RankGroup): number {
	return g.rows.reduce((m, r) => Math.min(m, r.globalRank ?? 1e9), 1e9);
}

function rowFor(
	state: RolloutState,
	p: ProcState,
	commRank: number | null,
	now: number,
	ctx: {medComplete: number | null; medStart: number | null; latestLine: number; maxComms: number; readyByProc: Map<string, number>; firstFailure: number | null; roots: Set<string>} & RanksOptions,
): RankRow {
	const pod = p.pod ? state.pods[p.pod] : undefined;
	const commsReady = ctx.readyByProc.get(p.key) ?? 0;
	const initMs = p.initSeconds !== null ? p.initSeconds * 1000 : p.initStartAt !== null ? (p.initCompleteAt ?? (p.state === 'initializing' ? now : p.initStartAt)) - p.initStartAt : null;
	let severity: RowSeverity = p.state === 'ready' ? 'ok' : 'idle';
	let reason: string | null = null;
	if (isAbnormal(p)) {
		const followOn = !ctx.roots.has(p.key) || (ctx.firstFailure !== null && p.failedAt !== null && p.failedAt - ctx.firstFailure > 2000);
		severity = followOn ? 'warn' : 'error';
		const what = p.exitCode !== null ? `exit ${p.exitCode}${p.failure && !p.failure.includes(String(p.exitCode)) ? `: ${p.failure}` : ''}` : (p.failure ?? 'failed');
		reason = followOn ? `${what}, follow-on` : `${what}${ctx.firstFailure !== null ? ' — first failure' : ''}`;
	} else if (ctx.medStart !== null && p.initStartAt !== null && p.initStartAt - ctx.medStart > ctx.stragglerMs) {
		severity = 'warn';
		reason = `joined ${Math.round((p.initStartAt - ctx.medStart) / 1000)}s late`;
	} else if (ctx.medStart !== null && p.initStartAt === null && p.state !== 'exited' && now - ctx.medStart > ctx.stragglerMs) {
		severity = 'warn';
		reason = `not joined for ${Math.round((now - ctx.medStart) / 1000)}s`;
	} else if (ctx.medComplete !== null && p.initCompleteAt !== null && p.initCompleteAt - ctx.medComplete > ctx.stragglerMs) {
		severity = 'warn';
		reason = `late +${Math.round((p.initCompleteAt - ctx.medComplete) / 1000)}s`;
	} else if (ctx.medComplete !== null && p.initCompleteAt === null && p.state !== 'exited' && now - ctx.medComplete > ctx.stragglerMs) {
		severity = 'warn';
		reason = `late, peers ready ${Math.round((now - ctx.medComplete) / 1000)}s ago`;
	} else if (p.state !== 'ready' && p.state !== 'exited' && p.lastLineAt !== null && ctx.latestLine - p.lastLineAt > ctx.silentMs) {
		severity = 'warn';
		reason = `silent ${Math.round((ctx.latestLine - p.lastLineAt) / 1000)}s`;
	}
	if (severity !== 'error' && p.state === 'ready' && commsReady < ctx.maxComms && ctx.maxComms > 0 && !reason) {
		severity = 'warn';
		reason = `in ${p.comms.length} of ${ctx.maxComms} comms`;
	}
	return {
		key: p.key,
		pod: p.pod,
		role: pod?.role ?? null,
		node: pod?.node ?? null,
		host: p.host,
		globalRank: p.worldRank ?? commRank,
		tpRank: p.tpRank,
		ppRank: p.ppRank,
		busId: p.busId,
		state: p.state,
		initMs,
		commsJoined: p.comms.length,
		commsReady,
		commsTotal: ctx.maxComms,
		lastLineAgeMs: p.lastLineAt !== null ? Math.max(0, now - p.lastLineAt) : null,
		warnings: p.warnings,
		severity,
		reason,
		problem: severity === 'error' || severity === 'warn',
	};
}

function isAbnormal(p: ProcState): boolean {
	return p.state === 'failed' || (p.state === 'exited' && p.exitCode !== 0 && p.exitCode !== null);
}

/** Exit by SIGTERM/SIGKILL: -15/-9 as torch reports it, 143/137 as a shell does. */
function killed(p: ProcState): boolean {
	return p.exitCode === -15 || p.exitCode === -9 || p.exitCode === 143 || p.exitCode === 137 || /signal (15|9)\b|SIGTERM|SIGKILL/.test(p.failure ?? '');
}
