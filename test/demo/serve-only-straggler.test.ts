/**
 * `infertop demo --serve-only --scenario straggler` end to end: the worker pod is
 * scheduled 40 s late (5 s at --speed 8) and the leader's ranks wait in NCCL init.
 * While they wait, infertop reports it (init-stalled, or straggler once the late
 * ranks join); thresholds are scaled down with the speed through the CLI flags.
 * Then the rollout reaches serving.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {expectCleanStop, expectKubectlSees, expectValidSnapshot} from './checks.js';
import {brief, cleanup, pollUntil, requireKubectl, snapshotOnce, sourceCli, startDemo, type OnceResult, type Snap} from './harness.js';

const withKubectl = requireKubectl('the demo end-to-end tests');
afterEach(cleanup);

describe.skipIf(!withKubectl)('infertop demo --serve-only --scenario straggler', () => {
	it('the wait shows as init-stalled or straggler, then the rollout serves', async () => {
		const demo = await startDemo(sourceCli, ['--scenario', 'straggler', '--speed', '8']);
		const flags = ['--init-stall-after', '1s', '--straggler-after', '2s'];
		let last: OnceResult | null = null;
		const waiting = await pollUntil(
			async () => {
				last = await snapshotOnce(sourceCli, demo.kubeconfig, flags);
				return last.snap?.findings.some(f => f.id === 'init-stalled' || f.id === 'straggler') ? last : undefined;
			},
			'an init-stalled or straggler finding',
			45_000,
			() => brief(last),
		);
		const seen = waiting.snap as Snap;
		expectValidSnapshot(seen, waiting.out);
		const f = seen.findings.find(x => x.id === 'init-stalled' || x.id === 'straggler')!;
		expect(f.severity).toBe('warn');
		// what is waited for is the worker pod: named either as the likely missing pod or as the late one
		expect(`${f.subject} ${f.message}`).toContain('vllm-0-1');

		// the late pod is scheduled after its 40 s (scaled) in Pending, as kubectl shows
		await expectKubectlSees(demo, ['vllm-0', 'vllm-0-1'], /1\/1\s+Running/, 'vllm-0-1', 'NCCL INFO');

		const done = await pollUntil(
			async () => {
				last = await snapshotOnce(sourceCli, demo.kubeconfig, ['--service', 'vllm-leader']);
				return last.snap?.phase === 'serving' && last.snap.endpoint?.health === 'ok' ? last : undefined;
			},
			'phase serving',
			45_000,
			() => brief(last),
		);
		expect(done.code).toBe(0);
		expect(done.snap!.ranks.map(r => r.state)).toEqual(['ready', 'ready', 'ready', 'ready']);
		await expectCleanStop(demo);
	});
});
