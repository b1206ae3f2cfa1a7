import {describe, expect, it} from 'vitest';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {straggler} from '../../source/findings/straggler.js';
import {addComm, addProc, comm, proc, s, state} from '../helpers/build.js';

const opts = defaultFindingOptions;

function fourRanks(lateSeconds: number, field: 'start' | 'complete' = 'start') {
	const st = state();
	const ps = [0, 1, 2, 3].map(r => addProc(st, proc(r < 2 ? 'pod0' : 'pod1', 100 + r, {busId: ['60', '70', '80', '90'][r]!, worldRank: r})));
	addComm(
		st,
		comm(
			'0xabc',
			4,
			ps.map((p, r) => ({
				proc: p,
				rank: r,
				startAt: field === 'start' && r === 2 ? s(lateSeconds) : s(0.1 * r),
				completeAt: field === 'complete' && r === 2 ? s(5 + lateSeconds) : s(5 + (field === 'start' ? lateSeconds : 0)),
			})),
		),
	);
	return st;
}

describe('straggler', () => {
	it('does not flag a rank 1 s late: that is clock skew', () => {
		expect(straggler(fourRanks(1), s(100), opts)).toEqual([]);
	});

	it('flags a rank 30 s late to init, naming rank, pod and bus id and the lateness', () => {
		const f = straggler(fourRanks(30), s(100), opts);
		expect(f).toHaveLength(1);
		expect(f[0]!.subject).toBe('rank 2 (pod1, GPU busId 80)');
		expect(f[0]!.message).toMatch(/^started init of communicator 0xabc \(4 ranks\) 30 s after the median/);
		expect(f[0]!.severity).toBe('warn');
	});

	it('flags a rank that started on time but completed 30 s after its peers', () => {
		const f = straggler(fourRanks(30, 'complete'), s(100), opts);
		expect(f.map(x => [x.subject, x.message.slice(0, 14)])).toEqual([['rank 2 (pod1, GPU busId 80)', 'completed init']]);
	});

	it('never goes below clock skew even when the user asks for a 1 s threshold', () => {
		expect(straggler(fourRanks(1.5), s(100), {...opts, stragglerSeconds: 1})).toEqual([]);
		expect(straggler(fourRanks(8), s(100), {...opts, stragglerSeconds: 1})).toHaveLength(1);
	});

	it('in a two-rank communicator only the late one is a straggler, not the early one', () => {
		const st = state();
		const a = addProc(st, proc('pod0', 1, {busId: '60', worldRank: 0}));
		const b = addProc(st, proc('pod0', 2, {busId: '70', worldRank: 1}));
		addComm(
			st,
			comm('0x2', 2, [
				{proc: a, rank: 0, startAt: s(0), completeAt: s(31)},
				{proc: b, rank: 1, startAt: s(30), completeAt: s(31)},
			]),
		);
		const f = computeFindings(st, s(40), opts).filter(x => x.id === 'straggler');
		expect(f.map(x => x.subject)).toEqual(['rank 1 (pod0, GPU busId 70)']);
	});
});

describe('medianWithout (each rank against the median of all the others)', () => {
	it('equals the median of the list with that one value taken out, for any list', async () => {
		const fc = (await import('fast-check')).default;
		const {medianWithout} = await import('../../source/findings/straggler.js');
		const {median} = await import('../../source/findings/subject.js');
		fc.assert(
			fc.property(fc.array(fc.integer({min: 0, max: 50}), {minLength: 2, maxLength: 40}), fc.nat(), (xs, pick) => {
				const sorted = [...xs].sort((a, b) => a - b);
				const v = xs[pick % xs.length]!;
				const rest = [...xs];
				rest.splice(rest.indexOf(v), 1);
				expect(medianWithout(sorted, v)).toBe(median(rest));
			}),
			{numRuns: 500},
		);
	});
});
