/**
 * The one place tests find corpus scenarios (the shared corpus's byte-identical copies
 * in test/fixtures/corpus/nccl-2.28.9-h200x4, and the ones recorded here in
 * test/fixtures/corpus/recorded) and turn logs into a state: either parser → reducer
 * directly (loadScenario, any chunking), or through the real saved-logs path that
 * `infertop analyze`/`check` take (stateOfPaths: files source → pipeline → store).
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {createStreamParser, type RawLine} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {createPipeline} from '../../source/store/pipeline.js';
import {readSavedLogs, resolveLogPaths} from '../../source/sources/files.js';
import {createStore} from '../../source/store/store.js';

export const corpusDir = path.resolve(import.meta.dirname, '../fixtures/corpus/nccl-2.28.9-h200x4');
/** logs this project recorded on the device machine (fixtures/corpus/recorded/README.md) */
export const recordedDir = path.resolve(import.meta.dirname, '../fixtures/corpus/recorded');

const dirsOf = (root: string) =>
	readdirSync(root, {withFileTypes: true})
		.filter(d => d.isDirectory())
		.map(d => d.name);

/** Every scenario: the shared corpus's copies, then the ones recorded here. */
export function scenarioNames(): string[] {
	return [...dirsOf(corpusDir).sort(), ...dirsOf(recordedDir).sort()];
}

/** The folder of a scenario, wherever it lives. */
export function scenarioDir(name: string): string {
	return dirsOf(corpusDir).includes(name) ? path.join(corpusDir, name) : path.join(recordedDir, name);
}

export function podLogs(name: string): {pod: string; file: string}[] {
	const dir = scenarioDir(name);
	return readdirSync(dir)
		.filter(f => /^pod\d+\.log$/.test(f))
		.sort()
		.map(f => ({pod: f.replace(/\.log$/, ''), file: path.join(dir, f)}));
}

/** Parse bytes as one stream, in the given chunks, and fold into `state`. */
export function parseInto(state: RolloutState, pod: string, chunks: Iterable<Uint8Array | string>): RolloutState {
	const parser = createStreamParser({pod, container: 'main'});
	let s = state;
	for (const c of chunks) s = reduceAll(s, parser.push(c));
	return reduceAll(s, parser.end());
}

/** A rank as the run's launcher placed it (global rank → pod, device, bus id). */
export interface TruthRank {
	global_rank: number;
	pod: string;
	local_rank: number;
	cuda_dev: number;
	nvml_dev: number;
	bus_id: string;
}

/**
 * A scenario's truth.json: what is known of the run from how it was launched and what
 * it printed, written when it was recorded (never derived from infertop's output).
 * Optional fields are those only some scenarios have.
 */
export interface Truth {
	scenario: string;
	hardware: string;
	note: string;
	/** when this project recorded it (recorded/ only) */
	recorded?: string;
	nccl_version: string;
	cuda_driver_version: number;
	hostname_in_prefix: string;
	subsys: string;
	net_plugin_external_missing: boolean;
	/** `NET/…` plugin used between nodes ('Socket'); null where bootstrap never got that far */
	net_transport_between_nodes: string | null;
	ib_devices: string[];
	/** null where no rank got as far as printing it */
	gdr_enabled: boolean | null;
	bootstrap_interface: string | null;
	tp: number;
	n_nodes: number;
	world_size: number;
	/** exit code of each pod's main process */
	exit: Record<string, number>;
	outcome: 'completed' | 'failed';
	ranks: TruthRank[];
	findings_expected?: string[];
	transports_intra_node?: string[];
	transports_inter_node?: string[];
	communicators?: {nranks: number; n_nodes: number}[];
	nccl_env?: Record<string, string>;
	crash?: {global_rank: number; pod: string; bus_id: string; exit_code: number};
	late_rank?: {global_rank: number; pod: string; bus_id: string; late_seconds: number};
	busbw_GBps_512MiB?: number;
}

/** The scenario's truth.json. */
export function truthOf(name: string): Truth {
	return JSON.parse(readFileSync(path.join(scenarioDir(name), 'truth.json'), 'utf8')) as Truth;
}

export function loadScenario(name: string): {state: RolloutState; truth: Truth} {
	const truth = truthOf(name);
	let state = emptyState({kind: 'files', files: []});
	for (const {pod, file} of podLogs(name)) state = parseInto(state, pod, [readFileSync(file)]);
	state = reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
	return {state, truth};
}

/** The final state of saved logs (files or folders), read as `analyze` and `check` read them. */
export async function stateOfPaths(paths: string[]): Promise<RolloutState> {
	const entries = await resolveLogPaths(paths);
	const store = createStore(emptyState({kind: 'files', files: entries.map(e => e.path)}), {flushMs: 0});
	await readSavedLogs(entries, createPipeline(store, {keepLines: false}), {speed: 0});
	store.flush();
	const state = store.getState();
	store.dispose();
	return state;
}

/** test/fixtures/public (public-issue excerpts, SOURCES.md says where each came from) */
export const publicDir = path.resolve(import.meta.dirname, '../fixtures/public');

/** One public excerpt parsed as pod `pod`'s whole log (the source not ended). */
export function loadExcerpt(file: string, pod = 'pod0'): RolloutState {
	return parseInto(emptyState({kind: 'files', files: []}), pod, [readFileSync(path.join(publicDir, file))]);
}

/**
 * A log through the real stream parser (pod `pod0`, container `main`) and reducer, in
 * chunks of `chunk` bytes, keeping the lines the log pane would show.
 */
export function readWithLines(buf: Uint8Array | string, chunk = 1 << 20): {s: RolloutState; lines: RawLine[]} {
	const lines: RawLine[] = [];
	const parser = createStreamParser({pod: 'pod0', container: 'main', onLine: l => lines.push(l)});
	const b = typeof buf === 'string' ? Buffer.from(buf) : buf;
	let s = emptyState({kind: 'files', files: []});
	for (let o = 0; o < b.length; o += chunk) s = reduceAll(s, parser.push(b.subarray(o, o + chunk)));
	s = reduceAll(s, parser.end());
	return {s, lines};
}
