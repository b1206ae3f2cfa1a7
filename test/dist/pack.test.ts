/**
 * The npm package: `npm pack` of the real manifest (package.json `files`, `bin`)
 * holds exactly the one-file build, README.md, deploy/ and package.json; installed
 * into a temporary prefix, both bins work from PATH, and kubectl finds the
 * `kubectl-infertop` plugin. The pack is staged in a temp folder (the manifest,
 * README, deploy/ and a fresh build) so it never races a build over dist/.
 */
import {execFile, type ExecFileOptions} from 'node:child_process';
import {copyFileSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {childEnv, repoRoot, requireKubectl} from '../demo/harness.js';

interface Manifest {
	version: string;
	bin: Record<string, string>;
	files: string[];
	scripts: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const withKubectl = requireKubectl('the kubectl plugin test');

const exec = (file: string, args: string[], opts: ExecFileOptions = {}) =>
	new Promise<{code: number; out: string; err: string}>(resolve =>
		execFile(file, args, {timeout: 120_000, ...opts, encoding: 'utf8'}, (e, out, err) => resolve({code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: String(out), err: String(err)})),
	);

let work: string;
let tgz: string;
let packed: {files: {path: string; mode: number}[]; filename: string};

beforeAll(async () => {
	work = mkdtempSync(path.join(tmpdir(), 'infertop-pack-'));
	const pkg = path.join(work, 'pkg');
	mkdirSync(pkg);
	copyFileSync(path.join(repoRoot, 'package.json'), path.join(pkg, 'package.json'));
	copyFileSync(path.join(repoRoot, 'README.md'), path.join(pkg, 'README.md'));
	cpSync(path.join(repoRoot, 'deploy'), path.join(pkg, 'deploy'), {recursive: true});
	const build = await exec(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], {cwd: repoRoot, env: {...process.env, INFERTOP_BUILD_OUTFILE: path.join(pkg, 'dist/infertop.mjs')}});
	if (build.code !== 0) throw new Error(`build failed: ${build.err}`);
	// prepack (the build) already ran above, against the staged folder
	const r = await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {cwd: pkg, env: childEnv()});
	if (r.code !== 0) throw new Error(`npm pack failed: ${r.err}`);
	packed = (JSON.parse(r.out) as (typeof packed)[])[0]!;
	tgz = path.join(work, packed.filename);
}, 180_000);

afterAll(() => {
	if (work) rmSync(work, {recursive: true, force: true});
});

describe('the npm package', () => {
	it('the manifest builds before packing and names both bins for the one file', () => {
		expect(manifest.scripts['prepack']).toMatch(/\bbuild\b/);
		expect(manifest.bin).toEqual({infertop: 'dist/infertop.mjs', 'kubectl-infertop': 'dist/infertop.mjs'});
	});

	it('the tarball holds the one-file build, README, deploy/rbac.yaml and package.json, the build executable', () => {
		const paths = packed.files.map(f => f.path).sort();
		expect(paths).toContain('dist/infertop.mjs');
		expect(paths).toContain('README.md');
		expect(paths).toContain('deploy/rbac.yaml');
		expect(paths).toContain('package.json');
		// nothing else from the repo: no sources, tests, fixtures or the devtools stub
		expect(paths.filter(p => !/^(dist\/infertop\.mjs|README\.md|package\.json|LICENSE|deploy\/.+)$/.test(p))).toEqual([]);
		expect(packed.files.find(f => f.path === 'dist/infertop.mjs')!.mode & 0o111).not.toBe(0);
	});

	it('installed into a prefix: infertop and kubectl infertop run from PATH', async () => {
		const prefix = path.join(work, 'prefix');
		mkdirSync(prefix);
		// The registry is not needed when npm's cache has the declared dependencies; where it has
		// not (a cold CI cache), lay the package out as `npm install -g` does: package under
		// lib/node_modules, bins linked into bin/. The bundle needs no dependency either way.
		const npm = await exec('npm', ['install', '-g', '--prefix', prefix, tgz, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {env: childEnv()});
		const pkgDir = path.join(prefix, 'lib/node_modules/infertop');
		if (npm.code !== 0) {
			expect(npm.err).toMatch(/ENOTCACHED|offline/i);
			console.warn(`npm install --offline could not use the cache (${npm.err.split('\n')[0]}); linking the bins as npm does`);
			mkdirSync(pkgDir, {recursive: true});
			const tar = await exec('tar', ['-xzf', tgz, '-C', pkgDir, '--strip-components=1']);
			expect(tar.code, tar.err).toBe(0);
			mkdirSync(path.join(prefix, 'bin'));
			for (const [name, target] of Object.entries(manifest.bin)) symlinkSync(path.join('../lib/node_modules/infertop', target), path.join(prefix, 'bin', name));
		}
		for (const name of ['infertop', 'kubectl-infertop']) {
			const link = path.join(prefix, 'bin', name);
			expect(lstatSync(link).isSymbolicLink()).toBe(true);
			expect(path.resolve(path.dirname(link), readlinkSync(link))).toBe(path.join(pkgDir, 'dist/infertop.mjs'));
		}
		// PATH: the prefix's bin and node's own folder (the shebang says `env node`), not the repo's node_modules/.bin
		const env = childEnv({PATH: [path.join(prefix, 'bin'), path.dirname(process.execPath), ...(process.env['PATH'] ?? '').split(path.delimiter).filter(p => !p.includes('node_modules'))].join(path.delimiter)});
		const direct = await exec('infertop', ['--version'], {env, cwd: work});
		expect(direct.code, direct.err).toBe(0);
		expect(direct.out.trim()).toBe(manifest.version);
		if (!withKubectl) return;
		const plugin = await exec('kubectl', ['infertop', '--version'], {env, cwd: work});
		expect(plugin.code, plugin.err).toBe(0);
		expect(plugin.out.trim()).toBe(manifest.version);
		const list = await exec('kubectl', ['plugin', 'list'], {env, cwd: work});
		expect(list.out).toContain(path.join(prefix, 'bin', 'kubectl-infertop'));
	});
});
