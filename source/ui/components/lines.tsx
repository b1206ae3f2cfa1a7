/**
 * Panes draw lines of styled segments; this renders them with every line cut to
 * the pane's width first (Ink's own `wrap="truncate"` is the backstop), so no
 * log line can wrap and push the layout off the screen.
 */
import {Text} from 'ink';
import React from 'react';
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

export function lineText(line: Line): string {
	return line.map(s => s.text).join('');
}

// SGR codes for the theme's colour names (what Ink/chalk would emit), so a line is
// one pre-styled string: one Ink text node per line instead of one per segment.
// At 200x60 that is ~60 nodes a pane, not ~500 — Ink's layout cost is per node.
const fgCode: Record<string, number> = {
	black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37, gray: 90, grey: 90,
	redBright: 91, greenBright: 92, yellowBright: 93, blueBright: 94, magentaBright: 95, cyanBright: 96, whiteBright: 97,
};

/** One line as a string with SGR styling (no styling at all when colour and attributes are off). */
export function styleLine(line: Line, width: number, theme: Theme): string {
	let out = '';
	for (const s of clipLine(line, width, theme.ascii)) {
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

export function Lines({lines, width, theme}: {lines: Line[]; width: number; theme: Theme}) {
	return (
		<>
			{lines.map((line, i) => (
				// An empty Text collapses to no row in Ink: styleLine gives a blank line one space.
				<Text key={i} wrap="truncate">
					{styleLine(line, width, theme)}
				</Text>
			))}
		</>
	);
}
