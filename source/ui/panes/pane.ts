/** What every pane returns: a pure function of its view-model, drawn by PaneFrame. */
import {seg, type Line} from '../components/lines.js';
import {safe} from '../text.js';
import type {Theme} from '../theme.js';

export interface Size {
	width: number;
	height: number;
}

export interface PaneContent {
	title: string;
	note?: string;
	lines: Line[];
}

export type PaneId = 'ranks' | 'paths' | 'gdr' | 'engine' | 'endpoint' | 'findings' | 'logs' | 'timeline';

/** Focus order: Tab / Shift-Tab, and the number keys 1–8. */
export const paneOrder: readonly PaneId[] = ['ranks', 'paths', 'gdr', 'engine', 'endpoint', 'findings', 'logs', 'timeline'];

/** Scroll a list of lines to `offset`, clamped so the last page stays full. */
export function scrollLines<T>(lines: readonly T[], offset: number, height: number): T[] {
	const start = Math.max(0, Math.min(offset, lines.length - height));
	return lines.slice(start, start + height);
}

/**
 * A pane's first line when the logs start mid-run (`init not seen: the log starts at
 * 14:02:11: …`): what the pane shows is read from what follows, and what NCCL or vLLM
 * printed only at init is not there.
 */
export function noticeLine(text: string, theme: Theme): Line {
	return [seg(safe(text, 300, theme.ascii), 'warn')];
}

/** `lines` under a notice line (when there is one), scrolled to fit `height` together. */
export function withNotice(notice: string | null | undefined, theme: Theme, lines: Line[]): Line[] {
	return notice ? [noticeLine(notice, theme), ...lines] : lines;
}
