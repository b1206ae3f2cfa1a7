/**
 * A saved `kubectl logs --prefix -l …` of several pods is read as each pod's own stream
 * (parse/demux.ts): the recorded corpus's two pod logs, each line written as kubectl writes
 * it with --prefix (`[pod/NAME/CONTAINER] ` + the line: kubectl's logs.go, see
 * docs/log-formats/kubernetes.md §3.4; recorded for real in test/parse/wrappers-recorded.test.ts),
 * interleaved, give the same processes, communicators and failures per pod as the two logs
 * read apart — in any chunking. A log that does not start with `[pod/` is untouched.
 */
import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createDemuxParser} from '../../source/parse/demux.js';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {loadScenario, podLogs} from '../helpers/load-scenario.js';

const view = (s: RolloutState) => ({
	procs: Object.values(s.procs)
		.map(p => `${p.pod} ${p.host}:${p.pid} ${p.busId} ${p.state}`)
		.sort(),
	comms: Object.values(s.comms)
		.map(
			c =>
				`${c.id} ${c.nranks} ${c.state} ${Object.values(c.members)
					.map(m => m.proc)
					.sort()
					.join(',')}`,
		)
		.sort(),
	failures: s.failures.map(f => `${f.pod} ${f.kind} ${f.rank} ${f.message}`).sort(),
	pods: Object.keys(s.pods).sort(),
});

/** The two pods' lines, alternating in runs of `run` lines, each behind kubectl's prefix. */
function prefixed(name: string, run: number): string {
	const logs = podLogs(name).map(({pod, file}) => ({pod, lines: readFileSync(file, 'utf8').split('\n').filter(Boolean)}));
	const out: string[] = [];
	for (let i = 0; logs.some(l => i < l.lines.length); i += run) for (const l of logs) for (const line of l.lines.slice(i, i + run)) out.push(`[pod/${l.pod}/main] ${line}`);
	return out.join('\n') + '\n';
}

function readAll(text: string, cuts: number[]): RolloutState {
	const p = createDemuxParser({pod: 'all', container: 'log'});
	let s = emptyState({kind: 'files', files: []});
	let at = 0;
	for (const c of [...cuts.filter(x => x > 0 && x < text.length)].sort((a, b) => a - b)) {
		s = reduceAll(s, p.push(Buffer.from(text.slice(at, c))));
		at = c;
	}
	s = reduceAll(s, p.push(text.slice(at)));
	return reduceAll(s, [...p.end(), {type: 'source-ended', at: s.lastTs}]);
}

describe('kubectl --prefix of several pods in one file', () => {
	for (const name of ['tp2x2-two-pods-all', 'crash-rank1']) {
		const apart = view(loadScenario(name).state);
		it(`${name}: each pod's processes, communicators and failures, as read apart`, () => {
			expect(view(readAll(prefixed(name, 50), []))).toEqual(apart);
		});
		it(`${name}: the same in any chunking and interleaving`, () => {
			fc.assert(
				fc.property(fc.integer({min: 1, max: 400}), fc.array(fc.integer({min: 0, max: 2_000_000}), {maxLength: 6}), (run, cuts) => {
					expect(view(readAll(prefixed(name, run), cuts))).toEqual(apart);
				}),
				{numRuns: 8},
			);
		});
	}

	it('a log that does not start with [pod/ gives exactly what the stream parser gives', () => {
		const file = podLogs('crash-rank1')[0]!.file;
		const bytes = readFileSync(file);
		const a = createDemuxParser({pod: 'pod0', container: 'main'});
		const b = createStreamParser({pod: 'pod0', container: 'main'});
		const ea = [...a.push(bytes.subarray(0, 3)), ...a.push(bytes.subarray(3)), ...a.end()];
		const eb = [...b.push(bytes.subarray(0, 3)), ...b.push(bytes.subarray(3)), ...b.end()];
		expect(ea).toEqual(eb);
	});
});
