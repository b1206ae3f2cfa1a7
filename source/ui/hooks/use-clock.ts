/** A clock that ticks once a second, only where time moves on its own (a live source). */
import {useEffect, useState} from 'react';

export function useClock(live: boolean, periodMs = 1000): number {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		if (!live) return;
		const t = setInterval(() => setNow(Date.now()), periodMs);
		return () => clearInterval(t);
	}, [live, periodMs]);
	return now;
}
