/**
 * Shell completion as a person gets it: the script `infertop completion bash` prints is
 * sourced in a real bash, COMP_WORDS/COMP_CWORD are set as bash sets them at a TAB, and the
 * completion function is called; it runs the real CLI (`infertop __complete …`, the one-file
 * build of this tree), which asks
 * the simulated API server (a real HTTPS server, through the kubeconfig it writes) for
 * namespaces and workloads. zsh and fish: the scripts parse, and fish answers `complete -C`.
 */
import {execFile, spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {flagTable, flagWords, kebab, scenarios} from '../../source/core/flags.js';
import {startApiServer, kubeconfigYaml, type SimApiServer} from '../../source/sim/api-server.js';
import {SimCluster} from '../../source/sim/cluster.js';
import {repoRoot} from '../helpers/run-cli.js';

let work: string;
let bin: string;
let server: SimApiServer;
let script: string;

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function sh(file: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<{code: number; out: string; err: string; ms: number}> {
	const started = Date.now();
	return new Promise(resolve => {
		const child = execFile(file, args, {env: {...process.env, ...env, PATH: `${bin}:${process.env['PATH']}`}, timeout: 60_000, encoding: 'utf8'}, (e, out, err) =>
			resolve({code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: String(out), err: String(err), ms: Date.now() - started}),
		);
		if (input !== undefined) child.stdin?.end(input);
	});
}

/** What bash offers at a TAB after `line` (the last word is the one being completed; '' after a space). */
async function bashComplete(words: string[], env: Record<string, string> = {}): Promise<{items: string[]; err: string; ms: number}> {
	const quoted = words.map(w => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
	const prog = [`source ${script}`, `COMP_WORDS=(${quoted})`, `COMP_CWORD=${words.length - 1}`, 'COMP_LINE="${COMP_WORDS[*]}"', 'COMP_POINT=${#COMP_LINE}', '_infertop infertop', `printf '%s\\n' "\${COMPREPLY[@]}"`].join('\n');
	const r = await sh('bash', ['--norc', '--noprofile', '-c', prog], env);
	expect(r.code, r.err).toBe(0);
	return {items: r.out.split('\n').filter(Boolean), err: r.err, ms: r.ms};
}

beforeAll(async () => {
	work = mkdtempSync(path.join(tmpdir(), 'infertop-completion-'));
	bin = path.join(work, 'bin');
	mkdirSync(bin);
	// `infertop` on PATH is the real CLI, as the completion function runs it: the one-file build of
	// this tree (scripts/build.mjs, into the temp folder), which starts in a fraction of tsx's time
	const bundle = path.join(work, 'build', 'infertop.mjs');
	const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], {cwd: repoRoot, env: {...process.env, INFERTOP_BUILD_OUTFILE: bundle}, encoding: 'utf8'});
	expect(built.status, built.stderr).toBe(0);
	writeFileSync(path.join(bin, 'infertop'), `#!/bin/sh\nexec '${process.execPath}' '${bundle}' "$@"\n`);
	chmodSync(path.join(bin, 'infertop'), 0o755);
	const printed = await sh('infertop', ['completion', 'bash']);
	expect(printed.code, printed.err).toBe(0);
	script = path.join(work, 'infertop.bash');
	writeFileSync(script, printed.out);

	const cluster = new SimCluster();
	const lws = (name: string, idx: number) => ({'leaderworkerset.sigs.k8s.io/name': name, 'leaderworkerset.sigs.k8s.io/worker-index': String(idx)});
	cluster.addPod({name: 'vllm-0', namespace: 'inference', labels: lws('vllm', 0)});
	cluster.addPod({name: 'vllm-0-1', namespace: 'inference', labels: lws('vllm', 1)});
	cluster.addPod({name: 'train-abc', namespace: 'inference', labels: {workloadName: 'train-job'}});
	cluster.addWorkload({resource: 'deployments', name: 'web', namespace: 'inference', matchLabels: {app: 'web'}});
	cluster.addWorkload({resource: 'statefulsets', name: 'db', namespace: 'inference', matchLabels: {app: 'db'}});
	cluster.addPod({name: 'batch-worker', namespace: 'batch', labels: {'leaderworkerset.sigs.k8s.io/name': 'sweep'}});
	server = await startApiServer({cluster, namespace: 'inference', contextName: 'sim'});
}, 60_000);

afterAll(async () => {
	await server?.close();
	if (work) rmSync(work, {recursive: true, force: true});
});

describe('bash: source <(infertop completion bash)', () => {
	it('registers the function for infertop and kubectl-infertop', async () => {
		const r = await sh('bash', ['--norc', '-c', `source ${script}; complete -p infertop kubectl-infertop`]);
		expect(r.out).toContain('complete -o default -F _infertop infertop');
		expect(r.out).toContain('-F _infertop kubectl-infertop');
	});

	it("the first word: the subcommands and the workloads of the context's namespace", async () => {
		const {items} = await bashComplete(['infertop', ''], {KUBECONFIG: server.kubeconfigPath});
		expect(items).toEqual(['replay', 'analyze', 'check', 'demo', 'completion', 'db', 'train-job', 'vllm', 'web']);
		const an = await bashComplete(['infertop', 'an'], {KUBECONFIG: server.kubeconfigPath});
		expect(an.items).toEqual(['analyze']);
	});

	it('-n NS: the namespaces; then the workloads of that namespace', async () => {
		const env = {KUBECONFIG: server.kubeconfigPath};
		expect((await bashComplete(['infertop', '-n', ''], env)).items).toEqual(['batch', 'inference']);
		expect((await bashComplete(['infertop', '--namespace', 'in'], env)).items).toEqual(['inference']);
		// bash splits --namespace=ba at the '=' (COMP_WORDBREAKS): the value is completed alone
		expect((await bashComplete(['infertop', '--namespace', '=', 'ba'], env)).items).toEqual(['batch']);
		expect((await bashComplete(['infertop', 'check', '-n', 'batch', ''], env)).items).toEqual(['sweep']);
	});

	it('--kubeconfig on the line is the one asked', async () => {
		const {items} = await bashComplete(['infertop', '--kubeconfig', server.kubeconfigPath, '--context', 'sim', 'v']);
		expect(items).toEqual(['vllm']);
	});

	it('flags: every spelling in the flag table, and only the ones that match', async () => {
		const {items} = await bashComplete(['infertop', '--']);
		const fromTable = Object.entries(flagTable).map(([name, def]) => ('negated' in def && def.negated ? `--no-${kebab(name)}` : `--${kebab(name)}`));
		for (const f of fromTable) expect(items).toContain(f);
		expect(items).toEqual([...flagWords().filter(w => w.startsWith('--')), '--help', '--version']);
		expect((await bashComplete(['infertop', 'demo', '--sc'])).items).toEqual(['--scenario']);
	});

	it("--scenario: the demo's scenario names", async () => {
		expect((await bashComplete(['infertop', 'demo', '--scenario', ''])).items).toEqual([...scenarios]);
		expect((await bashComplete(['infertop', 'demo', '--scenario', 'st'])).items).toEqual(['straggler']);
	});

	it('completion SHELL, and nothing after demo', async () => {
		expect((await bashComplete(['infertop', 'completion', ''])).items).toEqual(['bash', 'zsh', 'fish']);
		expect((await bashComplete(['infertop', 'demo', ''])).items).toEqual([]);
	});

	it('a PATH (analyze, replay, --kubeconfig): bash completes file names', async () => {
		const dir = path.join(work, 'logs');
		mkdirSync(dir, {recursive: true});
		writeFileSync(path.join(dir, 'pod0.log'), 'x\n');
		const prog = `source ${script}; cd ${dir}; COMP_WORDS=(infertop analyze po); COMP_CWORD=2; _infertop infertop; echo "n=\${#COMPREPLY[@]}"; complete -p infertop`;
		const r = await sh('bash', ['--norc', '-c', prog]);
		// nothing from infertop, and -o default left on: bash's own file-name completion answers
		expect(r.out).toContain('n=0');
		expect(r.out).toContain('-o default');
		const files = await sh('bash', ['--norc', '-c', `cd ${dir}; compgen -o default -- po`]);
		expect(files.out.trim()).toBe('pod0.log');
	});

	it('a cluster that never answers: the static candidates within the deadline, nothing on stderr', async () => {
		const sockets = new Set<net.Socket>();
		const silent = net.createServer(s => sockets.add(s));
		await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
		const port = (silent.address() as net.AddressInfo).port;
		const kc = path.join(work, 'silent.kubeconfig');
		writeFileSync(kc, kubeconfigYaml({url: `https://127.0.0.1:${port}`, caPem: server.caPem, token: 't', namespace: 'default', contextName: 'silent'}));
		try {
			const r = await bashComplete(['infertop', ''], {KUBECONFIG: kc});
			expect(r.items).toEqual(['replay', 'analyze', 'check', 'demo', 'completion']);
			expect(r.err).toBe('');
			// the listing's deadline is 1.5 s (TLS never completes); the rest is bash and the CLI's start on a shared machine
			expect(r.ms).toBeLessThan(8000);
		} finally {
			for (const s of sockets) s.destroy();
			silent.close();
		}
	});

	it('no kubeconfig at all: the static candidates, nothing on stderr', async () => {
		const home = path.join(work, 'empty-home');
		mkdirSync(home, {recursive: true});
		const r = await bashComplete(['infertop', ''], {HOME: home, KUBECONFIG: ''});
		expect(r.items).toEqual(['replay', 'analyze', 'check', 'demo', 'completion']);
		expect(r.err).toBe('');
	});
});

describe('kubectl infertop <TAB>: kubectl runs kubectl_complete-infertop', () => {
	it("the README's two-line helper answers kubectl's own completion", async ctx => {
		if (!has('kubectl')) return ctx.skip('kubectl is not installed');
		// kubectl finds the plugin and its completion helper on PATH, as the README sets them up
		writeFileSync(path.join(bin, 'kubectl-infertop'), `#!/bin/sh\nexec infertop "$@"\n`);
		writeFileSync(path.join(bin, 'kubectl_complete-infertop'), '#!/bin/sh\nexec kubectl-infertop __complete "$@"\n');
		chmodSync(path.join(bin, 'kubectl-infertop'), 0o755);
		chmodSync(path.join(bin, 'kubectl_complete-infertop'), 0o755);
		const r = await sh('kubectl', ['__complete', 'infertop', 'demo', '--scenario', '']);
		expect(r.code, r.err).toBe(0);
		expect(r.out.split('\n').filter(Boolean)).toEqual([...scenarios, ':4']);
		const ns = await sh('kubectl', ['__complete', 'infertop', '-n', ''], {KUBECONFIG: server.kubeconfigPath});
		expect(ns.out.split('\n').filter(Boolean)).toEqual(['batch', 'inference', ':4']);
	});
});

describe('zsh and fish', () => {
	it('the zsh script parses, and its function turns the answer into _describe candidates', async ctx => {
		if (!has('zsh')) return ctx.skip('zsh is not installed');
		const file = path.join(work, '_infertop');
		writeFileSync(file, (await sh('infertop', ['completion', 'zsh'])).out);
		expect((await sh('zsh', ['-n', file])).code).toBe(0);
		// zsh's completion system stubbed to print what it is given; everything else is the real script
		const prog = [
			'compdef() { :; }',
			'_describe() { print -rl -- "${(@P)${@[-1]}}"; }',
			'_files() { print FILES; }',
			`source ${file}`,
			"words=(infertop demo --scenario '') CURRENT=4 _infertop",
			"words=(infertop '') CURRENT=2 _infertop",
			"words=(infertop analyze '') CURRENT=3 _infertop",
		].join('\n');
		const r = await sh('zsh', ['-f', '-c', prog], {KUBECONFIG: server.kubeconfigPath});
		expect(r.code, r.err).toBe(0);
		const lines = r.out.split('\n');
		expect(lines.slice(0, 5)).toEqual([...scenarios]);
		expect(lines).toContain('replay:the TUI over saved logs');
		expect(lines).toContain('vllm:workload');
		expect(lines.at(-2)).toBe('FILES');
	});

	it('the fish script parses, and fish completes from it (complete -C)', async ctx => {
		if (!has('fish')) return ctx.skip('fish is not installed');
		const file = path.join(work, 'infertop.fish');
		writeFileSync(file, (await sh('infertop', ['completion', 'fish'])).out);
		expect((await sh('fish', ['--no-execute', file])).code).toBe(0);
		const r = await sh('fish', ['--no-config', '-c', `source ${file}; complete -C 'infertop demo --scenario '; echo ---; complete -C 'infertop -n '`], {KUBECONFIG: server.kubeconfigPath});
		expect(r.code, r.err).toBe(0);
		const [scen, ns] = r.out.split('---\n');
		expect(scen!.split('\n').filter(Boolean)).toEqual([...scenarios]);
		expect(ns!.split('\n').filter(Boolean)).toEqual(['batch', 'inference']);
	});
});

describe('infertop completion', () => {
	it('with no shell, or an unknown one: exit 2 naming the shells', async () => {
		for (const args of [['completion'], ['completion', 'tcsh']]) {
			const r = await sh('infertop', args);
			expect(r.code).toBe(2);
			expect(r.err).toContain('completion takes one shell: bash, zsh, fish');
		}
	});
});
