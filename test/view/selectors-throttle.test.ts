/**
 * Findings (and the ranks, paths and GDR views) are recomputed at most once per window under a storm, but the state
 * a source ends with gets its findings at once: a replay that loads in under a second
 * must not say "no findings" until the next recompute.
 */
import {expect, it} from 'vitest';
import {defaultFindingOptions} from '../../source/findings/index.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState} from '../../source/model/state.js';
import {createSelectors} from '../../source/view/selectors.js';
import {loadScenario} from '../helpers/load-scenario.js';

it('the final state of an ended source gets its findings inside the throttle window', () => {
	const sel = createSelectors({kind: 'replay', files: ['x']} as never, defaultFindingOptions, {findingsEveryMs: 60_000, clock: () => 0});
	const {state: ended} = loadScenario('crash-rank1'); // loadScenario ends the source
	const before = {...ended, ended: false};
	const now = ended.lastTs ?? 0;
	expect(sel.findings(emptyState({kind: 'files', files: []}), now)).toEqual([]);
	// a new state inside the window: throttled, the old (empty) value stays
	expect(sel.findings(before, now)).toEqual([]);
	expect(sel.viewsDue()).toBeGreaterThan(0);
	// the source ends: computed now
	expect(sel.findings(reduceAll(before, [{type: 'source-ended', at: now}]), now).map(f => f.id)).toContain('rank-exited');
});

it('serves the last ranks, paths and GDR views while the state churns, and owes a redraw', () => {
	const sel = createSelectors({kind: 'replay', files: ['x']} as never, defaultFindingOptions, {modelsEveryMs: 60_000, clock: () => 0});
	const {state: ended} = loadScenario('crash-rank1');
	const before = {...ended, ended: false};
	const now = ended.lastTs ?? 0;
	const empty = emptyState({kind: 'files', files: []});
	expect(sel.ranks(empty, now).total).toBe(0);
	expect(sel.viewsDue()).toBe(0);
	// a new state inside the window: the old view is served, and a recompute is owed
	expect(sel.ranks(before, now).total).toBe(0);
	expect(sel.paths(before).hosts).toEqual(sel.paths(empty).hosts);
	expect(sel.viewsDue()).toBeGreaterThan(0);
	// the source ends: every view is computed for its final state at once
	const final = reduceAll(before, [{type: 'source-ended', at: now}]);
	expect(sel.ranks(final, now).total).toBe(4);
	expect(sel.paths(final).hosts.length).toBeGreaterThan(0);
	expect(sel.gdr(final)).toEqual(createSelectors({kind: 'replay', files: ['x']} as never, defaultFindingOptions).gdr(final));
});

it('recomputes at once when not throttled (modelsEveryMs 0)', () => {
	const sel = createSelectors({kind: 'replay', files: ['x']} as never, defaultFindingOptions);
	const {state} = loadScenario('crash-rank1');
	expect(sel.ranks(emptyState({kind: 'files', files: []}), 0).total).toBe(0);
	expect(sel.ranks(state, state.lastTs ?? 0).total).toBe(4);
	expect(sel.viewsDue()).toBe(0);
});

it('a clock tick alone is not throttled: the ranks view shows the new second', () => {
	const sel = createSelectors({kind: 'replay', files: ['x']} as never, defaultFindingOptions, {modelsEveryMs: 60_000, clock: () => 0});
	const {state} = loadScenario('crash-rank1');
	const t = state.lastTs ?? 0;
	const a = sel.ranks(state, t);
	const b = sel.ranks(state, t + 5000);
	expect(b).not.toBe(a);
	expect(sel.viewsDue()).toBe(0);
});

it("the throttle reads the clock it is given, not the machine's: once the window has passed on it, the new state is computed", () => {
	let wall = 5_000;
	const sel = createSelectors({kind: 'replay', files: ['x']} as never, defaultFindingOptions, {modelsEveryMs: 1000, clock: () => wall});
	const {state: ended} = loadScenario('crash-rank1');
	const before = {...ended, ended: false};
	const now = ended.lastTs ?? 0;
	expect(sel.ranks(emptyState({kind: 'files', files: []}), now).total).toBe(0);
	wall += 999;
	expect(sel.ranks(before, now).total).toBe(0);
	expect(sel.viewsDue()).toBe(1);
	wall += 1;
	expect(sel.ranks(before, now).total).toBe(4);
	expect(sel.viewsDue()).toBe(0);
});

it('throttled views with no clock are refused: the view layer reads none of its own', () => {
	expect(() => createSelectors({kind: 'replay', files: ['x']} as never, defaultFindingOptions, {modelsEveryMs: 500})).toThrow(/need a clock/);
});
