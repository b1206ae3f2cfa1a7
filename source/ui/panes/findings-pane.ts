/** Findings: most severe first, each with its subject and one line of advice. */
import type {Finding} from '../../findings/index.js';
import {seg, type Line} from '../components/lines.js';
import {safe} from '../text.js';
import type {Theme} from '../theme.js';
import {severityTone} from '../theme.js';
import {scrollLines, type PaneContent, type Size} from './pane.js';

const label = {error: 'ERROR', warn: 'WARN ', info: 'info '} as const;

export function findingLine(f: Finding, theme: Theme, withMessage = true): Line {
	const t = severityTone(f.severity);
	return [seg(`${label[f.severity]} `, t, {bold: f.severity !== 'info'}), seg(safe(f.subject, 80, theme.ascii), undefined, {bold: true}), seg(withMessage ? `  ${safe(f.message, 400, theme.ascii)}` : `  (${f.id})`, 'muted')];
}

export function findingsLines(findings: readonly Finding[], width: number, theme: Theme): Line[] {
	if (findings.length === 0) return [[seg(`${theme.glyph.ok} no findings`, 'ok')]];
	const lines: Line[] = [];
	for (const f of findings) {
		const t = severityTone(f.severity);
		lines.push([seg(`${label[f.severity]} `, t, {bold: f.severity !== 'info'}), seg(safe(f.subject, width, theme.ascii), undefined, {bold: true}), seg(`  ${f.id}`, 'muted')]);
		lines.push([seg(`      ${safe(f.message, 400, theme.ascii)}`, 'muted')]);
	}
	return lines;
}

export function countFindings(findings: readonly Finding[]): string {
	const e = findings.filter(f => f.severity === 'error').length;
	const w = findings.filter(f => f.severity === 'warn').length;
	const i = findings.length - e - w;
	return [e ? `${e} error${e > 1 ? 's' : ''}` : '', w ? `${w} warn` : '', i ? `${i} info` : ''].filter(Boolean).join(' · ') || 'none';
}

export function findingsPane(findings: readonly Finding[], size: Size, theme: Theme, scroll: number): PaneContent {
	return {title: 'Findings', note: countFindings(findings), lines: scrollLines(findingsLines(findings, size.width, theme), scroll, size.height)};
}
