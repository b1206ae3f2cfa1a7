/**
 * Servers that misbehave: every case shows what went wrong in the state, and
 * probing goes on. Real HTTP servers on 127.0.0.1.
 */
import type http from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import {startEndpointProber, limits, type EndpointProber} from '../../source/sources/endpoint/prober.js';
import {endpointOptions, modelList, newStore, rawServer} from './helpers.js';

const validMetrics = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 2.0
# HELP vllm:generation_tokens_total Number of generation tokens processed.
# TYPE vllm:generation_tokens_total counter
vllm:generation_tokens_total{engine="0",model_name="m"} 1000.0
`;

type Routes = Record<string, http.RequestListener>;
const ok =
	(body: string, type = 'application/json'): http.RequestListener =>
	(_q, s) => {
		s.writeHead(200, {'content-type': type});
		s.end(body);
	};
const base: Routes = {
	'/health': (_q, s) => {
		s.writeHead(200, {'content-length': '0'});
		s.end();
	},
	'/v1/models': ok(modelList('m')),
	'/version': ok('{"version":"0.11.0"}'),
	'/metrics': ok(validMetrics, 'text/plain; version=0.0.4'),
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function probeServer(routes: Routes, interval = 2000) {
	const all = {...base, ...routes};
	const srv = await rawServer((q, s) => {
		const h = all[(q.url ?? '/').split('?')[0]!];
		if (h) return h(q, s);
		s.writeHead(404);
		s.end();
	});
	cleanups.push(() => srv.close());
	const store = newStore();
	const prober = (await startEndpointProber({options: endpointOptions({url: srv.url, probeIntervalMs: interval}), store, env: {}, autoStart: false})) as EndpointProber;
	cleanups.push(() => prober.stop());
	const probe = async () => {
		await prober.probeOnce();
		store.flush();
		return store.getState().endpoint!;
	};
	return {srv, probe};
}

describe('bad answers from the endpoint', () => {
	it('garbage metrics: reported with a line number; not Prometheus text is not vLLM; the next good scrape is used', async () => {
		let garbage = true;
		const {probe} = await probeServer({
			'/metrics': (_q, s) => {
				s.writeHead(200, {'content-type': 'text/plain'});
				s.end(garbage ? 'vllm:num_requests_running{engine="0" 2.0\n' : validMetrics);
			},
		});
		const ep = await probe();
		expect(ep.health).toBe('unhealthy');
		expect(ep.notVllm).toMatch(/^GET \/metrics: not Prometheus text \(line 1: /);
		expect(ep.metrics).toBeNull();
		expect(ep.errors.join('\n')).toMatch(/GET \/metrics: not valid Prometheus text, line 1: .* this scrape is ignored/);
		garbage = false;
		const next = await probe();
		expect(next.errors).toEqual([]);
		expect(next.metrics!.requestsRunning).toBe(2);
	});

	it('truncated metrics (no final newline) are rejected, not half-read', async () => {
		const {probe} = await probeServer({'/metrics': ok(validMetrics.slice(0, -20), 'text/plain')});
		const ep = await probe();
		expect(ep.metrics).toBeNull();
		expect(ep.errors.join('\n')).toMatch(/does not end with a newline \(truncated\?\)/);
	});

	it('a 50 MB answer is aborted at the byte cap (streamed, no Content-Length)', async () => {
		let sent = 0;
		const {probe} = await probeServer(
			{
				'/metrics': (_q, s) => {
					s.writeHead(200, {'content-type': 'text/plain'});
					const chunk = Buffer.alloc(64 * 1024, 'a');
					const pump = () => {
						while (sent < 50 * 1024 * 1024) {
							sent += chunk.length;
							if (!s.write(chunk)) return void s.once('drain', pump);
						}
						s.end();
					};
					s.on('close', () => (sent = Number.POSITIVE_INFINITY));
					pump();
				},
			},
			5000,
		);
		const ep = await probe();
		expect(ep.health).toBe('unhealthy'); // a failed probe, not a verdict on who answered
		expect(ep.notVllm).toBeNull();
		expect(ep.errors.join('\n')).toMatch(new RegExp(`GET /metrics: answer over the ${limits.metricsBytes}-byte limit \\(aborted`));
	});

	it('a declared 50 MB answer is refused before reading', async () => {
		const {probe} = await probeServer({
			'/v1/models': (_q, s) => {
				s.writeHead(200, {'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024)});
				s.write('{"data":[');
			},
		});
		const ep = await probe();
		expect(ep.errors.join('\n')).toMatch(/GET \/v1\/models: answer of 52428800 bytes is over the 1048576-byte limit \(not read\)/);
	});

	it('a server that trickles bytes times out', async () => {
		const timers: NodeJS.Timeout[] = [];
		cleanups.push(() => timers.forEach(t => clearInterval(t)));
		const {probe} = await probeServer(
			{
				'/health': (_q, s) => {
					s.writeHead(200, {'content-type': 'text/plain'});
					timers.push(setInterval(() => s.write('.'), 50));
				},
			},
			500,
		);
		const ep = await probe();
		expect(ep.health).toBe('unreachable');
		expect(ep.reason).toMatch(/GET \/health: no complete answer within 500 ms/);
		expect((await probe()).consecutiveFailures).toBe(2); // probing goes on
	});

	it('a redirect to another host is not followed, and said', async () => {
		const {probe} = await probeServer({
			'/health': (_q, s) => {
				s.writeHead(302, {location: 'http://login.example.com/sso?token=abc'});
				s.end();
			},
		});
		const ep = await probe();
		expect(ep.health).toBe('unreachable');
		expect(ep.reason).toBe('GET /health: 302 redirect to http://login.example.com/sso — another host, not followed');
	});

	it('a redirect on the same host is followed', async () => {
		const {probe} = await probeServer({
			'/health': (_q, s) => {
				s.writeHead(307, {location: '/healthz'});
				s.end();
			},
			'/healthz': (_q, s) => {
				s.writeHead(200);
				s.end();
			},
		});
		expect((await probe()).health).toBe('ok');
	});

	it("a proxy's HTML error page is not vLLM: unreachable, with the page's title", async () => {
		const {probe} = await probeServer({
			'/health': (_q, s) => {
				s.writeHead(502, {'content-type': 'text/html'});
				s.end('<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>');
			},
		});
		const ep = await probe();
		expect(ep.health).toBe('unreachable');
		expect(ep.lastStatus).toBe(502);
		expect(ep.reason).toMatch(/502 with an HTML page \(text\/html: "502 Bad Gateway"\) — a proxy or gateway in front of vLLM/);
	});

	it('non-JSON /v1/models is reported; it is not vLLM answering', async () => {
		const {probe} = await probeServer({'/v1/models': ok('<html>oops</html>', 'text/html')});
		const ep = await probe();
		expect(ep.health).toBe('unhealthy');
		expect(ep.notVllm).toBe('GET /v1/models answered an HTML page (text/html: "<html>oops</html>"), not vLLM\'s JSON model list');
		expect(ep.models).toEqual([]);
		expect(ep.errors).toContain('GET /v1/models: not JSON (text/html: "<html>oops</html>")');
	});

	it('JSON /v1/models that is not a ModelList is reported', async () => {
		const {probe} = await probeServer({'/v1/models': ok('{"models":["a"]}')});
		expect((await probe()).errors).toContain('GET /v1/models: JSON without a "data" list (not an OpenAI ModelList)');
	});

	it('/metrics without vLLM metrics says so', async () => {
		const {probe} = await probeServer({'/metrics': ok('# TYPE up gauge\nup 1\n', 'text/plain')});
		expect((await probe()).errors).toContain('GET /metrics: no vllm:* metrics in the answer (is this a vLLM server?)');
	});

	it('/health 500 (old vLLM: an unhandled engine error) → unhealthy', async () => {
		const {probe} = await probeServer({
			'/health': (_q, s) => {
				s.writeHead(500, {'content-type': 'text/plain'});
				s.end('Internal Server Error');
			},
		});
		const ep = await probe();
		expect(ep.health).toBe('unhealthy');
		expect(ep.reason).toBe('GET /health answered 500 (text/plain: "Internal Server Error")');
	});

	it('nothing listening → unreachable: connection refused', async () => {
		const srv = await rawServer(() => {});
		const url = srv.url;
		await srv.close();
		const store = newStore();
		const prober = (await startEndpointProber({options: endpointOptions({url}), store, env: {}, autoStart: false}))!;
		cleanups.push(() => prober.stop());
		await prober.probeOnce();
		store.flush();
		expect(store.getState().endpoint!.reason).toMatch(/GET \/health: connection refused \(127\.0\.0\.1:\d+\)/);
	});
});
