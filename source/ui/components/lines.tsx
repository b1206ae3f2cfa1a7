/**
 * Panes draw lines of styled segments; this renders them with every line cut to
 * the pane's width first, so no log line can wrap and push the layout off the screen.
 */
import {Transform, useIsScreenReaderEnabled} from 'ink';
import React, {useCallback, useMemo} from 'react';
import {stripForTerminal} from '../../core/text/terminal.js';
import {truncate, widthOf} from '../text.js';
import type {Theme, Tone} from '../theme.js';

export interface Seg {
	text: string;
	tone?: Tone;
	/** an explicit Ink colour (pod colours); ignored when colour is off */
	color?: string;
	bold?: boolean;
	inverse?: boolean;
}
export type Line = Seg[];

export const seg = (text: string, tone?: Tone, extra: Omit<Seg, 'text' | 'tone'> = {}): Seg => ({text, tone, ...extra});

/** Cut a line of segments to `width` columns. */
export function clipLine(line: Line, width: number, ascii = false): Line {
	const out: Line = [];
	let left = width;
	for (const s of line) {
		if (left <= 0) break;
		const w = widthOf(s.text);
		if (w <= left) {
			out.push(s);
			left -= w;
		} else {
			out.push({...s, text: truncate(s.text, left, ascii)});
			left = 0;
		}
	}
	return out;
}

/** The same rows on screen: each line as drawn at `width` (cut, styled) reads the same. */
export function sameShown(a: readonly Line[], b: readonly Line[], width: number, theme: Theme): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && styleLine(a[i]!, width, theme) !== styleLine(b[i]!, width, theme)) return false;
	return true;
}

export function lineText(line: Line): string {
	return line.map(s => s.text).join('');
}

// SGR codes for the theme's colour names (what Ink/chalk would emit), so a line is
// one pre-styled string, not one Ink text node per segment (Ink's cost is per node).
const fgCode: Record<string, number> = {
	black: 30,
	red: 31,
	green: 32,
	yellow: 33,
	blue: 34,
	magenta: 35,
	cyan: 36,
	white: 37,
	gray: 90,
	grey: 90,
	redBright: 91,
	greenBright: 92,
	yellowBright: 93,
	blueBright: 94,
	magentaBright: 95,
	cyanBright: 96,
	whiteBright: 97,
};

/** One line as a string with SGR styling (no styling at all when colour and attributes are off). */
export function styleLine(line: Line, width: number, theme: Theme): string {
	return styleSegs(clipLine(line, width, theme.ascii), theme);
}

function styleSegs(segs: Line, theme: Theme): string {
	let out = '';
	for (const s of segs) {
		const colour = s.color && theme.color ? s.color : theme.fg(s.tone ?? 'normal');
		const codes: number[] = [];
		if (colour && fgCode[colour] !== undefined) codes.push(fgCode[colour]!);
		if (s.bold) codes.push(1);
		if (theme.dim(s.tone ?? 'normal')) codes.push(2);
		if (s.inverse) codes.push(7);
		out += codes.length ? `\x1b[${codes.join(';')}m${s.text}\x1b[0m` : s.text;
	}
	return out === '' ? ' ' : out;
}

/**
 * What Ink lays out for each line (`layout`) and what it paints there (`styled`, with SGR),
 * both cut to `width`. Ink measures every text node with string-width on every frame, and
 * string-width is ~50x slower on a line with one non-ASCII glyph (▸, …, ↔) than on an
 * ASCII one: so a non-ASCII line is laid out as ASCII filler of the same width, and the
 * transform paints the real line there. With `exact` (a screen reader reads the laid-out
 * text) the layout text is the line itself.
 */
export function renderLines(lines: readonly Line[], width: number, theme: Theme, exact = false): {layout: string[]; styled: string[]} {
	const layout: string[] = [];
	const styled: string[] = [];
	for (const line of lines) {
		const safeLine = line.some(s => controlChars.test(s.text)) ? line.map(s => ({...s, text: stripForTerminal(s.text)})) : line;
		const clipped = clipLine(safeLine, width, theme.ascii);
		// A blank row is one space: Ink drops an empty text row.
		const text = lineText(clipped) || ' ';
		layout.push(exact || printableAscii.test(text) ? text : '~'.repeat(widthOf(text)) || ' ');
		styled.push(styleSegs(clipped, theme));
	}
	return {layout, styled};
}

const printableAscii = /^[\x20-\x7e]*$/;

// The draw-time backstop Ink's own sanitizer gave each styled <Text> before: a segment with
// an escape or control character (which panes should never pass, see core/text/terminal.ts) is cleaned.
const controlChars = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A block of lines as ONE Ink text node: Ink lays out and measures unstyled text (no
 * escapes, and ASCII: its sanitizer and string-width take their fast paths, and an
 * unchanged block is one cached measure), and a <Transform> swaps each row for its
 * styled twin when Ink paints it. One node a pane, not one a line: Ink's per-frame walk,
 * squash and width work is per node. Memoised on (lines, width, theme): a pane whose
 * lines did not change is not re-rendered at all.
 */
export const Lines = React.memo(function Lines({lines, width, theme}: {lines: Line[]; width: number; theme: Theme}) {
	const exact = useIsScreenReaderEnabled();
	const {layout, styled} = useMemo(() => renderLines(lines, width, theme, exact), [lines, width, theme, exact]);
	// Ink hands over each row with its index in the block; a row that is not the text laid
	// out (it never is: lines are cut to width, so Ink does not wrap them) is drawn as given.
	const transform = useCallback((row: string, index: number) => (layout[index] === row ? styled[index]! : row), [layout, styled]);
	if (layout.length === 0) return null;
	return <Transform transform={transform}>{layout.join('\n')}</Transform>;
});
