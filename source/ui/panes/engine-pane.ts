/** Engine: the vLLM config as its lines arrive. */
import type {EngineModel} from '../../view/engine-model.js';
import {seg, type Line} from '../components/lines.js';
import {fit, safe, truncateStart} from '../text.js';
import type {Theme} from '../theme.js';
import {scrollLines, withNotice, type PaneContent, type Size} from './pane.js';

const LABEL = 16;

/** `width`: the pane's; a model path too long for it is cut from the left, keeping the model's name. */
export function engineLines(model: EngineModel, theme: Theme, width = Infinity): Line[] {
	if (model.waiting) return [[seg('waiting for the vLLM engine config line', 'muted')]];
	return model.rows.map(r => {
		let value = safe(r.value, 300, theme.ascii);
		if ((r.label === 'model' || r.label === 'served as') && value.includes('/') && Number.isFinite(width)) value = truncateStart(value, Math.max(8, width - LABEL), theme.ascii);
		return [seg(fit(r.label, LABEL), 'muted'), seg(value, r.tone, {bold: r.tone === 'error'})];
	});
}

export function enginePane(model: EngineModel, size: Size, theme: Theme, scroll: number, initNotSeen: string | null = null): PaneContent {
	const notice = initNotSeen ? `${initNotSeen}: vLLM's startup lines (config, weights, KV cache) came before it` : null;
	return {title: 'Engine', note: model.rows.find(r => r.label === 'vLLM')?.value, lines: scrollLines(withNotice(notice, theme, engineLines(model, theme, size.width)), scroll, size.height)};
}
