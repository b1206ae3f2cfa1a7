/**
 * One signal ends any run, promptly, with the exit code cli.md documents — also while
 * work is blocked on input that never comes (a stdin nobody closes, a FIFO with no
 * writer) — and an interrupted `analyze` says so instead of printing a partial report.
 * The real CLI in a child process; timings asserted loosely.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const corpus = 'test/fixtures/corpus/nccl-2.28.9-h200x4';
const tmp = mkdtempSync(path.join(tmpdir(), 'infertop-signals-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

/** the CLI's own start (tsx) on a loaded 2-core machine, on top of any deadline */
const startSlack = 15_000;

interface Run {
	child: ChildProcess;
	stdout(): string;
	stderr(): string;
	/** resolves with the exit code and when it came; a hang is killed after `killAfterMs` (code null) */
	exited: Promise<{code: number | null; at: number}>;
	/** resolves once stderr contains `text` */
	said(text: string): Promise<void>;
}

function start(args: string[], killAfterMs = 60_000): Run {
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'};
	delete env['CI'];
	const child = spawn(process.execPath, ['--import', 'tsx', 'cli.tsx', ...args], {cwd: root, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	const watchers: {text: string; resolve: () => void}[] = [];
	child.stdout!.on('data', d => (stdout += d));
	child.stderr!.on('data', d => {
		stderr += d;
		for (const w of watchers) if (stderr.includes(w.text)) w.resolve();
	});
	const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
	const exited = new Promise<{code: number | null; at: number}>(resolve =>
		child.on('close', code => {
			clearTimeout(killer);
			resolve({code, at: Date.now()});
		}),
	);
	return {
		child,
		stdout: () => stdout,
		stderr: () => stderr,
		exited,
		said: text => new Promise<void>(resolve => (stderr.includes(text) ? resolve() : watchers.push({text, resolve}))),
	};
}

const settle = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('one signal ends the run', () => {
	it('analyze - on a stdin that stays open: it says what it waits for; one SIGINT ends it (exit 2, "interrupted", no report)', async () => {
		const r = start(['analyze', '-']);
		await r.said('waiting for stdin');
		const sentAt = Date.now();
		r.child.kill('SIGINT');
		const {code, at} = await r.exited;
		expect(code).toBe(2);
		expect(at - sentAt).toBeLessThan(5000);
		expect(r.stderr()).toMatch(/interrupted before the logs were read to the end/);
		expect(r.stdout()).toBe('');
	}, 90_000);

	it('analyze - interrupted halfway through a log: no partial report with exit 0, it says it was interrupted', async () => {
		const r = start(['analyze', '-']);
		await r.said('waiting for stdin');
		// half a real log, then the writer goes quiet without closing
		const log = readFileSync(path.join(root, corpus, 'crash-rank1', 'pod0.log'), 'utf8');
		r.child.stdin!.write(log.slice(0, Math.floor(log.length / 2)));
		await settle(1500);
		r.child.kill('SIGTERM');
		const {code} = await r.exited;
		expect(code).toBe(2);
		expect(r.stderr()).toContain('interrupted');
		expect(r.stdout()).toBe('');
	}, 90_000);

	it('analyze of a FIFO whose writer comes later reads it to the end (the non-blocking open waits for the writer)', async () => {
		const fifo = path.join(tmp, 'later', 'pod0.log');
		execFileSync('mkdir', ['-p', path.dirname(fifo)]);
		execFileSync('mkfifo', [fifo]);
		const r = start(['analyze', '--json', fifo]);
		await r.said(`waiting for ${fifo}`);
		const writer = spawn('sh', ['-c', `cat "$1" > "$2"`, 'sh', path.join(root, corpus, 'crash-rank1', 'pod0.log'), fifo]);
		await new Promise(resolve => writer.on('close', resolve));
		const {code} = await r.exited;
		expect(code).toBe(1); // the crash log's error findings
		expect(JSON.parse(r.stdout()).findings.length).toBeGreaterThan(0);
	}, 90_000);

	it('analyze of a FIFO with no writer: it says what it waits for, and one SIGTERM ends it at once', async () => {
		const fifo = path.join(tmp, 'pod0.log');
		execFileSync('mkfifo', [fifo]);
		const r = start(['analyze', fifo]);
		await r.said(`waiting for ${fifo}`);
		expect(r.stderr()).toContain('FIFO with no writer');
		const sentAt = Date.now();
		r.child.kill('SIGTERM');
		const {code, at} = await r.exited;
		expect(code).toBe(2);
		expect(at - sentAt).toBeLessThan(5000);
		expect(r.stdout()).toBe('');
	}, 90_000);

	it('check --files - on a stdin that never closes obeys --timeout 2s: exit 3 (timed out), saying what it waited for', async () => {
		const t0 = Date.now();
		const r = start(['check', '--files', '-', '--timeout', '2s']);
		r.child.stdin!.write(
			readFileSync(path.join(root, corpus, 'crash-rank1', 'pod0.log'), 'utf8')
				.split('\n')
				.slice(0, 20)
				.join('\n') + '\n',
		);
		const {code, at} = await r.exited;
		expect(code).toBe(3);
		expect(at - t0).toBeLessThan(3 * 2000 + startSlack);
		expect(r.stdout()).toMatch(/^check: TIMEOUT after 2s: the logs did not end/m);
	}, 90_000);

	it("check --files - on an open stdin: one SIGINT ends it with check's stopped code (3)", async () => {
		const r = start(['check', '--files', '-', '--timeout', '10m']);
		await r.said('waiting for stdin');
		const sentAt = Date.now();
		r.child.kill('SIGINT');
		const {code, at} = await r.exited;
		expect(code).toBe(3);
		expect(at - sentAt).toBeLessThan(5000);
		expect(r.stdout()).toMatch(/^check: STOPPED before the logs ended/m);
	}, 90_000);
});
