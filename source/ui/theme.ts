/**
 * Semantic colour tokens and glyphs. Panes never name a colour or a box
 * character: they ask the theme, so `--no-color`/NO_COLOR and `--ascii` (or a
 * non-UTF-8 locale over an old SSH client) change every pane at once.
 */
export type Tone = 'ok' | 'warn' | 'error' | 'muted' | 'accent' | 'normal';

export interface Theme {
	color: boolean;
	ascii: boolean;
	/** an Ink colour for a tone, or undefined (no colour) */
	fg(tone: Tone): string | undefined;
	/** dim text where colour is off: keeps muted text distinguishable by weight */
	dim(tone: Tone): boolean;
	border: 'round' | 'classic';
	glyph: {
		late: string;
		bad: string;
		ok: string;
		arrow: string;
		ellipsis: string;
		bullet: string;
		spark: readonly string[];
		sep: string;
		cursor: string;
	};
}

const colours: Record<Tone, string | undefined> = {
	ok: 'green',
	warn: 'yellow',
	error: 'red',
	muted: 'gray',
	accent: 'cyan',
	normal: undefined,
};

export function createTheme(opts: {color: boolean; ascii: boolean}): Theme {
	const {color, ascii} = opts;
	return {
		color,
		ascii,
		fg: tone => (color ? colours[tone] : undefined),
		dim: tone => !color && tone === 'muted',
		border: ascii ? 'classic' : 'round',
		glyph: ascii
			? {late: '<', bad: '!', ok: '+', arrow: '->', ellipsis: '~', bullet: '*', spark: ['_', '.', '-', '=', '#'], sep: '|', cursor: '>'}
			: {late: '◀', bad: '!', ok: '✓', arrow: '→', ellipsis: '…', bullet: '•', spark: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'], sep: '│', cursor: '▶'},
	};
}

/** Severity → tone. */
export function severityTone(sev: 'error' | 'warn' | 'info' | 'ok' | null | undefined): Tone {
	return sev === 'error' ? 'error' : sev === 'warn' ? 'warn' : sev === 'ok' ? 'ok' : sev === 'info' ? 'accent' : 'normal';
}

/** A stable colour per pod so log lines are recognisable by pod at a glance. */
const podPalette = ['cyan', 'magenta', 'blue', 'green', 'yellow', 'cyanBright', 'magentaBright', 'blueBright'];
export function podColour(theme: Theme, index: number): string | undefined {
	return theme.color ? podPalette[index % podPalette.length] : undefined;
}
