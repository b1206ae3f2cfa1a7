/**
 * Makes Ink's per-frame cost follow what changed on the screen, not its size.
 *
 * Ink 6.8 builds every frame from scratch: `renderer.js` makes a new `Output`
 * for each frame, and `Output.get()` paints a width×height grid of styled
 * cells, tokenising every written line again (its `OutputCaches` live on that
 * one Output, so they never hit across frames). At 200x60 that is ~12,000
 * cells and 10–25 ms a frame, whether one clock digit changed or every line.
 *
 * A painted row is a pure function of the terminal width and the writes that
 * land on that row, in order (x, and the line after Ink's transformers). This
 * wraps `Output.prototype.get`: it replays the frame's writes per row, reuses
 * the previous frame's string for every row whose writes are the same, and
 * paints only the other rows, the way Ink paints them (`paintRow`: byte for byte
 * Ink's row, tested against Ink's own get()). Frames using clipping
 * (`overflow="hidden"`, which this UI does not use) go to Ink's `get()` as is.
 *
 * Ink is not exported this deep (its package `exports` has only "."), so the
 * class is imported by path: the same file Ink's renderer imports, hence the
 * same class in Node, tsx, vitest and the esbuild bundle.
 */
import {ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, styledCharsFromTokens, tokenize, type AnsiCode, type StyledChar} from '@alcalzone/ansi-tokenize';
import stringWidth from 'string-width';
import Output from '../../node_modules/ink/build/output.js';

type Transformer = (line: string, index: number) => string;
interface WriteOp {
	type: 'write';
	x: number;
	y: number;
	text: string;
	transformers: Transformer[];
}
type Op = WriteOp | {type: 'clip' | 'unclip'};
interface OutputInternals {
	width: number;
	height: number;
	operations: Op[];
	get(): {output: string; height: number};
}

export interface FrameCacheStats {
	/** frames painted through the row cache */
	frames: number;
	/** rows reused from the previous frame / painted */
	rowsReused: number;
	rowsPainted: number;
	/** of those, rows painted by runs (plain writes side by side) rather than cell by cell */
	rowsPaintedByRuns: number;
	/** frames handed to Ink's own get() (clipping, or a line the cache cannot key) */
	fallbacks: number;
}

const stats: FrameCacheStats = {frames: 0, rowsReused: 0, rowsPainted: 0, rowsPaintedByRuns: 0, fallbacks: 0};
let installed = false;
let original: (() => {output: string; height: number}) | null = null;

/** Counters since the process started (tests and the bench read them). */
export function inkFrameCacheStats(): Readonly<FrameCacheStats> {
	return {...stats};
}

// Row key → painted row, for the rows of the last frame painted (two generations: a
// frame reads `previous` and fills `current`, so memory is bounded by one screen).
let previous = new Map<string, string>();

// Styled characters of the lines written in this frame and the last (Ink's own cache
// lives one frame): a line that moved to another row, or shares a row with one that
// changed, is not tokenised again. Two generations, like the rows: a character is an
// object with a styles array, so keeping more than a screen's worth would be megabytes.
let charsPrevious = new Map<string, StyledChar[]>();
let charsCurrent = new Map<string, StyledChar[]>();
const widthCache = new Map<string, number>();

function styledChars(line: string): StyledChar[] {
	let chars = charsCurrent.get(line);
	if (chars === undefined) {
		chars = charsPrevious.get(line) ?? styledCharsFromTokens(tokenize(line));
		charsCurrent.set(line, chars);
	}
	return chars;
}

function charWidth(value: string): number {
	let w = widthCache.get(value);
	if (w === undefined) {
		if (widthCache.size > 4096) widthCache.clear();
		w = stringWidth(value);
		widthCache.set(value, w);
	}
	return w;
}

const sameStyles = (a: AnsiCode[], b: AnsiCode[]) => {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
	return true;
};

/**
 * One row as Ink's Output.get() paints it (output.js, Ink 6.8): blank cells, each write's
 * styled characters placed from its x (a wide character blanks the cells it covers),
 * holes dropped, then styledCharsToString and trimEnd. The one difference is speed:
 * between two characters of the same style the (empty) diff is not computed — Ink's
 * diffAnsiCodes builds three Sets per character — and a row of plain writes is painted
 * by runs (paintRuns) instead of by cells. test/ui/ink-frame-cache.test.ts checks rows
 * against Ink's own get() for arbitrary styled, wide and overlapping writes.
 */
export function paintRow(width: number, writes: readonly {x: number; line: string}[]): string {
	const byRuns = paintRuns(width, writes);
	if (byRuns !== null) {
		stats.rowsPaintedByRuns++;
		return byRuns;
	}
	const cells: StyledChar[] = [];
	for (let x = 0; x < width; x++) cells.push(blank);
	for (const w of writes) {
		let offsetX = w.x;
		for (const character of styledChars(w.line)) {
			cells[offsetX] = character;
			const characterWidth = Math.max(1, charWidth(character.value));
			for (let k = 1; k < characterWidth; k++) cells[offsetX + k] = {type: 'char', value: '', fullWidth: false, styles: character.styles};
			offsetX += characterWidth;
		}
	}
	const chars = cells.filter(c => c !== undefined);
	let out = '';
	for (let i = 0; i < chars.length; i++) {
		const c = chars[i]!;
		if (i === 0) out += ansiCodesToString(c.styles);
		else {
			const prev = chars[i - 1]!.styles;
			if (!sameStyles(prev, c.styles)) out += ansiCodesToString(diffAnsiCodes(prev, c.styles));
		}
		out += c.value;
		if (i === chars.length - 1) out += ansiCodesToString(diffAnsiCodes(c.styles, []));
	}
	return out.trimEnd();
}

/** A line as runs of same-styled text, when every character is one cell wide. */
interface PlainLine {
	runs: {styles: AnsiCode[]; text: string}[];
	width: number;
}

// Same two generations as the styled characters.
let runsPrevious = new Map<string, PlainLine | null>();
let runsCurrent = new Map<string, PlainLine | null>();
// An SGR sequence → its tokens as Ink's tokenizer splits it (compound codes apart), or
// null when the tokenizer would not read it as one escape. A UI uses a few dozen.
const sgrTokens = new Map<string, AnsiCode[] | null>();

/**
 * True for a UTF-16 unit that Ink's tokenizer makes a grapheme of its own, one cell
 * wide: printable Latin (no combining marks: they join the character before), and the
 * punctuation, arrows, box drawing and symbol blocks this UI draws with, when
 * string-width says 1 (emoji there are 2). Anything else leaves the row to the
 * per-cell painter, which handles every case.
 */
function oneCell(c: number): boolean {
	if (c >= 0x20 && c < 0x7f) return true;
	if (!((c >= 0xa1 && c <= 0x2ff) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205e) || (c >= 0x2070 && c <= 0x20c0) || (c >= 0x2100 && c <= 0x2bff))) return false;
	return charWidth(String.fromCharCode(c)) === 1;
}

function sgrTokensOf(seq: string): AnsiCode[] | null {
	let codes = sgrTokens.get(seq);
	if (codes === undefined) {
		const tokens = tokenize(seq);
		codes = tokens.every(t => t.type === 'ansi') ? (tokens as AnsiCode[]) : null;
		if (sgrTokens.size > 1024) sgrTokens.clear();
		sgrTokens.set(seq, codes);
	}
	return codes;
}

function readPlainLine(line: string): PlainLine | null {
	const runs: PlainLine['runs'] = [];
	let styles: AnsiCode[] = [];
	let width = 0;
	let from = 0;
	const n = line.length;
	for (let i = 0; i < n; i++) {
		const c = line.charCodeAt(i);
		if (c === 27) {
			if (i > from) {
				runs.push({styles, text: line.slice(from, i)});
				width += i - from;
			}
			// SGR only (`ESC [ digits ; … m`), as the tokenizer's findSGRSequenceEndIndex reads it
			if (line.charCodeAt(i + 1) !== 91) return null;
			let j = i + 2;
			for (let d = line.charCodeAt(j); j < n && (d === 59 || (d >= 48 && d <= 57)); d = line.charCodeAt(++j));
			if (j >= n || line.charCodeAt(j) !== 109) return null;
			const codes = sgrTokensOf(line.slice(i, j + 1));
			if (codes === null) return null;
			// as styledCharsFromTokens folds them: the characters after carry the reduced set
			styles = reduceAnsiCodesIncremental(styles, codes);
			i = j;
			from = j + 1;
		} else if (!oneCell(c)) return null;
	}
	if (n > from) {
		runs.push({styles, text: line.slice(from)});
		width += n - from;
	}
	return {runs, width};
}

function plainLine(line: string): PlainLine | null {
	let plain = runsCurrent.get(line);
	if (plain === undefined) {
		plain = runsPrevious.get(line);
		if (plain === undefined) plain = readPlainLine(line);
		runsCurrent.set(line, plain);
	}
	return plain;
}

const noStyles: AnsiCode[] = [];

/**
 * A row whose writes are all plain lines (one cell per character, SGR styles only),
 * inside the row and not overlapping: the string Ink would build cell by cell, built
 * run by run — the same style diffs at the same places (between runs whose styles
 * differ), the same final reset and trimEnd. Null for any other row.
 */
function paintRuns(width: number, writes: readonly {x: number; line: string}[]): string | null {
	if (width <= 0) return null;
	const placed: {x: number; plain: PlainLine}[] = [];
	for (const w of writes) {
		const plain = plainLine(w.line);
		if (plain === null) return null;
		// nothing drawn (empty, or escapes only): Ink places no cell for it
		if (plain.width === 0) continue;
		if (w.x < 0 || w.x + plain.width > width) return null;
		placed.push({x: w.x, plain});
	}
	placed.sort((a, b) => a.x - b.x);
	let out = '';
	let prev: AnsiCode[] | null = null;
	const emit = (styles: AnsiCode[], text: string) => {
		if (prev === null) out += ansiCodesToString(styles);
		else if (!sameStyles(prev, styles)) out += ansiCodesToString(diffAnsiCodes(prev, styles));
		out += text;
		prev = styles;
	};
	let pos = 0;
	for (const p of placed) {
		// a later write over an earlier one: Ink's cell order decides, so the cell painter does
		if (p.x < pos) return null;
		if (p.x > pos) emit(noStyles, ' '.repeat(p.x - pos));
		for (const run of p.plain.runs) emit(run.styles, run.text);
		pos = p.x + p.plain.width;
	}
	if (pos < width) emit(noStyles, ' '.repeat(width - pos));
	out += ansiCodesToString(diffAnsiCodes(prev!, []));
	return out.trimEnd();
}

const blank: StyledChar = {type: 'char', value: ' ', fullWidth: false, styles: []};

function cachedGet(this: OutputInternals): {output: string; height: number} {
	const ops = this.operations;
	for (const op of ops) if (op.type !== 'write') return fallback(this);
	const height = this.height;
	const width = this.width;
	const rowWrites: {x: number; line: string}[][] = [];
	for (let y = 0; y < height; y++) rowWrites.push([]);
	for (const op of ops as WriteOp[]) {
		// Same walk as Output.get(): an empty text writes nothing; a row that is not
		// there (above or below the frame) is skipped without advancing offsetY.
		if (!op.text) continue;
		const lines = op.text.split('\n');
		let offsetY = 0;
		for (let index = 0; index < lines.length; index++) {
			const row = rowWrites[op.y + offsetY];
			if (!row) continue;
			let line = lines[index]!;
			for (const t of op.transformers) line = t(line, index);
			// A transformer that adds a line break would be painted as one row by Ink: not keyable here.
			if (line.includes('\n')) return fallback(this);
			row.push({x: op.x, line});
			offsetY++;
		}
	}
	const current = new Map<string, string>();
	const result: string[] = new Array(height);
	const missing: number[] = [];
	const keys: string[] = new Array(height);
	for (let y = 0; y < height; y++) {
		let key = String(width);
		for (const w of rowWrites[y]!) key += `\u0000${w.x}\u0001${w.line}`;
		keys[y] = key;
		const hit = current.get(key) ?? previous.get(key);
		if (hit === undefined) missing.push(y);
		else {
			result[y] = hit;
			current.set(key, hit);
		}
	}
	for (const y of missing) {
		const row = paintRow(width, rowWrites[y]!);
		result[y] = row;
		current.set(keys[y]!, row);
	}
	previous = current;
	charsPrevious = charsCurrent;
	charsCurrent = new Map();
	runsPrevious = runsCurrent;
	runsCurrent = new Map();
	stats.frames++;
	stats.rowsPainted += missing.length;
	stats.rowsReused += height - missing.length;
	return {output: result.join('\n'), height};
}

function fallback(self: OutputInternals): {output: string; height: number} {
	stats.fallbacks++;
	return original!.call(self);
}

/**
 * Install the row cache on Ink's Output (idempotent). Returns false, and changes
 * nothing, when Ink's Output is not the shape this was written against (an Ink upgrade).
 */
export function installInkFrameCache(): boolean {
	if (installed) return true;
	const proto = (Output as unknown as {prototype: OutputInternals}).prototype;
	const probe = new Output({width: 1, height: 1}) as unknown as OutputInternals;
	if (typeof proto.get !== 'function' || !Array.isArray(probe.operations)) return false;
	original = proto.get;
	proto.get = cachedGet;
	installed = true;
	return true;
}

/** Put Ink's own get() back (tests compare frames with and without the cache). */
export function uninstallInkFrameCache(): void {
	if (!installed || !original) return;
	(Output as unknown as {prototype: OutputInternals}).prototype.get = original;
	installed = false;
	previous = new Map();
	charsPrevious = new Map();
	charsCurrent = new Map();
	runsPrevious = new Map();
	runsCurrent = new Map();
}

/** Ink's own get(), for tests that compare the two. */
export function inkOriginalGet(output: unknown): {output: string; height: number} {
	const o = output as OutputInternals;
	return (original ?? (Output as unknown as {prototype: OutputInternals}).prototype.get).call(o);
}
