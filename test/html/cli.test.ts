/**
 * `--html FILE` through the real CLI: analyze, check pass and fail (the gate leaves the
 * artifact whatever it decides), --once against the simulated cluster (the demo), and a
 * path that cannot be written (exit 2, the path and why). The exit codes are the
 * command's own: the report changes none of them.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {scenarioDir} from '../helpers/load-scenario.js';
import {runCli} from '../helpers/run-cli.js';

describe('--html FILE', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'infertop-html-cli-'));
	afterAll(() => rmSync(dir, {recursive: true, force: true}));

	it('analyze: the report beside the usual output, its path on stderr, the exit code unchanged', async () => {
		const file = path.join(dir, 'nested', 'crash.html');
		const r = await runCli(['analyze', scenarioDir('crash-rank1'), '--html', file]);
		expect(r.code).toBe(1);
		expect(r.out).toContain('infertop report');
		expect(r.out).toContain(`infertop: HTML report written to ${file}`);
		const html = readFileSync(file, 'utf8');
		expect(html).toContain('<code>check: FAIL (1 error finding)</code>');
		expect(html).toContain('rank 1 (pod0, GPU busId 70)');
	});

	it('check: a pass and a failure each leave their report; --json keeps stdout the snapshot', async () => {
		const ok = path.join(dir, 'ok.html');
		const pass = await runCli(['check', '--files', scenarioDir('straggler-h200x4'), '--html', ok]);
		expect(pass.code).toBe(0);
		expect(readFileSync(ok, 'utf8')).toContain('<code>check: OK completed</code>');
		const bad = path.join(dir, 'fail.html');
		const fail = await runCli(['check', '--files', scenarioDir('crash-rank1'), '--json', '--html', bad]);
		expect(fail.code).toBe(1);
		expect(fail.out).toContain('"schema": "infertop.snapshot/v1"');
		expect(readFileSync(bad, 'utf8')).toContain('<code>check: FAIL (1 error finding)</code>');
	});

	it("--once (the demo's simulated cluster): the report names the workload and its namespace", async () => {
		const file = path.join(dir, 'once.html');
		const r = await runCli(['demo', '--scenario', 'crash', '--speed', '0', '--once', '--html', file]);
		expect(r.code).toBe(1);
		expect(r.out).toContain(`HTML report written to ${file}`);
		const html = readFileSync(file, 'utf8');
		expect(html).toContain('<dt>namespace</dt><dd>inference</dd>');
		expect(html).toContain('check: FAIL');
	});

	it('--once on a vLLM rollout: its phases after NCCL init are on the timeline', async () => {
		const file = path.join(dir, 'healthy.html');
		const r = await runCli(['demo', '--scenario', 'healthy', '--speed', '20', '--once', '--html', file]);
		expect(r.code).toBe(0);
		const html = readFileSync(file, 'utf8');
		for (const phase of ['nccl-init', 'loading-weights', 'capturing-graphs', 'serving']) expect(html).toContain(`class="phase ph-${phase}"`);
		expect(html).toContain('<code>check: OK serving</code>');
	});

	it('a path that cannot be written: exit 2, the path and why, no half-written file', async () => {
		const blocker = path.join(dir, 'a-file');
		writeFileSync(blocker, 'x');
		const file = path.join(blocker, 'report.html');
		const r = await runCli(['analyze', scenarioDir('tp2-timestamps'), '--html', file]);
		expect(r.code).toBe(2);
		expect(r.out).toContain(`cannot write the HTML report to ${file}`);
		expect(existsSync(file)).toBe(false);
	});
});
