/** The header's view-model: where we look, how many pods are up, the phase timeline with times. */
import type {Phase, RolloutState} from '../model/state.js';
import {unseenWorldRanks} from './ranks-model.js';
import {worldSize} from '../model/world.js';
import {initNotSeen, initNotSeenText} from '../model/mid-run.js';

export interface TuiTitle {
	kind: 'kubernetes' | 'files' | 'demo';
	context?: string | null;
	namespace?: string | null;
	workload?: string | null;
	matchedBy?: string | null;
	label?: string;
	/** live, while the source is not up yet: `connecting to https://… (8 s)` (read at every redraw), else null */
	connecting?: () => string | null;
}

export interface PhaseSpan {
	phase: Phase;
	startedAt: number | null;
	endedAt: number | null;
}

export interface TimelineStep {
	label: string;
	ms: number | null;
	current: boolean;
	tone: 'ok' | 'warn' | 'error' | 'accent' | 'muted';
	detail: string | null;
}

export interface HeaderModel {
	where: string;
	podsReady: number;
	podsTotal: number;
	ranksReady: number;
	/** ranks the rollout has (model/world.ts), null while nothing says how many: shown as `?`, never `0/0` */
	ranksTotal: number | null;
	phase: Phase;
	steps: TimelineStep[];
	elapsedMs: number | null;
	ended: boolean;
	/** `init not seen: the log starts at 14:02:11` when the logs start mid-run (model/mid-run.ts), else null */
	initNotSeen: string | null;
}

export const phaseLabel: Record<Phase, string> = {
	pending: 'pending',
	starting: 'started',
	'nccl-init': 'NCCL init',
	initialized: 'NCCL ready',
	'loading-weights': 'weights',
	profiling: 'KV profile',
	'capturing-graphs': 'graphs',
	serving: 'serving',
	completed: 'completed',
	failed: 'FAILED',
	unknown: 'waiting',
};

export function describeTitle(t: TuiTitle): string {
	if (t.kind === 'files') return `replay ${t.label ?? ''}`.trim();
	const parts = [
		t.kind === 'demo' ? (t.label?.startsWith('demo') ? t.label : `demo${t.label ? ` ${t.label}` : ''}`) : null,
		t.context ? `ctx ${t.context}` : null,
		t.namespace ? `ns ${t.namespace}` : null,
		t.workload ? `${t.workload}${t.matchedBy ? ` (${t.matchedBy})` : ''}` : null,
	];
	return parts.filter(Boolean).join(' · ') || t.label || t.kind;
}

export function buildHeader(state: RolloutState, title: TuiTitle, phase: Phase, spans: readonly PhaseSpan[], now: number): HeaderModel {
	const pods = Object.values(state.pods).filter(p => !p.deleted);
	const files = state.source.kind === 'files' || state.source.kind === 'stdin';
	const podsReady = pods.filter(p => (files ? p.lines > 0 : p.phase === 'Running' && p.containers.length > 0 && p.containers.every(c => c.state === 'running'))).length;
	const procs = Object.values(state.procs);
	const pendingReason = pods.map(p => p.pendingReason).find(Boolean) ?? null;
	const steps: TimelineStep[] = spans.map((s, i) => {
		const current = i === spans.length - 1 && s.endedAt === null;
		const end = s.endedAt ?? (current ? now : null);
		let detail: string | null = null;
		if (s.phase === 'pending' && pendingReason) detail = pendingReason;
		if (s.phase === 'loading-weights' && state.engine?.weightsShards) detail = `${state.engine.weightsShards.done}/${state.engine.weightsShards.total}`;
		if (s.phase === 'capturing-graphs' && state.engine?.graphCapture) detail = `${state.engine.graphCapture.done}/${state.engine.graphCapture.total}`;
		if (s.phase === 'nccl-init') {
			const comms = Object.values(state.comms);
			if (comms.length) detail = `${comms.filter(c => c.state === 'ready' || c.state === 'destroyed').length}/${comms.length} comms`;
		}
		return {
			label: phaseLabel[s.phase],
			ms: s.startedAt !== null && end !== null ? Math.max(0, end - s.startedAt) : null,
			current,
			tone: s.phase === 'failed' ? 'error' : current ? 'accent' : s.phase === 'serving' || s.phase === 'completed' ? 'ok' : 'muted',
			detail,
		};
	});
	const connecting = title.connecting?.() ?? null;
	if (connecting) steps.unshift({label: connecting, ms: null, current: true, tone: 'warn', detail: null});
	if (state.endpoint) {
		const h = state.endpoint.health;
		steps.push({label: h === 'ok' ? 'endpoint healthy' : `endpoint ${h ?? 'probing'}`, ms: null, current: false, tone: h === 'ok' ? 'ok' : h === null ? 'muted' : 'error', detail: null});
	}
	const notSeen = initNotSeen(state);
	const start = state.firstTs ?? pods.reduce<number | null>((m, p) => (p.createdAt !== null && (m === null || p.createdAt < m) ? p.createdAt : m), null);
	return {
		where: describeTitle(title),
		podsReady,
		podsTotal: pods.length,
		ranksReady: procs.filter(p => p.state === 'ready').length,
		// ranks the world promises count before they log, as the Ranks pane lists them; a process
		// that has not printed its rank yet is one of them, not an extra one
		ranksTotal: worldSize(state) === null ? null : procs.length + unseenWorldRanks(state).length,
		phase,
		steps,
		initNotSeen: notSeen ? initNotSeenText(notSeen) : null,
		elapsedMs: start !== null ? Math.max(0, (state.ended && state.lastTs !== null ? Math.min(now, state.lastTs) : now) - start) : null,
		ended: state.ended,
	};
}
