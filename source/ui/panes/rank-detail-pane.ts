/** The rank detail view (Enter on a rank; Esc back). */
import type {RankDetail} from '../../view/rank-detail-model.js';
import {shortComm} from '../../view/paths-model.js';
import {seg, type Line} from '../components/lines.js';
import {fit, formatDuration, safe} from '../text.js';
import type {Theme} from '../theme.js';
import {scrollLines, type PaneContent, type Size} from './pane.js';

export function rankDetailLines(d: RankDetail, theme: Theme): Line[] {
	const lines: Line[] = d.facts.map(f => [seg(fit(f.label, 16), 'muted'), seg(safe(f.value, 300, theme.ascii), f.label === 'failure' ? 'error' : undefined)]);
	lines.push([seg(`communicators (${d.comms.length})`, 'accent', {bold: true})]);
	for (const c of d.comms)
		lines.push([
			seg(`  ${fit(safe(shortComm(c.id), 22), 22)} `),
			seg(`rank ${c.rank}/${c.nranks} `),
			seg(fit(c.state, 13), c.state === 'ready' ? 'ok' : c.state === 'failed' ? 'error' : 'warn'),
			seg(` init ${formatDuration(c.initMs)}  `, 'muted'),
			seg(c.transports.join(', '), 'muted'),
		]);
	lines.push([seg(`channels (${d.links.length})`, 'accent', {bold: true})]);
	for (const l of d.links.slice(0, 32)) lines.push([seg(`  ${l.dir || 'peer'} ${theme.glyph.arrow} r${l.peer}  `), seg(safe(l.transport, 40), /Socket|SHM/.test(l.transport) ? 'warn' : 'ok'), seg(`  ${l.channels} ch`, 'muted')]);
	lines.push([seg(`last lines (${d.lastLines.length})  l: show in Logs`, 'accent', {bold: true})]);
	for (const l of d.lastLines.slice(-30)) lines.push([seg(`  ${safe(l.text, 400, theme.ascii)}`, 'muted')]);
	return lines;
}

export function rankDetailPane(d: RankDetail | null, size: Size, theme: Theme, scroll: number): PaneContent {
	if (!d) return {title: 'Rank', note: 'Esc: back', lines: [[seg('this rank is not in the state (never logged)', 'muted')]]};
	return {title: safe(d.title, 80, theme.ascii), note: 'Esc: back', lines: scrollLines(rankDetailLines(d, theme), scroll, size.height)};
}
