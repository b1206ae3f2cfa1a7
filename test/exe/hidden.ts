/**
 * Runs a program with Node.js hidden, as on a bastion host that has none: a private mount
 * namespace (`unshare -m`) where /dev/null is bind-mounted over every `node` on PATH and over
 * the node running the tests, and a check that `node` really no longer runs before the
 * program starts. Needs root (CI is) or a user namespace; `hidingWorks()` says why not.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {existsSync, realpathSync} from 'node:fs';
import path from 'node:path';

/** every node binary a child could reach: on PATH (under any name that resolves to it) and this one */
function nodeBinaries(): string[] {
	const found = new Set<string>([realpathSync(process.execPath)]);
	for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
		for (const name of ['node', 'nodejs']) {
			const p = path.join(dir, name);
			if (dir && existsSync(p)) found.add(realpathSync(p));
		}
	}
	return [...found];
}

const guard = [
	...nodeBinaries().map(p => `mount --bind /dev/null '${p}' || exit 98`),
	// the proof: no node runs in here
	'if node -e 0 >/dev/null 2>&1; then echo "node still runs" >&2; exit 99; fi',
	'exec "$@"',
].join('\n');

/** argv that runs `args` with Node hidden */
export function hiddenArgv(args: string[]): string[] {
	return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', guard, 'sh', ...args];
}

/** the same as one shell command line (for tmux) */
export function hiddenCommand(args: string[]): string {
	const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
	return hiddenArgv(args).map(q).join(' ');
}

/** null when Node can be hidden here, else why not */
export function hidingWorks(): string | null {
	if (spawnSync('unshare', ['--version']).status !== 0) return 'unshare (util-linux) is not installed';
	const r = spawnSync(hiddenArgv(['true'])[0]!, hiddenArgv(['true']).slice(1), {encoding: 'utf8'});
	if (r.status === 0) return null;
	return `cannot hide node with unshare -m and a bind mount here (exit ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}); it needs root or user namespaces`;
}

export interface Result {
	code: number | null;
	out: string;
	err: string;
}

const children = new Set<ChildProcess>();

/** The child's environment: no CI (Ink writes only its last frame under CI), no colour, no ambient kubeconfig. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', ...extra};
	for (const k of ['CI', 'KUBECONFIG', 'FORCE_COLOR', 'TMUX', 'NODE_OPTIONS']) if (!(k in extra)) delete env[k];
	return env;
}

/** Runs `args` with Node hidden, to its end (killed after timeoutMs: code null). */
export function runHidden(args: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<Result> {
	return new Promise(resolve => {
		const argv = hiddenArgv(args);
		const child = spawn(argv[0]!, argv.slice(1), {cwd: opts.cwd, env: opts.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe']});
		children.add(child);
		let out = '';
		let err = '';
		child.stdout!.on('data', d => (out += d));
		child.stderr!.on('data', d => (err += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
		child.on('close', code => {
			clearTimeout(timer);
			children.delete(child);
			resolve({code, out, err});
		});
	});
}

export interface Background {
	child: ChildProcess;
	out(): string;
	err(): string;
	/** resolves with the first match of `re` in stdout (or rejects after ms) */
	waitOut(re: RegExp, ms?: number): Promise<RegExpExecArray>;
	/** SIGINT, then the exit code (SIGKILL after graceMs: null) */
	stop(graceMs?: number): Promise<number | null>;
}

/** Starts `args` with Node hidden and leaves it running. */
export function startHidden(args: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Background {
	const argv = hiddenArgv(args);
	const child = spawn(argv[0]!, argv.slice(1), {cwd: opts.cwd, env: opts.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe']});
	children.add(child);
	let out = '';
	let err = '';
	child.stdout!.on('data', d => (out += d));
	child.stderr!.on('data', d => (err += d));
	const exited = new Promise<number | null>(resolve =>
		child.on('exit', code => {
			children.delete(child);
			resolve(code);
		}),
	);
	return {
		child,
		out: () => out,
		err: () => err,
		async waitOut(re, ms = 30_000) {
			const deadline = Date.now() + ms;
			for (;;) {
				const m = re.exec(out);
				if (m) return m;
				if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${re} on stdout (exit ${child.exitCode}); stdout: ${out}; stderr: ${err}`);
				await new Promise(r => setTimeout(r, 50));
			}
		},
		async stop(graceMs = 10_000) {
			// sh exec'd the program: the signal reaches it, not a shell
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
			const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
			const code = await exited;
			clearTimeout(kill);
			return code;
		},
	};
}

/** Kills every child still running (a failed test), so nothing outlives the file. */
export function killAll(): void {
	for (const c of children) c.kill('SIGKILL');
	children.clear();
}
