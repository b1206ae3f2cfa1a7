/**
 * Findings are recomputed at most once per findingsEveryMs under a storm, but the state
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
	const sel = createSelectors({kind: 'replay', files: ['x']} as never, defaultFindingOptions, {findingsEveryMs: 60_000});
	const {state: ended} = loadScenario('crash-rank1'); // loadScenario ends the source
	const before = {...ended, ended: false};
	const now = ended.lastTs ?? 0;
	expect(sel.findings(emptyState({kind: 'files', files: []}), now)).toEqual([]);
	// a new state inside the window: throttled, the old (empty) value stays
	expect(sel.findings(before, now)).toEqual([]);
	expect(sel.findingsDue()).toBeGreaterThan(0);
	// the source ends: computed now
	expect(sel.findings(reduceAll(before, [{type: 'source-ended', at: now}]), now).map(f => f.id)).toContain('rank-exited');
});
