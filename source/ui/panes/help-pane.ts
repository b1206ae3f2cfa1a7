/** The `?` overlay: every key. */
import {seg, type Line} from '../components/lines.js';
import type {PaneContent} from './pane.js';

export const keyHelp: [string, string][] = [
	['Tab / Shift-Tab', 'next / previous pane'],
	['1-8', 'Ranks, Paths, GDR, Engine, Endpoint, Findings, Logs, Timeline'],
	['Up/Down, j/k', 'move the cursor / scroll'],
	['PgUp/PgDn, g/G', 'page up / down, top / bottom'],
	['Enter', 'Ranks: open the rank (or open/close a group)'],
	['n', 'Ranks: jump to the next rank that needs attention'],
	['l', "Ranks/detail: show only the selected rank's lines in Logs"],
	['Esc', 'back: close detail, help, filter, rank-only logs'],
	['/', 'Logs: filter by regex (Enter keeps, Esc clears)'],
	['f', 'Logs: follow the newest lines'],
	['p', 'Logs: pause (keep the view still)'],
	['w', 'write the HTML report (--html FILE, else ./infertop-report-….html); the key bar says where'],
	['?', 'this help'],
	['q, Ctrl-C', 'quit'],
];

export function helpPane(): PaneContent {
	const lines: Line[] = keyHelp.map(([k, v]) => [seg(k.padEnd(18), 'accent', {bold: true}), seg(v)]);
	lines.push([seg('')], [seg('A rank marked ! failed; ◀ (or <) is late or silent. Rows sort worst first.', 'muted')]);
	return {title: 'Keys', note: 'Esc: close', lines};
}
