/**
 * End to end: the CLI in a real terminal (tmux), replaying a real corpus crash,
 * driven by keys, then quit: the alternate screen is left and the findings
 * summary stays in the scrollback. Under CI a missing tmux fails, elsewhere it skips.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {hasTmux, TmuxSession} from './tmux.js';

const tmux = hasTmux();
if (!tmux && process.env['CI'] === 'true') throw new Error('tmux is required for the end-to-end TUI test under CI (apt-get install tmux)');
if (!tmux) console.warn('skipping the tmux end-to-end test: tmux is not installed');

let session: TmuxSession | null = null;
afterEach(() => {
	session?.kill();
	session = null;
});

const crash = 'test/fixtures/corpus/nccl-2.28.9-h200x4/crash-rank1';

describe.skipIf(!tmux)('infertop replay in a real terminal', () => {
	it('shows the crash, answers keys, and restores the terminal on q', async () => {
		session = new TmuxSession('e2e');
		session.start(`node --import tsx cli.tsx replay --speed 0 ${crash}; echo EXIT=$?; sleep 120`, 120, 40);
		// findings are recomputed at most once a second while lines pour in: wait for the settled screen
		let screen = await session.waitFor(s => s.includes('Ranks') && s.includes('exit 3') && s.includes('rank-exited'));
		expect(session.alternateOn()).toBe(true);
		expect(screen).toMatch(/!\s+1 pod0/);
		expect(screen).toContain('rank-exited');

		session.keys('?');
		screen = await session.waitFor('Tab / Shift-Tab');
		session.keys('?');
		await session.waitFor(s => !s.includes('Tab / Shift-Tab') && s.includes('Ranks'));

		session.keys('/');
		// the Logs pane's status line (a bare '/_' can also appear inside a Python path in the logs)
		await session.waitFor(/│\/_ /);
		session.literal('NCCL WARN');
		await session.waitFor('/NCCL WARN_');
		session.keys('Enter');
		screen = await session.waitFor('filter /NCCL WARN/');
		const logLines = screen.split('\n').filter(l => /│\d\d:\d\d:\d\d pod[01] /.test(l));
		expect(logLines.length).toBeGreaterThan(0);
		for (const l of logLines) expect(l).toContain('NCCL WARN');

		session.keys('Tab');
		screen = await session.waitFor(/▶ 1 Ranks|▶ 2 Paths|▶ 8/);
		session.keys('1');
		screen = await session.waitFor('▶ 1 Ranks');
		session.keys('Enter');
		screen = await session.waitFor('communicators (');
		expect(screen).toMatch(/rank 1 · pod0 · bus 70/);
		session.keys('Escape');
		await session.waitFor(s => !s.includes('communicators (') && s.includes('nccl init'));

		session.keys('q');
		screen = await session.waitFor('EXIT=');
		expect(session.alternateOn()).toBe(false);
		expect(screen).toMatch(/infertop: phase failed · ranks 0\/4 ready · findings: 1 error.* · replay crash-rank1/);
		expect(screen).toMatch(/ERROR\s+rank 1 \(pod0, GPU busId 70\)/);
		expect(screen).toContain('EXIT=1');
	});

	it('fits 80x24 and follows a resize to 200x60', async () => {
		session = new TmuxSession('resize');
		session.start(`node --import tsx cli.tsx replay --speed 0 ${crash}; echo EXIT=$?; sleep 120`, 80, 24);
		let screen = await session.waitFor(s => s.includes('Ranks') && s.includes('exit 3'));
		const lines = screen.trimEnd().split('\n');
		expect(lines.length).toBeLessThanOrEqual(24);
		expect(screen).toContain('1Ranks'); // the pane bar of the stacked layout
		session.resize(200, 60);
		screen = await session.waitFor(s => s.includes('Endpoint') && s.includes('GDR') && s.includes('Paths'));
		session.keys('C-c');
		screen = await session.waitFor('EXIT=');
		expect(session.alternateOn()).toBe(false);
	});
});
