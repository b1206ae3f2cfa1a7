/**
 * The local API server is faithful enough for real kubectl: `get pods -w`,
 * `logs -f --timestamps`, `--tail`, 403s as kubectl prints them, and the
 * service proxy (`get --raw …/services/NAME:PORT/proxy/…`). Under CI=true a
 * missing kubectl fails this file instead of skipping it.
 */
import {execFile, spawn} from 'node:child_process';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startApiServer, type SimApiServer} from '../../source/sim/api-server.js';
import {expectedLog, lines, until} from '../kube/helpers.js';

const which = await new Promise<boolean>(resolve => execFile('kubectl', ['version', '--client'], err => resolve(!err)));
if (!which && process.env['CI'] === 'true') throw new Error('kubectl is not installed; CI=true requires it for the API server fidelity tests');
if (!which) console.warn('kubectl not found: skipping the kubectl fidelity tests');

let server: SimApiServer;
const kubectl = (...args: string[]) =>
	new Promise<{code: number; out: string; err: string}>(resolve => execFile('kubectl', ['--kubeconfig', server.kubeconfigPath, ...args], (e, out, err) => resolve({code: e ? ((e as {code?: number}).code ?? 1) : 0, out, err})));

beforeAll(async () => {
	server = await startApiServer();
});
afterAll(async () => {
	await server.close();
});

describe.skipIf(!which)('kubectl against the local API server', () => {
	it('get pods -w sees pods added later', async () => {
		server.cluster.addPod({name: 'watch-a'});
		const w = spawn('kubectl', ['--kubeconfig', server.kubeconfigPath, 'get', 'pods', '-w']);
		let out = '';
		w.stdout.on('data', d => (out += d));
		try {
			await until(() => out.includes('watch-a'), 'initial list');
			// server-side printing (meta.k8s.io Table), as kubectl asks for it
			expect(out).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
			expect(out).toMatch(/watch-a\s+1\/1\s+Running\s+0/);
			server.cluster.addPod({name: 'watch-b'});
			await until(() => out.includes('watch-b'), 'watched pod');
		} finally {
			w.kill();
		}
	});

	it('logs -f --timestamps prints the container log and ends when it stops', async () => {
		server.cluster.addPod({name: 'logs-a'});
		server.cluster.writeLines('logs-a', 'main', lines('early', 20));
		const f = spawn('kubectl', ['--kubeconfig', server.kubeconfigPath, 'logs', '-f', '--timestamps', 'logs-a']);
		let out = '';
		f.stdout.on('data', d => (out += d));
		const exit = new Promise<number | null>(resolve => f.on('exit', resolve));
		await until(() => out.split('\n').length > 20, 'early lines');
		server.cluster.writeLines('logs-a', 'main', lines('late', 20));
		server.cluster.terminateContainer('logs-a');
		expect(await exit).toBe(0);
		expect(out).toBe(expectedLog(server.cluster.container('logs-a').current));
	});

	it('logs --tail and --previous', async () => {
		server.cluster.addPod({name: 'logs-b'});
		server.cluster.writeLines('logs-b', 'main', lines('one', 10));
		server.cluster.restartContainer('logs-b');
		server.cluster.writeLines('logs-b', 'main', lines('two', 10));
		const tail = await kubectl('logs', '--tail=3', 'logs-b');
		expect(tail.out.trim().split('\n')).toEqual(lines('two', 10).slice(-3));
		const prev = await kubectl('logs', '--previous', 'logs-b');
		expect(prev.out.trim().split('\n')).toEqual(lines('one', 10));
	});

	it('a 403 reads as kubectl prints a real one', async () => {
		server.cluster.deny('get', 'pods/log');
		try {
			const r = await kubectl('logs', 'logs-b');
			expect(r.code).not.toBe(0);
			expect(r.err).toContain('Error from server (Forbidden)');
			expect(r.err).toContain('cannot get resource "pods/log"');
		} finally {
			server.cluster.allow('get', 'pods/log');
		}
		const nf = await kubectl('get', 'pod', 'nope');
		expect(nf.err).toContain('Error from server (NotFound): pods "nope" not found');
	});

	it('service proxy strips Authorization and answers 503 with a Status when the backend refuses', async () => {
		const seen: http.IncomingHttpHeaders[] = [];
		const backend = http.createServer((req, res) => {
			seen.push(req.headers);
			res.end(JSON.stringify({path: req.url}));
		});
		await new Promise<void>(r => backend.listen(0, '127.0.0.1', r));
		const port = (backend.address() as AddressInfo).port;
		server.addService({name: 'vllm-leader', port: 8000, selector: {role: 'leader'}, target: `http://127.0.0.1:${port}`});
		const ok = await kubectl('get', '--raw', '/api/v1/namespaces/default/services/vllm-leader:8000/proxy/v1/models?x=1');
		expect(JSON.parse(ok.out)).toEqual({path: '/v1/models?x=1'});
		expect(seen[0]!.authorization).toBeUndefined();
		await new Promise<void>(r => backend.close(() => r()));
		const down = await kubectl('get', '--raw', '/api/v1/namespaces/default/services/vllm-leader:8000/proxy/health');
		expect(down.code).not.toBe(0);
		expect(down.err).toMatch(/ServiceUnavailable|connection refused|503/);
	});
});
