/**
 * The prober against a real simulated vLLM server on 127.0.0.1 — once directly,
 * once through the local Kubernetes API server's service proxy (which strips
 * Authorization like a real cluster).
 */
import {existsSync} from 'node:fs';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {KubeConfig} from '@kubernetes/client-node';
import {startVllmSim, type VllmSim} from '../../source/sim/vllm-server.js';
import {startEndpointProber, type EndpointProber} from '../../source/sources/endpoint/prober.js';
import {computeFindings} from '../../source/findings/index.js';
import type {EndpointOptions} from '../../source/core/options.js';
import {endpointOptions, fakeClock, newStore} from './helpers.js';

const apiServerPath = new URL('../../source/sim/api-server.ts', import.meta.url);
const haveApiServer = existsSync(apiServerPath);
if (!haveApiServer) console.warn('prober.test: source/sim/api-server.ts is missing — the service-proxy variant is skipped');

interface Route {
	options: EndpointOptions;
	kube?: {kubeConfig: KubeConfig; namespace: string};
	close(): Promise<void>;
}

const routes: {name: string; enabled: boolean; open(sim: VllmSim, over?: Partial<EndpointOptions>): Promise<Route>}[] = [
	{
		name: 'direct',
		enabled: true,
		async open(sim, over = {}) {
			return {options: endpointOptions({url: sim.url, ...over}), close: async () => {}};
		},
	},
	{
		name: 'through the API server service proxy',
		enabled: haveApiServer,
		async open(sim, over = {}) {
			const {startApiServer} = (await import(apiServerPath.href)) as typeof import('../../source/sim/api-server.js');
			const api = await startApiServer({namespace: 'inference'});
			api.addService({namespace: 'inference', name: 'vllm-leader', port: 8080, selector: {role: 'leader'}, target: sim.url});
			const kubeConfig = new KubeConfig();
			kubeConfig.loadFromFile(api.kubeconfigPath);
			return {
				options: endpointOptions({service: {name: 'vllm-leader', port: '8080'}, ...over}),
				kube: {kubeConfig, namespace: 'inference'},
				close: () => api.close(),
			};
		},
	},
];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(route: (typeof routes)[number], simOpts: Parameters<typeof startVllmSim>[0] = {}, over: Partial<EndpointOptions> = {}, env: Record<string, string> = {}) {
	const clock = fakeClock();
	const sim = await startVllmSim({clock: clock.now, ...simOpts});
	cleanups.push(() => sim.close());
	const r = await route.open(sim, over);
	cleanups.push(() => r.close());
	const store = newStore();
	const prober = (await startEndpointProber({options: r.options, store, env, kube: r.kube, now: clock.now, autoStart: false})) as EndpointProber;
	expect(prober).not.toBeNull();
	cleanups.push(() => prober.stop());
	const probe = async () => {
		await prober.probeOnce();
		store.flush();
		return store.getState().endpoint!;
	};
	return {sim, clock, store, prober, probe};
}

for (const route of routes) {
	describe.skipIf(!route.enabled)(`endpoint prober — ${route.name}`, () => {
		it('serving: models, version, and rates/percentiles from deltas between scrapes (v0.11 names, two engines)', async () => {
			const {clock, probe, prober} = await setup(route, {metricsFlavor: 'v0.11', model: 'llama-8b'});
			expect(prober.describe).toMatch(route.name === 'direct' ? /^http:\/\/127\.0\.0\.1:\d+ \(direct\)$/ : /^service inference\/vllm-leader:8080 via the API server proxy/);
			const first = await probe();
			expect(first).toMatchObject({health: 'ok', lastStatus: 200, models: ['llama-8b'], version: '0.11.0'});
			expect(first.metrics!.generationTokensPerSec).toBeNull(); // one scrape: no rate yet
			clock.advance(2000);
			const ep = await probe();
			const m = ep.metrics!;
			// The sim generates 1000 tok/s and 2000 prompt tok/s; totals hold millions of warm-up tokens.
			expect(m.generationTokensPerSec).toBe(1000);
			expect(m.promptTokensPerSec).toBe(2000);
			expect(m.generationTokensTotal).toBeGreaterThan(4_000_000);
			expect(m.requestsRunning).toBe(6); // summed over engine="0" and engine="1"
			expect(m.kvCacheUsage).toBeCloseTo(0.6); // the fullest engine
			expect(m.prefixCacheHitRate).toBeCloseTo(0.4); // 5% over the warm-up history
			// Live TTFT ≤ 0.25 s; the warm-up history (20k first tokens at 3 s) would put p95 near 5 s.
			expect(m.ttftP95Ms).toBeGreaterThan(0);
			expect(m.ttftP95Ms).toBeLessThanOrEqual(250);
			expect(m.ttftP50Ms!).toBeLessThanOrEqual(m.ttftP95Ms!);
			// 2000 tokens: 5/8 at ≤ 25 ms, 3/8 in (25, 50] ms → p50 22 ms, p95 46.67 ms (interpolated)
			expect(m.itlP50Ms).toBeCloseTo(22, 1);
			expect(m.itlP95Ms).toBeCloseTo(46.67, 1);
			expect(ep.latencyHistory).toHaveLength(2);
			expect(ep.errors).toEqual([]);
		});

		it('v0.8 metric names (gpu_cache_usage_perc, time_per_output_token_seconds, gpu_prefix_cache_*)', async () => {
			const {clock, probe} = await setup(route, {metricsFlavor: 'v0.8'});
			await probe();
			clock.advance(4000);
			const ep = await probe();
			expect(ep.version).toBe('0.8.5');
			expect(ep.metrics).toMatchObject({generationTokensPerSec: 1000, promptTokensPerSec: 2000});
			expect(ep.metrics!.kvCacheUsage).toBeGreaterThan(0);
			expect(ep.metrics!.itlP95Ms).toBeLessThanOrEqual(50);
			expect(ep.metrics!.prefixCacheHitRate).toBeCloseTo(0.4);
		});

		it('engine dies: /health 503 → unhealthy, then the server exits → unreachable; findings are errors', async () => {
			const {sim, clock, store, probe} = await setup(route, {exitAfterMs: 300});
			expect((await probe()).health).toBe('ok');
			await sim.setMode('dead');
			clock.advance(2000);
			const dead = await probe();
			expect(dead).toMatchObject({health: 'unhealthy', lastStatus: 503});
			expect(dead.reason).toMatch(/503/);
			const f1 = computeFindings(store.getState(), clock.now()).filter(f => f.id === 'endpoint-unhealthy');
			expect(f1).toHaveLength(1);
			expect(f1[0]!.severity).toBe('warn'); // one miss after it answered: an error only at failuresBeforeError in a row
			await vi.waitFor(() => expect(sim.mode).toBe('exited'), {timeout: 5000});
			clock.advance(2000);
			const gone = await probe();
			expect(gone.health).toBe('unreachable');
			expect(gone.reason).toMatch(/connection refused/);
			if (route.name !== 'direct') expect(gone.reason).toMatch(/API server's proxy/);
			expect(gone.consecutiveFailures).toBe(2);
			clock.advance(2000);
			expect((await probe()).consecutiveFailures).toBe(3);
			expect(computeFindings(store.getState(), clock.now()).find(f => f.id === 'endpoint-unhealthy')).toMatchObject({severity: 'error', message: expect.stringMatching(/3 probes in a row; it answered before: an outage/)});
		});

		it('stalled: requests run, tokens stop, /health still 200 → stalled + engine-stalled; recovers when tokens flow', async () => {
			const {sim, clock, store, probe} = await setup(route, {}, {stallAfterMs: 5000});
			expect((await probe()).health).toBe('ok');
			await sim.setMode('stalled');
			clock.advance(2000);
			expect((await probe()).health).toBe('ok'); // not yet: 2 s < 5 s
			clock.advance(4000);
			const ep = await probe();
			expect(ep.lastStatus).toBe(200);
			expect(ep.health).toBe('stalled');
			expect(ep.reason).toMatch(/6 requests running .* no token generated for 6 s while \/health still answers 200/);
			const f = computeFindings(store.getState(), clock.now()).find(x => x.id === 'engine-stalled');
			expect(f).toMatchObject({severity: 'error'});
			expect(computeFindings(store.getState(), clock.now()).some(x => x.id === 'endpoint-unhealthy')).toBe(false);
			await sim.setMode('serving');
			clock.advance(2000);
			expect((await probe()).health).toBe('ok');
			expect(computeFindings(store.getState(), clock.now()).some(x => x.id === 'engine-stalled')).toBe(false);
		});

		it('starting (port closed) → unreachable, a warning for the first probes; serving → ok', async () => {
			const {sim, clock, store, probe} = await setup(route, {mode: 'starting'});
			const ep = await probe();
			expect(ep.health).toBe('unreachable');
			expect(computeFindings(store.getState(), clock.now()).find(f => f.id === 'endpoint-unhealthy')!.severity).toBe('warn');
			await sim.setMode('serving');
			clock.advance(2000);
			expect((await probe()).health).toBe('ok');
			expect(computeFindings(store.getState(), clock.now()).some(f => f.id === 'endpoint-unhealthy')).toBe(false);
		});

		it('--api-key: without a token → unauthorized with how to get past it', async () => {
			const {probe, store} = await setup(route, {token: 'sk-sim-0123456789'});
			const ep = await probe();
			expect(ep.health).toBe('unauthorized');
			expect(ep.lastStatus).toBe(200); // /health is open
			if (route.name === 'direct') expect(ep.reason).toMatch(/wants an API key .*--token-file PATH or set INFERTOP_ENDPOINT_TOKEN/);
			else expect(ep.reason).toMatch(/strips Authorization.*kubectl port-forward -n inference svc\/vllm-leader 8000:8080.*--endpoint http:\/\/127\.0\.0\.1:8000 --token-file/);
			expect(computeFindings(store.getState(), 0).find(f => f.id === 'endpoint-unhealthy')!.severity).toBe('error');
		});

		it('--api-key with the token: ok, and the token is nowhere in the state', async () => {
			const token = 'sk-sim-0123456789';
			if (route.name === 'direct') {
				const {probe, store} = await setup(route, {token}, {tokenFromEnv: true}, {INFERTOP_ENDPOINT_TOKEN: token});
				const ep = await probe();
				expect(ep.health).toBe('ok');
				expect(ep.models.length).toBe(1);
				expect(JSON.stringify(store.getState())).not.toContain(token);
			} else {
				// No token can ride the service proxy: it stays unauthorized, and says so.
				const {probe, prober, store} = await setup(route, {token}, {tokenFromEnv: true}, {INFERTOP_ENDPOINT_TOKEN: token});
				expect(prober.describe).toMatch(/the token is not sent: the API server strips Authorization/);
				expect((await probe()).health).toBe('unauthorized');
				expect(JSON.stringify(store.getState())).not.toContain(token);
			}
		});

		it('--probe-completion: a 1-token completion each round, with its latency', async () => {
			const {probe} = await setup(route, {}, {probeCompletion: true});
			const ep = await probe();
			expect(ep.errors).toEqual([]);
			expect(ep.completionLatencyMs).toBeGreaterThan(0);
		});
	});
}

if (!haveApiServer) {
	// Under CI a missing variant fails loudly instead of being skipped silently.
	describe('service-proxy variant', () => {
		it.runIf(Boolean(process.env['CI']))('needs source/sim/api-server.ts', () => {
			expect.fail('source/sim/api-server.ts is missing, so the service-proxy tests could not run');
		});
	});
}
