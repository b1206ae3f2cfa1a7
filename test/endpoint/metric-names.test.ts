/**
 * Old and new vLLM metric names (docs/log-formats/vllm.md §2.7), read over real
 * HTTP from the simulated server (127.0.0.1) and from a real `/metrics` answer
 * a user pasted (test/fixtures/public/SOURCES.md).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startEndpointProber, type EndpointProber} from '../../source/sources/endpoint/prober.js';
import {parsePromText} from '../../source/sources/endpoint/prom-text.js';
import {extractVllm} from '../../source/sources/endpoint/vllm-metrics.js';
import {startVllmSim, type VllmSim} from '../../source/sim/vllm-server.js';
import {buildEndpoint} from '../../source/view/endpoint-model.js';
import {toSnapshot} from '../../source/view/snapshot.js';
import {snapshotValidator} from '../view/schema.js';
import {endpointOptions, fakeClock, newStore} from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function probed(simOpts: Parameters<typeof startVllmSim>[0]) {
	const clock = fakeClock();
	const sim: VllmSim = await startVllmSim({clock: clock.now, ...simOpts});
	cleanups.push(() => sim.close());
	const store = newStore();
	const prober = (await startEndpointProber({options: endpointOptions({url: sim.url}), store, env: {}, now: clock.now, autoStart: false})) as EndpointProber;
	cleanups.push(() => prober.stop());
	// two scrapes 30 s apart: rates and percentiles need a baseline
	await prober.probeOnce();
	clock.advance(30_000);
	await prober.probeOnce();
	store.flush();
	const text = await (await fetch(`${sim.url}/metrics`)).text();
	return {state: store.getState(), ep: store.getState().endpoint!, text};
}

describe('the prober reads the names a 0.12+ server serves (over HTTP)', () => {
	it('KV cache use from vllm:kv_cache_usage_perc and ITL from vllm:inter_token_latency_seconds, with no old name served', async () => {
		const {ep, text} = await probed({metricsFlavor: 'v0.12+'});
		expect(text).not.toContain('vllm:gpu_cache_usage_perc');
		expect(text).not.toContain('vllm:time_per_output_token_seconds');
		expect(text).toContain('vllm:kv_cache_usage_perc{model_name=');
		const m = ep.metrics!;
		expect(ep.health).toBe('ok');
		expect(ep.version).toBe('0.12.0');
		// the fuller of the two engines
		expect(m.kvCacheUsage).toBeGreaterThan(0.3);
		// the sim's live inter-token latencies are 12–45 ms (its warm-up history is 600 ms: a total would show that)
		expect(m.itlP50Ms).toBeGreaterThan(12);
		expect(m.itlP95Ms).toBeLessThanOrEqual(50);
		expect(m.generationTokensPerSec).toBeCloseTo(1000, 0);
		expect(m.waitingByReason ?? null).toBeNull();
		expect(m.sleepState ?? null).toBeNull();
	});

	it('the same numbers from a v0.8 server under the old names (gpu_cache_usage_perc, time_per_output_token_seconds)', async () => {
		const {ep, text} = await probed({metricsFlavor: 'v0.8'});
		expect(text).toContain('vllm:gpu_cache_usage_perc{');
		expect(text).not.toContain('vllm:kv_cache_usage_perc');
		expect(ep.metrics!.kvCacheUsage).toBeGreaterThan(0.3);
		expect(ep.metrics!.itlP50Ms).toBeGreaterThan(12);
		expect(ep.metrics!.itlP95Ms).toBeLessThanOrEqual(50);
	});

	it("waiting requests by reason and the engines' sleep state, in the Endpoint pane and the snapshot", async () => {
		const {state, ep, text} = await probed({metricsFlavor: 'v0.12+', waitingByReason: true, sleepState: 'awake', mode: 'stalled'});
		expect(text).toMatch(/^vllm:num_requests_waiting_by_reason\{model_name="[^"]+",engine="0",reason="capacity"\} \d+\.0$/m);
		expect(text).toMatch(/^vllm:engine_sleep_state\{model_name="[^"]+",engine="1",sleep_state="discard_all"\} 0\.0$/m);
		const m = ep.metrics!;
		// the reasons add up to num_requests_waiting (a hung engine: all of them wait for capacity)
		expect(m.requestsWaiting).toBeGreaterThan(0);
		expect(m.waitingByReason).toEqual({capacity: m.requestsWaiting, deferred: 0});
		expect(m.sleepState).toEqual({awake: 2, weights_offloaded: 0, discard_all: 0});

		const rows = Object.fromEntries(buildEndpoint(ep).rows.map(r => [r.label, r.value]));
		expect(rows['waiting reasons']).toBe(`capacity ${m.requestsWaiting}, deferred 0`);
		expect(rows['engine sleep']).toBe('awake (all 2 engines)');

		const snap = toSnapshot(state, [], {now: 0, generatedAt: new Date(0)});
		expect(snap.endpoint).toMatchObject({waitingByReason: {capacity: m.requestsWaiting, deferred: 0}, sleepState: {awake: 2, weights_offloaded: 0, discard_all: 0}});
		expect(snap.endpoint!.metrics).not.toHaveProperty('waitingByReason');
		const validate = snapshotValidator();
		expect(validate(JSON.parse(JSON.stringify(snap))), JSON.stringify(validate.errors)).toBe(true);
	});

	it('engines asleep at different levels are told apart', async () => {
		const {ep} = await probed({metricsFlavor: 'v0.12+', sleepState: 'weights_offloaded', mode: 'idle'});
		expect(ep.metrics!.sleepState).toEqual({awake: 0, weights_offloaded: 2, discard_all: 0});
		expect(buildEndpoint(ep).rows.find(r => r.label === 'engine sleep')!.value).toBe('weights_offloaded (all 2 engines)');
		const mixed = {...ep, metrics: {...ep.metrics!, sleepState: {awake: 1, weights_offloaded: 0, discard_all: 1}}};
		expect(buildEndpoint(mixed).rows.find(r => r.label === 'engine sleep')!.value).toBe('discard_all 1, awake 1');
	});
});

describe('a real /metrics answer with both ITL spellings (vLLM PR #22227, two DP engines)', () => {
	const text = readFileSync(path.resolve(import.meta.dirname, '../fixtures/public/vllm-0.10-metrics-dp2-tpot-and-itl.txt'), 'utf8');

	it("parses: the new histogram's _sum samples before its buckets, per engine", () => {
		const r = parsePromText(text);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const fam = r.doc.families.get('vllm:inter_token_latency_seconds')!;
		expect(fam.type).toBe('histogram');
		expect(fam.samples.map(s => s.name)).toEqual(['vllm:inter_token_latency_seconds_sum', 'vllm:inter_token_latency_seconds_sum', 'vllm:inter_token_latency_seconds_bucket', 'vllm:inter_token_latency_seconds_bucket']);
		expect(r.doc.byName.get('vllm:inter_token_latency_seconds_sum')!.map(s => s.labels['engine'])).toEqual(['0', '1']);
		expect(r.doc.byName.get('vllm:time_per_output_token_seconds_count')![0]!.value).toBe(243);
	});

	it('a histogram cut before its +Inf bucket gives no percentile rather than a wrong one', () => {
		const r = parsePromText(text);
		if (!r.ok) throw new Error(r.error);
		const scrape = extractVllm(r.doc, 0);
		// the new name is there, so the server is read as new-style, but neither histogram is whole in the excerpt
		expect(scrape.flavor).toBe('v0.11+');
		expect(scrape.itl).toBeNull();
	});
});
