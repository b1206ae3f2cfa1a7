/**
 * `endpoint-unhealthy`: `/health` is not 200, the endpoint is unreachable, it
 * refuses our credentials, or what answers is not vLLM.
 *
 * One definition of "down", which the `check` gate follows (it fails on this
 * finding's error, not on one probe's outcome): an endpoint is called down once
 * `failuresBeforeError` probes in a row have failed. One missed probe (a GC pause,
 * a reset connection, a 503 while a replica restarts) is a warning that says how
 * many more make it an error. Severity also follows what a rollout looks like:
 * vLLM's API server binds only after weights, KV-cache profiling and graph capture
 * (often minutes), so while the logs say the engine is still starting and it never
 * answered, a failed probe stays a warning however long (--timeout decides). It is
 * an error at once for 401/403 and for an answer that is not vLLM's from an
 * endpoint that never answered as vLLM (waiting fixes neither), and when the
 * rollout failed (the cause is in the errors above).
 */
import type {Rule} from './types.js';
import {derivePhase, phaseOrder} from '../model/phase.js';
import type {Phase} from '../model/state.js';

/** failed probes in a row that make the endpoint down (an error): the same count for every source and phase */
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
	const wasOk = ep.everOkAt != null;
	if (ep.notVllm && !wasOk) {
		return [
			{
				id: 'endpoint-unhealthy',
				severity: 'error',
				subject,
				message: `not a vLLM server: ${ep.notVllm}. Fix: point --endpoint/--service at vLLM's OpenAI API server (vllm serve --port, 8000 by default), not a proxy's default page or another service.`,
			},
		];
	}
	const phase = state.engine?.dead ? 'failed' : derivePhase(state);
	const failures = ep.consecutiveFailures ?? 1;
	const what = ep.notVllm ? `not answering as vLLM: ${ep.notVllm}` : why;
	if (!wasOk && startingPhases.has(phase)) {
		return [
			{
				id: 'endpoint-unhealthy',
				severity: 'warn',
				subject,
				message: `${what}. Normal while vLLM starts (phase: ${phase}): its API server binds only after weights, KV-cache profiling and graph capture.`,
			},
		];
	}
	if (phase !== 'failed' && failures < failuresBeforeError) {
		return [
			{
				id: 'endpoint-unhealthy',
				severity: 'warn',
				subject,
				message: `${what} (${failures} probe${failures === 1 ? '' : 's'} in a row so far). It becomes an error at ${failuresBeforeError} in a row${wasOk ? ' (it answered before)' : ''}.`,
			},
		];
	}
	const context = [
		`${failures} probe${failures === 1 ? '' : 's'} in a row`,
		wasOk ? 'it answered before: an outage' : phase === 'serving' ? 'the logs say the server is serving' : phase === 'failed' ? 'the rollout failed (see the errors above)' : null,
	].filter(Boolean);
	const fix = ep.notVllm
		? "something other than vLLM answers at this address now (a proxy's page, another service): check the Service/port point at the API server."
		: ep.health === 'unhealthy'
			? "vLLM answers 503 once its engine is dead and exits ~5 s later; the first error in the leader's log is the cause."
			: 'check the pod is running and the Service/port point at the API server (kubectl get endpoints).';
	return [{id: 'endpoint-unhealthy', severity: 'error', subject, message: `${what} — ${context.join('; ')}. Fix: ${fix}`}];
};
