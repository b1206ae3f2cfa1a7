/**
 * Semantic colour tokens and glyphs. Panes never name a colour or a box
 * character: they ask the theme, so `--no-color`/NO_COLOR and `--ascii` (or a
 * non-UTF-8 locale over an old SSH client) change every pane at once.
 */
import stringWidth from 'string-width';

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

// What a glyph becomes in ASCII, one column for one column (the frame's layout was
// measured with the glyph): box drawing, arrows, markers, punctuation the panes use.
const asciiGlyphs: Record<string, string> = {
	'─': '-',
	'━': '-',
	'┄': '-',
	'┅': '-',
	'┈': '-',
	'┉': '-',
	'╌': '-',
	'╍': '-',
	'═': '=',
	'│': '|',
	'┃': '|',
	'┆': '|',
	'┇': '|',
	'┊': '|',
	'┋': '|',
	'╎': '|',
	'╏': '|',
	'║': '|',
	'▶': '>',
	'▸': '>',
	'►': '>',
	'▷': '>',
	'▹': '>',
	'◀': '<',
	'◂': '<',
	'◄': '<',
	'◁': '<',
	'◃': '<',
	'▾': 'v',
	'▼': 'v',
	'▿': 'v',
	'▽': 'v',
	'▴': '^',
	'▲': '^',
	'▵': '^',
	'△': '^',
	'›': '>',
	'‹': '<',
	'»': '>',
	'«': '<',
	'→': '>',
	'←': '<',
	'↑': '^',
	'↓': 'v',
	'↔': '-',
	'⇒': '>',
	'⇐': '<',
	'…': '~',
	'·': '-',
	'•': '*',
	'∙': '*',
	'●': '*',
	'○': 'o',
	'◆': '*',
	'◇': 'o',
	'■': '#',
	'□': '#',
	'—': '-',
	'–': '-',
	'‐': '-',
	'‑': '-',
	'‒': '-',
	'−': '-',
	'×': 'x',
	'✓': '+',
	'✔': '+',
	'✗': 'x',
	'✘': 'x',
	'‘': "'",
	'’': "'",
	'‚': "'",
	'′': "'",
	'“': '"',
	'”': '"',
	'„': '"',
	'″': '"',
	'\u00a0': ' ',
	'°': 'o',
	'µ': 'u',
	'μ': 'u',
	'±': '+',
	'≈': '~',
	'≤': '<',
	'≥': '>',
	'≠': '!',
	'▁': '_',
	'▂': '_',
	'▃': '.',
	'▄': '-',
	'▅': '-',
	'▆': '=',
	'▇': '=',
	'█': '#',
};
const nonAscii = /[^\x00-\x7f]/;
const nonAsciiChars = /[^\x00-\x7f]/gu;
const folded = new Map<string, string>();

function foldChar(ch: string): string {
	const hit = folded.get(ch);
	if (hit !== undefined) return hit;
	let out = asciiGlyphs[ch];
	if (out === undefined) {
		const cp = ch.codePointAt(0)!;
		const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
		if (base.length === 1 && base.charCodeAt(0) < 0x80)
			out = base; // é → e
		else if (cp >= 0x2500 && cp <= 0x257f)
			out = '+'; // the rest of box drawing: corners, tees, crosses
		else if (cp >= 0x2580 && cp <= 0x259f)
			out = '#'; // blocks and shades
		else out = '?'.repeat(stringWidth(ch)); // wide: ??, combining or zero-width: nothing
	}
	if (folded.size < 4096) folded.set(ch, out);
	return out;
}

/**
 * Text with every non-ASCII character replaced, column for column: a terminal in a
 * non-UTF-8 locale (LANG=C over SSH) draws none of them as meant. Escape sequences are ASCII
 * and pass unchanged. The check for a non-ASCII character comes first: ASCII text is returned as it is.
 */
export function toAscii(text: string): string {
	return nonAscii.test(text) ? text.replace(nonAsciiChars, foldChar) : text;
}

type Write = (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;

/** Fold everything written to `stream` to ASCII until uninstalled: what reaches the terminal is ASCII, whatever drew it. */
export function installAsciiFold(stream: {write: Write}): {uninstall: () => void} {
	const raw = stream.write;
	const write: Write = (chunk, ...rest) => raw.call(stream, typeof chunk === 'string' ? toAscii(chunk) : chunk, ...rest);
	stream.write = write;
	return {
		uninstall: () => {
			if (stream.write === write) stream.write = raw;
		},
	};
}
