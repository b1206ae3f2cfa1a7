/**
 * `endpoint-unhealthy`: `/health` is not 200, the endpoint is unreachable, or it
 * refuses our credentials.
 *
 * Severity follows what a rollout looks like: vLLM's API server binds only after
 * weights, KV-cache profiling and graph capture (often minutes), so until then
 * connection refused is normal — a warning while the logs say the engine is still
 * starting. It is an error once the endpoint was ok before (an outage), when the
 * logs say it should be serving or failed, when nothing tells us it is starting
 * and it has failed for more than a few probes, or for 401/403 (waiting fixes
 * nothing).
 */
import type {Rule} from './types.js';
import {derivePhase, phaseOrder} from '../model/phase.js';
import type {Phase} from '../model/state.js';

/** probes in a row before an endpoint with no sign of starting is called down */
export const failuresBeforeError = 3;

/** the phases before vLLM's API server is up: a closed port is normal there */
const startingPhases: ReadonlySet<Phase> = new Set(phaseOrder.slice(phaseOrder.indexOf('pending'), phaseOrder.indexOf('serving')));

export const endpointUnhealthy: Rule = state => {
	const ep = state.endpoint;
	if (!ep || (ep.health !== 'unhealthy' && ep.health !== 'unreachable' && ep.health !== 'unauthorized')) return [];
	const subject = `vLLM endpoint ${ep.url}`;
	const why = ep.reason ?? `the endpoint is ${ep.health}`;
	if (ep.health === 'unauthorized') {
		return [{id: 'endpoint-unhealthy', severity: 'error', subject, message: `${why}.`}];
	}
	const phase = state.engine?.dead ? 'failed' : derivePhase(state);
	const failures = ep.consecutiveFailures ?? 1;
	const wasOk = ep.everOkAt != null;
	if (!wasOk && startingPhases.has(phase)) {
		return [
			{
				id: 'endpoint-unhealthy',
				severity: 'warn',
				subject,
				message: `${why}. Normal while vLLM starts (phase: ${phase}): its API server binds only after weights, KV-cache profiling and graph capture.`,
			},
		];
	}
	if (!wasOk && phase !== 'serving' && phase !== 'failed' && failures <= failuresBeforeError) {
		return [
			{
				id: 'endpoint-unhealthy',
				severity: 'warn',
				subject,
				message: `${why} (${failures} probe${failures === 1 ? '' : 's'} so far). If the server is still starting this is normal; it becomes an error after ${failuresBeforeError}.`,
			},
		];
	}
	const context = wasOk
		? 'it answered before: an outage'
		: phase === 'serving'
			? 'the logs say the server is serving'
			: phase === 'failed'
				? 'the rollout failed (see the errors above)'
				: `${failures} probes in a row`;
	const fix =
		ep.health === 'unhealthy'
			? 'vLLM answers 503 once its engine is dead and exits ~5 s later; the first error in the leader\'s log is the cause.'
			: 'check the pod is running and the Service/port point at the API server (kubectl get endpoints).';
	return [{id: 'endpoint-unhealthy', severity: 'error', subject, message: `${why} — ${context}. Fix: ${fix}`}];
};
