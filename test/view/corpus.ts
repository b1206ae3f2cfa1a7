/**
 * Reads a corpus scenario through the real path saved logs take (files source →
 * pipeline → parser → store), so these tests check what `infertop analyze` sees.
 */
import path from 'node:path';
import {computeFindings} from '../../source/findings/index.js';
import type {RolloutState} from '../../source/model/state.js';
import {toSnapshot, type Snapshot} from '../../source/view/snapshot.js';
import {scenarioDir, scenarioNames, stateOfPaths} from '../helpers/load-scenario.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export {corpusDir} from '../helpers/load-scenario.js';

/** Every scenario: the shared corpus's copies and the ones recorded here. */
export const scenarios = scenarioNames;

export const loadScenarioState = (scenario: string): Promise<RolloutState> => stateOfPaths([scenarioDir(scenario)]);

export async function loadScenarioSnapshot(scenario: string): Promise<Snapshot> {
	const state = await loadScenarioState(scenario);
	const now = state.lastTs ?? Date.now();
	return toSnapshot(state, computeFindings(state, now), {now, generatedAt: new Date(0)});
}

/** Any saved-log paths through the same path as `analyze`. */
export async function loadPathsSnapshot(paths: string[]): Promise<Snapshot> {
	const state = await stateOfPaths(paths);
	const now = state.lastTs ?? Date.now();
	return toSnapshot(state, computeFindings(state, now), {now, generatedAt: new Date(0)});
}
