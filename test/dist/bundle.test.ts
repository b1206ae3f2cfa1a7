/**
 * The one-file build ("The embedded default"): dist/infertop.mjs built by
 * scripts/build.mjs, copied ALONE into an empty folder outside the repo (no
 * node_modules above it, no ../shared, no test/fixtures) and run with plain node:
 * --version, --help, analyze, check --files, and the demo with its embedded logs,
 * read by kubectl and by the bundle itself.
 */
import {execFile} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {expectCleanStop, expectKubectlSees, expectValidSnapshot} from '../demo/checks.js';
import {brief, cleanup, childEnv, pollUntil, repoRoot, requireKubectl, runCli, snapshotOnce, startDemo, type Cli, type OnceResult, type Snap} from '../demo/harness.js';

const corpus = path.join(repoRoot, 'test/fixtures/corpus/nccl-2.28.9-h200x4');
const withKubectl = requireKubectl('the one-file build demo test');

let work: string;
let run: string;
let cli: Cli;

beforeAll(async () => {
	work = mkdtempSync(path.join(tmpdir(), 'infertop-dist-'));
	const built = path.join(work, 'build', 'infertop.mjs');
	// built into a temp folder, not dist/: never races `npm pack` or a developer's build
	await new Promise<void>((resolve, reject) =>
		execFile(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], {cwd: repoRoot, env: {...process.env, INFERTOP_BUILD_OUTFILE: built}, timeout: 120_000}, (e, _out, err) =>
			e ? reject(new Error(`build failed: ${err}`)) : resolve(),
		),
	);
	run = path.join(work, 'run');
	mkdirSync(run);
	copyFileSync(built, path.join(run, 'infertop.mjs'));
	cli = {cwd: run, argv: [path.join(run, 'infertop.mjs')]};
}, 150_000);

afterEach(cleanup);
afterAll(() => {
	if (work) rmSync(work, {recursive: true, force: true});
});

describe('dist/infertop.mjs alone, with plain node', () => {
	it('is alone in a folder with no node_modules above it', () => {
		expect(readdirSync(run)).toEqual(['infertop.mjs']);
		for (let d = run; ; d = path.dirname(d)) {
			expect(existsSync(path.join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
			if (path.dirname(d) === d) break;
		}
		const text = readFileSync(path.join(run, 'infertop.mjs'), 'utf8');
		expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
		// the demo's logs are embedded, not read from the repo
		expect(text).not.toMatch(/\.\.\/shared\/corpus|test\/fixtures\/corpus/);
	});

	it('--version and --help', async () => {
		const version = await runCli(cli, ['--version']);
		expect(version.code).toBe(0);
		expect(version.out.trim()).toBe((JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string}).version);
		const help = await runCli(cli, ['--help']);
		expect(help.code).toBe(0);
		expect(help.out).toContain('$ infertop demo [--scenario S] [--speed N] [--serve-only]');
		expect(help.out).toContain('Exit codes: 0 ok, 1 error finding');
	});

	it('analyze --json of a copied corpus log: a valid snapshot, exit 0', async () => {
		const logs = path.join(work, 'logs');
		mkdirSync(logs, {recursive: true});
		copyFileSync(path.join(corpus, 'tp2x2-two-pods-all/pod0.log'), path.join(logs, 'pod0.log'));
		const r = await runCli(cli, ['analyze', '--json', path.join(logs, 'pod0.log')]);
		expect(r.code, r.err).toBe(0);
		const snap = JSON.parse(r.out) as Snap;
		expectValidSnapshot(snap, r.out);
		// one pod of the TP=2 x PP=2 job: its own two GPUs, and the other pod's two ranks known only by number
		expect(snap.ranks.map(x => [x.globalRank, x.busId])).toEqual([
			[0, '60'],
			[1, '70'],
			[2, null],
			[3, null],
		]);
		expect(snap.communicators.length).toBeGreaterThan(0);
	});

	it('check --files of the crash logs: exit 1 naming rank 1', async () => {
		const crash = path.join(work, 'crash-rank1');
		mkdirSync(crash);
		for (const f of ['pod0.log', 'pod1.log']) copyFileSync(path.join(corpus, 'crash-rank1', f), path.join(crash, f));
		const r = await runCli(cli, ['check', '--files', crash]);
		expect(r.code, r.err).toBe(1);
		expect(r.out).toMatch(/^ERROR rank-exited: rank 1 \(pod0, GPU busId 70\)/m);
		expect(r.out).toMatch(/^check: FAIL/m);
	});

	it.skipIf(!withKubectl)('demo --serve-only: kubectl and the bundle itself see it reach serving; SIGINT stops it cleanly', async () => {
		const demo = await startDemo(cli, ['--speed', '20'], {env: childEnv()});
		expect(demo.err()).not.toMatch(/error/i);
		await expectKubectlSees(demo, ['vllm-0', 'vllm-0-1'], /1\/1\s+Running/, 'vllm-0', 'vLLM API server version');
		let last: OnceResult | null = null;
		const done = await pollUntil(
			async () => {
				last = await snapshotOnce(cli, demo.kubeconfig, ['--service', 'vllm-leader']);
				return last.snap?.phase === 'serving' && last.snap.endpoint?.health === 'ok' ? last : undefined;
			},
			'phase serving with endpoint health ok',
			45_000,
			() => brief(last),
		);
		expectValidSnapshot(done.snap!, done.out);
		expect(done.code).toBe(0);
		expect(done.snap!.engine).toMatchObject({tensorParallelSize: 2, pipelineParallelSize: 2});
		await expectCleanStop(demo);
	});
});
