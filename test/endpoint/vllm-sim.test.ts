import {afterEach, describe, expect, it, vi} from 'vitest';
import {startVllmSim, type VllmSim} from '../../source/sim/vllm-server.js';
import {parsePromText} from '../../source/sources/endpoint/prom-text.js';
import {extractVllm} from '../../source/sources/endpoint/vllm-metrics.js';
import {fakeClock} from './helpers.js';

const sims: VllmSim[] = [];
afterEach(async () => {
	for (const s of sims.splice(0)) await s.close();
});
async function sim(opts: Parameters<typeof startVllmSim>[0] = {}) {
	const s = await startVllmSim(opts);
	sims.push(s);
	return s;
}
const get = (url: string, init?: RequestInit) => fetch(url, init);

describe('simulated vLLM server', () => {
	it('/metrics is strict Prometheus text with v0.11 names and engine labels', async () => {
		const s = await sim({metricsFlavor: 'v0.11'});
		const res = await get(`${s.url}/metrics`);
		expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
		const text = await res.text();
		const r = parsePromText(text);
		if (!r.ok) throw new Error(r.error);
		const names = [...r.doc.byName.keys()];
		expect(names).toEqual(expect.arrayContaining(['vllm:kv_cache_usage_perc', 'vllm:prefix_cache_hits_total', 'vllm:inter_token_latency_seconds_bucket', 'vllm:generation_tokens_created']));
		expect(names).not.toContain('vllm:gpu_cache_usage_perc');
		expect(r.doc.byName.get('vllm:num_requests_running')!.map(x => x.labels['engine'])).toEqual(['0', '1']);
		expect(text).toContain('# TYPE vllm:generation_tokens_total counter\n');
		expect(text).toContain('# TYPE vllm:generation_tokens_created gauge\n');
	});

	it('/metrics with v0.8 names, model_name only', async () => {
		const s = await sim({metricsFlavor: 'v0.8'});
		const r = parsePromText(await (await get(`${s.url}/metrics`)).text());
		if (!r.ok) throw new Error(r.error);
		const names = [...r.doc.byName.keys()];
		expect(names).toEqual(expect.arrayContaining(['vllm:gpu_cache_usage_perc', 'vllm:gpu_prefix_cache_queries_total', 'vllm:time_per_output_token_seconds_bucket']));
		expect(names).not.toContain('vllm:kv_cache_usage_perc');
		expect(r.doc.byName.get('vllm:num_requests_running')![0]!.labels).toEqual({model_name: 'meta-llama/Llama-3.1-8B-Instruct'});
	});

	it('counters and buckets move with the load while serving, and freeze when stalled', async () => {
		const clock = fakeClock();
		const s = await sim({clock: clock.now});
		const scrape = async () => {
			const r = parsePromText(await (await get(`${s.url}/metrics`)).text());
			if (!r.ok) throw new Error(r.error);
			return extractVllm(r.doc, clock.now());
		};
		const a = await scrape();
		clock.advance(1000);
		const b = await scrape();
		expect(b.generationTokens! - a.generationTokens!).toBe(s.load.generationTokensPerSec);
		expect(b.ttft!.count - a.ttft!.count).toBe(s.load.ttftPerSec);
		await s.setMode('stalled');
		clock.advance(5000);
		const c = await scrape();
		expect(c.generationTokens).toBe(b.generationTokens);
		expect(c.ttft!.count).toBe(b.ttft!.count);
		expect(c.requestsRunning).toBeGreaterThan(0);
		expect(c.requestsWaiting).toBeGreaterThan(b.requestsWaiting!);
		expect((await get(`${s.url}/health`)).status).toBe(200);
	});

	it('--api-key guards only /v1/*', async () => {
		const s = await sim({token: 'k-123'});
		const health = await get(`${s.url}/health`);
		expect(health.status).toBe(200);
		expect(await health.text()).toBe('');
		expect((await get(`${s.url}/version`)).status).toBe(200);
		expect((await get(`${s.url}/metrics`)).status).toBe(200);
		const denied = await get(`${s.url}/v1/models`);
		expect(denied.status).toBe(401);
		expect(await denied.json()).toEqual({error: 'Unauthorized'});
		const ok = await get(`${s.url}/v1/models`, {headers: {authorization: 'Bearer k-123'}});
		expect(ok.status).toBe(200);
		const list = (await ok.json()) as {object: string; data: {id: string; object: string; owned_by: string; max_model_len: number}[]};
		expect(list).toMatchObject({object: 'list', data: [{id: 'meta-llama/Llama-3.1-8B-Instruct', object: 'model', owned_by: 'vllm', max_model_len: 32768}]});
		const done = await get(`${s.url}/v1/completions`, {
			method: 'POST',
			headers: {authorization: 'Bearer k-123', 'content-type': 'application/json'},
			body: JSON.stringify({model: 'meta-llama/Llama-3.1-8B-Instruct', prompt: 'hi', max_tokens: 1}),
		});
		expect(((await done.json()) as {usage: {completion_tokens: number}}).usage.completion_tokens).toBe(1);
	});

	it('dead: /health 503 with an empty body, then the port closes (vLLM exits ~5 s later)', async () => {
		const s = await sim({exitAfterMs: 200});
		await s.setMode('dead');
		const r = await get(`${s.url}/health`);
		expect(r.status).toBe(503);
		expect(await r.text()).toBe('');
		await vi.waitFor(() => expect(s.mode).toBe('exited'), {timeout: 5000});
		await expect(get(`${s.url}/health`)).rejects.toThrow();
	});

	it('starting: the port refuses connections; serving opens the same port', async () => {
		const s = await sim({mode: 'starting'});
		const url = s.url;
		await expect(get(`${url}/health`)).rejects.toThrow();
		await s.setMode('serving');
		expect(s.url).toBe(url);
		expect((await get(`${url}/health`)).status).toBe(200);
	});
});
