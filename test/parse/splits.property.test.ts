/**
 * Feeding the same bytes split at any points gives the same events' result:
 * the whole final state (JSON) and every onLine line are identical to one
 * whole-buffer push. fast-check picks the split points.
 */
import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createStreamParser, type RawLine} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState} from '../../source/model/state.js';
import {podLogs, scenarioNames} from '../helpers/load-scenario.js';
import {sharedPath, skipWithout} from '../helpers/shared.js';

function run(bytes: Uint8Array, cuts: number[]): {state: string; lines: RawLine[]} {
	const lines: RawLine[] = [];
	const parser = createStreamParser({pod: 'pod0', container: 'c', onLine: l => lines.push(l)});
	let s = emptyState({kind: 'files', files: []});
	let prev = 0;
	for (const c of [...cuts].sort((a, b) => a - b)) {
		s = reduceAll(s, parser.push(bytes.subarray(prev, c)));
		prev = c;
	}
	s = reduceAll(s, parser.push(bytes.subarray(prev)));
	s = reduceAll(s, parser.end());
	// revision counts reducer changes, which depend on how many pushes there were
	return {state: JSON.stringify({...s, revision: 0}), lines};
}

const files = scenarioNames().flatMap(n => podLogs(n).map(p => ({name: `${n}/${p.pod}`, file: p.file})));

describe('any split gives the same state', () => {
	for (const {name, file} of files) {
		const all = readFileSync(file);
		// the smallest file whole; bigger ones as a 48 KiB prefix slice (ends mid-line on purpose)
		const bytes = name.startsWith('bad-socket-ifname') || name.startsWith('tp2-timestamps') ? all : all.subarray(0, 48 * 1024);
		it(`${name} (${bytes.length} bytes): 100 random splits`, () => {
			const whole = run(bytes, []);
			fc.assert(
				fc.property(fc.array(fc.integer({min: 0, max: bytes.length}), {maxLength: 60}), cuts => {
					const r = run(bytes, cuts);
					expect(r.state).toBe(whole.state);
					expect(r.lines).toEqual(whole.lines);
				}),
				{numRuns: 100},
			);
		});
	}

	it('1-byte chunks give the same state (bad-socket-ifname, whole file)', () => {
		const bytes = readFileSync(files.find(f => f.name.startsWith('bad-socket-ifname'))!.file);
		const whole = run(bytes, []);
		const r = run(
			bytes,
			Array.from({length: bytes.length}, (_, i) => i),
		);
		expect(r.state).toBe(whole.state);
		expect(r.lines).toEqual(whole.lines);
	});

	// third-party: ANSI prefixes, colliding writes, Ray folding (skipped when ../shared is absent)
	const lws = sharedPath('corpus/public-vllm-lws/06-vllm-0.8.3-lws-ray-2node-tp4-pp2-ib-line-collisions.log');
	it('public-vllm-lws 06 (ANSI, line collisions), whole file: 100 random splits', ctx => {
		skipWithout(ctx, lws);
		const bytes = readFileSync(lws);
		const whole = run(bytes, []);
		fc.assert(
			fc.property(fc.array(fc.integer({min: 0, max: bytes.length}), {maxLength: 60}), cuts => {
				const r = run(bytes, cuts);
				expect(r.state).toBe(whole.state);
				expect(r.lines).toEqual(whole.lines);
			}),
			{numRuns: 100},
		);
	});
});
