/**
 * Reads a corpus scenario through the real path saved logs take (files source →
 * pipeline → parser → store), so these tests check what `infertop analyze` sees.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {computeFindings} from '../../source/findings/index.js';
import type {RolloutState} from '../../source/model/state.js';
import {toSnapshot, type Snapshot} from '../../source/view/snapshot.js';
import {scenarioDir, scenarioNames, stateOfPaths} from '../helpers/load-scenario.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export {corpusDir} from '../helpers/load-scenario.js';

export interface TruthRank {
	global_rank: number;
	pod: string;
	local_rank: number;
	cuda_dev: number;
	nvml_dev: number;
	bus_id: string;
}

export interface Truth {
	scenario: string;
	nccl_version: string;
	cuda_driver_version: number;
	net_plugin_external_missing: boolean;
	net_transport_between_nodes: string | null;
	bootstrap_interface: string | null;
	n_nodes: number;
	tp: number;
	world_size: number;
	exit: Record<string, number>;
	outcome: 'completed' | 'failed';
	transports_intra_node?: string[];
	transports_inter_node?: string[];
	communicators?: {nranks: number; n_nodes: number}[];
	nccl_env?: Record<string, string>;
	ranks: TruthRank[];
	crash?: {global_rank: number; pod: string; bus_id: string; exit_code: number};
}

/** Every scenario: the shared corpus's copies and the ones recorded here. */
export const scenarios = scenarioNames;

export function truthOf(scenario: string): Truth {
	return JSON.parse(readFileSync(path.join(scenarioDir(scenario), 'truth.json'), 'utf8')) as Truth;
}

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

/** Third-party logs: read from ../shared only (never copied into the repo). */
export const publicLwsDir = path.resolve(repoRoot, '../shared/corpus/public-vllm-lws');
