/**
 * Where panes go for a terminal size. 80x24 over SSH: one pane at a time,
 * stacked under a two-line header and the worst findings. From 120x30: a grid
 * of the ranks, findings, paths and logs. From 200x50: everything at once.
 * One line is always left free: an Ink frame as tall as the terminal is
 * redrawn from scratch each time (clear + full write), which flickers over SSH.
 */
import type {PaneId} from './panes/pane.js';

export interface Placement {
	pane: PaneId;
	width: number;
	height: number;
}

export interface LayoutRow {
	height: number;
	cells: {width: number; stack: Placement[]}[];
}

export interface Layout {
	mode: 'narrow' | 'medium' | 'wide';
	width: number;
	headerHeight: number;
	/** narrow: lines of findings summary under the header */
	findingsStrip: number;
	rows: LayoutRow[];
	border: boolean;
	footer: number;
	/** total lines drawn */
	height: number;
}

function split(total: number, parts: number[]): number[] {
	const sum = parts.reduce((a, b) => a + b, 0);
	const out = parts.map(p => Math.floor((total * p) / sum));
	out[out.length - 1]! += total - out.reduce((a, b) => a + b, 0);
	return out;
}

export function computeLayout(cols: number, rows: number, focus: PaneId, findingCount: number): Layout {
	// Never more rows or columns than the terminal has: rows past the bottom scroll the frame's top
	// out of reach of Ink's next erase, columns past the edge wrap into rows of their own — both
	// stay on screen as stale rows. A terminal too small for panes gets what fits, header first.
	const width = Math.max(1, cols);
	const height = Math.max(1, rows - 1);
	const header = Math.min(2, height);
	const footer = height - header >= 2 ? 1 : 0;
	const body = height - header - footer;
	if (width >= 200 && height >= 50) {
		const [h1, h2] = split(body, [1, 1]);
		const [w1, w2, w3] = split(width, [45, 30, 25]);
		const [e1, e2] = split(h2!, [3, 2]);
		return {
			mode: 'wide',
			width,
			headerHeight: header,
			findingsStrip: 0,
			border: true,
			footer,
			height,
			rows: [
				{
					height: h1!,
					cells: [
						{width: w1!, stack: [{pane: 'ranks', width: w1!, height: h1!}]},
						{width: w2!, stack: [{pane: 'paths', width: w2!, height: h1!}]},
						{width: w3!, stack: [{pane: 'findings', width: w3!, height: h1!}]},
					],
				},
				{
					height: h2!,
					cells: [
						{width: w1!, stack: [{pane: 'logs', width: w1!, height: h2!}]},
						{width: w2!, stack: [{pane: 'gdr', width: w2!, height: h2!}]},
						{
							width: w3!,
							stack: [
								{pane: focus === 'timeline' ? 'timeline' : 'engine', width: w3!, height: e1!},
								{pane: 'endpoint', width: w3!, height: e2!},
							],
						},
					],
				},
			],
		};
	}
	if (width >= 120 && height >= 30) {
		// The row holding the focused pane grows, so a focused pane shows most of itself.
		const weights = focus === 'logs' ? [30, 22, 48] : focus === 'ranks' || focus === 'findings' ? [42, 26, 32] : [28, 47, 25];
		const [h1, h2, h3] = split(body, weights);
		const [w1, w2] = split(width, [60, 40]);
		const [p1, p2] = split(width, [1, 1]);
		const left: PaneId = focus === 'gdr' ? 'gdr' : 'paths';
		const right: PaneId = focus === 'endpoint' ? 'endpoint' : focus === 'timeline' ? 'timeline' : focus === 'gdr' ? 'paths' : 'engine';
		return {
			mode: 'medium',
			width,
			headerHeight: header,
			findingsStrip: 0,
			border: true,
			footer,
			height,
			rows: [
				{
					height: h1!,
					cells: [
						{width: w1!, stack: [{pane: 'ranks', width: w1!, height: h1!}]},
						{width: w2!, stack: [{pane: 'findings', width: w2!, height: h1!}]},
					],
				},
				{
					height: h2!,
					cells: [
						{width: p1!, stack: [{pane: left, width: p1!, height: h2!}]},
						{width: p2!, stack: [{pane: right, width: p2!, height: h2!}]},
					],
				},
				{height: h3!, cells: [{width, stack: [{pane: 'logs', width, height: h3!}]}]},
			],
		};
	}
	// under 3 rows a pane shows its title and little else: the worst findings say more
	const strip = focus === 'findings' ? 0 : body < 3 ? body : Math.min(3, Math.max(1, findingCount), Math.max(0, body - 6));
	const paneH = body - strip;
	return {
		mode: 'narrow',
		width,
		headerHeight: header,
		findingsStrip: strip,
		border: false,
		footer,
		height,
		rows: paneH > 0 ? [{height: paneH, cells: [{width, stack: [{pane: focus, width, height: paneH}]}]}] : [],
	};
}
