/**
 * A tiny terminal (a phone's SSH client, a tmux split): the frame never has more rows or
 * columns than the terminal, so nothing scrolls or wraps out of the app's reach, and after
 * a resize the screen is exactly what the app draws at that size: what a fresh start at
 * that size shows, row for row, with no row left over from the size before.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {hasTmux, TmuxSession} from './tmux.js';

const tmux = hasTmux();
if (!tmux && process.env['CI'] === 'true') throw new Error('tmux is required for the tiny-terminal test under CI (apt-get install tmux)');

const crash = 'test/fixtures/corpus/nccl-2.28.9-h200x4/crash-rank1';
const replay = `node --import tsx cli.tsx replay --speed 0 ${crash}; echo EXIT=$?; sleep 120`;

let sessions: TmuxSession[] = [];
afterEach(() => {
	for (const s of sessions) s.kill();
	sessions = [];
});

function start(tag: string, cols: number, rows: number): TmuxSession {
	const s = new TmuxSession(tag);
	sessions.push(s);
	s.start(replay, cols, rows, {LANG: 'C.UTF-8'});
	return s;
}

/** the screen once it has not changed for half a second */
async function settled(s: TmuxSession, ready: (screen: string) => boolean): Promise<string> {
	let last = await s.waitFor(ready);
	for (;;) {
		await new Promise(r => setTimeout(r, 500));
		const now = s.capture();
		if (now === last) return now;
		last = now;
	}
}

/** waits for the screen to read exactly `expected`; fails with both when it does not */
async function expectScreen(s: TmuxSession, expected: string, timeoutMs = 8000): Promise<void> {
	let screen = '';
	try {
		screen = await s.waitFor(sc => sc === expected, timeoutMs);
	} catch {
		screen = s.capture();
	}
	expect(screen).toBe(expected);
}

describe.skipIf(!tmux)('a tiny terminal', () => {
	it('20x5 and 30x6: the whole frame fits, and after a resize the screen is what a fresh start at that size draws', async () => {
		const resized = start('tiny-r', 80, 24);
		const fresh5 = start('tiny-5', 20, 5);
		const fresh6 = start('tiny-6', 30, 6);
		// a frame with the findings in it: the file has been read
		await settled(resized, sc => sc.includes('exit 3') && sc.includes('1Ranks'));
		const at20x5 = await settled(fresh5, sc => sc.startsWith('infertop') && sc.includes('ERROR'));
		const at30x6 = await settled(fresh6, sc => sc.startsWith('infertop') && sc.includes('ERROR'));
		for (const [screen, rows, cols] of [
			[at20x5, 5, 20],
			[at30x6, 6, 30],
		] as const) {
			const lines = screen.split('\n').slice(0, rows);
			// its first row is the header: nothing scrolled off the top
			expect(lines[0]).toMatch(/^infertop /);
			for (const l of lines) expect(l.length).toBeLessThanOrEqual(cols);
		}

		resized.resize(20, 5);
		await expectScreen(resized, at20x5);
		resized.resize(30, 6);
		await expectScreen(resized, at30x6);
		resized.resize(20, 5);
		await expectScreen(resized, at20x5);
	});

	it('narrower than any layout (12x3): still the header first, every row inside the terminal', async () => {
		const s = start('tiny-12', 12, 3);
		const screen = await settled(s, sc => sc.startsWith('infertop'));
		const lines = screen.split('\n').slice(0, 3);
		for (const l of lines) expect(l.length).toBeLessThanOrEqual(12);
		s.keys('q');
		await s.waitFor('EXIT=1');
	});
});
