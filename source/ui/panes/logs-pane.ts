/**
 * Logs: the merged stream, tagged and coloured by pod, in time order. Text is
 * sanitised again here, at draw time, whatever the parser did.
 */
import type {LogView} from '../../view/logs-model.js';
import {seg, type Line} from '../components/lines.js';
import {safe, fit} from '../text.js';
import {podColour, type Theme} from '../theme.js';
import type {PaneContent, Size} from './pane.js';

export interface LogsUi {
	follow: boolean;
	paused: boolean;
	/** lines from the end when not following */
	fromEnd: number;
	filter: string;
	editing: boolean;
	proc: string | null;
	procLabel: string | null;
}

function clock(at: number | null): string {
	if (at === null) return '        ';
	return new Date(at).toISOString().slice(11, 19);
}

export function logsLines(view: LogView, size: Size, theme: Theme, ui: LogsUi): Line[] {
	const lines: Line[] = [];
	const bodyH = Math.max(0, size.height - 1);
	const up = ui.follow ? 0 : Math.min(ui.fromEnd, Math.max(0, view.lines.length - bodyH));
	const end = Math.max(0, view.lines.length - up);
	const start = Math.max(0, end - bodyH);
	const tagW = Math.min(16, Math.max(6, ...[...view.podIndex.keys()].map(p => p.length)));
	const showClock = size.width >= 100;
	for (let i = start; i < end; i++) {
		const l = view.lines[i]!;
		const colour = podColour(theme, view.podIndex.get(l.pod) ?? 0);
		lines.push([...(showClock ? [seg(clock(l.at) + ' ', 'muted')] : []), seg(fit(safe(l.pod, tagW, theme.ascii), tagW) + ' ', undefined, {color: colour, bold: !theme.color}), seg(safe(l.text, size.width * 2, theme.ascii))]);
	}
	while (lines.length < bodyH) lines.unshift([seg('')]);
	// The status line sits at the bottom: the filter being typed, or the mode.
	const status: Line = [];
	if (ui.editing) status.push(seg('/', 'accent', {bold: true}), seg(ui.filter + '_'));
	else if (ui.filter) status.push(seg(`filter /${ui.filter}/ `, 'accent'));
	if (view.error) status.push(seg(`  ${view.error}`, 'error', {bold: true}));
	if (ui.proc) status.push(seg(`  rank ${ui.procLabel ?? ui.proc} only (Esc: all)`, 'accent'));
	if (!ui.editing) status.push(seg(ui.paused ? '  PAUSED (f: follow)' : ui.follow ? '  following' : `  ${up} lines up (f: follow)`, ui.paused ? 'warn' : 'muted'));
	if (view.dropped) status.push(seg(`  ${view.dropped} older lines dropped`, 'muted'));
	lines.push(status);
	return lines;
}

export function logsPane(view: LogView, size: Size, theme: Theme, ui: LogsUi): PaneContent {
	return {title: 'Logs', note: `${view.lines.length}${view.lines.length !== view.total ? ` of ${view.total}` : ''} lines`, lines: logsLines(view, size, theme, ui)};
}
