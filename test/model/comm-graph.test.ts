/**
 * The comm-graph slice: `Init timings`, ring and tree positions per rank and ring
 * order per channel, folded onto communicator members; initSeconds from NCCL's own
 * total. Events as the parser emits them, plus the real corpus with lines removed.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import type {LogEvent} from '../../source/parse/log-events.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {ringOrdersOf} from '../../source/model/comm-graph.js';
import {loadScenario, parseInto, podLogs} from '../helpers/load-scenario.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const P = 'pod0|h|1';
const Q = 'pod0|h|2';

function init(proc: string, comm: string, rank: number, nranks: number, phase: 'start' | 'complete', at: number): LogEvent {
	return {type: 'comm-init', pod: 'pod0', at, proc, comm, phase, caller: 'ncclCommInitRankConfig', ptr: `0x${rank}${comm.length}`, rank, nranks, cudaDev: rank, nvmlDev: rank, busId: `${rank}0`, parentComm: null, color: null};
}
function timings(proc: string, comm: string, rank: number, nranks: number, total: number, bootstrap = 0): LogEvent {
	return {type: 'comm-init-timings', pod: 'pod0', at: null, proc, comm, rank, nranks, caller: null, timings: {total, kernels: 0.3, bootstrap}};
}
const run = (events: LogEvent[]): RolloutState => reduceAll(emptyState({kind: 'files', files: []}), events);

describe('comm-graph reducer', () => {
	it('ring and tree lines seen between START and COMPLETE survive the COMPLETE', () => {
		const s = run([
			init(P, 'w', 0, 2, 'start', T0),
			{type: 'comm-ring', pod: 'pod0', at: null, proc: P, comm: 'w', rank: 0, channel: 1, prev: 1, next: 1},
			{type: 'comm-ring', pod: 'pod0', at: null, proc: P, comm: 'w', rank: 0, channel: 0, prev: 1, next: 1},
			{type: 'comm-tree', pod: 'pod0', at: null, proc: P, comm: 'w', rank: 0, trees: [{channel: 0, up: null, down: [1]}]},
			init(P, 'w', 0, 2, 'complete', T0 + 1000),
			timings(P, 'w', 0, 2, 0.9, 0.5),
		]);
		const m = s.comms['w']!.members[0]!;
		expect(m.state).toBe('ready');
		expect(m.ring).toEqual([
			{channel: 0, prev: 1, next: 1},
			{channel: 1, prev: 1, next: 1},
		]);
		expect(m.tree).toEqual([{channel: 0, up: null, down: [1]}]);
		expect(m.initTimings).toEqual({total: 0.9, kernels: 0.3, bootstrap: 0.5});
	});

	it("initSeconds: NCCL's total for the largest comm, not a smaller one's, not the stamps", () => {
		const s = run([
			init(P, 'world', 0, 4, 'start', T0),
			init(P, 'world', 0, 4, 'complete', T0 + 1000),
			timings(P, 'world', 0, 4, 1.82, 1.39),
			init(P, 'tp', 0, 2, 'start', T0 + 2000),
			init(P, 'tp', 0, 2, 'complete', T0 + 2100),
			timings(P, 'tp', 0, 2, 0.04),
		]);
		expect(s.procs[P]).toMatchObject({initSeconds: 1.82, initSecondsFrom: 'nccl', initStartAt: T0, initCompleteAt: T0 + 2100});
	});

	it('initSeconds: the stamps (first START to last COMPLETE) until the largest comm has timings', () => {
		const events = [init(P, 'tp', 0, 2, 'start', T0), init(P, 'tp', 0, 2, 'complete', T0 + 500), timings(P, 'tp', 0, 2, 0.04), init(P, 'world', 0, 4, 'start', T0 + 1000), init(P, 'world', 0, 4, 'complete', T0 + 2500)];
		const before = run(events);
		expect(before.procs[P]).toMatchObject({initSeconds: 2.5, initSecondsFrom: 'stamps'});
		const after = reduceAll(before, [timings(P, 'world', 0, 4, 1.7)]);
		expect(after.procs[P]).toMatchObject({initSeconds: 1.7, initSecondsFrom: 'nccl'});
		// the same line again changes nothing (same object: no re-render)
		expect(reduceAll(after, [timings(P, 'world', 0, 4, 1.7)])).toBe(after);
	});

	it('a line for a rank held by another process, or for an unknown comm, is ignored; channels ≥ 64 too', () => {
		const s0 = run([init(P, 'w', 0, 2, 'start', T0), init(Q, 'w', 1, 2, 'start', T0)]);
		const s = reduceAll(s0, [
			timings(Q, 'w', 0, 2, 9),
			timings(P, 'nope', 0, 2, 9),
			{type: 'comm-ring', pod: 'pod0', at: null, proc: P, comm: 'w', rank: 1, channel: 0, prev: 0, next: 0},
			{type: 'comm-ring', pod: 'pod0', at: null, proc: P, comm: 'w', rank: 0, channel: 64, prev: 1, next: 1},
			{type: 'comm-ring-order', pod: 'pod0', at: null, proc: P, comm: 'w', channel: 64, nChannels: 65, ranks: [0, 1], truncated: false},
			{type: 'comm-ring-order', pod: 'pod0', at: null, proc: P, comm: 'nope', channel: 0, nChannels: 2, ranks: [0, 1], truncated: false},
		]);
		expect(s.comms).toEqual(s0.comms);
		expect(s.procs).toEqual(s0.procs);
	});

	it('a ring order shorter than nranks is marked cut (≤2.22 prints at most 20 ranks)', () => {
		const s = run([init(P, 'w', 0, 24, 'start', T0), {type: 'comm-ring-order', pod: 'pod0', at: null, proc: P, comm: 'w', channel: 0, nChannels: 2, ranks: Array.from({length: 20}, (_, i) => i), truncated: false}]);
		expect(s.comms['w']!.ringOrders).toEqual([{channel: 0, ranks: Array.from({length: 20}, (_, i) => i), truncated: true}]);
	});
});

describe('ringOrdersOf on the corpus (crash-rank1, 2 pods)', () => {
	it("rank 0's dump where printed; the same order walked from every rank's Ring lines when the dump is gone", () => {
		const {state} = loadScenario('crash-rank1');
		const world = Object.values(state.comms).find(c => c.nranks === 4)!;
		const fromDump = ringOrdersOf(world);
		expect(fromDump.map(o => [o.channel, o.ranks, o.from])).toEqual([
			[0, [0, 1, 2, 3], 'dump'],
			[1, [0, 1, 2, 3], 'dump'],
		]);

		// the same logs without rank 0's `Channel NN/MM : 0 1 2 3` lines
		let s = emptyState({kind: 'files', files: []});
		let removed = 0;
		for (const {pod, file} of podLogs('crash-rank1')) {
			const kept = readFileSync(file, 'utf8')
				.split('\n')
				.filter(l => {
					const dump = / NCCL INFO Channel \d+\/\d+ :[ \d]+$/.test(l);
					if (dump) removed++;
					return !dump;
				});
			s = parseInto(s, pod, [kept.join('\n')]);
		}
		expect(removed).toBeGreaterThan(0);
		const w = Object.values(s.comms).find(c => c.nranks === 4)!;
		expect(w.ringOrders ?? []).toEqual([]);
		const walked = ringOrdersOf(w);
		expect(walked.map(o => [o.channel, o.ranks, o.from])).toEqual([
			[0, [0, 1, 2, 3], 'ranks'],
			[1, [0, 1, 2, 3], 'ranks'],
		]);
		// with one pod only (ranks 2 and 3 of the world comm) no ring can be walked
		const half = parseInto(emptyState({kind: 'files', files: []}), 'pod1', [readFileSync(podLogs('crash-rank1')[1]!.file, 'utf8')]);
		expect(ringOrdersOf(Object.values(half.comms).find(c => c.nranks === 4)!)).toEqual([]);
	});
});
