import {describe, expect, it} from 'vitest';
import {ansiToSvg} from '../../scripts/ansi-to-svg.js';

describe('ANSI → SVG (screenshots)', () => {
	it('keeps colours, inverse and wide characters in their columns, and escapes XML', () => {
		const svg = ansiToSvg('\x1b[31mred\x1b[0m <ok> \x1b[7minv\x1b[27m 模型 x', {cols: 30, rows: 2});
		expect(svg).toContain('fill="#e06c75" textLength="25.2" lengthAdjust="spacingAndGlyphs" xml:space="preserve">red</text>');
		expect(svg).toContain('&lt;ok&gt;');
		// inverse: the text's colour becomes the background rect
		expect(svg).toMatch(/<rect x="[\d.]+" y="12" width="25.2" height="17" fill="#dcdfe4"\/>/);
		expect(svg).not.toContain('\x1b');
	});
});
