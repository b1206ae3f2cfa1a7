/** Engine: the vLLM config as its lines arrive. */
import type {EngineModel} from '../../view/engine-model.js';
import {seg, type Line} from '../components/lines.js';
import {fit, safe} from '../text.js';
import type {Theme} from '../theme.js';
import {scrollLines, type PaneContent, type Size} from './pane.js';

export function engineLines(model: EngineModel, theme: Theme): Line[] {
	if (model.waiting) return [[seg('waiting for the vLLM engine config line', 'muted')]];
	return model.rows.map(r => [seg(fit(r.label, 16), 'muted'), seg(safe(r.value, 300, theme.ascii), r.tone, {bold: r.tone === 'error'})]);
}

export function enginePane(model: EngineModel, size: Size, theme: Theme, scroll: number): PaneContent {
	return {title: 'Engine', note: model.rows.find(r => r.label === 'vLLM')?.value, lines: scrollLines(engineLines(model, theme), scroll, size.height)};
}
