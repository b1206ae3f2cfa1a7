/**
 * Folds endpoint probes into `state.endpoint`. The prober classifies each round
 * (ok / unhealthy / unreachable / unauthorized); this adds what needs history:
 *
 * - `stalled`: `/health` says 200 but the engine makes no progress — requests are
 *   running or waiting while `vllm:generation_tokens_total` has not risen for
 *   `stallAfterMs`, or (live cluster, no token counter to read) requests wait while
 *   every rank's log has been silent that long. vLLM's health check only notices a
 *   dead engine, not a hung tensor-parallel worker (vLLM issues #11996, #16259).
 * - failure bookkeeping the `endpoint-unhealthy` finding needs to tell a server
 *   still starting (connection refused is normal before the API server binds)
 *   from an outage (it was ok before).
 */
import type {SourceEvent} from '../parse/events.js';
import type {EndpointHealth, EndpointState, RolloutState} from './state.js';

const latencyHistoryMax = 120;
const errorsMax = 10;

type ProbeEvent = Extract<SourceEvent, {type: 'endpoint-probe'}>;

/** The latest log line of any pod or rank (kubelet clock), or null when no log was read. */
function lastLogAt(state: RolloutState): number | null {
	let last: number | null = null;
	for (const p of Object.values(state.pods)) if (!p.deleted && p.lastLineAt !== null && (last === null || p.lastLineAt > last)) last = p.lastLineAt;
	for (const p of Object.values(state.procs)) if (p.lastLineAt !== null && (last === null || p.lastLineAt > last)) last = p.lastLineAt;
	return last;
}

export function reduceEndpoint(state: RolloutState, event: ProbeEvent): RolloutState {
	const p = event.probe;
	const prev = state.endpoint && state.endpoint.url === p.url ? state.endpoint : null;
	const ok = p.outcome === 'ok';

	const metrics = p.metrics ?? prev?.metrics ?? null;
	const metricsAt = p.metrics ? p.at : (prev?.metricsAt ?? null);

	// Progress: tokens rose since the last scrape, a counter reset (restart), or nothing to do.
	let lastProgressAt = prev?.lastProgressAt ?? null;
	if (!ok) lastProgressAt = null;
	else if (p.metrics) {
		const m = p.metrics;
		const outstanding = (m.requestsRunning ?? 0) + (m.requestsWaiting ?? 0) > 0;
		const gen = m.generationTokensTotal;
		const prevGen = prev?.metrics?.generationTokensTotal ?? null;
		if (!outstanding || lastProgressAt === null || (gen !== null && prevGen !== null && gen !== prevGen)) lastProgressAt = p.at;
	} else if (lastProgressAt === null) lastProgressAt = p.at;

	let health: EndpointHealth = p.outcome;
	let reason = p.reason;
	if (ok && metrics && p.metrics) {
		const running = metrics.requestsRunning ?? 0;
		const waiting = metrics.requestsWaiting ?? 0;
		const quietFor = lastProgressAt === null ? 0 : p.at - lastProgressAt;
		if (running + waiting > 0 && metrics.generationTokensTotal !== null && quietFor >= p.stallAfterMs) {
			health = 'stalled';
			reason = `${running} request${running === 1 ? '' : 's'} running and ${waiting} waiting, but no token generated for ${Math.round(quietFor / 1000)} s ` + `while /health still answers 200`;
		} else if (waiting > 0 && metrics.generationTokensTotal === null && state.source.kind === 'kubernetes') {
			// No token counter to read: fall back to the ranks' logs (kubelet stamps; threshold ≫ clock skew).
			const logAt = lastLogAt(state);
			if (logAt !== null && p.at - logAt >= p.stallAfterMs) {
				health = 'stalled';
				reason = `${waiting} request${waiting === 1 ? '' : 's'} waiting and every rank's log silent for ${Math.round((p.at - logAt) / 1000)} s while /health still answers 200`;
			}
		}
	}

	// A failed scrape is no evidence of progress: a stall stays a stall until tokens are seen again.
	if (ok && !p.metrics && prev?.health === 'stalled') {
		health = 'stalled';
		reason = prev.reason;
	}

	const failing = !ok;
	const latencyHistory = p.healthLatencyMs === null ? (prev?.latencyHistory ?? []) : [...(prev?.latencyHistory ?? []), p.healthLatencyMs].slice(-latencyHistoryMax);
	const next: EndpointState = {
		url: p.url,
		via: p.via,
		health,
		reason,
		lastStatus: p.healthStatus,
		latencyMs: p.healthLatencyMs,
		latencyHistory,
		models: p.models ?? prev?.models ?? [],
		version: p.version ?? prev?.version ?? null,
		metrics,
		lastProbeAt: p.at,
		lastProgressAt,
		completionLatencyMs: p.completionLatencyMs ?? (ok ? (prev?.completionLatencyMs ?? null) : null),
		errors: p.errors.length ? p.errors.slice(0, errorsMax) : [],
		notVllm: p.notVllm ?? null,
		everOkAt: prev?.everOkAt ?? (health === 'ok' || health === 'stalled' ? p.at : null),
		failingSince: failing ? (prev?.failingSince ?? p.at) : null,
		consecutiveFailures: failing ? (prev?.consecutiveFailures ?? 0) + 1 : 0,
		metricsAt,
		stallAfterMs: p.stallAfterMs,
		probes: (prev?.probes ?? 0) + 1,
	};
	return {...state, endpoint: next};
}
