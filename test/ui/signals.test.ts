/**
 * A signal to the TUI (a `kill` from another shell, the SSH connection dropping, a
 * `timeout` wrapper) ends it as `q` does: the terminal is left as it was found (normal
 * screen, cursor shown, cooked mode) and the findings summary stays in the scrollback.
 * A second signal while the first is being handled exits at once, terminal restored.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {hasTmux, TmuxSession} from './tmux.js';

const tmux = hasTmux();
if (!tmux && process.env['CI'] === 'true') throw new Error('tmux is required for the signal tests under CI (apt-get install tmux)');

const crash = 'test/fixtures/corpus/nccl-2.28.9-h200x4/crash-rank1';

let session: TmuxSession | null = null;
let dir: string | null = null;
afterEach(() => {
	session?.kill();
	session = null;
	if (dir) rmSync(dir, {recursive: true, force: true});
	dir = null;
});

/**
 * The replay TUI in tmux; the shell that started it `exec`s node, so the pid it wrote
 * is the TUI's own. After it ends, the shell prints its exit status and the terminal's
 * mode as `stty` reads it (icanon/echo: not raw).
 */
async function startTui(tag: string, entry: string): Promise<{session: TmuxSession; pid: number}> {
	dir = mkdtempSync(path.join(tmpdir(), 'infertop-signal-'));
	const pidFile = path.join(dir, 'pid');
	const s = new TmuxSession(tag);
	session = s;
	s.start(`sh -c 'echo $$ > ${pidFile}; exec node --import tsx ${entry} ${crash}'; echo EXIT=$?; stty -a | grep -o -- '-\\?icanon' | sed 's/^/MODE=/'; sleep 120`, 120, 40);
	await s.waitFor(sc => sc.includes('Ranks') && sc.includes('rank-exited'));
	expect(s.alternateOn()).toBe(true);
	return {session: s, pid: Number(readFileSync(pidFile, 'utf8').trim())};
}

function cursorVisible(s: TmuxSession): boolean {
	return execFileSync('tmux', ['-L', s.socket, 'display-message', '-p', '-t', s.name, '#{cursor_flag}'], {encoding: 'utf8'}).trim() === '1';
}

// The CLI as a user runs it, and run-tui alone: with no process-level handler (cli.tsx's),
// the TUI still ends on a signal as it should.
const entries = [
	{name: 'infertop replay', entry: 'cli.tsx replay --speed 0'},
	{name: 'run-tui with no process-level handler', entry: 'test/ui/signals-app.ts'},
];

describe.skipIf(!tmux).each(entries)('a signal to the TUI ($name)', ({entry}) => {
	for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
		it(`${signal}: the normal screen is back, cursor shown, not raw, with the findings summary`, async () => {
			const {session: s, pid} = await startTui(signal.toLowerCase(), entry);
			process.kill(pid, signal);
			const screen = await s.waitFor('MODE=', 15_000);
			expect(s.alternateOn()).toBe(false);
			expect(cursorVisible(s)).toBe(true);
			expect(screen).toContain('MODE=icanon');
			expect(screen).toMatch(/infertop: phase failed · ranks 0\/4 ready · findings: 1 error/);
			expect(screen).toMatch(/ERROR\s+rank 1 \(pod0, GPU busId 70\)/);
			// as `q` would: the findings decide the code (an error finding: 1)
			expect(screen).toContain('EXIT=1');
		});
	}

	it('two signals back to back: it exits at once, terminal restored, summary printed', async () => {
		const {session: s, pid} = await startTui('twice', entry);
		// Stopped, the process holds both signals; let go, it gets them back to back.
		process.kill(pid, 'SIGSTOP');
		process.kill(pid, 'SIGHUP');
		process.kill(pid, 'SIGTERM');
		process.kill(pid, 'SIGCONT');
		const screen = await s.waitFor('MODE=', 15_000);
		expect(s.alternateOn()).toBe(false);
		expect(cursorVisible(s)).toBe(true);
		expect(screen).toContain('MODE=icanon');
		// Whether the second one lands while the first is handled (a forced exit: cli.tsx's code,
		// or 128 + its number) or after the quit finished (the findings code) is a race; either
		// way the process is gone at once and the terminal is as it was.
		expect(screen).toMatch(/EXIT=\d+/);
		expect(screen).toMatch(/infertop: phase failed · ranks 0\/4 ready/);
	});
});
