/**
 * A clock that ticks where time moves on its own (a live source), and only
 * redraws when the tick would change something shown: `changed(t)` is asked
 * first (it compares the time-dependent lines at `t` with those on screen), so
 * an "elapsed 7h08m" that reads the same a second later costs no React render
 * and no Ink frame. Returns the time of the last tick that redrew.
 */
import {useEffect, useRef, useState, type MutableRefObject} from 'react';

export type ClockGate = (t: number) => boolean;

export function useClock(live: boolean, periodMs = 1000, changed?: MutableRefObject<ClockGate | null>): number {
	const [now, setNow] = useState(() => Date.now());
	const gate = useRef(changed);
	gate.current = changed;
	useEffect(() => {
		if (!live) return;
		const t = setInterval(() => {
			const at = Date.now();
			const ask = gate.current?.current;
			if (!ask || ask(at)) setNow(at);
		}, periodMs);
		return () => clearInterval(t);
	}, [live, periodMs]);
	return now;
}
