/**
 * The live clock redraws only when a time on screen would read differently
 * (issue 4: "only ticking clocks redraw, once a second"): a tick whose lines are
 * the same as the ones drawn costs no React render and no Ink frame.
 */
import {render, Text} from 'ink';
import {useRef} from 'react';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {useClock, type ClockGate} from '../../source/ui/hooks/use-clock.js';
import {fakeTerminal, FakeKeyboard, plain, renderApp, type Rendered} from './harness.js';
import {crashState, T_END} from './states.js';

// Only the clock's interval and Date are faked: Ink's and React's own timers stay real.
beforeEach(() => vi.useFakeTimers({toFake: ['setInterval', 'clearInterval', 'Date']}));
afterEach(() => vi.useRealTimers());

// React schedules a render from a timer on its own (real) scheduler: give it a moment.
const settle = () => new Promise(r => setTimeout(r, 30));

describe('useClock', () => {
	it('re-renders on a tick only when the gate says something shown changed', async () => {
		vi.setSystemTime(T_END);
		let renders = 0;
		let changed = false;
		function Probe() {
			const gate = useRef<ClockGate | null>(() => changed);
			const t = useClock(true, 1000, gate);
			renders++;
			return <Text>t={t - T_END}</Text>;
		}
		const term = fakeTerminal(40, 5);
		const app = render(<Probe />, {stdout: term as never, stdin: new FakeKeyboard() as never, debug: true, patchConsole: false, exitOnCtrlC: false});
		try {
			await settle();
			const first = renders;
			vi.advanceTimersByTime(3000);
			await settle();
			expect(renders).toBe(first);
			expect(term.lastFrame()).toContain('t=0');
			changed = true;
			vi.advanceTimersByTime(1000);
			await settle();
			expect(renders).toBe(first + 1);
			expect(term.lastFrame()).toContain('t=4000');
		} finally {
			app.unmount();
		}
	});
});

describe('the App on a live source', () => {
	let app: Rendered | null = null;
	afterEach(() => {
		app?.unmount();
		app = null;
	});

	it('draws no frame for ticks that change nothing shown, and one when a shown time changes', async () => {
		// Two hours after the last line: ages and the elapsed time read in minutes ("2h01m").
		vi.setSystemTime(T_END + 2 * 3600_000);
		app = renderApp(crashState(), {cols: 200, rows: 60, live: true, title: {kind: 'kubernetes', context: 'c', namespace: 'n', workload: 'w'}});
		await app.waitFor('Ranks');
		await settle();
		const before = app.frames();
		const shown = plain(app.frame());
		// 3 s of ticks inside the same minute and the same 10 s findings window
		for (let i = 0; i < 3; i++) {
			vi.advanceTimersByTime(1000);
			await settle();
		}
		expect(app.frames()).toBe(before);
		// a minute on, the minute-granular times read differently: one frame per tick that shows it
		vi.advanceTimersByTime(60_000 - 3000);
		await settle();
		expect(app.frames()).toBeGreaterThan(before);
		expect(plain(app.frame())).not.toBe(shown);
	});
});
