/**
 * Enter on a rank: the detail says, from NCCL's own lines, where the rank's init time
 * went and who its ring neighbours are. Real logs: the straggler recorded on 4x H200
 * (rank 3 slept 30 s before init; its peers waited in bootstrap).
 */
import {describe, expect, it} from 'vitest';
import {buildRankDetail} from '../../source/view/rank-detail-model.js';
import {loadScenario} from '../helpers/load-scenario.js';

describe('rank detail from the recorded straggler', () => {
	const {state} = loadScenario('straggler-h200x4');
	const byRank = (r: number) => Object.values(state.procs).find(p => p.worldRank === r)!;
	const fact = (r: number, label: string) => buildRankDetail(state, byRank(r).key, [])!.facts.find(f => f.label === label)?.value;

	it('an on-time rank spent its init waiting in bootstrap for its peers', () => {
		expect(fact(0, 'init')).toMatch(/^30\.47s in 0x3127d8b2e104cfb7 \(4 ranks\): bootstrap 29\.88s — waited for its peers, kernels 0\.49s/);
	});

	it('the late rank itself did not wait: its bootstrap is short and not flagged', () => {
		const t = fact(3, 'init')!;
		expect(t).toMatch(/^0\.44s in 0x3127d8b2e104cfb7 \(4 ranks\): kernels 0\.37s/);
		expect(t).not.toContain('waited');
	});

	it('names the ring neighbours in the world communicator', () => {
		// rank 0's dump: ring ch 0-1 is 0 1 2 3, so rank 1 sits between 0 and 2
		expect(fact(1, 'world rank')).toBe('1 · ring prev 0 → next 2 (ch 0-1)');
		expect(fact(3, 'world rank')).toBe('3 · ring prev 2 → next 0 (ch 0-1)');
	});

	it('its communicators list NCCL’s own init total, the same figure as the init line', () => {
		const d = buildRankDetail(state, byRank(0).key, [])!;
		expect(d.comms.find(c => c.id === '0x3127d8b2e104cfb7')!.initMs).toBeCloseTo(30_470, 0);
	});
});
