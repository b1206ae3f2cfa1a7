/**
 * The rollout gate must not pass on the wrong service (issue 16, "the gate and the
 * flags"): `/health` 200 is not "vLLM answered". Real HTTP servers on 127.0.0.1:
 * an nginx welcome page on every path, random bytes on every path, a server with
 * an OpenAI model list but no vLLM metrics, and the simulated vLLM (which passes).
 * Also: one missed probe does not fail a gate whose finding says misses become an
 * error only after a few, and `replay --endpoint` probes the endpoint.
 */
import {randomBytes} from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/check.js';
import {failuresBeforeError} from '../../source/findings/endpoint-unhealthy.js';
import {toOptions} from '../../source/core/options.js';
import {startVllmSim} from '../../source/sim/vllm-server.js';
import {snapshotValidator} from '../view/schema.js';
import {modelList, rawServer} from '../endpoint/helpers.js';
import {testIo} from '../helpers/io.js';
import {sharedPath, skipWithout} from '../helpers/shared.js';

const root = path.resolve(import.meta.dirname, '../..');
// a training run that completed (our own recorded corpus): with an endpoint, the endpoint decides
const completedLogs = path.resolve(root, 'test/fixtures/corpus/nccl-2.28.9-h200x4/tp2x2-two-pods-all');
// a vLLM rollout that reached serving (third-party, in ../shared only)
const servingLog = sharedPath('corpus/public-vllm-lws/04-vllm-0.8.3-lws-ray-2node-tp8-pp2-ib-gdr-serving.log');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

const io = () => testIo();

function checkOpts(url: string, more: {files?: string[]; json?: boolean} = {}) {
	const r = toOptions(['check'], {files: more.files ?? [completedLogs], endpoint: url, probeInterval: '100ms', timeout: '10s', json: more.json}, {LANG: 'C.UTF-8'});
	if (!r.ok) throw new Error(r.errors.join('; '));
	return r.options;
}

const lastLine = (s: string) => s.trim().split('\n').at(-1) ?? '';

async function serve(handler: http.RequestListener) {
	const srv = await rawServer(handler);
	cleanups.push(() => srv.close());
	return srv;
}

const nginxPage =
	'<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n' + '<p>If you see this page, the nginx web server is successfully installed and working.</p>\n</body>\n</html>\n';

describe('check --files LOG --endpoint URL: healthy means a vLLM answered', () => {
	it('an nginx welcome page on every path: exit 1, not-vllm (not "OK completed, endpoint healthy")', async () => {
		const srv = await serve((_q, s) => {
			s.writeHead(200, {'content-type': 'text/html', server: 'nginx/1.27.0'});
			s.end(nginxPage);
		});
		const t = io();
		expect(await run(checkOpts(srv.url), t)).toBe(1);
		expect(lastLine(t.out())).toMatch(/^check: FAIL \(endpoint not-vllm: GET \/v1\/models answered an HTML page \(text\/html: "Welcome to nginx!"\)/);
		expect(t.out()).toMatch(/^ERROR endpoint-unhealthy: vLLM endpoint http:\/\/127\.0\.0\.1:\d+\/?: not a vLLM server: /m);
	});

	it('random bytes on every path: exit 1, not-vllm', async () => {
		const srv = await serve((_q, s) => {
			s.writeHead(200, {'content-type': 'application/octet-stream'});
			s.end(randomBytes(512));
		});
		const t = io();
		expect(await run(checkOpts(srv.url), t)).toBe(1);
		expect(lastLine(t.out())).toMatch(/^check: FAIL \(endpoint not-vllm: GET \/v1\/models: not JSON/);
	});

	it('an OpenAI-compatible server with a model list but no vllm:* metrics: exit 1, not-vllm naming /metrics', async () => {
		const srv = await serve((q, s) => {
			if (q.url === '/v1/models') {
				s.writeHead(200, {'content-type': 'application/json'});
				s.end(modelList('gpt-4o-mini'));
				return;
			}
			if (q.url === '/metrics') {
				s.writeHead(200, {'content-type': 'text/plain; version=0.0.4'});
				s.end('# HELP http_requests_total Total requests.\n# TYPE http_requests_total counter\nhttp_requests_total{code="200"} 12.0\n');
				return;
			}
			s.writeHead(200, {'content-type': 'application/json'});
			s.end('{}');
		});
		const t = io();
		expect(await run(checkOpts(srv.url), t)).toBe(1);
		expect(lastLine(t.out())).toMatch(/^check: FAIL \(endpoint not-vllm: GET \/metrics: no vllm:\* metrics/);
	});

	it('an empty model list names no model: not healthy', async () => {
		const sim = await startVllmSim({mode: 'idle'});
		cleanups.push(() => sim.close());
		const srv = await serve((q, s) => {
			if (q.url === '/v1/models') {
				s.writeHead(200, {'content-type': 'application/json'});
				s.end('{"object":"list","data":[]}');
				return;
			}
			forward(sim.url, q, s);
		});
		const t = io();
		expect(await run(checkOpts(srv.url), t)).toBe(1);
		expect(lastLine(t.out())).toMatch(/^check: FAIL \(endpoint not-vllm: GET \/v1\/models: the model list names no model/);
	});

	it('--json: the snapshot keeps the contract (health unhealthy) and says why in endpoint.notVllm', async () => {
		const srv = await serve((_q, s) => {
			s.writeHead(200, {'content-type': 'text/html'});
			s.end(nginxPage);
		});
		const t = io();
		expect(await run(checkOpts(srv.url, {json: true}), t)).toBe(1);
		const snap = JSON.parse(t.out());
		const valid = snapshotValidator();
		expect(valid(snap), JSON.stringify(valid.errors)).toBe(true);
		expect(snap.endpoint.health).toBe('unhealthy');
		expect(snap.endpoint.notVllm).toMatch(/^GET \/v1\/models answered an HTML page/);
		expect(t.err()).toMatch(/^check: FAIL \(endpoint not-vllm: /);
	});

	it('the simulated vLLM still passes: exit 0, endpoint healthy, notVllm null', async () => {
		const sim = await startVllmSim({mode: 'serving'});
		cleanups.push(() => sim.close());
		const t = io();
		expect(await run(checkOpts(sim.url), t)).toBe(0);
		expect(lastLine(t.out())).toMatch(/^check: OK completed, endpoint healthy \(/);
		const j = io();
		expect(await run(checkOpts(sim.url, {json: true}), j)).toBe(0);
		expect(JSON.parse(j.out()).endpoint).toMatchObject({health: 'ok', notVllm: null});
	});
});

/** Pass a request on to the simulated vLLM. */
function forward(to: string, q: http.IncomingMessage, s: http.ServerResponse) {
	const up = http.request(new URL(q.url ?? '/', to), {method: q.method, headers: q.headers}, r => {
		s.writeHead(r.statusCode ?? 502, r.headers);
		r.pipe(s);
	});
	up.on('error', () => s.destroy());
	q.pipe(up);
}

describe('one missed probe is not an error when the finding says a few are', () => {
	it(`a 503 on the first /health, then a healthy vLLM: exit 0 (errors take ${failuresBeforeError} misses in a row)`, async () => {
		const sim = await startVllmSim({mode: 'serving'});
		cleanups.push(() => sim.close());
		let healthAsked = 0;
		const srv = await serve((q, s) => {
			if (q.url === '/health' && healthAsked++ === 0) {
				s.writeHead(503, {'content-length': '0'});
				s.end();
				return;
			}
			forward(sim.url, q, s);
		});
		const t = io();
		expect(await run(checkOpts(srv.url), t)).toBe(0);
		expect(lastLine(t.out())).toMatch(/^check: OK completed, endpoint healthy/);
	});

	it('the logs say serving; one reset connection, then healthy: exit 0', async ctx => {
		skipWithout(ctx, servingLog);
		const sim = await startVllmSim({mode: 'serving'});
		cleanups.push(() => sim.close());
		let healthAsked = 0;
		const srv = await serve((q, s) => {
			if (q.url === '/health' && healthAsked++ === 0) {
				q.socket.destroy();
				return;
			}
			forward(sim.url, q, s);
		});
		const t = io();
		expect(await run(checkOpts(srv.url, {files: [servingLog]}), t)).toBe(0);
		expect(lastLine(t.out())).toMatch(/^check: OK serving, endpoint healthy/);
	});

	it(`a 503 on every probe: exit 1 once ${failuresBeforeError} probes in a row have failed`, async () => {
		let healthAsked = 0;
		const srv = await serve((q, s) => {
			if (q.url === '/health') healthAsked++;
			s.writeHead(503, {'content-length': '0'});
			s.end();
		});
		const t = io();
		expect(await run(checkOpts(srv.url), t)).toBe(1);
		expect(healthAsked).toBeGreaterThanOrEqual(failuresBeforeError);
		expect(t.out()).toMatch(new RegExp(`^ERROR endpoint-unhealthy: .*GET /health answered 503.* — ${failuresBeforeError} probes in a row`, 'm'));
		expect(lastLine(t.out())).toMatch(/^check: FAIL \(endpoint unhealthy: GET \/health answered 503/);
	});
});

describe('replay --endpoint URL probes the endpoint (endpoint flags work with every source)', () => {
	const replayOpts = (flags: Record<string, unknown>) => {
		const r = toOptions(['replay', completedLogs], {speed: 0, json: true, ...flags} as never, {LANG: 'C.UTF-8'});
		if (!r.ok) throw new Error(r.errors.join('; '));
		return r.options;
	};
	const pipe = () => {
		const t = io();
		return {...t, stdout: Object.assign(t.stdout, {isTTY: false})};
	};

	it('the simulated vLLM: the snapshot holds its health and model', async () => {
		const sim = await startVllmSim({mode: 'serving', model: 'Qwen/Qwen2.5-7B-Instruct'});
		cleanups.push(() => sim.close());
		const {run: replay} = await import('../../source/commands/replay.js');
		const t = pipe();
		await replay(replayOpts({endpoint: sim.url}), t);
		expect(JSON.parse(t.out()).endpoint).toMatchObject({url: `${sim.url}/`, health: 'ok', models: ['Qwen/Qwen2.5-7B-Instruct']});
	});

	it('an nginx page: not-vllm in the snapshot and an error finding (exit 1)', async () => {
		const srv = await serve((_q, s) => {
			s.writeHead(200, {'content-type': 'text/html'});
			s.end(nginxPage);
		});
		const {run: replay} = await import('../../source/commands/replay.js');
		const t = pipe();
		expect(await replay(replayOpts({endpoint: srv.url}), t)).toBe(1);
		const snap = JSON.parse(t.out());
		expect(snap.endpoint.notVllm).toMatch(/Welcome to nginx!/);
		expect(snap.findings).toContainEqual(expect.objectContaining({id: 'endpoint-unhealthy', severity: 'error'}));
	});

	it('--service needs a cluster: refused with the reason, not ignored', async () => {
		const {run: replay} = await import('../../source/commands/replay.js');
		await expect(replay(replayOpts({service: 'vllm-leader:8000'}), pipe())).rejects.toThrow(/replay reads saved logs: .*--service needs a cluster/);
	});
});
