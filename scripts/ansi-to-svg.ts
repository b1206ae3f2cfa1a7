/**
 * A small ANSI → SVG renderer for screenshots: `tmux capture-pane -e` output
 * (SGR colours, bold, dim, inverse) becomes monospace <text> runs with fg/bg
 * colours on a dark background. Not a terminal emulator: cursor movement never
 * appears in a capture, only SGR does.
 */
import stringWidth from 'string-width';

const palette = ['#1e1e1e', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#dcdfe4', '#5c6370', '#ff7b86', '#b5e890', '#ffd68a', '#7cc4ff', '#de93f5', '#6fd6e2', '#ffffff'];

function xterm256(n: number): string {
	if (n < 16) return palette[n]!;
	if (n >= 232) {
		const v = 8 + (n - 232) * 10;
		return `rgb(${v},${v},${v})`;
	}
	const i = n - 16;
	const c = (x: number) => (x === 0 ? 0 : 55 + x * 40);
	return `rgb(${c(Math.floor(i / 36))},${c(Math.floor(i / 6) % 6)},${c(i % 6)})`;
}

interface Style {
	fg: string | null;
	bg: string | null;
	bold: boolean;
	dim: boolean;
	inverse: boolean;
}

const fresh = (): Style => ({fg: null, bg: null, bold: false, dim: false, inverse: false});

function applySgr(style: Style, params: number[]): Style {
	const s = {...style};
	for (let i = 0; i < params.length; i++) {
		const p = params[i]!;
		if (p === 0) Object.assign(s, fresh());
		else if (p === 1) s.bold = true;
		else if (p === 2) s.dim = true;
		else if (p === 22) s.bold = s.dim = false;
		else if (p === 7) s.inverse = true;
		else if (p === 27) s.inverse = false;
		else if (p >= 30 && p <= 37) s.fg = palette[p - 30]!;
		else if (p >= 90 && p <= 97) s.fg = palette[p - 90 + 8]!;
		else if (p === 39) s.fg = null;
		else if (p >= 40 && p <= 47) s.bg = palette[p - 40]!;
		else if (p >= 100 && p <= 107) s.bg = palette[p - 100 + 8]!;
		else if (p === 49) s.bg = null;
		else if ((p === 38 || p === 48) && params[i + 1] === 5) {
			const c = xterm256(params[i + 2] ?? 0);
			if (p === 38) s.fg = c;
			else s.bg = c;
			i += 2;
		} else if ((p === 38 || p === 48) && params[i + 1] === 2) {
			const c = `rgb(${params[i + 2] ?? 0},${params[i + 3] ?? 0},${params[i + 4] ?? 0})`;
			if (p === 38) s.fg = c;
			else s.bg = c;
			i += 4;
		}
	}
	return s;
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function ansiToSvg(ansi: string, opts: {cols: number; rows: number; title?: string}): string {
	const cw = 8.4;
	const lh = 17;
	const pad = 12;
	const defaultFg = '#dcdfe4';
	const defaultBg = '#1e1e1e';
	const width = Math.ceil(opts.cols * cw + pad * 2);
	const height = Math.ceil(opts.rows * lh + pad * 2);
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="'DejaVu Sans Mono','Menlo','Consolas',monospace" font-size="14">`,
		opts.title ? `<title>${esc(opts.title)}</title>` : '',
		`<rect width="100%" height="100%" fill="${defaultBg}"/>`,
	];
	const lines = ansi.replace(/\r/g, '').split('\n').slice(0, opts.rows);
	lines.forEach((line, row) => {
		let style = fresh();
		let col = 0;
		const y = pad + row * lh;
		const re = /\x1b\[([0-9;]*)m|([^\x1b]+)/g;
		for (const m of line.matchAll(re)) {
			if (m[1] !== undefined) {
				style = applySgr(style, m[1] === '' ? [0] : m[1].split(';').map(Number));
				continue;
			}
			const text = m[2]!;
			const w = stringWidth(text);
			let fg = style.fg ?? defaultFg;
			let bg = style.bg;
			if (style.inverse) {
				[fg, bg] = [bg ?? defaultBg, fg];
			}
			const x = pad + col * cw;
			if (bg) out.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${(w * cw).toFixed(1)}" height="${lh}" fill="${bg}"/>`);
			if (text.trim()) {
				const attrs = [`x="${x.toFixed(1)}"`, `y="${y + lh - 4}"`, `fill="${fg}"`, `textLength="${(w * cw).toFixed(1)}"`, `lengthAdjust="spacingAndGlyphs"`, `xml:space="preserve"`];
				if (style.bold) attrs.push('font-weight="bold"');
				if (style.dim) attrs.push('opacity="0.6"');
				out.push(`<text ${attrs.join(' ')}>${esc(text)}</text>`);
			}
			col += w;
		}
	});
	out.push('</svg>');
	return out.filter(Boolean).join('\n') + '\n';
}
