/** What every pane returns: a pure function of its view-model, drawn by PaneFrame. */
import type {Line} from '../components/lines.js';

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
