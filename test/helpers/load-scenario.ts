/**
 * Load a recorded corpus scenario (test/fixtures/corpus/nccl-2.28.9-h200x4/<name>):
 * every podN.log is parsed by its own stream parser and folded into one state.
 * Shared by parse/model/findings/view tests.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';

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

export function loadScenario(name: string): {state: RolloutState; truth: any} {
	const truth = JSON.parse(readFileSync(path.join(scenarioDir(name), 'truth.json'), 'utf8'));
	let state = emptyState({kind: 'files', files: []});
	for (const {pod, file} of podLogs(name)) state = parseInto(state, pod, [readFileSync(file)]);
	state = reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
	return {state, truth};
}
