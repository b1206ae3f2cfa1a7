/**
 * `infertop check --files LOG --endpoint URL`: the logs say serving; the gate also
 * waits for the endpoint's verdict (a real HTTP server on 127.0.0.1 playing vLLM).
 * A `/health` 200 is not enough while requests are in flight: generated tokens must
 * be seen rising between probes, else `stalled` after --stall-after (exit 1).
 * The serving log is third-party (public-vllm-lws), read from ../shared only.
 */
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/check.js';
import {toOptions} from '../../source/core/options.js';
import {startVllmSim, type VllmSim} from '../../source/sim/vllm-server.js';
import {testIo} from '../helpers/io.js';
import {sharedPath, skipWithout} from '../helpers/shared.js';

const root = path.resolve(import.meta.dirname, '../..');
const servingLog = sharedPath('corpus/public-vllm-lws/04-vllm-0.8.3-lws-ray-2node-tp8-pp2-ib-gdr-serving.log');
// a training run that completed (our own recorded corpus)
const completedLogs = path.resolve(root, 'test/fixtures/corpus/nccl-2.28.9-h200x4/tp2x2-two-pods-all');

let sim: VllmSim | null = null;
afterEach(async () => {
	await sim?.close();
	sim = null;
});

function opts(url: string, timeout: string, more: {stallAfter?: string; files?: string[]} = {}) {
	const r = toOptions(['check'], {files: more.files ?? [servingLog], endpoint: url, probeInterval: '100ms', timeout, ...(more.stallAfter ? {stallAfter: more.stallAfter} : {})}, {});
	if (!r.ok) throw new Error(r.errors.join('; '));
	return r.options;
}

const lastLine = (s: string) => s.trim().split('\n').at(-1);

describe('infertop check --files with --endpoint', () => {
	beforeEach(ctx => skipWithout(ctx, servingLog));
	it('serving logs and an endpoint whose tokens rise between probes: 0', async () => {
		sim = await startVllmSim({mode: 'serving'});
		const t = testIo();
		expect(await run(opts(sim.url, '20s'), t)).toBe(0);
		expect(lastLine(t.out())).toMatch(/^check: OK serving, endpoint healthy \(\d+ requests running, \d+ waiting, tokens rising at [\d.]+\/s\)$/);
	});

	it('the same with a 0.12+ server (kv_cache_usage_perc, inter_token_latency_seconds, waiting by reason): 0', async () => {
		sim = await startVllmSim({mode: 'serving', metricsFlavor: 'v0.12+', waitingByReason: true, sleepState: 'awake'});
		const t = testIo();
		expect(await run(opts(sim.url, '20s'), t)).toBe(0);
		expect(lastLine(t.out())).toMatch(/^check: OK serving, endpoint healthy \(.*tokens rising/);
	});

	it('an idle endpoint (no request running or waiting): 0 at once, nothing to prove', async () => {
		sim = await startVllmSim({mode: 'idle'});
		const t = testIo();
		expect(await run(opts(sim.url, '20s'), t)).toBe(0);
		expect(lastLine(t.out())).toBe('check: OK serving, endpoint healthy (idle: no request running or waiting)');
	});

	it('a stalled engine (requests running, tokens flat, /health 200): 1, and engine-stalled says why', async () => {
		sim = await startVllmSim({mode: 'stalled'});
		const t = testIo();
		const started = Date.now();
		expect(await run(opts(sim.url, '20s', {stallAfter: '1s'}), t)).toBe(1);
		// not at the first probe: only once --stall-after has passed with no token
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(t.out()).toMatch(/^ERROR engine-stalled: vLLM endpoint http:\/\/127\.0\.0\.1:\d+ \(meta-llama\/Llama-3\.1-8B-Instruct\): 6 requests running and \d+ waiting, but no token generated for \d+ s while \/health still answers 200\./m);
		expect(lastLine(t.out())).toBe('check: FAIL (1 error finding)');
	});

	it('a stalled engine is never OK on a first 200: before --stall-after runs out, it is a timeout (3) that says no token was seen', async () => {
		sim = await startVllmSim({mode: 'stalled'});
		const t = testIo();
		expect(await run(opts(sim.url, '1s', {stallAfter: '60s'}), t)).toBe(3);
		expect(lastLine(t.out())).toMatch(
			/^check: TIMEOUT serving, but the endpoint is not shown to make progress: 6 requests running, \d+ waiting, but no generated token seen yet between two probes \(it is called stalled after --stall-after 60 s without one\)$/,
		);
	});

	it('an endpoint answering 503 (engine dead): 1 as soon as it is established', async () => {
		sim = await startVllmSim({mode: 'dead', exitAfterMs: 60_000});
		const t = testIo();
		expect(await run(opts(sim.url, '20s'), t)).toBe(1);
		expect(lastLine(t.out())).toMatch(/^check: FAIL \(/);
	});

	it('the logs say serving but the port is closed: 1 with endpoint-unhealthy named', async () => {
		sim = await startVllmSim({mode: 'starting'});
		const t = testIo();
		expect(await run(opts(sim.url, '10s'), t)).toBe(1);
		expect(t.out()).toMatch(/^ERROR endpoint-unhealthy: vLLM endpoint http:\/\/127\.0\.0\.1:\d+/m);
	});
});

describe('infertop check --files COMPLETED-RUN with --endpoint: the endpoint counts too', () => {
	it('a healthy endpoint: 0', async () => {
		sim = await startVllmSim({mode: 'serving'});
		const t = testIo();
		expect(await run(opts(sim.url, '20s', {files: [completedLogs]}), t)).toBe(0);
		expect(lastLine(t.out())).toMatch(/^check: OK completed, endpoint healthy \(/);
	});

	it('an endpoint answering 503: 1, not OK for having completed', async () => {
		sim = await startVllmSim({mode: 'dead', exitAfterMs: 60_000});
		const t = testIo();
		expect(await run(opts(sim.url, '20s', {files: [completedLogs]}), t)).toBe(1);
		expect(lastLine(t.out())).toMatch(/^check: FAIL \(endpoint unhealthy: GET \/health answered 503: vLLM says its engine is dead/);
	});

	it('an endpoint whose port is closed: 1 once it has failed a few probes', async () => {
		sim = await startVllmSim({mode: 'starting'});
		const t = testIo();
		expect(await run(opts(sim.url, '20s', {files: [completedLogs]}), t)).toBe(1);
		expect(t.out()).toMatch(/^ERROR endpoint-unhealthy: /m);
	});
});
