/** GDR: GPU Direct RDMA per GPU/HCA in plain words, the evidence line, and the NCCL settings that shape it. */
import type {GdrModel} from '../../view/gdr-model.js';
import {seg, type Line} from '../components/lines.js';
import {fit, safe} from '../text.js';
import type {Theme} from '../theme.js';
import {scrollLines, withNotice, type PaneContent, type Size} from './pane.js';

export function gdrLines(model: GdrModel, width: number, theme: Theme): Line[] {
	const lines: Line[] = [[seg(safe(model.summary, 200, theme.ascii), model.rows.some(r => r.status === 'disabled') ? 'warn' : 'normal', {bold: true})]];
	const ww = Math.max(12, Math.min(36, Math.floor(width * 0.4)));
	for (const r of model.rows) {
		const where = theme.ascii ? r.where.replace('↔', '<>') : r.where;
		lines.push([seg(fit(safe(where, ww, theme.ascii), ww) + ' '), seg(fit(r.status, 15), r.tone, {bold: r.status === 'disabled'})]);
		lines.push([seg(`  ${safe(r.evidence, 400, theme.ascii)}`, 'muted')]);
	}
	lines.push([seg('settings', 'accent', {bold: true})]);
	for (const s of model.settings) lines.push([seg(`  ${fit(s.name, 20)} `, 'muted'), seg(safe(s.value, 200, theme.ascii))]);
	return lines;
}

export function gdrPane(model: GdrModel, size: Size, theme: Theme, scroll: number, initNotSeen: string | null = null): PaneContent {
	const notice = initNotSeen ? `${initNotSeen}: NCCL prints GPU Direct RDMA per GPU/HCA only at init; rows here come from channel lines` : null;
	return {title: 'GDR', note: `${model.rows.length} GPU/HCA`, lines: scrollLines(withNotice(notice, theme, gdrLines(model, size.width, theme)), scroll, size.height)};
}
