/**
 * An API server that accepts TCP and never answers (a dead load balancer, a half-open
 * connection), and one that answers a bad selector with 400: the real CLI in a child
 * process against real servers on 127.0.0.1. Timings are asserted loosely (within a
 * few times the deadline), never tightly.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createKubeClient} from '../../source/sources/kube/client.js';
import {explainClusterError, KubeDeadlineError} from '../../source/sources/kube/errors.js';
import {createRateLimiter} from '../../source/sources/kube/rate-limit.js';
import {makeCerts} from '../../source/sim/certs.js';
import {kubeconfigYaml, statusBody} from '../../source/sim/api-server.js';
import {hasTmux, TmuxSession} from '../ui/tmux.js';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'infertop-deadlines-'));

/** "within 3x the deadline", plus the CLI's own start (tsx, the Kubernetes client) on a loaded 2-core machine */
const slack = (deadlineMs: number) => 3 * deadlineMs + 15_000;

interface Ran {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/** the real CLI; killed after `killAfterMs` (a hang) so a failing test still ends */
function cli(args: string[], killAfterMs: number): Promise<Ran> {
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', HOME: tmp};
	delete env['CI'];
	delete env['KUBECONFIG'];
	const t0 = Date.now();
	const child = spawn(process.execPath, ['--import', 'tsx', 'cli.tsx', ...args], {cwd: root, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', d => (stdout += d));
	child.stderr.on('data', d => (stderr += d));
	const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
	return new Promise(resolve =>
		child.on('close', code => {
			clearTimeout(killer);
			resolve({code, stdout, stderr, ms: Date.now() - t0});
		}),
	);
}

// A server that accepts every connection and never sends a byte.
const silent = net.createServer(() => {});
const sockets = new Set<net.Socket>();
silent.on('connection', s => {
	sockets.add(s);
	s.on('close', () => sockets.delete(s));
});
let silentUrl = '';
let silentKubeconfig = '';

// An API server that answers any pod list with a label selector by 400, as kube-apiserver does a malformed one.
const certs = makeCerts(path.join(tmp));
let badRequests = 0;
const strict = https.createServer({cert: certs.certPem, key: certs.keyPem}, (req, res) => {
	const url = new URL(req.url ?? '/', 'https://x');
	if (url.pathname.endsWith('/pods') && url.searchParams.has('labelSelector')) {
		badRequests++;
		res.writeHead(400, {'content-type': 'application/json'});
		res.end(
			JSON.stringify(statusBody(400, 'BadRequest', `unable to parse requirement: values[0][app]: Invalid value: "${url.searchParams.get('labelSelector')}": a valid label must be an empty string or consist of alphanumeric characters`)),
		);
		return;
	}
	res.writeHead(200, {'content-type': 'application/json'});
	res.end(JSON.stringify({kind: 'List', items: [], metadata: {resourceVersion: '1'}}));
});
let strictKubeconfig = '';

beforeAll(async () => {
	await new Promise<void>(r => silent.listen(0, '127.0.0.1', () => r()));
	silentUrl = `https://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
	silentKubeconfig = path.join(tmp, 'silent.yaml');
	writeFileSync(silentKubeconfig, kubeconfigYaml({url: silentUrl, caPem: certs.caPem, token: 'sim-token', namespace: 'default', contextName: 'silent'}));
	await new Promise<void>(r => strict.listen(0, '127.0.0.1', () => r()));
	strictKubeconfig = path.join(tmp, 'strict.yaml');
	writeFileSync(strictKubeconfig, kubeconfigYaml({url: `https://127.0.0.1:${(strict.address() as net.AddressInfo).port}`, caPem: certs.caPem, token: 'sim-token', namespace: 'default', contextName: 'strict'}));
});

afterAll(async () => {
	for (const s of sockets) s.destroy();
	await new Promise<void>(r => silent.close(() => r()));
	strict.closeAllConnections();
	await new Promise<void>(r => strict.close(() => r()));
	rmSync(tmp, {recursive: true, force: true});
});

describe('an API server that accepts TCP and never answers', () => {
	it('a request misses its connect deadline, and the message names the server and what to check', async () => {
		const kc = new KubeConfig();
		kc.loadFromFile(silentKubeconfig);
		const client = createKubeClient(kc, createRateLimiter(50), {connectMs: 300, responseMs: 300});
		const t0 = Date.now();
		const err = await client.getJson('/api/v1/namespaces/default/pods', {}, {verb: 'list', resource: 'pods', namespace: 'default'}).catch((e: unknown) => e);
		client.close();
		expect(err).toBeInstanceOf(KubeDeadlineError);
		expect((err as KubeDeadlineError).step).toBe('tls');
		expect(Date.now() - t0).toBeLessThan(3000);
		const said = explainClusterError(err, {server: silentUrl, context: 'silent'})!.message;
		expect(said).toContain(`no answer from the Kubernetes API server at ${silentUrl} (context "silent")`);
		expect(said).toContain('the TLS handshake never finished');
		expect(said).toContain('kubectl get --raw /readyz');
	});

	it('while a request waits, the client says what it waits for (the TUI\'s "connecting to …")', async () => {
		const kc = new KubeConfig();
		kc.loadFromFile(silentKubeconfig);
		const client = createKubeClient(kc, createRateLimiter(50));
		const ac = new AbortController();
		const pending = client.getJson('/api/v1/namespaces/default/pods', {}, {verb: 'list', resource: 'pods', namespace: 'default', signal: ac.signal}).catch(() => null);
		await new Promise(r => setTimeout(r, 300));
		expect(client.inFlight()).toMatchObject({what: 'list pods in namespace default', step: 'tls'});
		ac.abort();
		await pending;
		expect(client.inFlight()).toBeNull();
		client.close();
	});

	// 5 s, not 2: on a loaded machine the CLI's own start can take 2 s, and the request must be in flight to be named
	it('`--once --wait 5s` ends within a few times 5 s: exit 2, naming the server, what it was stuck at and what to check', async () => {
		const r = await cli(['--kubeconfig', silentKubeconfig, '--once', '--json', '--wait', '5s'], 60_000);
		expect(r.ms).toBeLessThan(slack(5000));
		expect(r.code).toBe(2);
		expect(r.stdout).toBe('');
		expect(r.stderr).toContain('--wait 5s ran out before the pods were listed');
		expect(r.stderr).toContain(`the Kubernetes API server at ${silentUrl} (context "silent") has not answered`);
		expect(r.stderr).toContain('(list pods in namespace default)');
		expect(r.stderr).toContain('kubectl get --raw /readyz');
		expect(r.stderr).not.toMatch(/operation was aborted/i);
	}, 70_000);

	// 5 s, as above: under load the kubeconfig may not be read within 2 s (that case says so: test/kube/describe-waiting.test.ts)
	it('`check --timeout 5s` ends within a few times 5 s: exit 3 (timed out), naming the server', async () => {
		const r = await cli(['check', '--kubeconfig', silentKubeconfig, '--timeout', '5s'], 60_000);
		expect(r.ms).toBeLessThan(slack(5000));
		expect(r.code).toBe(3);
		expect(r.stdout).toContain('check: TIMEOUT after 5s');
		expect(r.stdout).toContain(`the Kubernetes API server at ${silentUrl} has not answered`);
		expect(r.stdout).toContain('kubectl get --raw /readyz');
	}, 70_000);
});

describe('a 4xx that no retry can fix', () => {
	it("check with a selector the server answers 400: exit 2 with the server's message, not an endless retry", async () => {
		badRequests = 0;
		const r = await cli(['check', '--kubeconfig', strictKubeconfig, '-l', 'app=a b', '--timeout', '60s'], 45_000);
		expect(r.code).toBe(2);
		expect(r.ms).toBeLessThan(slack(1000));
		expect(r.stderr).toContain('unable to parse requirement');
		expect(r.stderr).toContain('400');
		expect(r.stderr).toContain('label selector (-l)');
		// asked once (or so), not over and over
		expect(badRequests).toBeLessThanOrEqual(2);
	}, 60_000);

	it('the live TUI path (no --once) with that selector: exit 2 as well', async () => {
		const r = await cli(['--kubeconfig', strictKubeconfig, '-l', 'app=a b'], 45_000);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('unable to parse requirement');
	}, 60_000);
});

describe('the live TUI on an API server that never answers', () => {
	it.skipIf(!hasTmux())(
		'shows "connecting to https://… (N s)" while it waits, and quits on q at once, naming the server (exit 2)',
		async () => {
			const session = new TmuxSession('connecting');
			try {
				session.start(`node --import tsx cli.tsx --kubeconfig ${silentKubeconfig}; echo EXIT=$?; sleep 60`, 120, 30, {HOME: tmp, KUBECONFIG: undefined, NO_COLOR: '1'});
				const screen = await session.waitFor(new RegExp(`connecting to ${silentUrl.replace(/[.]/g, '\\.')} \\([1-9]\\d* s\\)`), 40_000);
				expect(screen).toContain('infertop');
				const quitAt = Date.now();
				session.keys('q');
				const after = await session.waitFor('EXIT=', 10_000);
				expect(Date.now() - quitAt).toBeLessThan(5000);
				expect(after).toContain('EXIT=2');
				expect(after).toContain(`the Kubernetes API server at ${silentUrl}`);
			} finally {
				session.kill();
			}
		},
		70_000,
	);
});
