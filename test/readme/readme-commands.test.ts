/**
 * Every command the README shows is run here (or by .ci/run), so the README can't rot.
 * Commands that need a cluster run against `infertop demo --serve-only` — the same
 * local API server and endpoint a newcomer gets — with its kubeconfig as KUBECONFIG.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** Lines of the README's ```sh blocks, without trailing comments. */
function shellLines(): string[] {
	const out: string[] = [];
	for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
		for (const raw of block[1]!.split('\n')) {
			const line = raw.replace(/\s+#.*$/, '').trim();
			if (line) out.push(line);
		}
	}
	return out;
}

const lines = shellLines();
const infertop = lines.filter(l => l.startsWith('infertop'));
/** What runs elsewhere, and where. A README command in neither list fails the last test. */
const elsewhere: Record<string, string> = {
	'npm ci && npm start': '.ci/run runs npm ci; npm start is `infertop demo`, run below and in test/demo',
	'npm ci && npm test': '.ci/run runs exactly this',
	'npm run build': '.ci/run runs it; test/dist runs the built file',
	'npm pack': 'test/dist packs and inspects the tarball',
	'kubectl apply -n inference -f deploy/rbac.yaml': 'the local API server serves no RBAC API: the manifest is checked below instead',
	'scp dist/infertop.mjs bastion:': 'copies to another host: test/dist runs the file alone in an empty folder instead',
	'npm run build:exe': '.ci/run runs it; test/exe runs the executable with Node hidden',
	'scp dist/infertop bastion:/usr/local/bin/kubectl-infertop': 'copies to another host: test/exe runs the executable alone in a folder with Node hidden, and as kubectl-infertop from PATH',
	'source <(kubectl-infertop completion bash)': 'test/commands/completion.test.ts sources the script in bash; test/exe asks the executable for completions',
	'kubectl krew install --manifest=infertop.yaml --archive=infertop-v0.1.0-linux-amd64.tar.gz':
		'krew is not installed here: test/exe checks the manifest npm run release writes (fields, sha256 of the archive) and runs kubectl infertop from the unpacked archive',
};

const env = (extra: Record<string, string> = {}) => {
	const e: Record<string, string | undefined> = {...process.env, ...extra, NO_COLOR: '1'};
	delete e['CI'];
	return e as NodeJS.ProcessEnv;
};

/** `infertop ARGS` → the CLI from source, stdout piped (not a TTY). */
function runInfertop(line: string, extraEnv: Record<string, string> = {}, timeout = 60_000) {
	const pipe = line.indexOf(' | ');
	const cmd = pipe === -1 ? line : line.slice(0, pipe);
	const args = cmd.split(/\s+/).slice(1);
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli.tsx', ...args], {cwd: root, env: env(extraEnv), encoding: 'utf8', timeout});
	return {status: r.status, stdout: r.stdout, stderr: r.stderr, piped: pipe !== -1};
}

describe('README commands on saved logs', () => {
	const offline = infertop.filter(l => l.includes('test/fixtures'));
	it('shows some', () => expect(offline.length).toBeGreaterThanOrEqual(4));
	it.each(offline)('%s', line => {
		const r = runInfertop(line);
		expect(r.stderr).not.toMatch(/unexpected error|Error:/);
		// 1 is the documented code for an error-severity finding (the crash example)
		expect([0, 1]).toContain(r.status);
		if (line.includes('--json')) expect(JSON.parse(r.stdout).schema).toBe('infertop.snapshot/v1');
		else expect(r.stdout).toMatch(/^infertop |phase: |check: /m);
		if (line.includes('crash-rank1')) expect(r.stdout).toMatch(/rank 1 \(pod0, GPU busId 70\)/);
	});
});

describe('README commands on a cluster (the demo cluster)', () => {
	let demo: ChildProcess | null = null;
	let kubeconfig = '';
	const live = infertop.filter(l => !l.includes('test/fixtures') && !l.startsWith('infertop demo'));

	beforeAll(async () => {
		demo = spawn(process.execPath, ['--import', 'tsx', 'cli.tsx', 'demo', '--serve-only', '--speed', '40'], {cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		await new Promise<void>((resolve, reject) => {
			const t = setTimeout(() => reject(new Error(`demo did not start: ${out}`)), 30_000);
			demo!.stdout!.on('data', d => {
				out += String(d);
				const m = /kubeconfig: (\S+)\nendpoint: (\S+)/.exec(out);
				if (m) {
					kubeconfig = m[1]!;
					clearTimeout(t);
					resolve();
				}
			});
		});
	});
	afterAll(async () => {
		if (demo && demo.exitCode === null) {
			const exited = new Promise(resolve => demo!.once('exit', resolve));
			demo.kill('SIGINT');
			await exited;
		}
	});

	it('shows some', () => expect(live.length).toBeGreaterThanOrEqual(3));

	it.each(live)('%s', line => {
		const r = runInfertop(line, {KUBECONFIG: kubeconfig}, 90_000);
		expect(r.stderr).not.toMatch(/unexpected error/);
		if (line.startsWith('infertop check')) {
			// the healthy demo comes up: the gate opens
			expect(r.stdout + r.stderr).toMatch(/check: OK/);
			expect(r.status).toBe(0);
		} else if (line.includes('--json')) {
			const snap = JSON.parse(r.stdout);
			expect(snap.source.kind).toBe('kubernetes');
			expect(snap.pods.map((p: {name: string}) => p.name)).toContain('vllm-0');
		} else {
			// not a terminal: one plain frame
			expect(r.stdout).toMatch(/^infertop ctx infertop-demo · ns inference · vllm/);
			expect(r.stdout).toMatch(/rank/);
			expect([0, 1]).toContain(r.status);
		}
	});
});

describe('README demo commands', () => {
	it('infertop demo --serve-only prints its kubeconfig and endpoint, and stops on Ctrl-C', async () => {
		const line = infertop.find(l => l.startsWith('infertop demo --serve-only'));
		expect(line).toBeDefined();
		const child = spawn(process.execPath, ['--import', 'tsx', 'cli.tsx', ...line!.split(/\s+/).slice(1)], {cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		child.stdout.on('data', d => (out += String(d)));
		const deadline = Date.now() + 30_000;
		while (!/endpoint: /.test(out) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
		expect(out).toMatch(/^kubeconfig: \S+\nendpoint: http:\/\/127\.0\.0\.1:\d+\n/);
		const dir = path.dirname(/kubeconfig: (\S+)/.exec(out)![1]!);
		const code = await new Promise<number | null>(resolve => {
			child.once('exit', c => resolve(c));
			child.kill('SIGINT');
		});
		expect(code).toBe(0);
		expect(existsSync(dir)).toBe(false);
	});

	it('infertop demo --scenario … (not a terminal) prints one frame and exits', () => {
		const line = infertop.find(l => l.startsWith('infertop demo --scenario'));
		expect(line).toBeDefined();
		const r = runInfertop(line!, {}, 90_000);
		expect(r.stdout).toMatch(/^infertop demo · crash/);
		expect(r.stdout).toMatch(/exit 3 — first failure/);
		expect([0, 1]).toContain(r.status);
	});
});

describe('README prose that names files', () => {
	it('deploy/rbac.yaml is the read-only Role the README describes', async () => {
		const {loadAllYaml} = await import('@kubernetes/client-node');
		const docs = loadAllYaml(readFileSync(path.join(root, 'deploy/rbac.yaml'), 'utf8')) as {kind: string; rules?: {resources: string[]; verbs: string[]}[]}[];
		const role = docs.find(d => d.kind === 'Role');
		expect(role).toBeDefined();
		const grants = role!.rules!.flatMap(r => r.resources.flatMap(res => r.verbs.map(v => `${v} ${res}`))).sort();
		expect(grants).toEqual(
			[
				'get pods',
				'list pods',
				'watch pods',
				'get events',
				'list events',
				'watch events',
				'get pods/log',
				'get services',
				'list services',
				'get services/proxy',
				'get deployments',
				'list deployments',
				'get statefulsets',
				'list statefulsets',
				'get leaderworkersets',
				'list leaderworkersets',
			].sort(),
		);
		// read-only: no write verb anywhere
		expect(grants.join(' ')).not.toMatch(/create|update|patch|delete/);
	});

	it('every file the README links exists', () => {
		for (const m of readme.matchAll(/\]\(((?:deploy|screenshots|test)\/[^)]+)\)/g)) expect(existsSync(path.join(root, m[1]!)), m[1]).toBe(true);
	});

	it('every README shell command is run by this file or named with where it runs', () => {
		const covered = (l: string) => l.startsWith('infertop') || l in elsewhere;
		expect(lines.filter(l => !covered(l))).toEqual([]);
		// and what is claimed to run elsewhere really is there
		const ci = readFileSync(path.join(root, '.ci/run'), 'utf8');
		expect(ci).toMatch(/npm ci/);
		expect(ci).toMatch(/npm test/);
		expect(ci).toMatch(/npm run build/);
		expect(ci).toMatch(/npm run build:exe/);
		expect(spawnSync('git', ['ls-files', 'test/dist', 'test/demo'], {cwd: root, encoding: 'utf8'}).stdout.length).toBeGreaterThan(0);
	});
});
