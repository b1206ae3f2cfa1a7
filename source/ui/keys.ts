/**
 * The TUI's keys: the UI state they move (focus, cursors, filter, scroll), the pure
 * (ui, key) → ui step, and the key bar that names them. No React here: app.tsx feeds
 * Ink's input to handleKey and draws footerLine.
 */
import {seg, type Line} from './components/lines.js';
import type {LogsUi} from './panes/logs-pane.js';
import {paneOrder, type PaneId} from './panes/pane.js';
import {defaultCursor, type RankItem} from './panes/ranks-pane.js';

export interface UiState {
	focus: PaneId;
	help: boolean;
	detail: string | null;
	rankCursor: string | null;
	toggled: ReadonlySet<string>;
	scroll: Partial<Record<PaneId, number>>;
	logs: Omit<LogsUi, 'procLabel'>;
}

export const initialUi: UiState = {
	focus: 'ranks',
	help: false,
	detail: null,
	rankCursor: null,
	toggled: new Set(),
	scroll: {},
	logs: {follow: true, paused: false, fromEnd: 0, filter: '', editing: false, proc: null},
};

const short: Record<PaneId, string> = {ranks: 'Ranks', paths: 'Paths', gdr: 'GDR', engine: 'Engine', endpoint: 'Endpoint', findings: 'Findings', logs: 'Logs', timeline: 'Timeline'};

export function footerLine(mode: string, focus: PaneId): Line {
	const line: Line = [];
	if (mode === 'narrow') {
		paneOrder.forEach((p, i) => line.push(seg(` ${i + 1}${short[p]} `, p === focus ? 'accent' : 'muted', {inverse: p === focus, bold: p === focus})));
		line.push(seg(' ?:keys q:quit', 'muted'));
	} else line.push(seg('Tab/1-8 pane  j/k move  Enter open  n next problem  / filter  f follow  p pause  w report  ? keys  q quit', 'muted'));
	return line;
}

export interface KeyInfo {
	upArrow: boolean;
	downArrow: boolean;
	pageUp: boolean;
	pageDown: boolean;
	return: boolean;
	escape: boolean;
	tab: boolean;
	shift: boolean;
	backspace: boolean;
	delete: boolean;
	ctrl: boolean;
	meta: boolean;
}

/** Pure key handling: (ui, key) → ui. `quit` is the only side effect. */
export function handleKey(prev: UiState, input: string, key: KeyInfo, items: readonly RankItem[], quit: () => void, logLines = Number.MAX_SAFE_INTEGER): UiState {
	// Typing a filter: every printable key goes to the filter.
	if (prev.logs.editing) {
		if (key.escape) return {...prev, logs: {...prev.logs, editing: false, filter: ''}};
		if (key.return) return {...prev, logs: {...prev.logs, editing: false}};
		if (key.backspace || key.delete) return {...prev, logs: {...prev.logs, filter: prev.logs.filter.slice(0, -1)}};
		if (input && !key.ctrl && !key.meta) return {...prev, logs: {...prev.logs, filter: prev.logs.filter + input}};
		return prev;
	}
	if (prev.help) return key.escape || input === '?' || input === 'q' ? {...prev, help: false} : prev;
	if (input === 'q') {
		quit();
		return prev;
	}
	if (input === '?') return {...prev, help: true};
	if (key.tab) {
		const i = paneOrder.indexOf(prev.focus);
		const next = paneOrder[(i + (key.shift ? paneOrder.length - 1 : 1)) % paneOrder.length]!;
		return {...prev, focus: next};
	}
	if (/^[1-8]$/.test(input)) return {...prev, focus: paneOrder[Number(input) - 1]!};
	if (key.escape) {
		if (prev.detail) return {...prev, detail: null, scroll: {...prev.scroll, ranks: 0}};
		if (prev.logs.proc || prev.logs.filter) return {...prev, logs: {...prev.logs, proc: null, filter: ''}};
		return prev;
	}
	if (input === '/') return {...prev, focus: 'logs', logs: {...prev.logs, editing: true, filter: ''}};
	if (input === 'f') return {...prev, logs: {...prev.logs, follow: true, paused: false, fromEnd: 0}};
	if (input === 'p') return {...prev, logs: {...prev.logs, paused: !prev.logs.paused, follow: prev.logs.paused}};
	if (input === 'n') {
		const cur = items.findIndex(i => i.key === (prev.rankCursor ?? defaultCursor(items)));
		for (let k = prev.rankCursor === null ? 0 : 1; k <= items.length; k++) {
			const it = items[(Math.max(0, cur) + k) % items.length]!;
			if (it.kind === 'rank' ? it.row.problem : it.group.problems > 0 && it.collapsed) return {...prev, focus: 'ranks', detail: null, rankCursor: it.key};
		}
		return {...prev, focus: 'ranks'};
	}
	const down = key.downArrow || input === 'j';
	const up = key.upArrow || input === 'k';
	const page = key.pageDown ? 10 : key.pageUp ? -10 : 0;
	const delta = down ? 1 : up ? -1 : page;
	if (prev.focus === 'ranks' && !prev.detail) {
		const cur = Math.max(
			0,
			items.findIndex(i => i.key === (prev.rankCursor ?? defaultCursor(items))),
		);
		if (delta || input === 'g' || input === 'G') {
			const next = input === 'g' ? 0 : input === 'G' ? items.length - 1 : Math.max(0, Math.min(items.length - 1, cur + delta));
			return {...prev, rankCursor: items[next]?.key ?? null};
		}
		const it = items[cur];
		if (key.return && it) {
			if (it.kind === 'group') {
				const toggled = new Set(prev.toggled);
				if (toggled.has(it.group.id)) toggled.delete(it.group.id);
				else toggled.add(it.group.id);
				return {...prev, toggled, rankCursor: it.key};
			}
			if (!it.key.startsWith('unseen:')) return {...prev, detail: it.key, rankCursor: it.key, scroll: {...prev.scroll, ranks: 0}};
		}
		if (input === 'l' && it?.kind === 'rank') return {...prev, focus: 'logs', logs: {...prev.logs, proc: it.key, follow: true, paused: false, fromEnd: 0}};
		return prev;
	}
	if (prev.focus === 'ranks' && prev.detail && input === 'l') return {...prev, focus: 'logs', logs: {...prev.logs, proc: prev.detail, follow: true, fromEnd: 0}};
	if (prev.focus === 'logs') {
		if (delta || input === 'g' || input === 'G') {
			// Up scrolls back (stops following); down towards the newest line.
			const fromEnd = Math.min(logLines, input === 'G' ? 0 : input === 'g' ? logLines : Math.max(0, prev.logs.fromEnd - delta));
			return {...prev, logs: {...prev.logs, fromEnd, follow: fromEnd === 0 && !prev.logs.paused}};
		}
		return prev;
	}
	if (delta || input === 'g') {
		const s = input === 'g' ? 0 : Math.max(0, (prev.scroll[prev.focus] ?? 0) + delta);
		return {...prev, scroll: {...prev.scroll, [prev.focus]: s}};
	}
	return prev;
}
