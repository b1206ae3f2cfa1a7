/**
 * `infertop demo --serve-only` end to end for the failing scenarios: the CLI as a
 * child process, real kubectl, `infertop --once --json` through the API server.
 * crash: global rank 1 (GPU 70) exits and its peers fail; bad-ifname:
 * NCCL_SOCKET_IFNAME names no interface and bootstrap fails at once.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {expectCleanStop, expectKubectlSees, expectValidSnapshot} from './checks.js';
import {brief, cleanup, pollUntil, requireKubectl, snapshotOnce, sourceCli, startDemo, type OnceResult, type Snap} from './harness.js';

const withKubectl = requireKubectl('the demo end-to-end tests');
afterEach(cleanup);

describe.skipIf(!withKubectl)('infertop demo --serve-only, failing scenarios', () => {
	it('crash: phase failed, rank-exited names rank 1 on GPU 70, exit code 1', async () => {
		const demo = await startDemo(sourceCli, ['--scenario', 'crash', '--speed', '20']);
		// the containers end with code 1: kubectl shows them as Error
		await expectKubectlSees(demo, ['vllm-0', 'vllm-0-1'], /0\/1\s+Error/, 'vllm-0', 'Root Cause (first observed failure):');
		let last: OnceResult | null = null;
		const done = await pollUntil(
			async () => {
				last = await snapshotOnce(sourceCli, demo.kubeconfig);
				return last.snap?.phase === 'failed' && last.snap.findings.some(f => f.id === 'rank-exited') ? last : undefined;
			},
			'phase failed with a rank-exited finding',
			45_000,
			() => brief(last),
		);
		const snap = done.snap as Snap;
		expectValidSnapshot(snap, done.out);
		expect(done.code).toBe(1);
		const exited = snap.findings.filter(f => f.id === 'rank-exited');
		// the root cause is rank 1 alone: its peers' remote errors are not blamed as exits of their own
		expect(exited.map(f => f.subject)).toEqual(['rank 1 (vllm-0, GPU busId 70)']);
		expect(exited[0]!.severity).toBe('error');
		expect(snap.findings[0]!.id).toBe('rank-exited');
		expect(snap.ranks.find(r => r.globalRank === 1)).toMatchObject({busId: '70', pod: 'vllm-0'});
		await expectCleanStop(demo);
	});

	it('bad-ifname: socket-ifname-no-match, phase failed, exit code 1; SIGTERM stops it cleanly', async () => {
		const demo = await startDemo(sourceCli, ['--scenario', 'bad-ifname', '--speed', '20']);
		await expectKubectlSees(demo, ['vllm-0'], /0\/1\s+Error/, 'vllm-0', 'NCCL_SOCKET_IFNAME');
		let last: OnceResult | null = null;
		const done = await pollUntil(
			async () => {
				last = await snapshotOnce(sourceCli, demo.kubeconfig);
				return last.snap?.findings.some(f => f.id === 'socket-ifname-no-match') && last.snap.phase === 'failed' ? last : undefined;
			},
			'a socket-ifname-no-match finding',
			45_000,
			() => brief(last),
		);
		const snap = done.snap as Snap;
		expectValidSnapshot(snap, done.out);
		expect(done.code).toBe(1);
		const f = snap.findings.find(x => x.id === 'socket-ifname-no-match')!;
		expect(f.severity).toBe('error');
		expect(f.subject).toContain('NCCL_SOCKET_IFNAME=net1');
		// the configuration error is the cause; it comes first
		expect(snap.findings[0]!.id).toBe('socket-ifname-no-match');
		// SIGTERM cleans up as Ctrl-C does
		await expectCleanStop(demo, 'SIGTERM');
	});
});
