/**
 * Ranks: one row per GPU process, worst first, grouped by LWS group (else pod).
 * Own table, not @alcalzone/ink-table: that renders every row as Ink nodes and
 * cannot window, and 512 ranks × 12 cells is thousands of nodes a frame. Here
 * only the rows that fit are built, each as one pre-cut line.
 */
import type {RankGroup, RankRow, RanksModel} from '../../view/ranks-model.js';
import {seg, type Line} from '../components/lines.js';
import {noticeLine, type PaneContent, type Size} from './pane.js';
import {fit, formatAge, formatDuration, safe} from '../text.js';
import type {Theme, Tone} from '../theme.js';

export type RankItem = {kind: 'group'; key: string; group: RankGroup; collapsed: boolean} | {kind: 'rank'; key: string; row: RankRow; group: RankGroup};

/**
 * Rows as shown. When every rank fits, all are listed. When not (hundreds of
 * ranks), a healthy group is one summary row and a group with problems shows
 * only its problem ranks under its summary; Enter on a group row opens it whole.
 */
export function rankItems(model: RanksModel, height: number, toggled: ReadonlySet<string>): RankItem[] {
	const multi = model.groups.length > 1;
	const fits = model.total + (multi ? model.groups.length : 0) <= height;
	const items: RankItem[] = [];
	for (const g of model.groups) {
		const open = fits || toggled.has(g.id);
		const collapsed = !open && g.problems === 0;
		if (multi || !open) items.push({kind: 'group', key: `g:${g.id}`, group: g, collapsed: !open});
		if (collapsed) continue;
		for (const r of g.rows) if (open || r.problem) items.push({kind: 'rank', key: r.key, row: r, group: g});
	}
	return items;
}

/** Where the cursor is when none was chosen: the first rank (the worst, rows sort worst first). */
export function defaultCursor(items: readonly RankItem[]): string | null {
	return (items.find(i => i.kind === 'rank') ?? items[0])?.key ?? null;
}

const tone = (s: RankRow['severity']): Tone => (s === 'error' ? 'error' : s === 'warn' ? 'warn' : s === 'ok' ? 'ok' : 'normal');

function stateText(r: RankRow): string {
	switch (r.state) {
		case 'ready':
			return `ready ${formatDuration(r.initMs)}`;
		case 'initializing':
			return `init ${formatDuration(r.initMs)}`;
		case 'failed':
			return 'FAILED';
		case 'exited':
			return r.severity === 'error' ? 'EXITED' : 'exited';
		case 'unseen':
			return 'unseen';
		default:
			return r.state;
	}
}

interface Cols {
	pod: number;
	node: number;
	tp: boolean;
	bus: boolean;
	age: boolean;
}

function columns(width: number, podLen = 24, nodeLen = 16): Cols {
	// Fixed: mark 2, rank 5, state 12, comms 6; pod and node as long as their longest name allows.
	const rest = width - 25;
	return {
		pod: Math.max(6, Math.min(podLen + 2, 26, Math.floor(rest * 0.35))),
		node: width >= 110 ? Math.min(nodeLen, 16, Math.floor(rest * 0.2)) : 0,
		tp: width >= 90,
		bus: width >= 70,
		age: width >= 60,
	};
}

export function ranksHeader(width: number, c: Cols = columns(width)): string {
	return [
		'  ',
		fit('rank', 5),
		fit('pod', c.pod) + ' ',
		c.node ? fit('node', c.node) + ' ' : '',
		c.tp ? fit('tp/pp', 6) : '',
		c.bus ? fit('bus', 7) : '',
		fit('nccl init', 12),
		fit('comms', 6),
		c.age ? fit('last', 6) : '',
		'warn ',
		'note',
	].join('');
}

function rankLine(r: RankRow, c: Cols, theme: Theme, selected: boolean): Line {
	const mark = r.severity === 'error' ? theme.glyph.bad : r.severity === 'warn' ? theme.glyph.late : ' ';
	const t = tone(r.severity);
	const role = r.role === 'leader' ? 'L ' : r.role === 'worker' ? 'W ' : '';
	const line: Line = [
		seg(`${mark} `, t, {bold: true, inverse: selected}),
		seg(fit(r.globalRank !== null ? String(r.globalRank) : '?', 4, {right: true}) + ' ', t, {inverse: selected}),
		seg(fit(safe(role + (r.pod ?? '-'), c.pod, theme.ascii), c.pod) + ' ', undefined, {inverse: selected}),
	];
	if (c.node) line.push(seg(fit(safe(r.node ?? r.host ?? '-', c.node, theme.ascii), c.node) + ' ', 'muted', {inverse: selected}));
	if (c.tp) line.push(seg(fit(r.tpRank !== null || r.ppRank !== null ? `${r.tpRank ?? '-'}/${r.ppRank ?? '-'}` : '-', 6), 'muted', {inverse: selected}));
	if (c.bus) line.push(seg(fit(safe(r.busId ?? '-', 6), 7), 'muted', {inverse: selected}));
	line.push(seg(fit(stateText(r), 12), r.state === 'ready' ? 'ok' : t, {inverse: selected}));
	line.push(seg(fit(r.commsTotal ? `${r.commsReady}/${r.commsTotal}` : '-', 6), r.commsReady < r.commsTotal ? 'warn' : 'muted', {inverse: selected}));
	if (c.age) line.push(seg(fit(formatAge(r.lastLineAgeMs), 6), 'muted', {inverse: selected}));
	line.push(seg(fit(r.warnings ? String(r.warnings) : '', 5), r.warnings ? 'warn' : 'muted', {inverse: selected}));
	if (r.reason) line.push(seg(safe(r.reason, 200, theme.ascii), t, {bold: r.severity === 'error', inverse: selected}));
	return line;
}

function groupLine(g: RankGroup, collapsed: boolean, theme: Theme, selected: boolean): Line {
	const t: Tone = g.severity === 'error' ? 'error' : g.severity === 'warn' ? 'warn' : 'ok';
	const arrow = collapsed ? (theme.ascii ? '+' : '▸') : theme.ascii ? '-' : '▾';
	return [
		seg(`${arrow} `, t, {inverse: selected}),
		seg(safe(g.label, 60, theme.ascii), 'accent', {bold: true, inverse: selected}),
		seg(`  ${g.rows.length} ranks, ${g.ready} ready`, 'muted', {inverse: selected}),
		...(g.problems ? [seg(`, ${g.problems} need attention`, t, {inverse: selected})] : []),
		...(collapsed && g.problems < g.rows.length ? [seg(`  (Enter: show all)`, 'muted', {inverse: selected})] : []),
	];
}

export interface RanksUi {
	cursor: string | null;
	toggled: ReadonlySet<string>;
}

export function ranksLines(model: RanksModel, width: number, height: number, theme: Theme, ui: RanksUi): Line[] {
	if (model.total === 0) return [[seg('no GPU processes seen yet (NCCL prints them once a communicator initialises)', 'muted')]];
	const bodyH = Math.max(1, height - 1);
	const items = rankItems(model, bodyH, ui.toggled);
	const idx = Math.max(
		0,
		items.findIndex(i => i.key === ui.cursor),
	);
	const start = Math.max(0, Math.min(idx - Math.floor(bodyH / 2), items.length - bodyH));
	let podLen = 4;
	let nodeLen = 4;
	for (const g of model.groups)
		for (const r of g.rows) {
			podLen = Math.max(podLen, (r.pod ?? '').length);
			nodeLen = Math.max(nodeLen, (r.node ?? r.host ?? '').length);
		}
	const cols = columns(width, podLen, nodeLen);
	const lines: Line[] = [[seg(ranksHeader(width, cols), 'muted', {bold: true})]];
	for (let i = start; i < Math.min(items.length, start + bodyH); i++) {
		const it = items[i]!;
		const sel = ui.cursor !== null && i === idx;
		lines.push(it.kind === 'group' ? groupLine(it.group, it.collapsed, theme, sel) : rankLine(it.row, cols, theme, sel));
	}
	return lines;
}

export function ranksPane(model: RanksModel, size: Size, theme: Theme, ui: RanksUi, initNotSeen: string | null = null): PaneContent {
	// no rank known yet reads as unknown, as the header says it (`0/?`), never `0/0`
	const note = `${model.ready}/${model.total || '?'} ready${model.problems ? ` · ${model.problems} need attention` : ''}`;
	if (!initNotSeen) return {title: 'Ranks', note, lines: ranksLines(model, size.width, size.height, theme, ui)};
	const notice = `${initNotSeen}: ranks met mid-run have no init time`;
	return {title: 'Ranks', note, lines: [noticeLine(notice, theme), ...ranksLines(model, size.width, Math.max(1, size.height - 1), theme, ui)]};
}
