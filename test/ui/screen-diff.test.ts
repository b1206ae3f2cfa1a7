/**
 * Only changed rows reach the terminal (source/ui/screen-diff.ts): a frame Ink writes
 * whole (log-update's erase-lines then every row, or clear-screen then every row)
 * becomes moves, erases and the changed rows, and a terminal that applies those
 * writes shows exactly the frame, with the cursor where Ink's next write expects it.
 */
import {execFileSync} from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createScreenDiff, installScreenDiff} from '../../source/ui/screen-diff.js';

const CLEAR = '\x1b[2J\x1b[3J\x1b[H';
/** ansi-escapes' eraseLines(n), as log-update writes it before a frame */
const eraseLines = (n: number) => {
	let s = '';
	for (let i = 0; i < n; i++) s += '\x1b[2K' + (i < n - 1 ? '\x1b[1A' : '');
	return n ? s + '\x1b[G' : s;
};
/** log-update's write for a frame of `rows` after a frame of `before` lines (Ink adds the final newline) */
const logUpdate = (rows: string[], before: number) => eraseLines(before) + rows.join('\n') + '\n';
const fullscreen = (rows: string[]) => CLEAR + rows.join('\n');

/**
 * A terminal, as far as these writes go: rows of text (SGR kept as text), a cursor,
 * erase-line, relative and absolute moves, carriage return, clear-screen, newline.
 * Text is appended at the cursor's row (every row is erased before it is written).
 */
class Terminal {
	rows: string[];
	row = 0;
	constructor(public height: number) {
		this.rows = Array.from({length: height}, () => '');
	}
	write(s: string): void {
		let i = 0;
		while (i < s.length) {
			if (s.startsWith(CLEAR, i)) {
				this.rows = this.rows.map(() => '');
				this.row = 0;
				i += CLEAR.length;
				continue;
			}
			// private modes (synchronized output, cursor visibility) change nothing on screen
			const mode = /^\x1b\[\?\d+[hl]/.exec(s.slice(i, i + 12));
			if (mode) {
				i += mode[0].length;
				continue;
			}
			const csi = /^\x1b\[(\d*)(?:;(\d+))?([ABGHK])/.exec(s.slice(i, i + 12));
			if (csi) {
				const n = Number(csi[1] || 1);
				if (csi[3] === 'A') this.row = Math.max(0, this.row - n);
				else if (csi[3] === 'B') this.row = Math.min(this.height - 1, this.row + n);
				else if (csi[3] === 'H') this.row = Number(csi[1] || 1) - 1;
				else if (csi[3] === 'K') {
					expect(csi[1]).toBe('2'); // whole-line erases only
					this.rows[this.row] = '';
				}
				i += csi[0].length;
				continue;
			}
			if (s[i] === '\r') {
				i++;
				continue;
			}
			if (s[i] === '\n') {
				this.row = Math.min(this.height - 1, this.row + 1);
				i++;
				continue;
			}
			let j = i;
			while (j < s.length && s[j] !== '\n' && s[j] !== '\r' && !/^\x1b\[(\d*(;\d+)?[ABGHK]|\?\d+[hl])/.test(s.slice(j, j + 12)) && !s.startsWith(CLEAR, j)) j++;
			this.rows[this.row] += s.slice(i, j);
			i = j;
		}
	}
}

describe('screen diff', () => {
	it('writes the first frame whole, then only the rows that changed', () => {
		const d = createScreenDiff();
		const a = ['header 1s', '\x1b[1mranks\x1b[22m', 'logs a', 'footer'];
		expect(d.next(logUpdate(a, 0), 80)).toBe(logUpdate(a, 0));
		// Ink's second frame erases the first one's lines: known, so diffed
		expect(d.next(logUpdate(a, 5), 80)).toBe('');
		d.reset();
		expect(d.next(logUpdate(a, 5), 80)).toBe(logUpdate(a, 5));
		expect(d.next(logUpdate(a, 5), 80)).toBe('');
		const b = ['header 2s', a[1]!, 'logs b', 'footer'];
		// from the line after the frame (row 4): up to row 0, then down to 2, then back to 4
		expect(d.next(logUpdate(b, 5), 80)).toBe('\x1b[4A\r\x1b[2Kheader 2s\x1b[2B\r\x1b[2Klogs b\x1b[2B\r');
		// the clear-screen form moves absolutely
		const f = createScreenDiff();
		f.next(fullscreen(a), 80);
		expect(f.next(fullscreen(b), 80)).toBe('\x1b[1;1H\x1b[2Kheader 2s\x1b[3;1H\x1b[2Klogs b\x1b[4;1H');
	});

	it('writes a frame whole after the width or the frame height changed, or a reset', () => {
		const d = createScreenDiff();
		// a multi-line write whose line count the next erase does not match is not taken as a frame
		d.next('some\ntext\n', 80);
		const a = ['a', 'b', 'c'];
		d.next(logUpdate(a, 4), 80);
		expect(d.next(logUpdate(a, 4), 100)).toBe(logUpdate(a, 4));
		expect(d.next(logUpdate([...a, 'd'], 4), 100)).toBe(logUpdate([...a, 'd'], 4));
		d.reset();
		expect(d.next(logUpdate([...a, 'd'], 5), 100)).toBe(logUpdate([...a, 'd'], 5));
	});

	it('passes every other write as it is (cursor, synchronized output, alternate screen, text)', () => {
		const d = createScreenDiff();
		for (const w of ['\x1b[?25l', '\x1b[?2026h', '\x1b[?1049h\x1b[H', 'summary\n', '\x1b[2Kpartial']) expect(d.next(w, 80)).toBe(w);
	});

	it('leaves a terminal showing exactly each frame, and the cursor where Ink expects it', () => {
		const row = fc.constantFrom('', 'rank 0 ready', '\x1b[32mok\x1b[39m', 'logs …', '│ x │', 'a');
		fc.assert(
			fc.property(fc.integer({min: 1, max: 8}), fc.boolean(), fc.array(fc.array(row, {minLength: 8, maxLength: 8}), {minLength: 1, maxLength: 8}), (h, full, frames) => {
				const d = createScreenDiff();
				const term = new Terminal(h + 1);
				let before = 0;
				for (const f0 of frames) {
					const f = f0.slice(0, h);
					if (full) {
						term.write(d.next(fullscreen(f), 80));
						expect(term.rows.slice(0, h)).toEqual(f);
						expect(term.row).toBe(h - 1); // end of the last row
					} else {
						term.write(d.next(logUpdate(f, before), 80));
						before = h + 1;
						expect(term.rows.slice(0, h)).toEqual(f);
						expect(term.row).toBe(h); // the line after the frame
					}
				}
			}),
			{numRuns: 400},
		);
	});

	it('routes a stream’s writes and counts bytes asked for and written', () => {
		const written: string[] = [];
		const stream = {columns: 80, write: (c: string | Uint8Array) => (written.push(String(c)), true)};
		const {uninstall, stats} = installScreenDiff(stream);
		const top = 'x'.repeat(100);
		stream.write(logUpdate([top, 'b'], 0));
		stream.write(logUpdate([top, 'b'], 3));
		stream.write(logUpdate([top, 'c'], 3));
		stream.write('\x1b[?25h');
		// the first frame (nothing erased before it) passes as it is; the second erases exactly
		// its lines, so it is diffed against it (nothing changed: nothing written)
		expect(written).toEqual([logUpdate([top, 'b'], 0), '\x1b[1A\r\x1b[2Kc\x1b[1B\r', '\x1b[?25h']);
		expect(stats.framesIn).toBe(2);
		expect(stats.bytesOut).toBeLessThan(stats.bytesIn);
		uninstall();
		stream.write(logUpdate([top, 'c'], 3));
		expect(written.at(-1)).toBe(logUpdate([top, 'c'], 3));
	});

	it('keeps a terminal showing exactly what Ink draws for the real App under a log storm', () => {
		// in a child process: under CI Ink writes only the last frame (see screen-diff-app.ts)
		const env = {...process.env};
		delete env['CI'];
		const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'screen-diff-app.ts')], {env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
		const run = JSON.parse(out) as {rows: number; written: string; asked: string[]; stats: {framesIn: number; bytesIn: number; bytesOut: number}};
		expect(run.stats.framesIn).toBeGreaterThan(5);
		expect(run.stats.bytesOut).toBeLessThan(run.stats.bytesIn / 2);
		// Ink's last whole frame is the truth: the terminal must show exactly it
		const frames = run.asked.filter(c => c.includes('\n') && c.length > 1000);
		const last = frames
			.at(-1)!
			.replace(/^(\x1b\[2K\x1b\[1A)*\x1b\[2K\x1b\[G/, '')
			.split('\n');
		const term = new Terminal(run.rows);
		term.write(run.written);
		expect(term.rows.slice(0, last.length - 1)).toEqual(last.slice(0, -1));
		expect(last.join('\n')).toContain('line 29 of the storm');
	}, 30_000);
});
