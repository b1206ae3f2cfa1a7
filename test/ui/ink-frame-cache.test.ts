/**
 * The row cache on Ink's Output (source/ui/ink-frame-cache.ts) must paint exactly what
 * Ink paints: every row compared byte for byte with Ink's own Output.get(), for arbitrary
 * styled, wide, overlapping and off-screen writes, over consecutive frames (so reused rows
 * are checked too), and for the real App.
 */
import fc from 'fast-check';
import {afterAll, describe, expect, it} from 'vitest';
import Output from '../../node_modules/ink/build/output.js';
import {inkFrameCacheStats, inkOriginalGet, installInkFrameCache, paintRow, uninstallInkFrameCache} from '../../source/ui/ink-frame-cache.js';
import {plain, renderApp} from './harness.js';
import {bigState, crashState} from './states.js';

afterAll(() => uninstallInkFrameCache());

// Styled text as Ink sees it: SGR runs (colours, bold, dim, inverse, resets in any order),
// ASCII, box drawing, wide CJK, an emoji, a combining mark.
const sgr = fc.constantFrom('\x1b[31m', '\x1b[32m', '\x1b[90m', '\x1b[1m', '\x1b[2m', '\x1b[7m', '\x1b[0m', '\x1b[39m', '\x1b[22m', '\x1b[1;33m', '\x1b[2;7m');
const piece = fc.constantFrom('a', 'rank 0', ' ', '  ', '│', '─', '▸', '…', '漢字', 'ｘ', '🙂', 'é', 'e\u0301', 'NCCL INFO', '0x9c2d');
const styled = fc.array(fc.oneof(sgr, piece), {maxLength: 14}).map(parts => parts.join(''));
const write = (width: number) => fc.record({x: fc.integer({min: -2, max: width + 2}), line: styled});

function inkRow(width: number, writes: {x: number; line: string}[]): string {
	const out = new Output({width, height: 1});
	for (const w of writes) out.write(w.x, 0, w.line, {transformers: []});
	return inkOriginalGet(out).output;
}

describe('paintRow', () => {
	it('paints a row byte for byte as Ink does, for any styled, wide or overlapping writes', () => {
		fc.assert(
			fc.property(
				fc.integer({min: 1, max: 40}).chain(width => fc.tuple(fc.constant(width), fc.array(write(width), {maxLength: 6}))),
				([width, writes]) => {
					expect(paintRow(width, writes)).toBe(inkRow(width, writes));
				},
			),
			{numRuns: 400},
		);
	});
});

// Rows as this UI draws them: one-cell characters only (ASCII, box drawing, arrows, marks,
// Latin-1), SGR styles including compound and 256/24-bit colours, writes side by side —
// the rows paintRow paints by runs rather than by cells.
const plainSgr = fc.constantFrom('\x1b[31m', '\x1b[1m', '\x1b[2m', '\x1b[7m', '\x1b[0m', '\x1b[39m', '\x1b[22m', '\x1b[1;33m', '\x1b[2;7m', '\x1b[38;5;208m', '\x1b[38;2;1;2;3m', '\x1b[48;5;17m', '\x1b[49m', '\x1b[m', '\x1b[27m');
const plainPiece = fc.constantFrom('a', 'rank 0', ' ', '  ', '│', '─', '┌', '▸', '…', '·', '→', '↔', '✓', '✗', '⚠', 'é', '°', 'NCCL INFO', '0x9c2d');
const plainLine = fc.array(fc.oneof(plainSgr, plainPiece), {maxLength: 10}).map(parts => parts.join(''));

describe('paintRow by runs', () => {
	it('paints rows of side-by-side plain writes byte for byte as Ink does', () => {
		const before = inkFrameCacheStats().rowsPaintedByRuns;
		fc.assert(
			fc.property(fc.integer({min: 1, max: 60}), fc.array(fc.record({gap: fc.integer({min: 0, max: 3}), line: plainLine}), {maxLength: 6}), fc.boolean(), (width, parts, shuffle) => {
				// laid out left to right with gaps; some runs may cross the right edge (cell path)
				let x = 0;
				const writes = parts.map(p => {
					x += p.gap;
					const w = {x, line: p.line};
					x += p.line.replace(/\x1b\[[0-9;]*m/g, '').length;
					return w;
				});
				if (shuffle) writes.reverse();
				expect(paintRow(width, writes)).toBe(inkRow(width, writes));
			}),
			{numRuns: 1000},
		);
		// most of those rows took the run painter (the rest: a write over the right edge)
		expect(inkFrameCacheStats().rowsPaintedByRuns - before).toBeGreaterThan(500);
	});
});

describe('the frame cache on Output.get()', () => {
	type Op = {x: number; y: number; text: string; upper: boolean};
	const frameOp = fc.record({x: fc.integer({min: 0, max: 30}), y: fc.integer({min: -1, max: 6}), text: fc.array(styled, {minLength: 1, maxLength: 3}).map(l => l.join('\n')), upper: fc.boolean()});
	const paint = (ops: Op[], width: number, height: number, cached: boolean) => {
		const out = new Output({width, height});
		// A transformer like Ink's <Text color>: a function of the line and its index.
		for (const op of ops) out.write(op.x, op.y, op.text, {transformers: op.upper ? [(line: string, i: number) => `\x1b[3${i % 7}m${line.toUpperCase()}\x1b[39m`] : []});
		return cached ? out.get() : inkOriginalGet(out);
	};

	it('gives Ink’s frame for any writes, frame after frame (reused rows included)', () => {
		installInkFrameCache();
		const before = inkFrameCacheStats();
		fc.assert(
			fc.property(fc.array(fc.array(frameOp, {maxLength: 8}), {minLength: 1, maxLength: 4}), fc.integer({min: 5, max: 32}), fc.integer({min: 1, max: 6}), (frames, width, height) => {
				// each frame shares its first writes with the one before: most rows repeat
				let ops: Op[] = [];
				for (const extra of frames) {
					ops = [...ops.slice(0, 3), ...extra];
					expect(paint(ops, width, height, true)).toEqual(paint(ops, width, height, false));
				}
			}),
			{numRuns: 200},
		);
		const after = inkFrameCacheStats();
		expect(after.rowsReused).toBeGreaterThan(before.rowsReused);
		expect(after.rowsPainted).toBeGreaterThan(before.rowsPainted);
	});

	it('hands a clipped frame to Ink as it is', () => {
		installInkFrameCache();
		const before = inkFrameCacheStats().fallbacks;
		const out = new Output({width: 10, height: 2});
		out.clip({x1: 2, x2: 6, y1: 0, y2: 2});
		out.write(0, 0, 'abcdefghij\nklmnopqrst', {transformers: []});
		out.unclip();
		const twin = new Output({width: 10, height: 2});
		twin.clip({x1: 2, x2: 6, y1: 0, y2: 2});
		twin.write(0, 0, 'abcdefghij\nklmnopqrst', {transformers: []});
		twin.unclip();
		expect(out.get()).toEqual(inkOriginalGet(twin));
		expect(inkFrameCacheStats().fallbacks).toBe(before + 1);
	});
});

describe('the App through the frame cache', () => {
	const frames = async (cached: boolean, state: ReturnType<typeof crashState>, cols: number, rows: number, keys: string) => {
		if (cached) installInkFrameCache();
		else uninstallInkFrameCache();
		const app = renderApp(state, {cols, rows});
		try {
			await app.waitFor('Ranks');
			const seen = [app.frame()];
			for (const k of keys) {
				await app.press(k);
				seen.push(app.frame());
			}
			return seen;
		} finally {
			app.unmount();
		}
	};

	it('draws the same screens, styles included, with and without it', async () => {
		for (const [state, cols, rows] of [
			[crashState(), 200, 60],
			[bigState(8, 8), 120, 40],
			[crashState({shm: true}), 80, 24],
		] as const) {
			const keys = '\tjj\r7?';
			const withCache = await frames(true, state, cols, rows, keys);
			const without = await frames(false, state, cols, rows, keys);
			expect(withCache).toEqual(without);
			expect(plain(withCache[0]!)).toContain('Ranks');
		}
	});
});
