/**
 * The terminal as an SSH user has it: a locale that is not UTF-8 (LANG=C on a bastion,
 * LC_ALL=C in a script, LC_CTYPE=POSIX) gets ASCII only, every glyph of the TUI and of the
 * summary it leaves; TERM=dumb gets the plain frame a pipe gets, not the full-screen UI;
 * `replay FILE | cat` prints its frame as soon as the file is read, not in real time.
 * All in a real terminal (tmux) whose own locale is UTF-8, so a non-ASCII byte would show.
 */
import stringWidth from 'string-width';
import {afterEach, describe, expect, it} from 'vitest';
import {toAscii} from '../../source/ui/theme.js';
import {hasTmux, TmuxSession} from './tmux.js';

const tmux = hasTmux();
if (!tmux && process.env['CI'] === 'true') throw new Error('tmux is required for the locale tests under CI (apt-get install tmux)');

const crash = 'test/fixtures/corpus/nccl-2.28.9-h200x4/crash-rank1';
const utf8Server = {LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8'};
const nonAscii = /[^\x00-\x7f]/;

let session: TmuxSession | null = null;
afterEach(() => {
	session?.kill();
	session = null;
});

/** the environment for the command only: the locale variables as given, the rest of them unset */
const withLocale = (vars: Record<string, string>) =>
	`env -u LANG -u LC_ALL -u LC_CTYPE ${Object.entries(vars)
		.map(([k, v]) => `${k}=${v}`)
		.join(' ')}`;

describe('the ASCII fold of what the TUI writes', () => {
	it('keeps every row as wide as it was drawn: one column for a narrow glyph, two for a wide one, none for a combining mark', () => {
		const rows = ['╭─ ▶ 1 Ranks ─╮', '│▾ pod0 · 2 ranks… › ↔ → ✓ ×3 — ▁▃▅█│', 'café naïve', 'モデル 模型 rank 0', 'e\u0301 \u200b|', '\x1b[1mbold\x1b[22m plain'];
		for (const row of rows) {
			const ascii = toAscii(row);
			expect(ascii).not.toMatch(nonAscii);
			expect(stringWidth(ascii)).toBe(stringWidth(row));
		}
		expect(toAscii('│▶ 1 Ranks · 4 need attention…│')).toBe('|> 1 Ranks - 4 need attention~|');
		expect(toAscii('\x1b[1mbold\x1b[22m')).toBe('\x1b[1mbold\x1b[22m');
	});
});

describe.skipIf(!tmux)('a locale that is not UTF-8', () => {
	const locales: {name: string; vars: Record<string, string>}[] = [
		{name: 'LANG=C', vars: {LANG: 'C'}},
		{name: 'LC_ALL=C over a UTF-8 LANG', vars: {LANG: 'en_US.UTF-8', LC_ALL: 'C'}},
		{name: 'LC_CTYPE=POSIX over a UTF-8 LANG', vars: {LANG: 'C.UTF-8', LC_CTYPE: 'POSIX'}},
		{name: 'no locale variable at all', vars: {}},
	];
	for (const {name, vars} of locales) {
		it(`${name}: the TUI and the summary it leaves are ASCII only`, async () => {
			session = new TmuxSession('locale');
			session.start(`${withLocale(vars)} node --import tsx cli.tsx replay --speed 0 ${crash}; echo EXIT=$?; sleep 120`, 120, 40, utf8Server);
			let screen = await session.waitFor(s => s.includes('Ranks') && s.includes('rank-exited') && s.includes('Logs'));
			expect(session.alternateOn()).toBe(true);
			expect(screen.split('\n').filter(l => nonAscii.test(l))).toEqual([]);
			expect(screen).toContain('+-'); // the panes' borders, in ASCII
			session.keys('Tab');
			screen = await session.waitFor('> 2 Paths');
			expect(screen.split('\n').filter(l => nonAscii.test(l))).toEqual([]);
			session.keys('q');
			screen = await session.waitFor('EXIT=');
			expect(screen).toMatch(/infertop: phase failed - ranks 0\/4 ready - findings: 1 error/);
			expect(screen.split('\n').filter(l => nonAscii.test(l))).toEqual([]);
		});
	}
});

describe.skipIf(!tmux)('TERM=dumb', () => {
	it('gets the plain frame a pipe gets, on the normal screen, and the exit code', async () => {
		session = new TmuxSession('dumb');
		session.start(`env TERM=dumb node --import tsx cli.tsx replay --speed 0 ${crash}; echo EXIT=$?; sleep 120`, 120, 40, utf8Server);
		const screen = await session.waitFor('EXIT=');
		expect(session.alternateOn()).toBe(false);
		// the plain frame's sections, one pane after another, no box
		expect(screen).toMatch(/^GDR$/m);
		expect(screen).toMatch(/^Engine$/m);
		expect(screen).toMatch(/^Endpoint$/m);
		expect(screen).not.toMatch(/[╭╰│]/);
		expect(screen).not.toContain('Tab/1-8 pane');
		expect(screen).toContain('EXIT=1');
	});
});

describe.skipIf(!tmux)('replay into a pipe', () => {
	it('`replay FILE | cat` prints the frame as soon as the file is read (the log spans a minute)', async () => {
		session = new TmuxSession('pipe');
		const started = Date.now();
		session.start(`bash -c 'node --import tsx cli.tsx replay ${crash} | cat; echo EXIT=\${PIPESTATUS[0]}'; sleep 120`, 120, 40, utf8Server);
		const screen = await session.waitFor('EXIT=', 30_000);
		// at its own pace the log takes 1m07s; read at once it takes the time node takes to start
		expect(Date.now() - started).toBeLessThan(30_000);
		expect(screen).toMatch(/^Endpoint$/m);
		expect(screen).toContain('EXIT=1');
	});
});
