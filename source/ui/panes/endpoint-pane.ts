/** Endpoint: health, models, version, key metrics, latency sparkline. */
import {sparkline, type EndpointModel} from '../../view/endpoint-model.js';
import {seg, type Line} from '../components/lines.js';
import {fit, safe} from '../text.js';
import type {Theme} from '../theme.js';
import {scrollLines, type PaneContent, type Size} from './pane.js';

export function endpointLines(model: EndpointModel, width: number, theme: Theme): Line[] {
	if (!model.configured) return [[seg('no endpoint configured (--endpoint URL or --service NAME)', 'muted')]];
	const lines: Line[] = [
		[seg(fit('health', 16), 'muted'), seg(model.health, model.tone, {bold: true}), seg(model.reason ? `  ${safe(model.reason, 200, theme.ascii)}` : '', 'muted')],
		[seg(fit('url', 16), 'muted'), seg(safe(model.url, 200, theme.ascii)), seg(model.via ? `  ${safe(model.via, 100, theme.ascii)}` : '', 'muted')],
	];
	for (const r of model.rows) lines.push([seg(fit(r.label, 16), 'muted'), seg(safe(r.value, 300, theme.ascii))]);
	if (model.latency.length) lines.push([seg(fit('latency', 16), 'muted'), seg(sparkline(model.latency, theme.glyph.spark, Math.max(4, width - 17)), 'accent')]);
	return lines;
}

export function endpointPane(model: EndpointModel, size: Size, theme: Theme, scroll: number): PaneContent {
	return {title: 'Endpoint', note: model.configured ? model.health : undefined, lines: scrollLines(endpointLines(model, size.width, theme), scroll, size.height)};
}
