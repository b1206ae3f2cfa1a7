/**
 * The executable (`npm run build:exe` → dist/infertop), as an admin copies it to a bastion
 * host: built into a temp folder (or CI's, named by INFERTOP_TEST_EXE), copied alone into
 * another, and run with Node.js hidden
 * (test/exe/hidden.ts). Driven there: --version, analyze --json of a corpus log, the demo
 * served by the executable and read by it with --once --json (token, exec-plugin auth, the
 * service-proxy and direct endpoint probes), the live TUI in tmux, and its completion in
 * bash. Then the kubectl plugin: `npm run release`'s archive and krew manifest, and
 * `kubectl infertop` from the unpacked archive on PATH.
 */
import {execFile} from 'node:child_process';
import {createHash} from 'node:crypto';
import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {dumpYaml, loadYaml} from '@kubernetes/client-node';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {scenarios} from '../../source/core/flags.js';
import {expectValidSnapshot} from '../demo/checks.js';
import {hasKubectl, repoRoot, type Snap} from '../demo/harness.js';
import {hasTmux, TmuxSession} from '../ui/tmux.js';
import {cleanEnv, hiddenCommand, hidingWorks, killAll, runHidden, startHidden, type Background} from './hidden.js';

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string}).version;
const corpus = path.join(repoRoot, 'test/fixtures/corpus/nccl-2.28.9-h200x4');
const whyNot = hidingWorks();
if (whyNot) console.warn(`skipping the executable tests: ${whyNot}`);

const exec = (file: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
	new Promise<{code: number; out: string; err: string}>(resolve =>
		execFile(file, args, {env, timeout: 240_000, maxBuffer: 1 << 26, encoding: 'utf8'}, (e, out, err) => resolve({code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err})),
	);

let work: string;
/** the executable, alone in its folder */
let exe: string;

beforeAll(async () => {
	if (whyNot) return;
	work = mkdtempSync(path.join(tmpdir(), 'infertop-exe-test-'));
	// CI builds it once with `npm run build:exe` and names it; elsewhere it is built here, never over dist/
	let built = process.env['INFERTOP_TEST_EXE'] ?? '';
	if (!built) {
		built = path.join(work, 'build', 'infertop');
		// the build uses node (it is a build step); everything after runs with node hidden
		const b = await exec(process.execPath, [path.join(repoRoot, 'scripts/build-exe.mjs')], {...process.env, INFERTOP_EXE_OUTFILE: built});
		expect(b.code, b.err).toBe(0);
	}
	mkdirSync(path.join(work, 'bastion'));
	exe = path.join(work, 'bastion', 'infertop');
	copyFileSync(built, exe);
	chmodSync(exe, 0o755);
}, 240_000);

afterAll(() => {
	killAll();
	if (work) rmSync(work, {recursive: true, force: true});
});

describe.skipIf(whyNot !== null)('dist/infertop with Node.js hidden', () => {
	it('node does not run where the executable runs; the executable prints its version', async () => {
		const node = await runHidden(['node', '-e', 'console.log(1)']);
		expect(node.code).not.toBe(0);
		expect(node.out).toBe('');
		expect(readdirSync(path.dirname(exe))).toEqual(['infertop']);
		const r = await runHidden([exe, '--version'], {cwd: path.dirname(exe)});
		expect(r.code, r.err).toBe(0);
		expect(r.out.trim()).toBe(version);
		expect(r.err).toBe('');
	});

	it('analyze --json of a copied corpus log: a valid snapshot of its ranks', async () => {
		const logs = path.join(work, 'logs');
		mkdirSync(logs, {recursive: true});
		copyFileSync(path.join(corpus, 'tp2x2-two-pods-all/pod0.log'), path.join(logs, 'pod0.log'));
		const r = await runHidden([exe, 'analyze', '--json', path.join(logs, 'pod0.log')], {cwd: work});
		expect(r.code, r.err).toBe(0);
		const snap = JSON.parse(r.out) as Snap;
		expectValidSnapshot(snap, r.out);
		expect(snap.ranks.map(x => [x.globalRank, x.busId])).toEqual([
			[0, '60'],
			[1, '70'],
			[2, null],
			[3, null],
		]);
	});

	describe('the demo it serves, read by itself', () => {
		let demo: Background;
		let kubeconfig: string;
		let endpoint: string;
		beforeAll(async () => {
			if (whyNot) return;
			demo = startHidden([exe, 'demo', '--serve-only', '--speed', '20'], {cwd: work});
			kubeconfig = (await demo.waitOut(/^kubeconfig: (.+)\n/m))[1]!;
			endpoint = (await demo.waitOut(/^endpoint: (\S+)\n/m))[1]!;
		}, 60_000);
		afterAll(async () => {
			if (!demo) return;
			const code = await demo.stop();
			expect(code, demo.err()).toBe(0);
		});

		const once = async (args: string[]) => {
			const r = await runHidden([exe, ...args, '--once', '--json', '--wait', '20s'], {cwd: work, timeoutMs: 40_000});
			let snap: Snap | null = null;
			try {
				snap = JSON.parse(r.out) as Snap;
			} catch {
				// not JSON: the test names what it printed
			}
			return {...r, snap};
		};
		const untilServing = async (args: string[]) => {
			const deadline = Date.now() + 45_000;
			for (;;) {
				const r = await once(args);
				if (r.snap?.phase === 'serving' && r.snap.endpoint?.health === 'ok') return r;
				if (Date.now() > deadline) throw new Error(`not serving with a healthy endpoint: exit ${r.code}; ${r.err}; phase ${r.snap?.phase}, endpoint ${JSON.stringify(r.snap?.endpoint)}`);
				await new Promise(res => setTimeout(res, 500));
			}
		};

		it('--once --json through the service proxy: serving, endpoint ok, the engine read from the logs', async () => {
			const r = await untilServing(['--kubeconfig', kubeconfig, 'vllm', '--service', 'vllm-leader']);
			expectValidSnapshot(r.snap!, r.out);
			expect(r.code).toBe(0);
			expect(r.snap!.pods.map(p => p.name).sort()).toEqual(['vllm-0', 'vllm-0-1']);
			expect(r.snap!.engine).toMatchObject({tensorParallelSize: 2, pipelineParallelSize: 2});
		}, 90_000);

		it('--endpoint URL: the HTTP prober straight at the vLLM-like server', async () => {
			const r = await untilServing(['--kubeconfig', kubeconfig, 'vllm', '--endpoint', endpoint]);
			expect(r.snap!.endpoint!.url).toBe(new URL(endpoint).href);
		}, 90_000);

		it('an exec credential plugin gives the token (and a wrong one is refused by the server)', async () => {
			const config = loadYaml<{users: {name: string; user: Record<string, unknown>}[]}>(readFileSync(kubeconfig, 'utf8'));
			const token = String(config.users[0]!.user['token']);
			const plugin = (name: string, tok: string) => {
				const p = path.join(work, name);
				writeFileSync(p, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"${tok}"}}'\n`);
				chmodSync(p, 0o755);
				const kc = path.join(work, `${name}.kubeconfig`);
				config.users[0]!.user = {exec: {apiVersion: 'client.authentication.k8s.io/v1beta1', command: p, interactiveMode: 'Never'}};
				writeFileSync(kc, dumpYaml(config));
				return kc;
			};
			const good = await once(['--kubeconfig', plugin('exec-good', token), 'vllm']);
			expect(good.code, good.err).toBe(0);
			expect(good.snap!.pods.length).toBe(2);
			const bad = await once(['--kubeconfig', plugin('exec-bad', 'not-the-token'), 'vllm']);
			expect(bad.code).toBe(2);
			expect(bad.err).toMatch(/Unauthorized|401/);
		}, 90_000);

		it.skipIf(!hasTmux())(
			'the live TUI in tmux: the demo rollout on screen, q quits',
			async () => {
				const tmux = new TmuxSession('exe');
				try {
					tmux.start(`${hiddenCommand([exe, '--kubeconfig', kubeconfig, 'vllm', '--service', 'vllm-leader'])}; echo "exit=$?"; sleep 30`, 120, 40, cleanEnv({LANG: 'C.UTF-8'}) as Record<string, string>);
					const screen = await tmux.waitFor(s => s.includes('1 Ranks') && s.includes('vllm-0-1') && /serving/.test(s), 40_000);
					console.log(`the executable's live TUI, node hidden (120x40):\n${screen}`);
					expect(screen).toMatch(/inference/);
					tmux.keys('q');
					expect(await tmux.waitFor(/exit=\d+/, 10_000)).toMatch(/exit=0/);
				} finally {
					tmux.kill();
				}
			},
			90_000,
		);

		it('completion from the executable: bash asks it for scenario names and the namespace', async () => {
			const script = path.join(work, 'infertop.bash');
			const printed = await runHidden([exe, 'completion', 'bash']);
			expect(printed.code, printed.err).toBe(0);
			writeFileSync(script, printed.out);
			const ask = (words: string[]) =>
				runHidden(['bash', '--norc', '-c', `source ${script}; COMP_WORDS=(${words.map(w => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _infertop; printf '%s\\n' "\${COMPREPLY[@]}"`], {env: cleanEnv({KUBECONFIG: kubeconfig})});
			expect((await ask([exe, 'demo', '--scenario', ''])).out.split('\n').filter(Boolean)).toEqual([...scenarios]);
			expect((await ask([exe, '-n', ''])).out.split('\n').filter(Boolean)).toEqual(['inference']);
			expect((await ask([exe, 'vl'])).out.split('\n').filter(Boolean)).toEqual(['vllm']);
		}, 90_000);
	});
});

describe.skipIf(whyNot !== null)('the kubectl plugin: npm run release', () => {
	let out: string;
	let manifest: any;
	beforeAll(async () => {
		if (whyNot) return;
		out = path.join(work, 'release');
		const r = await exec(process.execPath, [path.join(repoRoot, 'scripts/release.mjs')], {...process.env, INFERTOP_EXE: exe, INFERTOP_RELEASE_DIR: out});
		expect(r.code, r.err).toBe(0);
		manifest = loadYaml(readFileSync(path.join(out, 'infertop.yaml'), 'utf8'));
	}, 120_000);

	const archive = () => path.join(out, `infertop-v${version}-linux-amd64.tar.gz`);

	it('the manifest is a krew Plugin for linux/amd64 naming the archive and its sha256', () => {
		expect(readdirSync(out).sort()).toEqual([path.basename(archive()), 'infertop.yaml', 'SHA256SUMS'].sort());
		expect(manifest.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2');
		expect(manifest.kind).toBe('Plugin');
		expect(manifest.metadata.name).toBe('infertop');
		expect(manifest.spec.version).toBe(`v${version}`);
		expect(manifest.spec.shortDescription.length).toBeGreaterThan(10);
		expect(manifest.spec.platforms).toHaveLength(1);
		const [p] = manifest.spec.platforms;
		expect(p.selector).toEqual({matchLabels: {os: 'linux', arch: 'amd64'}});
		expect(p.uri).toMatch(new RegExp(`^(https|file)://.+/${path.basename(archive()).replace(/\./g, '\\.')}$`));
		expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(p.sha256).toBe(createHash('sha256').update(readFileSync(archive())).digest('hex'));
		expect(p.bin).toBe('kubectl-infertop');
		expect(p.files).toEqual([{from: 'kubectl-infertop', to: '.'}]);
		expect(readFileSync(path.join(out, 'SHA256SUMS'), 'utf8')).toBe(`${p.sha256}  ${path.basename(archive())}\n`);
		// what the template leaves to the release is all filled; the rest is the template's
		expect(readFileSync(path.join(out, 'infertop.yaml'), 'utf8')).not.toContain('{{');
		const template = loadYaml<any>(readFileSync(path.join(repoRoot, 'deploy/krew/infertop.yaml'), 'utf8'));
		expect({...template.spec, version: null, platforms: null}).toEqual({...manifest.spec, version: null, platforms: null});
	});

	it.skipIf(!hasKubectl)('unpacked on PATH, `kubectl infertop --version` runs it (node hidden)', async () => {
		const plugins = path.join(work, 'plugins');
		mkdirSync(plugins);
		const tar = await exec('tar', ['-xzf', archive(), '-C', plugins]);
		expect(tar.code, tar.err).toBe(0);
		expect(readdirSync(plugins)).toEqual(['kubectl-infertop']);
		const env = cleanEnv({PATH: `${plugins}:${process.env['PATH']}`});
		const r = await runHidden(['kubectl', 'infertop', '--version'], {env, cwd: work});
		expect(r.code, r.err).toBe(0);
		expect(r.out.trim()).toBe(version);
		const list = await runHidden(['kubectl', 'plugin', 'list'], {env, cwd: work});
		expect(list.out).toContain(path.join(plugins, 'kubectl-infertop'));
	});
});
