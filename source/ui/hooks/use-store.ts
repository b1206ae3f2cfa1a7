/**
 * The store as React sees it: through useSyncExternalStore, but with
 * notifications coalesced on a timer so a 50,000 lines/s source means at most
 * one render per `intervalMs` (10/s), and none when nothing changed.
 */
import {useMemo, useSyncExternalStore} from 'react';
import type {RolloutState} from '../../model/state.js';
import type {Store} from '../../store/store.js';

export interface StoreView {
	state: RolloutState;
	logRevision: number;
}

export function throttledSubscribe(store: Store, intervalMs: number | (() => number)) {
	const every = typeof intervalMs === 'function' ? intervalMs : () => intervalMs;
	return (onChange: () => void) => {
		let timer: NodeJS.Timeout | null = null;
		let last = 0;
		const fire = () => {
			timer = null;
			last = Date.now();
			onChange();
		};
		const unsubscribe = store.subscribe(() => {
			if (timer) return;
			const wait = Math.max(0, last + every() - Date.now());
			timer = setTimeout(fire, wait);
		});
		return () => {
			if (timer) clearTimeout(timer);
			unsubscribe();
		};
	};
}

export function useStoreView(store: Store, intervalMs: number | (() => number) = 100): StoreView {
	const subscribe = useMemo(() => throttledSubscribe(store, intervalMs), [store, intervalMs]);
	// The snapshot must be referentially stable between changes: cache by (state, revision).
	const getSnapshot = useMemo(() => {
		let cached: StoreView | null = null;
		return () => {
			const state = store.getState();
			const logRevision = store.logRevision();
			if (!cached || cached.state !== state || cached.logRevision !== logRevision) cached = {state, logRevision};
			return cached;
		};
	}, [store]);
	return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
