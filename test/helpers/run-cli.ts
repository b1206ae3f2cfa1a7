/**
 * The real CLI in a child process, as a user runs it (`node --import tsx cli.tsx ARGS`):
 * stdout and stderr together, in the order they came, and the exit code. No CI variable
 * (Ink and others change behaviour under CI; a user's shell has none) and no colour.
 */
import {spawn} from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export function runCli(args: string[], extraEnv: Record<string, string> = {}): Promise<{code: number | null; out: string}> {
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', ...extraEnv};
	delete env['CI'];
	return new Promise(resolve => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'cli.tsx', ...args], {cwd: repoRoot, env: env as NodeJS.ProcessEnv});
		let out = '';
		child.stdout.on('data', d => (out += d));
		child.stderr.on('data', d => (out += d));
		child.on('close', code => resolve({code, out}));
	});
}
