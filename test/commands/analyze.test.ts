/** `infertop analyze` end to end: the real CLI in a child process, as a user runs it. */
import {spawnSync} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {gzipSync} from 'node:zlib';
import {afterAll, describe, expect, it} from 'vitest';
import {snapshotValidator} from '../view/schema.js';

const root = path.resolve(import.meta.dirname, '../..');
const corpus = 'test/fixtures/corpus/nccl-2.28.9-h200x4';
const tmp = mkdtempSync(path.join(tmpdir(), 'infertop-analyze-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));
const validate = snapshotValidator();

function infertop(args: string[], input?: Buffer | string) {
	// Ink and others change behaviour under CI; a user's shell has no CI
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'};
	delete env['CI'];
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli.tsx', ...args], {cwd: root, env, input, encoding: 'utf8', timeout: 60_000});
	return {code: r.status, stdout: r.stdout, stderr: r.stderr};
}

function snapshotOf(stdout: string) {
	const json = JSON.parse(stdout) as {phase: string; pods: {name: string; lines: number}[]; source: {kind: string; files?: string[]}};
	expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
	return json;
}

describe('infertop analyze', () => {
	it('--json on one file prints a valid snapshot and exits 0', () => {
		const r = infertop(['analyze', '--json', `${corpus}/tp2-seed-shape-all/pod0.log`]);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const s = snapshotOf(r.stdout);
		expect(s.source).toEqual({kind: 'files', files: [`${corpus}/tp2-seed-shape-all/pod0.log`]});
		expect(s.pods.map(p => p.name)).toEqual(['pod0']);
	});

	it('a folder means its logs, one pod each', () => {
		const r = infertop(['analyze', '--json', `${corpus}/tp2x2-two-pods-all`]);
		expect(r.code).toBe(0);
		expect(snapshotOf(r.stdout).pods.map(p => p.name)).toEqual(['pod0', 'pod1']);
	});

	it('a .gz copy reads the same as the plain file', () => {
		const plain = `${corpus}/tp2-timestamps/pod0.log`;
		const gz = path.join(tmp, 'pod0.log.gz');
		writeFileSync(gz, gzipSync(readFileSync(path.join(root, plain))));
		const a = snapshotOf(infertop(['analyze', '--json', plain]).stdout);
		const r = infertop(['analyze', '--json', gz]);
		expect(r.code).toBe(0);
		const b = snapshotOf(r.stdout);
		const strip = (s: Record<string, unknown>) => ({...s, generatedAt: null, source: null});
		expect(strip(b)).toEqual(strip(a));
	});

	it('- reads stdin as pod "stdin"', () => {
		const body = readFileSync(path.join(root, corpus, 'tp2-timestamps/pod0.log'));
		const r = infertop(['analyze', '--json', '-'], body);
		expect(r.code).toBe(0);
		const s = snapshotOf(r.stdout);
		expect(s.source).toEqual({kind: 'stdin'});
		expect(s.pods.map(p => p.name)).toEqual(['stdin']);
	});

	it('a missing path exits 2 with a message naming it and why', () => {
		const missing = path.join(tmp, 'no-such.log');
		const r = infertop(['analyze', missing]);
		expect(r.code).toBe(2);
		expect(r.stdout).toBe('');
		expect(r.stderr).toContain(missing);
		expect(r.stderr).toContain('no such file or directory');
		expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
	});

	it('no PATH is a usage error (exit 2)', () => {
		const r = infertop(['analyze']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('analyze needs at least one PATH');
	});

	it('without --json prints the readable report', () => {
		const folder = path.join(tmp, 'copy');
		rmSync(folder, {recursive: true, force: true});
		mkdirSync(folder, {recursive: true});
		copyFileSync(path.join(root, corpus, 'crash-rank1/pod0.log'), path.join(folder, 'pod0.log'));
		copyFileSync(path.join(root, corpus, 'crash-rank1/pod1.log'), path.join(folder, 'pod1.log'));
		const r = infertop(['analyze', folder]);
		expect([0, 1]).toContain(r.code);
		expect(r.stdout).toMatch(/^phase: /m);
		expect(r.stdout).toMatch(/^ {2}pod0 /m);
		expect(r.stdout).toMatch(/^ {2}pod1 /m);
		expect(r.stdout).not.toContain('\u001B[');
	});

	it('exits 1 when an error-severity finding is printed (crash-rank1: rank-exited)', () => {
		const r = infertop(['analyze', '--json', `${corpus}/crash-rank1`]);
		const s = JSON.parse(r.stdout) as {findings: {id: string; severity: string}[]};
		expect(s.findings.some(f => f.severity === 'error')).toBe(true);
		expect(r.code).toBe(1);
	});
});

describe('--help and --version after a subcommand', () => {
	for (const args of [
		['demo', '--help'],
		['analyze', '--help'],
		['check', '--help'],
		['replay', 'x.log', '--help'],
	]) {
		it(`infertop ${args.join(' ')} prints the help and exits 0 (runs nothing)`, () => {
			const r = infertop(args);
			expect(r.code).toBe(0);
			expect(r.stdout).toContain('Usage');
			expect(r.stdout).toContain('infertop analyze');
			expect(r.stderr).toBe('');
		});
	}
	it('infertop demo --version prints the version', () => {
		const r = infertop(['demo', '--version']);
		expect(r.code).toBe(0);
		expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
	});
});
