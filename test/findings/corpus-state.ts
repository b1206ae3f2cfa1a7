/**
 * A corpus scenario's final state, read through the real pipeline exactly as
 * `infertop check --files` reads it (resolveLogPaths + readSavedLogs at speed 0).
 * Uses the byte-identical copies under test/fixtures so a clone runs it.
 */
import type {RolloutState} from '../../source/model/state.js';
import {scenarioDir, stateOfPaths} from '../helpers/load-scenario.js';

export {corpusDir} from '../helpers/load-scenario.js';

export const scenarios = ['bad-socket-ifname', 'crash-rank1', 'p2p-disabled-shm', 'tp2-seed-shape-all', 'tp2-timestamps', 'tp2x2-two-pods-all', 'straggler-h200x4'] as const;

// where a scenario lives (the shared corpus's copies or the ones recorded here) is decided in one place
const dirOf = scenarioDir;

export async function corpusState(name: string): Promise<RolloutState> {
	return stateOf(dirOf(name));
}

/** The final state of the logs in `dir` (or one file), read as check reads them. */
export const stateOf = (dir: string): Promise<RolloutState> => stateOfPaths([dir]);

/** The reducer for log events lands separately; until then states carry no processes or failures. */
export function reducerLanded(st: RolloutState): boolean {
	return Object.keys(st.procs).length > 0 || st.failures.length > 0 || Object.keys(st.comms).length > 0;
}
