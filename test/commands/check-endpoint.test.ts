/**
 * `infertop check --files LOG --endpoint URL`: the logs say serving; the gate also
 * waits for the endpoint's verdict (a real HTTP server on 127.0.0.1 playing vLLM).
 * The serving log is third-party (public-vllm-lws), read from ../shared only.
 */
import {existsSync} from 'node:fs';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/check.js';
import type {Io} from '../../source/commands/io.js';
import {toOptions} from '../../source/options.js';
import {startVllmSim, type VllmSim} from '../../source/sim/vllm-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const servingLog = path.resolve(root, '../shared/corpus/public-vllm-lws/04-vllm-0.8.3-lws-ray-2node-tp8-pp2-ib-gdr-serving.log');
const haveLog = existsSync(servingLog);
if (!haveLog) console.warn(`skipping check --endpoint tests: ${servingLog} is absent (third-party logs live only in ../shared)`);

let sim: VllmSim | null = null;
afterEach(async () => {
	await sim?.close();
	sim = null;
});

function io(): Io & {out(): string} {
	const stdout = new PassThrough();
	let out = '';
	stdout.on('data', d => (out += d));
	return {stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, signal: new AbortController().signal, out: () => out};
}

function opts(url: string, timeout: string) {
	const r = toOptions(['check'], {files: [servingLog], endpoint: url, probeInterval: '100ms', timeout}, {});
	if (!r.ok) throw new Error(r.errors.join('; '));
	return r.options;
}

const lastLine = (s: string) => s.trim().split('\n').at(-1);

describe.skipIf(!haveLog)('infertop check --files with --endpoint', () => {
	it('serving logs and a healthy endpoint: 0', async () => {
		sim = await startVllmSim({mode: 'serving'});
		const t = io();
		expect(await run(opts(sim.url, '20s'), t)).toBe(0);
		expect(lastLine(t.out())).toBe('check: OK serving, endpoint healthy');
	});

	it('an endpoint answering 503 (engine dead): 1 as soon as it is established', async () => {
		sim = await startVllmSim({mode: 'dead', exitAfterMs: 60_000});
		const t = io();
		expect(await run(opts(sim.url, '20s'), t)).toBe(1);
		expect(lastLine(t.out())).toMatch(/^check: FAIL \(/);
	});

	it('the logs say serving but the port is closed: 1 with endpoint-unhealthy named', async () => {
		sim = await startVllmSim({mode: 'starting'});
		const t = io();
		expect(await run(opts(sim.url, '10s'), t)).toBe(1);
		expect(t.out()).toMatch(/^ERROR endpoint-unhealthy: vLLM endpoint http:\/\/127\.0\.0\.1:\d+/m);
	});
});
