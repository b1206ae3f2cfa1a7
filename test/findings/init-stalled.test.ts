import {describe, expect, it} from 'vitest';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {initStalled} from '../../source/findings/init-stalled.js';
import {addComm, addPod, addProc, comm, proc, s, state} from '../helpers/build.js';

const opts = defaultFindingOptions;

/** Ranks 0 and 1 (pod0) started init at t=0 and have printed nothing since; ranks 2 and 3 never started. */
function stuck() {
	const st = state();
	const a = addProc(st, proc('pod0', 1, {busId: '60', worldRank: 0, state: 'initializing', lastLineAt: s(0.5)}));
	const b = addProc(st, proc('pod0', 2, {busId: '70', worldRank: 1, state: 'initializing', lastLineAt: s(0.5)}));
	addPod(st, 'pod1');
	addComm(
		st,
		comm(
			'0xc675',
			4,
			[
				{proc: a, rank: 0, startAt: s(0)},
				{proc: b, rank: 1, startAt: s(0.2)},
			],
			{nNodes: 2},
		),
	);
	st.lastTs = s(0.5);
	return st;
}

describe('init-stalled (live: fires on the clock, not on new lines)', () => {
	it('stays quiet before the threshold', () => {
		expect(initStalled(stuck(), s(30), opts)).toEqual([]);
	});

	it('fires once `now` passes the threshold with no new lines, naming the missing ranks and their likely pod', () => {
		const st = stuck();
		const f = initStalled(st, s(61), opts);
		expect(f).toHaveLength(1);
		expect(f[0]!.subject).toBe('communicator 0xc675 (4 ranks)');
		expect(f[0]!.message).toContain('0/4 ranks are ready');
		expect(f[0]!.message).toContain('ranks 2 and 3 never started init (likely pod pod1');
		// the two present ranks have been quiet for 60.5 s: silent
		expect(f[0]!.message).toContain('rank 0 (pod0, GPU busId 60) silent for');
		// the same state, same lines: the finding comes only from the clock
		expect(initStalled(st, s(30), opts)).toEqual([]);
	});

	it('says a communicator with every rank present but one silent is stuck on that rank', () => {
		const st = state();
		const ps = [0, 1, 2].map(r => addProc(st, proc('pod0', r + 1, {busId: `${6 + r}0`, worldRank: r, lastLineAt: r === 2 ? s(1) : s(90)})));
		addComm(
			st,
			comm(
				'0x3',
				3,
				ps.map((p, r) => ({proc: p, rank: r, startAt: s(0), completeAt: null})),
			),
		);
		const f = initStalled(st, s(95), opts);
		expect(f).toHaveLength(1);
		expect(f[0]!.message).toContain('rank 2 (pod0, GPU busId 80) silent for 94 s');
		expect(f[0]!.message).not.toContain('never started');
	});

	it('ignores completed, failed and destroyed communicators', () => {
		const st = stuck();
		st.comms['0xc675']!.state = 'failed';
		expect(computeFindings(st, s(1000), opts).filter(f => f.id === 'init-stalled')).toEqual([]);
	});

	it('honours --init-stall-after', () => {
		expect(initStalled(stuck(), s(20), {...opts, initStallSeconds: 15})).toHaveLength(1);
	});
});

describe('init-stalled does not cry wolf', () => {
	it('is quiet once vLLM reached a later milestone (lines folded by Ray, not a stall)', () => {
		const st = stuck();
		st.engine = {milestones: {weightsStart: s(10)}} as never;
		expect(initStalled(st, s(600), opts)).toEqual([]);
		// a milestone from before this init began says nothing about it
		st.engine = {milestones: {weightsStart: s(-100)}} as never;
		expect(initStalled(st, s(600), opts)).toHaveLength(1);
	});
});
