/**
 * `infertop demo --serve-only` end to end, as a user runs it: the CLI as a child
 * process, real kubectl against the simulated API server, and infertop itself
 * (`--once --json`, `check`) reading the rollout through that API server and its
 * service proxy. Healthy: TP=2 x PP=2 over two pods reaches serving.
 */
import {existsSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {expectCleanStop, expectKubectlSees, expectValidSnapshot} from './checks.js';
import {brief, cleanup, pollUntil, requireKubectl, runCli, snapshotOnce, sourceCli, startDemo, type OnceResult, type RunResult, type Snap} from './harness.js';

const withKubectl = requireKubectl('the demo end-to-end tests');
afterEach(cleanup);

describe.skipIf(!withKubectl)('infertop demo --serve-only --scenario healthy', () => {
	it('kubectl sees the pods and logs; infertop reaches serving with a healthy endpoint; SIGINT stops it cleanly', async () => {
		const demo = await startDemo(sourceCli, ['--scenario', 'healthy', '--speed', '20']);
		expect(demo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(existsSync(demo.kubeconfig)).toBe(true);

		await expectKubectlSees(demo, ['vllm-0', 'vllm-0-1'], /1\/1\s+Running/, 'vllm-0', 'vLLM API server version 0.11.0');

		let last: OnceResult | null = null;
		const done = await pollUntil(
			async () => {
				last = await snapshotOnce(sourceCli, demo.kubeconfig, ['--service', 'vllm-leader']);
				return last.snap?.phase === 'serving' && last.snap.endpoint?.health === 'ok' ? last : undefined;
			},
			'phase serving with endpoint health ok',
			45_000,
			() => brief(last),
		);
		const snap = done.snap as Snap;
		expectValidSnapshot(snap, done.out);
		expect(done.code).toBe(0);
		expect(snap.findings.filter(f => f.severity === 'error')).toEqual([]);
		expect(snap.pods.map(p => [p.name, p.role])).toEqual([
			['vllm-0', 'leader'],
			['vllm-0-1', 'worker'],
		]);
		expect(snap.engine).toMatchObject({vllmVersion: '0.11.0', model: 'meta-llama/Llama-3.3-70B-Instruct', servedModelName: 'llama-3.3-70b', tensorParallelSize: 2, pipelineParallelSize: 2});
		expect(snap.ranks.map(r => [r.globalRank, r.pod, r.busId, r.state])).toEqual([
			[0, 'vllm-0', '60', 'ready'],
			[1, 'vllm-0', '70', 'ready'],
			[2, 'vllm-0-1', '80', 'ready'],
			[3, 'vllm-0-1', '90', 'ready'],
		]);
		// the Service in front of the leader, reached through the API server's service proxy
		expect(snap.endpoint!.url).toContain('inference/vllm-leader');
		expect(snap.endpoint!.models).toEqual(['llama-3.3-70b']);

		// Without --service, the live path finds the Service by itself (the one selecting only the
		// leader pod). Piped, it prints one snapshot once the streams are quiet; retried because a
		// loaded machine may settle before the first probe has answered.
		let live: RunResult | null = null;
		const found = await pollUntil(
			async () => {
				live = await runCli(sourceCli, ['--kubeconfig', demo.kubeconfig, 'vllm', '--json'], {timeoutMs: 40_000});
				const s = JSON.parse(live.out || 'null') as Snap | null;
				return s?.endpoint?.health === 'ok' ? s : undefined;
			},
			'the live path to find the leader Service and probe it',
			40_000,
			() => `exit ${live?.code}; stderr ${live?.err.slice(0, 300)}; stdout ${live?.out.slice(0, 300)}`,
		);
		expect(live!.code).toBe(0);
		expect(found.phase).toBe('serving');
		expect(found.endpoint!.url).toContain('inference/vllm-leader');

		// check, live, with the Service named: 0 once serving and healthy
		const check = await runCli(sourceCli, ['check', 'vllm', '--kubeconfig', demo.kubeconfig, '--service', 'vllm-leader', '--json', '--timeout', '30s'], {timeoutMs: 45_000});
		expect(check.code, check.err).toBe(0);
		const checked = JSON.parse(check.out) as Snap;
		expect(checked.phase).toBe('serving');
		expect(checked.endpoint?.health).toBe('ok');
		expect(check.err).toMatch(/^check: OK/m);

		await expectCleanStop(demo);
		expect(demo.err()).toContain('serving scenario "healthy"');
	});

	it('p2p-disabled: NVLink present, traffic over shared memory, and still serving', async () => {
		const demo = await startDemo(sourceCli, ['--scenario', 'p2p-disabled', '--speed', '20']);
		await expectKubectlSees(demo, ['vllm-0'], /1\/1\s+Running/, 'vllm-0', 'NCCL INFO');
		let last: OnceResult | null = null;
		const done = await pollUntil(
			async () => {
				last = await snapshotOnce(sourceCli, demo.kubeconfig, ['--service', 'vllm-leader']);
				return last.snap?.phase === 'serving' && last.snap.findings.some(f => f.id === 'nvlink-unused') ? last : undefined;
			},
			'phase serving with an nvlink-unused finding',
			45_000,
			() => brief(last),
		);
		const snap = done.snap as Snap;
		expectValidSnapshot(snap, done.out);
		expect(snap.ranks.map(r => r.busId)).toEqual(['60', '70', '80', '90']);
		const world = snap.communicators.find(c => c.nranks === 4)!;
		expect(world.state).toBe('ready');
		// NCCL_P2P_DISABLE=1: the recorded channels go through SHM, never P2P (NVLink)
		const transports = snap.communicators.flatMap(c => c.transports);
		expect(transports).toContain('SHM');
		expect(transports.some(t => t.startsWith('P2P'))).toBe(false);
		expect(snap.findings.find(f => f.id === 'nvlink-unused')!.subject).toMatch(/60, 70, 80 and 90/);
		await expectCleanStop(demo);
	});
});
