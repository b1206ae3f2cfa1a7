/** Header and the timeline pane: where we look, pods and ranks up, the phase timeline with time in each. */
import type {HeaderModel} from '../../view/header-model.js';
import {seg, type Line} from '../components/lines.js';
import {formatDuration, safe, widthOf} from '../text.js';
import type {Theme} from '../theme.js';
import {noticeLine, type PaneContent, type Size} from './pane.js';

export function timelineSegs(h: HeaderModel, theme: Theme, width = 1000): Line {
	const sep = theme.ascii ? ' > ' : ' › ';
	const stepSegs = h.steps.map(s => {
		const out: Line = [seg(s.label + (s.detail ? ` ${safe(s.detail, 40, theme.ascii)}` : ''), s.tone, {bold: s.current})];
		if (s.ms !== null) out.push(seg(` ${formatDuration(s.ms)}`, s.current ? 'accent' : 'muted'));
		return out;
	});
	// a log that starts mid-run says so first: the steps before it are not in the log
	if (h.initNotSeen) stepSegs.unshift([seg(h.initNotSeen, 'warn', {bold: true})]);
	if (stepSegs.length === 0) return [seg('waiting for the first log line', 'muted')];
	// The current phase is the one that matters: when the line is too long, the oldest steps go first.
	const w = (l: Line) => l.reduce((n, x) => n + widthOf(x.text), 0);
	let first = 0;
	const total = () => stepSegs.slice(first).reduce((n, l) => n + w(l) + sep.length, 0) + (first ? 2 : 0);
	while (first < stepSegs.length - 1 && total() > width) first++;
	const out: Line = first ? [seg(theme.glyph.ellipsis + ' ', 'muted')] : [];
	stepSegs.slice(first).forEach((l, i) => {
		if (i) out.push(seg(sep, 'muted'));
		out.push(...l);
	});
	return out;
}

export function headerLines(h: HeaderModel, theme: Theme, findingsNote: string, errorCount: number, width = 200): Line[] {
	return [
		[
			seg('infertop ', 'accent', {bold: true}),
			seg(safe(h.where, Math.max(16, Math.min(80, width - 75)), theme.ascii), undefined, {bold: true}),
			seg(`  pods ${h.podsReady}/${h.podsTotal}`, h.podsReady === h.podsTotal && h.podsTotal > 0 ? 'ok' : 'warn'),
			seg(`  ranks ${h.ranksReady}/${h.ranksTotal ?? '?'} ready`, h.ranksReady === h.ranksTotal && h.ranksTotal > 0 ? 'ok' : 'muted'),
			seg(`  elapsed ${formatDuration(h.elapsedMs)}`, 'muted'),
			seg(h.ended ? '  (logs ended)' : '', 'muted'),
			seg(`  findings: ${findingsNote}`, errorCount ? 'error' : 'muted', {bold: errorCount > 0}),
		],
		timelineSegs(h, theme, width),
	];
}

export function timelinePane(h: HeaderModel, _size: Size, theme: Theme): PaneContent {
	const lines: Line[] = h.steps.map(s => [
		seg(s.current ? `${theme.glyph.cursor} ` : '  ', 'accent'),
		seg(s.label.padEnd(18), s.tone, {bold: s.current}),
		seg(s.ms !== null ? formatDuration(s.ms).padStart(8) : '        ', 'muted'),
		seg(s.detail ? `  ${safe(s.detail, 80, theme.ascii)}` : '', 'muted'),
	]);
	lines.push([seg(`elapsed ${formatDuration(h.elapsedMs)}`, 'muted')]);
	if (h.initNotSeen) lines.unshift(noticeLine(`${h.initNotSeen}: the phases before it are not in the log`, theme));
	return {title: 'Timeline', note: h.phase, lines};
}
