/**
 * A log that passed through another tool reads the same as the plain log: every line
 * of a corpus log wrapped in a tool's exact format (docs/log-formats/wrappers.md says
 * where each format was read) gives the same communicators, ranks, transports,
 * failures and times as the plain log. And any split of a wrapped log gives the same
 * state as one push (as test/parse/splits.property.test.ts asks of plain logs).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {corpusDir} from '../helpers/load-scenario.js';
import {WRAPPERS, wrapLog} from './wrappers.helpers.js';

function parse(bytes: Uint8Array | string, cuts: number[] = []): RolloutState {
	const parser = createStreamParser({pod: 'pod0', container: 'main'});
	let s = emptyState({kind: 'files', files: []});
	const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
	let prev = 0;
	for (const c of [...cuts].sort((a, b) => a - b)) {
		s = reduceAll(s, parser.push(buf.subarray(prev, c)));
		prev = c;
	}
	s = reduceAll(s, parser.push(buf.subarray(prev)));
	return reduceAll(s, parser.end());
}

/** What a person reads off the log: communicators (ranks, transports, init times), processes, failures, the log's time span. */
function reading(s: RolloutState) {
	return {
		comms: s.comms,
		procs: Object.fromEntries(Object.entries(s.procs).map(([k, p]) => [k, {...p, lastLineAt: undefined}])),
		failures: s.failures.map(f => ({kind: f.kind, rank: f.rank, at: f.at, proc: f.proc, message: f.message})),
		version: s.nccl.version,
		firstTs: s.firstTs,
		lastTs: s.lastTs,
	};
}

const scenarios = ['bad-socket-ifname', 'crash-rank1', 'p2p-disabled-shm', 'tp2-seed-shape-all', 'tp2-timestamps', 'tp2x2-two-pods-all'];

describe('every line of a corpus log wrapped by a tool reads as the plain log', () => {
	for (const name of scenarios) {
		const plainBytes = readFileSync(path.join(corpusDir, name, 'pod0.log'));
		const plain = reading(parse(plainBytes));
		it(`${name}: the plain log has communicators or failures, processes and a time span to compare`, () => {
			expect(Object.keys(plain.comms).length + plain.failures.length).toBeGreaterThan(0);
			expect(Object.keys(plain.procs).length).toBeGreaterThan(0);
			expect(plain.firstTs).not.toBeNull();
		});
		for (const w of WRAPPERS) {
			it(`${name} through ${w.name}`, () => {
				const wrapped = wrapLog(plainBytes.toString('utf8'), w);
				expect(wrapped).not.toBe(plainBytes.toString('utf8'));
				expect(reading(parse(wrapped))).toEqual(plain);
			});
		}
	}
});

describe('any split of a wrapped log gives the same state', () => {
	const plain = readFileSync(path.join(corpusDir, 'tp2-timestamps', 'pod0.log'), 'utf8');
	for (const w of WRAPPERS) {
		it(`tp2-timestamps through ${w.name}: 30 random splits`, () => {
			const bytes = Buffer.from(wrapLog(plain, w).slice(0, 24 * 1024));
			const whole = JSON.stringify({...parse(bytes), revision: 0});
			fc.assert(
				fc.property(fc.array(fc.integer({min: 0, max: bytes.length}), {maxLength: 40}), cuts => {
					expect(JSON.stringify({...parse(bytes, cuts), revision: 0})).toBe(whole);
				}),
				{numRuns: 30},
			);
		});
	}
});
