import {describe, expect, it} from 'vitest';
import {describeStuck, findingLine, verdict} from '../../source/commands/check-verdict.js';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {derivePhase} from '../../source/model/phase.js';
import {comm, proc, s, state} from '../findings/build.js';

describe('check verdict (pure)', () => {
	it('3 with the stuck communicator named when init never completed', () => {
		const st = state();
		const ps = [0, 1, 2].map(r => proc(st, {pod: 'pod0', pid: r + 1, busId: `${6 + r}0`, worldRank: r, state: 'initializing'}));
		comm(st, '0xc67523877a822df2', 4, ps.map((p, r) => ({proc: p, rank: r, startAt: s(0)})));
		st.lastTs = s(5);
		const phase = derivePhase(st);
		expect(phase).toBe('nccl-init');
		const v = verdict({state: st, findings: computeFindings(st, s(5), defaultFindingOptions), phase});
		expect(v.code).toBe(3);
		expect(v.line).toBe(
			'check: TIMEOUT stuck in nccl-init: communicator 0xc67523877a822df2 has 3/4 ranks (0 ready), missing rank 3; logs end at 2026-11-26T22:00:05.000Z',
		);
	});

	it('1 on an error finding, counting them', () => {
		const st = state();
		proc(st, {pod: 'pod0', pid: 1, busId: '70', worldRank: 1, state: 'failed', exitCode: 3, failedAt: s(1)});
		const findings = computeFindings(st, s(2), defaultFindingOptions);
		const v = verdict({state: st, findings, phase: derivePhase(st)});
		expect(v).toMatchObject({code: 1, line: 'check: FAIL (1 error finding)'});
		expect(findingLine(findings[0]!)).toMatch(/^ERROR rank-exited: rank 1 \(pod0, GPU busId 70\): exited with code 3 at/);
	});

	it('0 for serving or completed without errors; warnings do not fail the gate', () => {
		const st = state();
		const f = [{id: 'gdr-disabled', severity: 'warn' as const, subject: 'x', message: 'y'}];
		expect(verdict({state: st, findings: f, phase: 'serving'})).toMatchObject({code: 0, line: 'check: OK serving'});
		expect(verdict({state: st, findings: [], phase: 'completed'})).toMatchObject({code: 0, line: 'check: OK completed'});
	});

	it('with an endpoint: waits (3) until it is healthy, fails (1) on stalled/unhealthy/unauthorized', () => {
		const st = state();
		expect(verdict({state: st, findings: [], phase: 'serving', endpoint: null}).code).toBe(3);
		expect(verdict({state: st, findings: [], phase: 'serving', endpoint: 'unreachable'}).line).toBe('check: TIMEOUT serving, but the endpoint is unreachable');
		expect(verdict({state: st, findings: [], phase: 'serving', endpoint: 'ok'})).toMatchObject({code: 0, line: 'check: OK serving, endpoint healthy'});
		for (const h of ['stalled', 'unhealthy', 'unauthorized'] as const) expect(verdict({state: st, findings: [], phase: 'loading-weights', endpoint: h}).code).toBe(1);
	});

	it('describes the other phases by what they wait for', () => {
		const st = state();
		expect(describeStuck(st, 'unknown')).toBe('unknown: no NCCL or vLLM line recognised');
		st.engine = {weightsShards: {done: 3, total: 8}} as never;
		expect(describeStuck(st, 'loading-weights')).toBe('loading-weights: weights 3/8 shards loaded');
	});
});
