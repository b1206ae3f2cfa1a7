/**
 * Rings, trees and `Init timings` in the snapshot (additions to
 * `communicators[]` and `ranks[]`) and in the readable report, from the real corpus
 * read the way `infertop analyze` reads it. The snapshot must still validate.
 */
import {existsSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {channelRanges, formatReport} from '../../source/view/report.js';
import {truthOf} from '../helpers/load-scenario.js';
import {loadPathsSnapshot, loadScenarioSnapshot, repoRoot} from './corpus.js';
import {snapshotValidator} from './schema.js';

const validate = snapshotValidator();

describe('snapshot: tp2x2-two-pods-all (2 pods x 2 GPUs, world comm of 4 + two TP=2 splits)', async () => {
	const snap = await loadScenarioSnapshot('tp2x2-two-pods-all');
	const truth = truthOf('tp2x2-two-pods-all');
	const world = snap.communicators.find(c => c.nranks === 4)!;

	it('still validates against the contract schema', () => {
		expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);
	});

	it("the world ring order per channel, from rank 0's dump", () => {
		expect(world.rings).toEqual([{channels: [0, 1], ranks: [0, 1, 2, 3], truncated: false, from: 'dump'}]);
		for (const c of snap.communicators.filter(x => x.nranks === 2)) expect(c.rings).toEqual([{channels: Array.from({length: 24}, (_, i) => i), ranks: [0, 1], truncated: false, from: 'dump'}]);
	});

	it('members: one per rank, named by pod and bus id as truth.json has them, with ring neighbours and tree position', () => {
		expect(world.members.map(m => [m.rank, m.pod, m.busId])).toEqual(truth.ranks.map(r => [r.global_rank, r.pod, r.bus_id]));
		// as printed: rank 0 "Ring 00 : 3 -> 0 -> 1", "Trees [0] 1/2/-1->0->-1 [1] 1/-1/-1->0->2"
		const r0 = world.members[0]!;
		expect(r0.ring).toEqual([{channels: [0, 1], prev: 3, next: 1}]);
		expect(r0.tree).toEqual([
			{channels: [0], up: null, down: [1, 2]},
			{channels: [1], up: 2, down: [1]},
		]);
		// the rings the members print close: each rank's next names the rank whose prev it is
		for (const m of world.members) {
			const next = world.members.find(x => x.rank === m.ring[0]!.next)!;
			expect(next.ring[0]!.prev).toBe(m.rank);
		}
	});

	it("Init timings per rank per comm, and each rank's initSeconds is its world comm's NCCL total", () => {
		// pod0.log: "Init timings - ncclCommInitRankConfig: rank 0 nranks 4 total 1.82 (kernels 0.35, alloc 0.04, bootstrap 1.39, …)"
		expect(world.members[0]!.initTimings).toEqual({total: 1.82, kernels: 0.35, alloc: 0.04, bootstrap: 1.39, allgathers: 0, topo: 0.03, graphs: 0, connections: 0, rest: 0});
		for (const m of world.members) {
			const r = snap.ranks.find(x => x.pod === m.pod && x.busId === m.busId)!;
			expect(r.initSeconds).toBe(m.initTimings!.total);
			expect(r.initSecondsFrom).toBe('nccl');
		}
		for (const c of snap.communicators) for (const m of c.members) expect(m.initTimings).not.toBeNull();
	});

	it('the report shows ring order, trees and the timings table', () => {
		const text = formatReport(snap, {color: false, ascii: true});
		expect(text).toContain('    ring ch 0-1: 0 1 2 3\n');
		expect(text).toContain('    tree ch 0: root 0  0->1 0->2 2->3\n');
		expect(text).toContain('    tree ch 0-5,12-17: root 0  0->1\n');
		expect(text).toMatch(/^ {6}RANK +POD +BUSID +TOTAL +KERNELS +ALLOC +BOOTSTRAP +ALLGATHERS +TOPO +GRAPHS +CONNECTIONS +REST$/m);
		expect(text).toMatch(/^ {6}0 +pod0 +60 +1\.82 +0\.35 +0\.04 +1\.39 +0\.00 +0\.03 +0\.00 +0\.00 +0\.00$/m);
		expect(text).toMatch(/^ {2}pod0 +vm +0 +60 +0 +964 +ready +1\.82s +-$/m);
		expect(text.split('\n').filter(l => / $/.test(l))).toEqual([]);
	});
});

describe('snapshot: every corpus scenario', async () => {
	for (const name of ['bad-socket-ifname', 'crash-rank1', 'p2p-disabled-shm', 'tp2-seed-shape-all', 'tp2-timestamps']) {
		const snap = await loadScenarioSnapshot(name);
		it(`${name}: validates; every rank in a comm has a tree; rings cover every channel with all ranks`, () => {
			expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);
			for (const c of snap.communicators) {
				const ranks = Array.from({length: c.nranks}, (_, i) => i);
				for (const r of c.rings) expect([...r.ranks].sort((a, b) => a - b)).toEqual(ranks);
				for (const m of c.members) expect(m.tree.length, `${c.id} rank ${m.rank}`).toBeGreaterThan(0);
			}
		});
	}
});

// recorded by this project (scripts/record/straggler.sh): global rank 3 sleeps 30 s before init_process_group
const straggler = path.join(repoRoot, 'test/fixtures/corpus/recorded/straggler-h200x4');

describe.skipIf(!existsSync(straggler))('snapshot: recorded straggler-h200x4 (rank 3 joins 30 s late)', async () => {
	const snap = await loadPathsSnapshot([straggler]);
	const truth = truthOf('straggler-h200x4').late_rank!;
	const world = snap.communicators.find(c => c.nranks === 4)!;

	it("the late rank's own bootstrap is short; every peer's bootstrap is the wait for it", () => {
		expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);
		const late = world.members.find(m => m.pod === truth.pod && m.busId === truth.bus_id)!;
		expect(late.rank).toBe(truth.global_rank);
		expect(late.initTimings!['bootstrap']).toBeLessThan(1);
		for (const m of world.members.filter(x => x !== late)) expect(m.initTimings!['bootstrap']).toBeGreaterThan(truth.late_seconds - 2);
		// and initSeconds says the same, from NCCL's own totals
		const lateRank = snap.ranks.find(r => r.globalRank === truth.global_rank)!;
		expect(lateRank.initSeconds).toBeLessThan(1);
		for (const r of snap.ranks.filter(x => x !== lateRank)) expect(r.initSeconds).toBeGreaterThan(truth.late_seconds - 2);
	});
});

describe('channelRanges', () => {
	it('writes runs as ranges', () => {
		expect(channelRanges([0, 1, 2, 3, 12, 13, 20])).toBe('0-3,12-13,20');
		expect(channelRanges([5])).toBe('5');
		expect(channelRanges([])).toBe('');
	});
});
