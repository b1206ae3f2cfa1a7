/**
 * The rollout gate's verdict (contract/cli.md, `check`): a pure function of the
 * state, its findings and the phase, so it is the same for saved logs and live,
 * and testable without a process. Lines are plain and greppable:
 *   `ERROR rank-exited: rank 1 (pod0, GPU busId 70): exited with code 3 …`
 *   `check: FAIL (1 error finding)` · `check: OK serving` · `check: TIMEOUT stuck in nccl-init: …`
 */
import type {Finding} from '../findings/types.js';
import type {EndpointHealth, EndpointState, Phase, RolloutState} from '../model/state.js';
import {exitCodes} from '../core/io.js';
import {safeText} from '../core/text-safety.js';

export type Verdict = {kind: 'ok'; code: 0; line: string} | {kind: 'fail'; code: 1; line: string} | {kind: 'waiting'; code: 3; line: string};

/** One finding as a line; its subject and message may quote a log, a file name or a server: sanitised (text-safety.ts). */
export function findingLine(f: Finding): string {
	return safeText(`${f.severity.toUpperCase()} ${f.id}: ${f.subject}: ${f.message}`.replace(/\s*\n\s*/g, ' '));
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** Where a rollout that is not serving is: the phase and what it waits for. */
export function describeStuck(state: RolloutState, phase: Phase): string {
	const what: string[] = [];
	if (phase === 'nccl-init' || phase === 'initialized' || phase === 'starting') {
		for (const c of Object.values(state.comms).sort((a, b) => (a.firstStartAt ?? 0) - (b.firstStartAt ?? 0))) {
			if (c.state !== 'initializing') continue;
			const missing: number[] = [];
			for (let r = 0; r < c.nranks; r++) if (!c.members[r]) missing.push(r);
			what.push(
				`communicator ${c.id} has ${c.ranksStarted}/${c.nranks} ranks (${c.ranksComplete} ready)${missing.length ? `, missing rank${missing.length > 1 ? 's' : ''} ${missing.slice(0, 16).join(', ')}${missing.length > 16 ? ', …' : ''}` : ''}`,
			);
		}
	}
	const e = state.engine;
	if (phase === 'loading-weights' && e?.weightsShards) what.push(`weights ${e.weightsShards.done}/${e.weightsShards.total} shards loaded`);
	if (phase === 'capturing-graphs' && e?.graphCapture) what.push(`CUDA graphs ${e.graphCapture.done}/${e.graphCapture.total} captured`);
	if (phase === 'initialized') what.push('every communicator is ready, but vLLM never reported serving');
	if (phase === 'pending') {
		for (const p of Object.values(state.pods)) if (p.pendingReason) what.push(`pod ${p.name}: ${p.pendingReason}`);
	}
	if (phase === 'unknown') what.push('no NCCL or vLLM line recognised');
	if (state.lastTs !== null && state.source.kind === 'files') what.push(`logs end at ${new Date(state.lastTs).toISOString()}`);
	return `${phase}${what.length ? `: ${what.slice(0, 4).join('; ')}` : ''}`;
}

export interface VerdictInput {
	state: RolloutState;
	findings: readonly Finding[];
	phase: Phase;
	/** with an endpoint: its health, null while not yet known; undefined without one */
	endpoint?: EndpointHealth | null;
}

/**
 * Is an endpoint that answers `/health` 200 doing its work? `/health` alone says
 * nothing about a hung worker (vLLM #11996, #16259), so with requests in flight
 * (`vllm:num_requests_running` + `vllm:num_requests_waiting` > 0) OK needs
 * `vllm:generation_tokens_total` seen rising between the last two scrapes. Until
 * then the gate waits; the reducer calls it `stalled` once `--stall-after` passes
 * with no rise (model/endpoint.ts), which fails the gate.
 */
export type Progress = {proven: true; note: string} | {proven: false; why: string};

export function endpointProgress(ep: EndpointState | null): Progress {
	const m = ep?.metrics ?? null;
	// No /metrics (a proxy that hides it, not vLLM): nothing to prove or disprove; the reducer cannot stall it either.
	if (!m) return {proven: true, note: 'no /metrics read: token progress not checked'};
	const running = m.requestsRunning ?? 0;
	const waiting = m.requestsWaiting ?? 0;
	if (running + waiting === 0) return {proven: true, note: 'idle: no request running or waiting'};
	const load = `${plural(running, 'request')} running, ${waiting} waiting`;
	if ((m.generationTokensPerSec ?? 0) > 0) return {proven: true, note: `${load}, tokens rising at ${m.generationTokensPerSec!.toFixed(1)}/s`};
	const within = ep?.stallAfterMs !== undefined ? ` (it is called stalled after --stall-after ${Math.round(ep.stallAfterMs / 1000)} s without one)` : '';
	if (m.generationTokensTotal === null) return {proven: false, why: `${load}, and /metrics has no vllm:generation_tokens_total to show tokens moving`};
	return {proven: false, why: `${load}, but no generated token seen yet between two probes${within}`};
}

/** How the gate names the endpoint's state: `not-vllm` when what answered is not vLLM (the health enum has no such value). */
export function endpointLabel(state: RolloutState, endpoint: EndpointHealth | null | undefined): string {
	return endpoint === 'unhealthy' && state.endpoint?.notVllm ? 'not-vllm' : String(endpoint);
}

/**
 * 1 on an error finding (or a failed phase, or a stalled endpoint), 0 when
 * serving/completed (and healthy), else 3. A bad probe fails the gate only through
 * the `endpoint-unhealthy` finding's error, so the gate and the finding share one
 * definition of "down" (findings/endpoint-unhealthy.ts: so many probes in a row,
 * at once for 401/403 or a server that is not vLLM); until then the gate waits.
 */
export function verdict(input: VerdictInput): Verdict {
	// the line quotes pod names, pending reasons and the endpoint's reason: sanitised before it is printed
	const v = verdictOf(input);
	return {...v, line: safeText(v.line)} as Verdict;
}

function verdictOf({state, findings, phase, endpoint}: VerdictInput): Verdict {
	const errors = findings.filter(f => f.severity === 'error');
	const endpointSays = (h: string) => `check: FAIL (endpoint ${h}${state.endpoint?.reason ? `: ${state.endpoint.reason}` : ''})`;
	if (errors.length > 0) {
		// the endpoint alone is failing: say how, as the gate's line (greppable: `endpoint not-vllm`)
		const onlyEndpoint = endpoint !== undefined && endpoint !== null && endpoint !== 'ok' && errors.every(f => f.id === 'endpoint-unhealthy');
		return {kind: 'fail', code: exitCodes.findings, line: onlyEndpoint ? endpointSays(endpointLabel(state, endpoint)) : `check: FAIL (${plural(errors.length, 'error finding')})`};
	}
	if (phase === 'failed') return {kind: 'fail', code: exitCodes.findings, line: 'check: FAIL (the rollout failed)'};
	if (endpoint === 'stalled') return {kind: 'fail', code: exitCodes.findings, line: endpointSays(endpoint)};
	const done = phase === 'serving' || phase === 'completed';
	// With --endpoint/--service the endpoint counts for a completed job too (cli.md: "with an endpoint, healthy").
	if (done && endpoint === undefined) return {kind: 'ok', code: exitCodes.ok, line: `check: OK ${phase}`};
	if (done && endpoint === 'ok') {
		const p = endpointProgress(state.endpoint);
		if (p.proven) return {kind: 'ok', code: exitCodes.ok, line: `check: OK ${phase}, endpoint healthy (${p.note})`};
		return {kind: 'waiting', code: exitCodes.timeout, line: `check: TIMEOUT ${phase}, but the endpoint is not shown to make progress: ${p.why}`};
	}
	if (done)
		return {
			kind: 'waiting',
			code: exitCodes.timeout,
			line: `check: TIMEOUT ${phase}, but the endpoint ${endpoint === null ? 'gave no verdict' : `is ${endpointLabel(state, endpoint)}`}${state.endpoint?.reason ? ` (${state.endpoint.reason})` : ''}`,
		};
	return {kind: 'waiting', code: exitCodes.timeout, line: `check: TIMEOUT stuck in ${describeStuck(state, phase)}`};
}
