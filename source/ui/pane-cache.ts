/**
 * Pane content is a pure function of (view-model, size, pane UI state): the cache keeps
 * each pane's last lines with the keys they were built from and rebuilds only when a
 * key changed (compared with Object.is), so a clock tick that moves one pane leaves the
 * others' lines, and Ink's work on them, alone.
 */
import {useRef} from 'react';
import {sameShown} from './components/lines.js';
import type {PaneContent} from './panes/pane.js';
import type {Theme} from './theme.js';

export type PaneCache = (id: string, keys: unknown[], build: () => PaneContent) => PaneContent;

/** One cache per mounted App. */
export function usePaneCache(): PaneCache {
	const store = useRef(new Map<string, {keys: unknown[]; value: PaneContent}>());
	return (id, keys, build) => {
		const hit = store.current.get(id);
		if (hit && hit.keys.length === keys.length && hit.keys.every((k, i) => Object.is(k, keys[i]))) return hit.value;
		const value = build();
		store.current.set(id, {keys, value});
		return value;
	};
}

/** Two contents the same as drawn at `width` (a note's hidden tail may change on its own). */
export const sameContent = (a: PaneContent | null, b: PaneContent | null, width: number, theme: Theme) => a === b || (a !== null && b !== null && a.title === b.title && a.note === b.note && sameShown(a.lines, b.lines, width, theme));
