import {describe, expect, it} from 'vitest';
import {describeStuck, endpointProgress, findingLine, verdict} from '../../source/commands/check-verdict.js';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {derivePhase} from '../../source/model/phase.js';
import type {EndpointMetrics, EndpointState} from '../../source/model/state.js';
import {addComm, addProc, comm, proc, s, state} from '../helpers/build.js';

/** An endpoint that answered /health 200, with these numbers from its last two scrapes. */
function answered(m: Partial<EndpointMetrics> | null): EndpointState {
	const metrics: EndpointMetrics | null = m && {
		requestsRunning: 0,
		requestsWaiting: 0,
		kvCacheUsage: 0.4,
		promptTokensPerSec: null,
		generationTokensPerSec: null,
		ttftP50Ms: null,
		ttftP95Ms: null,
		itlP50Ms: null,
		itlP95Ms: null,
		preemptions: 0,
		prefixCacheHitRate: null,
		generationTokensTotal: 4_000_000,
		...m,
	};
	return {
		url: 'http://127.0.0.1:8000',
		via: 'direct',
		health: 'ok',
		reason: null,
		lastStatus: 200,
		latencyMs: 2,
		latencyHistory: [2],
		models: ['m'],
		version: '0.12.0',
		metrics,
		lastProbeAt: s(2),
		lastProgressAt: s(1),
		completionLatencyMs: null,
		errors: [],
		stallAfterMs: 30_000,
	};
}

describe('check verdict (pure)', () => {
	it('3 with the stuck communicator named when init never completed', () => {
		const st = state();
		const ps = [0, 1, 2].map(r => addProc(st, proc('pod0', r + 1, {busId: `${6 + r}0`, worldRank: r, state: 'initializing'})));
		addComm(
			st,
			comm(
				'0xc67523877a822df2',
				4,
				ps.map((p, r) => ({proc: p, rank: r, startAt: s(0)})),
			),
		);
		st.lastTs = s(5);
		const phase = derivePhase(st);
		expect(phase).toBe('nccl-init');
		const v = verdict({state: st, findings: computeFindings(st, s(5), defaultFindingOptions), phase});
		expect(v.code).toBe(3);
		expect(v.line).toBe('check: TIMEOUT stuck in nccl-init: communicator 0xc67523877a822df2 has 3/4 ranks (0 ready), missing rank 3; logs end at 2026-11-26T22:00:05.000Z');
	});

	it('1 on an error finding, counting them', () => {
		const st = state();
		addProc(st, proc('pod0', 1, {busId: '70', worldRank: 1, state: 'failed', exitCode: 3, failedAt: s(1)}));
		const findings = computeFindings(st, s(2), defaultFindingOptions);
		const v = verdict({state: st, findings, phase: derivePhase(st)});
		expect(v).toMatchObject({code: 1, line: 'check: FAIL (1 error finding)'});
		expect(findingLine(findings[0]!)).toMatch(/^ERROR rank-exited: rank 1 \(pod0, GPU busId 70\): exited with code 3 at/);
	});

	it('0 for serving or completed without errors; warnings do not fail the gate', () => {
		const st = state();
		const f = [{id: 'gdr-disabled', severity: 'warn' as const, subject: 'x', message: 'y'}];
		expect(verdict({state: st, findings: f, phase: 'serving'})).toMatchObject({code: 0, line: 'check: OK serving'});
		expect(verdict({state: st, findings: [], phase: 'completed'})).toMatchObject({code: 0, line: 'check: OK completed'});
	});

	it('with an endpoint: waits (3) until it is healthy, fails (1) when stalled or when endpoint-unhealthy is an error', () => {
		const st = state();
		expect(verdict({state: st, findings: [], phase: 'serving', endpoint: null}).code).toBe(3);
		expect(verdict({state: st, findings: [], phase: 'serving', endpoint: 'unreachable'}).line).toBe('check: TIMEOUT serving, but the endpoint is unreachable');
		st.endpoint = answered({requestsRunning: 4, generationTokensPerSec: 1000});
		expect(verdict({state: st, findings: [], phase: 'serving', endpoint: 'ok'})).toMatchObject({
			code: 0,
			line: 'check: OK serving, endpoint healthy (4 requests running, 0 waiting, tokens rising at 1000.0/s)',
		});
		expect(verdict({state: st, findings: [], phase: 'loading-weights', endpoint: 'stalled'}).code).toBe(1);
		// a bad probe fails the gate through the finding's severity only: one definition of "down"
		const down = [{id: 'endpoint-unhealthy', severity: 'error' as const, subject: 'vLLM endpoint x', message: 'y'}];
		const once = [{...down[0]!, severity: 'warn' as const}];
		for (const h of ['unhealthy', 'unauthorized', 'unreachable'] as const) {
			expect(verdict({state: st, findings: down, phase: 'loading-weights', endpoint: h}).line).toBe(`check: FAIL (endpoint ${h})`);
			expect(verdict({state: st, findings: once, phase: 'serving', endpoint: h}).code).toBe(3);
		}
	});

	it('a 200 from /health with requests running is not OK until tokens are seen rising', () => {
		const st = state();
		// the first probe: no rate yet (one scrape), 6 requests in flight
		st.endpoint = answered({requestsRunning: 6, requestsWaiting: 2, generationTokensPerSec: null});
		const first = verdict({state: st, findings: [], phase: 'serving', endpoint: 'ok'});
		expect(first.code).toBe(3);
		expect(first.line).toBe(
			'check: TIMEOUT serving, but the endpoint is not shown to make progress: 6 requests running, 2 waiting, but no generated token seen yet between two probes (it is called stalled after --stall-after 30 s without one)',
		);
		// later probes, the counter flat: still not OK (the reducer turns it into `stalled` after --stall-after)
		st.endpoint = answered({requestsRunning: 6, requestsWaiting: 2, generationTokensPerSec: 0});
		expect(verdict({state: st, findings: [], phase: 'serving', endpoint: 'ok'}).code).toBe(3);
		expect(verdict({state: st, findings: [], phase: 'serving', endpoint: 'stalled'}).code).toBe(1);
	});

	it('an idle endpoint (nothing running or waiting) is healthy at once', () => {
		const st = state();
		st.endpoint = answered({requestsRunning: 0, requestsWaiting: 0, generationTokensPerSec: null});
		expect(verdict({state: st, findings: [], phase: 'serving', endpoint: 'ok'}).line).toBe('check: OK serving, endpoint healthy (idle: no request running or waiting)');
	});

	it('progress: no /metrics to read cannot be held against the server; no token counter can prove nothing', () => {
		expect(endpointProgress(answered(null))).toEqual({proven: true, note: 'no /metrics read: token progress not checked'});
		expect(endpointProgress(answered({requestsRunning: 1, generationTokensTotal: null}))).toEqual({
			proven: false,
			why: '1 request running, 0 waiting, and /metrics has no vllm:generation_tokens_total to show tokens moving',
		});
	});

	it('with an endpoint, a completed job needs the endpoint too (cli.md: with an endpoint, healthy)', () => {
		const st = state();
		expect(verdict({state: st, findings: [], phase: 'completed', endpoint: null}).code).toBe(3);
		expect(verdict({state: st, findings: [], phase: 'completed', endpoint: 'unreachable'}).code).toBe(3);
		expect(verdict({state: st, findings: [{id: 'endpoint-unhealthy', severity: 'error', subject: 'x', message: 'y'}], phase: 'completed', endpoint: 'unhealthy'}).code).toBe(1);
		st.endpoint = answered({requestsRunning: 0});
		expect(verdict({state: st, findings: [], phase: 'completed', endpoint: 'ok'}).code).toBe(0);
		// without an endpoint nothing changes
		expect(verdict({state: st, findings: [], phase: 'completed'}).line).toBe('check: OK completed');
	});

	it('describes the other phases by what they wait for', () => {
		const st = state();
		expect(describeStuck(st, 'unknown')).toBe('unknown: no NCCL or vLLM line recognised');
		st.engine = {weightsShards: {done: 3, total: 8}} as never;
		expect(describeStuck(st, 'loading-weights')).toBe('loading-weights: weights 3/8 shards loaded');
	});
});
