/**
 * Runs the real CLI as child processes (as a user would): `infertop demo --serve-only`
 * in the background, then kubectl and `infertop --once --json` against what it serves.
 * Every child is tracked and killed in `cleanup()`, so a failing test leaves nothing behind.
 */
import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {readFileSync, rmSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The CLI from source (tsx) or a built file: the argv prefix before infertop's own arguments. */
export type Cli = {cwd: string; argv: string[]};
export const sourceCli: Cli = {cwd: repoRoot, argv: ['--import', 'tsx', path.join(repoRoot, 'cli.tsx')]};

/** The child's environment: no CI (ink and meow behave as for a user), no colour, no ambient kubeconfig. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', ...extra};
	delete env['CI'];
	delete env['KUBECONFIG'];
	delete env['FORCE_COLOR'];
	return env;
}

const children = new Set<ChildProcess>();
/** demo temp folders, removed by cleanup() if a killed demo could not remove its own */
const demoDirs = new Set<string>();

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	out: string;
	err: string;
}

/** Runs `node <cli> ...args` to its end (bounded by timeoutMs: then killed, code null). */
export function runCli(cli: Cli, args: string[], opts: {timeoutMs?: number; env?: NodeJS.ProcessEnv} = {}): Promise<RunResult> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [...cli.argv, ...args], {cwd: cli.cwd, env: opts.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe']});
		children.add(child);
		let out = '';
		let err = '';
		child.stdout!.on('data', d => (out += d));
		child.stderr!.on('data', d => (err += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			children.delete(child);
			resolve({code, signal, out, err});
		});
	});
}

export const hasKubectl = await new Promise<boolean>(resolve => execFile('kubectl', ['version', '--client'], err => resolve(!err)));
/** Under CI=true a missing kubectl fails the file that needs it; elsewhere those tests are skipped with a reason. */
export function requireKubectl(what: string): boolean {
	if (!hasKubectl && process.env['CI'] === 'true') throw new Error(`kubectl is not installed; CI=true requires it for ${what}`);
	if (!hasKubectl) console.warn(`kubectl not found: skipping ${what}`);
	return hasKubectl;
}

export function kubectl(kubeconfig: string, args: string[], env: NodeJS.ProcessEnv = childEnv()): Promise<RunResult> {
	return new Promise(resolve => {
		execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], {env, timeout: 20_000}, (e, out, err) => resolve({code: e ? (typeof (e as {code?: unknown}).code === 'number' ? (e as {code: number}).code : 1) : 0, signal: null, out, err}));
	});
}

export interface Demo {
	kubeconfig: string;
	endpoint: string;
	/** the demo's temporary folder (CA, keys, kubeconfig) */
	dir: string;
	/** the API server's port (from the kubeconfig's server URL) */
	apiPort: number;
	child: ChildProcess;
	out(): string;
	err(): string;
	/** SIGINT (or `signal`), then the exit code (null if it had to be killed after graceMs) */
	interrupt(graceMs?: number, signal?: NodeJS.Signals): Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

/** Starts `infertop demo --serve-only ...args` and resolves once it has printed its kubeconfig and endpoint lines. */
export function startDemo(cli: Cli, args: string[], opts: {env?: NodeJS.ProcessEnv; readyMs?: number} = {}): Promise<Demo> {
	const child = spawn(process.execPath, [...cli.argv, 'demo', '--serve-only', ...args], {cwd: cli.cwd, env: opts.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe']});
	children.add(child);
	let out = '';
	let err = '';
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve =>
		child.on('exit', (code, signal) => {
			children.delete(child);
			resolve({code, signal});
		}),
	);
	child.stderr!.on('data', d => (err += d));
	let ready = false;
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`demo did not print its kubeconfig and endpoint within ${opts.readyMs ?? 30_000} ms; stdout: ${out}; stderr: ${err}`));
		}, opts.readyMs ?? 30_000);
		void exited.then(r => {
			clearTimeout(timer);
			reject(new Error(`demo exited early (${r.code ?? r.signal}); stdout: ${out}; stderr: ${err}`));
		});
		child.stdout!.on('data', d => {
			out += d;
			// whole lines only: a chunk may end mid-line
			const k = /^kubeconfig: (.+)\n/m.exec(out);
			const e = /^endpoint: (\S+)\n/m.exec(out);
			if (ready || !k || !e) return;
			ready = true;
			clearTimeout(timer);
			const kubeconfig = k[1]!.trim();
			demoDirs.add(path.dirname(kubeconfig));
			const server = /server: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'));
			resolve({
				kubeconfig,
				endpoint: e[1]!,
				dir: path.dirname(kubeconfig),
				apiPort: Number(new URL(server![1]!.replace(/^["']|["']$/g, '')).port),
				child,
				out: () => out,
				err: () => err,
				async interrupt(graceMs = 10_000, signal: NodeJS.Signals = 'SIGINT') {
					if (child.exitCode === null && child.signalCode === null) child.kill(signal);
					const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
					const r = await exited;
					clearTimeout(kill);
					return r.signal === 'SIGKILL' ? {code: null, signal: r.signal} : r;
				},
			});
		});
	});
}

/** Resolves true when nothing listens on 127.0.0.1:port (connection refused). */
export function portClosed(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const s = net.connect({host: '127.0.0.1', port});
		s.once('connect', () => {
			s.destroy();
			resolve(false);
		});
		s.once('error', e => resolve((e as NodeJS.ErrnoException).code === 'ECONNREFUSED'));
	});
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes; the error names the last thing seen. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number, describeLast: () => string = () => ''): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe();
		if (v !== undefined) return v;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${describeLast()}`);
		await new Promise(r => setTimeout(r, 250));
	}
}

/** Kills every child still running (a failed test), so nothing outlives the file. */
export async function cleanup(): Promise<void> {
	await Promise.all(
		[...children].map(
			c =>
				new Promise<void>(resolve => {
					if (c.exitCode !== null || c.signalCode !== null) return resolve();
					c.once('exit', () => resolve());
					c.kill('SIGKILL');
				}),
		),
	);
	children.clear();
	for (const d of demoDirs) rmSync(d, {recursive: true, force: true});
	demoDirs.clear();
}

/** A snapshot as `infertop --once --json` prints it (contract/snapshot.md); only the fields these tests read are typed. */
export interface Snap {
	schema: string;
	phase: string;
	pods: {name: string; phase: string; role: string | null}[];
	ranks: {pod: string; busId: string | null; globalRank: number | null; state: string; exitCode: number | null}[];
	communicators: {id: string; nranks: number; transports: string[]; state: string}[];
	engine: {vllmVersion: string | null; model: string | null; servedModelName: string | null; tensorParallelSize: number | null; pipelineParallelSize: number | null} | null;
	endpoint: {url: string; health: string; models?: string[]} | null;
	findings: {id: string; severity: string; subject: string; message: string}[];
}

export interface OnceResult extends RunResult {
	snap: Snap | null;
}

/** `infertop --kubeconfig K vllm --once --json ...extra`, parsed (snap null when stdout is not JSON). */
export async function snapshotOnce(cli: Cli, kubeconfig: string, extra: string[] = []): Promise<OnceResult> {
	const r = await runCli(cli, ['--kubeconfig', kubeconfig, 'vllm', '--once', '--json', '--wait', '20s', ...extra], {timeoutMs: 40_000});
	let snap: Snap | null = null;
	try {
		snap = JSON.parse(r.out) as Snap;
	} catch {
		snap = null;
	}
	return {...r, snap};
}

/** One line per poll, for the error message when the expected outcome never comes. */
export const brief = (r: OnceResult | null): string =>
	!r ? 'nothing yet' : !r.snap ? `exit ${r.code}, no JSON; stderr: ${r.err.slice(0, 400)}` : `exit ${r.code}, phase ${r.snap.phase}, endpoint ${r.snap.endpoint?.health ?? 'none'}, findings ${r.snap.findings.map(f => f.id).join(',')}`;
