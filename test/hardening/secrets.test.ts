/**
 * No token from anywhere reaches any output (issue 16, "Secrets and the terminal"):
 * an endpoint whose error bodies echo the request headers back (a debug proxy, a
 * misconfigured gateway) must not put our bearer token into `analyze`'s text, its
 * `--json`, or `check`; credentials in log lines never reach the Logs pane; a model
 * URL's `user:pass@` never reaches `analyze` or `--json`.
 */
import http from 'node:http';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createPipeline} from '../../source/store/pipeline.js';
import {emptyState} from '../../source/model/state.js';
import {createStore} from '../../source/store/store.js';
import {buildLogView} from '../../source/view/logs-model.js';
import {logsLines} from '../../source/ui/panes/logs-pane.js';
import {lineText} from '../../source/ui/components/lines.js';
import {createTheme} from '../../source/ui/theme.js';
import {startEndpointProber} from '../../source/sources/endpoint/prober.js';
import type {EndpointOptions} from '../../source/core/options.js';
import {runCli} from '../helpers/run-cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const log = 'test/fixtures/corpus/nccl-2.28.9-h200x4/tp2-seed-shape-all/pod0.log';
// not shaped like any known token, so only "it came from us" can catch it
const TOKEN = 'tok-ECHOED-3f9a2c71d0';

const infertop = runCli;

/** Every request header, echoed the ways debug servers do: `k=v` text, JSON, an HTML title, the bare value. */
function echo(req: http.IncomingMessage): {text: string; json: string; html: string} {
	const auth = String(req.headers.authorization ?? '');
	const pairs = Object.entries(req.headers).map(([k, v]) => `${k}=${String(v)}`);
	return {
		text: `Authorization=${auth}; ${pairs.join('; ')}`,
		json: JSON.stringify({authorization: auth, detail: 'upstream error', headers: req.headers}),
		html: `<html><head><title>denied ${auth.replace(/^Bearer /, '')}</title></head><body>${pairs.join('<br>')}</body></html>`,
	};
}

const endpointOptions = (url: string): EndpointOptions => ({url, service: null, tokenFile: null, tokenFromEnv: true, insecureToken: false, probeIntervalMs: 2000, stallAfterMs: 30_000, probeCompletion: true});

type Mode = 'health-500' | 'health-401' | 'rest-broken';

function startEchoServer(mode: Mode): Promise<{url: string; close(): Promise<void>}> {
	const server = http.createServer((req, res) => {
		const e = echo(req);
		const p = req.url ?? '/';
		if (p === '/health') {
			if (mode === 'health-500') return void res.writeHead(500, {'content-type': 'text/plain'}).end(e.text);
			if (mode === 'health-401') return void res.writeHead(401, {'content-type': 'text/plain'}).end(`bad credentials: ${req.headers.authorization}`);
			return void res.writeHead(200).end();
		}
		if (p === '/v1/models') return void res.writeHead(500, {'content-type': 'application/json'}).end(e.json);
		if (p === '/version') return void res.writeHead(502, {'content-type': 'text/html'}).end(e.html);
		if (p === '/metrics') return void res.writeHead(500, {'content-type': 'text/plain'}).end(`seen token ${TOKEN} from ${req.socket.remoteAddress}`);
		res.writeHead(404).end(e.text);
	});
	return new Promise(resolve =>
		server.listen(0, '127.0.0.1', () => {
			const port = (server.address() as {port: number}).port;
			resolve({url: `http://127.0.0.1:${port}`, close: () => new Promise<void>(r => server.close(() => r()))});
		}),
	);
}

describe('an endpoint that echoes our request headers back', () => {
	for (const mode of ['health-500', 'health-401', 'rest-broken'] as const) {
		it(`${mode}: the token is in no output of analyze, analyze --json or check`, async () => {
			const s = await startEchoServer(mode);
			try {
				const env = {INFERTOP_ENDPOINT_TOKEN: TOKEN};
				const runs = await Promise.all([
					infertop(['analyze', '--endpoint', s.url, log], env),
					infertop(['analyze', '--json', '--endpoint', s.url, log], env),
					infertop(['check', '--files', log, '--endpoint', s.url, '--timeout', '3s'], env),
					infertop(['check', '--json', '--files', log, '--endpoint', s.url, '--timeout', '3s'], env),
				]);
				// the server was reached and said something (the echo went somewhere)
				expect(runs[1]!.out).toMatch(/"endpoint"/);
				// nor is it in the state a probe leaves, whatever pane would show it (the Endpoint pane's "last error")
				const store = createStore(emptyState({kind: 'stdin'}), {flushMs: 0});
				const prober = await startEndpointProber({options: endpointOptions(s.url), store, env, autoStart: false});
				await prober!.probeOnce();
				prober!.stop();
				const stored = JSON.stringify(store.getState().endpoint);
				expect(stored).toMatch(/\d{3}/);
				expect(stored).not.toContain(TOKEN);
				expect(stored).not.toContain(TOKEN.slice(0, 12));
				for (const r of runs) {
					expect(r.out).not.toContain(TOKEN);
					expect(r.out).not.toContain(TOKEN.slice(0, 12));
				}
			} finally {
				await s.close();
			}
		}, 60_000);
	}
});

describe('credentials in log lines', () => {
	const secrets = [
		'Authorization: Basic dXNlcjpodW50ZXIyLXNlY3JldA==',
		'proxy-authorization="Basic YWRtaW46c3VwZXJzZWNyZXQ="',
		'pushing to https://ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78@github.com/o/r.git',
		'GITHUB_PAT github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
		'using AWS access key AKIAIOSFODNN7EXAMPLE for s3 uploads',
		'session key ASIAY34FZKBOKMUTVV7A',
		"model='https://mluser:hunter2pass@models.internal.example/llama/'",
	];
	const leaked = ['dXNlcjpodW50ZXIyLXNlY3JldA', 'YWRtaW46c3VwZXJzZWNyZXQ', 'Ab12Cd34Ef56Gh78', 'github_pat_11ABCDEFG', 'AKIAIOSFODNN7EXAMPLE', 'ASIAY34FZKBOKMUTVV7A', 'hunter2pass'];

	it('the Logs pane shows the lines with every credential redacted', () => {
		const store = createStore(emptyState({kind: 'files', files: ['x.log']}), {flushMs: 0});
		const sink = createPipeline(store).openStream('pod0', 'main');
		sink.write(secrets.map((s, i) => `2025-01-01T00:00:0${i}.000000000Z INFO ${s}\n`).join(''));
		sink.end();
		const view = buildLogView(store.logs.toArray(), {filter: '', proc: null});
		const text = logsLines(view, {width: 200, height: 20}, createTheme({color: false, ascii: false}), {follow: true, paused: false, fromEnd: 0, filter: '', editing: false, proc: null, procLabel: null})
			.map(lineText)
			.join('\n');
		expect(text).toContain('Authorization: Basic');
		expect(text).toContain('github.com/o/r.git');
		expect(text).toContain('models.internal.example/llama/');
		for (const s of leaked) expect(text).not.toContain(s);
	});

	it("a vLLM model URL's password is in neither analyze's text nor its --json", async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'infertop-secrets-'));
		try {
			const file = path.join(dir, 'vllm-0.log');
			// vLLM's own startup lines (log-formats.md §2.3 `non-default args`, §2.4 engine config)
			writeFileSync(
				file,
				[
					"INFO 01-01 00:00:00 [utils.py:326] non-default args: {'model': 'https://mluser:hunter2pass@models.internal.example/llama', 'api_key': ['sk-1'], 'tensor_parallel_size': 2}",
					"INFO 01-01 00:00:01 [core.py:74] Initializing a V1 LLM engine (v0.11.0) with config: model='https://mluser:hunter2pass@models.internal.example/llama', speculative_config=None, tokenizer='https://mluser:hunter2pass@models.internal.example/llama', tensor_parallel_size=2",
					'pulling weights with Authorization: Basic bWx1c2VyOmh1bnRlcjJwYXNz and AKIAIOSFODNN7EXAMPLE',
				].join('\n') + '\n',
			);
			for (const args of [
				['analyze', file],
				['analyze', '--json', file],
			]) {
				const r = await infertop(args);
				expect(r.out).toMatch(/models\.internal\.example/);
				expect(r.out).not.toContain('hunter2pass');
				expect(r.out).not.toContain('bWx1c2VyOmh1bnRlcjJwYXNz');
				expect(r.out).not.toContain('AKIAIOSFODNN7EXAMPLE');
			}
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	}, 60_000);
});

describe('one redaction list', () => {
	it("the parser's secret-word gate is redact.ts's own (one definition: a line the gate misses is never redacted)", async () => {
		const {readFileSync, readdirSync} = await import('node:fs');
		const dir = path.join(root, 'source/parse');
		const texts = (readdirSync(dir, {recursive: true}) as string[]).filter(f => f.endsWith('.ts')).map(f => readFileSync(path.join(dir, f), 'utf8'));
		// the parser gates with the one list's maybeSecret, and keeps no secret-word regex of its own
		expect(texts.some(t => /import \{[^}]*\bmaybeSecret\b[^}]*\} from '(\.\.\/)+core\/text\/redact\.js';/.test(t))).toBe(true);
		for (const t of texts) expect(t).not.toMatch(/const \w+ = \/[^\n]*oken\|/);
		const {maybeSecret, redact} = await import('../../source/core/text/redact.js');
		for (const line of ['Authorization: Basic dXNlcjpwYXNz', 'pull from https://user:hunter2@example.com/x', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'key AKIAIOSFODNN7EXAMPLE', 'HF_TOKEN=hf_abcdefghijklmnop'])
			if (redact(line) !== line) expect(maybeSecret(line), line).toBe(true);
	});

	it('the panes, the snapshot and the parser redact the same things, and redacting twice changes nothing', async () => {
		const {redact} = await import('../../source/core/text/redact.js');
		const {drawSafe: redactSecrets} = await import('../../source/core/text/terminal.js');
		const lines = [
			'Authorization: Basic dXNlcjpodW50ZXIy',
			'"authorization":"Bearer abc.def"',
			'AUTHORIZATION=Token xyz123',
			'clone https://bot:ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78@github.com/o/r',
			'aws_access_key_id AKIAIOSFODNN7EXAMPLE',
			'HF hub hf_abcdefghijklmnopqrstuvwxyz012345',
		];
		for (const l of lines) {
			const once = redact(l);
			expect(once, l).toContain('<redacted>');
			expect(redact(once)).toBe(once);
			expect(redactSecrets(l)).toBe(once);
		}
		expect(redact('Authorization: Bearer <redacted>')).toBe('Authorization: Bearer <redacted>');
		// not secrets: a URL with a port, a basic word, a task id
		for (const l of ['Starting vLLM API server on http://0.0.0.0:8000', 'basic block', 'disk-sk-1 task-12', 'NCCL INFO Authorization-free path']) expect(redact(l)).toBe(l);
	});
});
