/**
 * The reducer's history (stalled, failures in a row) and the two findings'
 * severities, from probe events as the prober dispatches them.
 */
import {describe, expect, it} from 'vitest';
import {reduce} from '../../source/model/reduce.js';
import {emptyState, emptyPod, type EndpointMetrics, type RolloutState} from '../../source/model/state.js';
import {emptyEngine} from '../../source/model/engine.js';
import type {EndpointProbe} from '../../source/core/probe-types.js';
import {endpointUnhealthy, failuresBeforeError} from '../../source/findings/endpoint-unhealthy.js';
import {engineStalled} from '../../source/findings/engine-stalled.js';
import {defaultFindingOptions} from '../../source/findings/types.js';

const metrics = (over: Partial<EndpointMetrics> = {}): EndpointMetrics => ({
	requestsRunning: 0,
	requestsWaiting: 0,
	kvCacheUsage: 0.2,
	promptTokensPerSec: null,
	generationTokensPerSec: null,
	ttftP50Ms: null,
	ttftP95Ms: null,
	itlP50Ms: null,
	itlP95Ms: null,
	preemptions: 0,
	prefixCacheHitRate: null,
	generationTokensTotal: 100,
	...over,
});

function probe(at: number, over: Partial<EndpointProbe> = {}): {type: 'endpoint-probe'; probe: EndpointProbe} {
	return {
		type: 'endpoint-probe',
		probe: {
			url: 'http://127.0.0.1:8000',
			via: 'http://127.0.0.1:8000 (direct)',
			at,
			stallAfterMs: 30_000,
			outcome: 'ok',
			reason: null,
			healthStatus: 200,
			healthLatencyMs: 3,
			models: ['m'],
			version: '0.11.0',
			metrics: metrics(),
			completionLatencyMs: null,
			errors: [],
			...over,
		},
	};
}
const refused = (at: number) => probe(at, {outcome: 'unreachable', reason: 'GET /health: connection refused (127.0.0.1:8000)', healthStatus: null, healthLatencyMs: null, models: null, version: null, metrics: null});
const run = (s: RolloutState, ...events: ReturnType<typeof probe>[]) => events.reduce((acc, e) => reduce(acc, e), s);
const unhealthy = (s: RolloutState) => endpointUnhealthy(s, 0, defaultFindingOptions);

function withEngine(milestones: Record<string, number>): RolloutState {
	const s = emptyState({kind: 'kubernetes', context: null, namespace: 'ns', selector: null});
	const pod = {...emptyPod('vllm-0'), phase: 'Running'};
	return {...s, pods: {'vllm-0': pod}, engine: {...emptyEngine(), milestones}};
}

describe('endpoint-unhealthy severity follows the rollout', () => {
	it('refused while the logs say vLLM is loading weights: a warning, however long', () => {
		let s = withEngine({configSeen: 1, weightsStart: 2});
		for (let i = 0; i < 20; i++) s = reduce(s, refused(i * 2000));
		const f = unhealthy(s);
		expect(f).toHaveLength(1);
		expect(f[0]!.severity).toBe('warn');
		expect(f[0]!.message).toMatch(/Normal while vLLM starts \(phase: loading-weights\)/);
	});

	it('refused while the logs say serving: an error after a few probes', () => {
		let s = withEngine({serving: 1});
		for (let i = 0; i <= failuresBeforeError; i++) s = reduce(s, refused(i * 2000));
		expect(unhealthy(s)[0]!.severity).toBe('error');
		expect(unhealthy(s)[0]!.message).toMatch(/the logs say the server is serving/);
	});

	it('no logs at all: a warning for the first probes, then an error', () => {
		let s = emptyState({kind: 'stdin'});
		s = reduce(s, refused(0));
		expect(unhealthy(s)[0]!.severity).toBe('warn');
		for (let i = 1; i <= failuresBeforeError; i++) s = reduce(s, refused(i * 2000));
		expect(s.endpoint!.consecutiveFailures).toBe(failuresBeforeError + 1);
		expect(unhealthy(s)[0]!.severity).toBe('error');
	});

	it('ok before, then refused: an outage — an error at failuresBeforeError in a row, even if the logs look like a restart', () => {
		let s = run(withEngine({configSeen: 1}), probe(0), refused(2000));
		expect(s.endpoint!.everOkAt).toBe(0);
		expect(unhealthy(s)[0]!.severity).toBe('warn'); // one miss: the gate does not fail on it either
		for (let i = 2; i <= failuresBeforeError; i++) s = reduce(s, refused(i * 2000));
		expect(unhealthy(s)[0]!.severity).toBe('error');
		expect(unhealthy(s)[0]!.message).toMatch(/it answered before: an outage/);
	});

	it('ok clears it; failures reset', () => {
		const s = run(emptyState({kind: 'stdin'}), refused(0), refused(2000), probe(4000));
		expect(unhealthy(s)).toEqual([]);
		expect(s.endpoint).toMatchObject({consecutiveFailures: 0, failingSince: null, health: 'ok'});
	});

	it('unauthorized is an error at once (waiting fixes nothing)', () => {
		const s = run(emptyState({kind: 'stdin'}), probe(0, {outcome: 'unauthorized', reason: 'GET /v1/models answered 401: the server wants an API key'}));
		expect(unhealthy(s)).toEqual([expect.objectContaining({severity: 'error', message: 'GET /v1/models answered 401: the server wants an API key.'})]);
	});
});

describe('stalled (reducer) and engine-stalled', () => {
	const busy = (at: number, gen: number, stallAfterMs = 10_000) => probe(at, {stallAfterMs, metrics: metrics({requestsRunning: 3, requestsWaiting: 1, generationTokensTotal: gen})});

	it('running requests and a flat token counter for stallAfterMs → stalled while /health is 200', () => {
		const s = run(emptyState({kind: 'stdin'}), busy(0, 100), busy(4000, 100), busy(8000, 100));
		expect(s.endpoint!.health).toBe('ok');
		const t = run(s, busy(10_000, 100));
		expect(t.endpoint).toMatchObject({health: 'stalled', lastStatus: 200, lastProgressAt: 0});
		expect(engineStalled(t, 10_000, defaultFindingOptions)).toEqual([expect.objectContaining({id: 'engine-stalled', severity: 'error', subject: 'vLLM endpoint http://127.0.0.1:8000 (m)'})]);
		expect(endpointUnhealthy(t, 10_000, defaultFindingOptions)).toEqual([]);
	});

	it('tokens rising, or nothing to do, is never stalled', () => {
		const rising = run(emptyState({kind: 'stdin'}), busy(0, 100), busy(20_000, 101), busy(40_000, 102));
		expect(rising.endpoint!.health).toBe('ok');
		const idle = run(emptyState({kind: 'stdin'}), probe(0), probe(20_000), probe(40_000));
		expect(idle.endpoint!.health).toBe('ok');
		expect(idle.endpoint!.lastProgressAt).toBe(40_000);
	});

	it('a scrape that failed keeps the last metrics but does not call it stalled on stale numbers', () => {
		const s = run(emptyState({kind: 'stdin'}), busy(0, 100), probe(20_000, {stallAfterMs: 10_000, metrics: null, errors: ['GET /metrics: timeout']}));
		expect(s.endpoint!.health).toBe('ok');
		expect(s.endpoint!.metricsAt).toBe(0);
		expect(s.endpoint!.errors).toEqual(['GET /metrics: timeout']);
	});

	it('a failed scrape during a stall keeps it stalled (no evidence of progress)', () => {
		const s = run(emptyState({kind: 'stdin'}), busy(0, 100), busy(10_000, 100), probe(12_000, {stallAfterMs: 10_000, metrics: null, errors: ['GET /metrics: timeout']}));
		expect(s.endpoint!.health).toBe('stalled');
		expect(run(s, busy(14_000, 150)).endpoint!.health).toBe('ok');
	});

	it('no token counter: requests waiting and every rank log silent (live cluster) → stalled', () => {
		let s = withEngine({serving: 1});
		s = {...s, pods: {'vllm-0': {...s.pods['vllm-0']!, lastLineAt: 1000}}};
		const noCounter = (at: number) => probe(at, {stallAfterMs: 10_000, metrics: metrics({requestsWaiting: 4, generationTokensTotal: null})});
		expect(run(s, noCounter(5000)).endpoint!.health).toBe('ok');
		const t = run(s, noCounter(12_000));
		expect(t.endpoint!.health).toBe('stalled');
		expect(t.endpoint!.reason).toBe("4 requests waiting and every rank's log silent for 11 s while /health still answers 200");
	});

	it('the latency history is bounded', () => {
		let s = emptyState({kind: 'stdin'});
		for (let i = 0; i < 300; i++) s = reduce(s, probe(i * 2000));
		expect(s.endpoint!.latencyHistory.length).toBe(120);
	});
});
