/** `infertop check --files` end to end: the real CLI in a child process, on the corpus logs. */
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {snapshotValidator} from '../view/schema.js';

const root = path.resolve(import.meta.dirname, '../..');
const corpus = 'test/fixtures/corpus/nccl-2.28.9-h200x4';
const tmp = mkdtempSync(path.join(tmpdir(), 'infertop-check-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

function check(args: string[]) {
	// a user's shell has no CI (Ink and others change behaviour under it)
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'};
	delete env['CI'];
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli.tsx', 'check', ...args], {cwd: root, env, encoding: 'utf8', timeout: 60_000});
	return {code: r.status, stdout: r.stdout, stderr: r.stderr, last: r.stdout.trim().split('\n').at(-1) ?? ''};
}

describe('infertop check --files', () => {
	it('a run that completed cleanly: exit 0, `check: OK completed`, warnings printed but not failing', () => {
		const r = check(['--files', `${corpus}/tp2x2-two-pods-all`]);
		expect(r.stderr).toBe('');
		expect(r.last).toBe('check: OK completed');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^WARN inter-node-over-socket: /m);
		expect(r.stdout).not.toMatch(/^ERROR /m);
	});

	it('crash-rank1 (both pods, --files repeated): exit 1 naming rank 1 on pod0, busId 70, exit code 3 as the root cause', () => {
		const r = check(['--files', `${corpus}/crash-rank1/pod1.log`, '--files', `${corpus}/crash-rank1/pod0.log`]);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/^ERROR rank-exited: rank 1 \(pod0, GPU busId 70\): exited with code 3 /m);
		expect(r.last).toBe('check: FAIL (1 error finding)');
	});

	it('bad-socket-ifname: exit 1 with the interface named', () => {
		const r = check(['--files', `${corpus}/bad-socket-ifname/pod0.log`]);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/^ERROR socket-ifname-no-match: NCCL_SOCKET_IFNAME=net1 on pod pod0: /m);
		expect(r.last).toMatch(/^check: FAIL \(\d+ error findings?\)$/);
	});

	it('a log cut in the middle of init: exit 3, saying which communicator is short of ranks', () => {
		// tp2x2's pod0 up to just after the 4-rank communicator's Init START, pod1 not yet started
		const lines = readFileSync(path.join(root, corpus, 'tp2x2-two-pods-all/pod0.log'), 'utf8').split('\n');
		const start = lines.findIndex(l => /nranks 4 .* - Init START/.test(l));
		expect(start).toBeGreaterThan(0);
		const dir = path.join(tmp, 'cut');
		rmSync(dir, {recursive: true, force: true});
		mkdirSync(dir);
		writeFileSync(path.join(dir, 'pod0.log'), lines.slice(0, start + 3).join('\n') + '\n');
		const r = check(['--files', dir]);
		expect(r.code).toBe(3);
		expect(r.last).toMatch(/^check: TIMEOUT stuck in nccl-init: communicator 0x[0-9a-f]+ has [12]\/4 ranks \(0 ready\), missing rank/);
		expect(r.stdout).not.toMatch(/^ERROR /m);
	});

	it('--json prints the snapshot on stdout and the verdict on stderr, with the same exit code', () => {
		const r = check(['--json', '--files', `${corpus}/crash-rank1`]);
		expect(r.code).toBe(1);
		const snap = JSON.parse(r.stdout) as {schema: string; phase: string; findings: {id: string; severity: string; subject: string}[]};
		const validate = snapshotValidator();
		expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);
		expect(snap.schema).toBe('infertop.snapshot/v1');
		expect(snap.phase).toBe('failed');
		expect(snap.findings[0]).toMatchObject({id: 'rank-exited', severity: 'error', subject: 'rank 1 (pod0, GPU busId 70)'});
		expect(r.stderr.trim()).toBe('check: FAIL (1 error finding)');
	});

	it('an unreadable path is a usage error (2)', () => {
		const r = check(['--files', path.join(tmp, 'missing.log')]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/cannot read .*missing\.log: no such file or directory/);
	});
});

describe('infertop check --files - (stdin)', () => {
	it('reads a log from stdin like a file', () => {
		const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'};
		delete env['CI'];
		const input = readFileSync(path.join(root, corpus, 'bad-socket-ifname/pod0.log'));
		const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli.tsx', 'check', '--files', '-'], {cwd: root, env, input, encoding: 'utf8', timeout: 60_000});
		expect(r.status).toBe(1);
		expect(r.stdout).toMatch(/^ERROR socket-ifname-no-match: NCCL_SOCKET_IFNAME=net1 on pod stdin: /m);
	});
});
