/**
 * No byte from outside reaches the terminal raw (issue 16, "Secrets and the terminal"):
 * a log whose file name carries an OSC title sequence and a CSI clear-screen, and an
 * endpoint whose `/v1/models` ids and `/version` carry them, go through `analyze`,
 * `check` and the summary left after `q` with no ESC (or other control) byte left.
 */
import {copyFileSync, mkdtempSync, rmSync} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {computeFindings} from '../../source/findings/index.js';
import {createPipeline} from '../../source/store/pipeline.js';
import {readSavedLogs, resolveLogPaths} from '../../source/sources/files.js';
import {emptyState} from '../../source/model/state.js';
import {createStore} from '../../source/store/store.js';
import {plainFrame, quitSummary} from '../../source/ui/plain-frame.js';
import {runCli} from '../helpers/run-cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const corpus = path.join(root, 'test/fixtures/corpus/nccl-2.28.9-h200x4/crash-rank1');
const HOSTILE = 'pod\x1b]0;pwned\x07\x1b[2Jx\x9b31m\u202e';
// any C0 control but newline, DEL, C1, bidi overrides
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

const infertop = runCli;

const shown = (s: string) => JSON.stringify(s.match(new RegExp(`.{0,30}${UNSAFE.source}.{0,30}`))?.[0] ?? '');

let dir: string;
let hostileFile: string;
beforeAll(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'infertop-esc-'));
	hostileFile = path.join(dir, `${HOSTILE}.log`);
	// a real failing log (rank 1 crashes), so findings name the pod the file name gives
	copyFileSync(path.join(corpus, 'pod1.log'), hostileFile);
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('a log file named with escape sequences', () => {
	it('analyze, analyze --json and check print no escape byte', async () => {
		for (const args of [
			['analyze', hostileFile],
			['analyze', '--json', hostileFile],
			['check', '--files', hostileFile],
		]) {
			const r = await infertop(args);
			// the text shows the name with its sequences (an OSC with its text) taken out; JSON keeps it, escaped
			expect(r.out).toMatch(args.includes('--json') ? /pod\\u001b\]0;pwned/ : /podx/);
			expect(UNSAFE.test(r.out), `${args[0]}: ${shown(r.out)}`).toBe(false);
		}
	}, 60_000);

	it('an error naming such a file (unreadable, or a bad flag value) prints no escape byte', async () => {
		for (const args of [
			['analyze', path.join(dir, `missing${HOSTILE}.log`)],
			['check', '--files', path.join(dir, `missing${HOSTILE}.log`)],
			['analyze', '--endpoint', `not a url${HOSTILE}`, hostileFile],
		]) {
			const r = await infertop(args);
			expect(r.code).toBe(2);
			expect(UNSAFE.test(r.out), `${args.join(' ')}: ${shown(r.out)}`).toBe(false);
		}
	}, 60_000);

	it('the plain frame and the summary left after q print no escape byte', async () => {
		const entries = await resolveLogPaths([hostileFile]);
		const store = createStore(emptyState({kind: 'files', files: [hostileFile]}), {flushMs: 0});
		await readSavedLogs(entries, createPipeline(store), {speed: 0, signal: new AbortController().signal, stdin: process.stdin});
		store.flush();
		const state = store.getState();
		const now = state.lastTs ?? 0;
		const opts = {ascii: false, findings: {}};
		const title = {source: `files ${hostileFile}`} as never;
		const findings = computeFindings(state, now, {} as never);
		expect(findings.length).toBeGreaterThan(0);
		const summary = quitSummary(state, title, opts as never, findings, now);
		expect(summary).toMatch(/podx/);
		expect(UNSAFE.test(summary), shown(summary)).toBe(false);
		const frame = plainFrame(state, title, opts as never, now).text;
		expect(UNSAFE.test(frame), shown(frame)).toBe(false);
	});
});

describe('an endpoint that answers with escape sequences', () => {
	let server: http.Server;
	let url: string;
	beforeAll(async () => {
		server = http.createServer((req, res) => {
			if (req.url === '/health') return void res.writeHead(200).end();
			if (req.url === '/v1/models') return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({object: 'list', data: [{id: `llama\x1b]0;pwned\x07\x1b[2J-70b`, object: 'model'}]}));
			if (req.url === '/version') return void res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({version: '0.11.0\x1b[2J\x1b]8;;http://evil\x07'}));
			if (req.url === '/metrics') return void res.writeHead(500, {'content-type': 'text/html'}).end('<title>oops\x1b[2J\x1b]0;t\x07</title>');
			res.writeHead(404).end();
		});
		await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
		url = `http://127.0.0.1:${(server.address() as {port: number}).port}`;
	});
	afterAll(() => new Promise<void>(r => server.close(() => r())));

	it('analyze --endpoint and check --endpoint print the model id and version with no escape byte', async () => {
		const log = path.join(corpus, 'pod0.log');
		for (const args of [
			['analyze', '--endpoint', url, log],
			['check', '--files', log, '--endpoint', url, '--timeout', '3s'],
		]) {
			const r = await infertop(args);
			expect(UNSAFE.test(r.out), `${args[0]}: ${shown(r.out)}`).toBe(false);
		}
		const r = await infertop(['analyze', '--endpoint', url, log]);
		expect(r.out).toMatch(/models: llama.*-70b/);
		expect(r.out).toMatch(/version: 0\.11\.0/);
	}, 60_000);
});
