/**
 * The rules against real NCCL 2.28.9 logs (4× H200): every finding truth.json
 * expects is produced, and a scenario that completed has no error finding.
 */
import {describe, expect, it} from 'vitest';
import {computeFindings, defaultFindingOptions, type Finding} from '../../source/findings/index.js';
import {truthOf} from '../helpers/load-scenario.js';
import {corpusState, reducerLanded, scenarios} from './corpus-state.js';

const cache = new Map<string, Promise<{findings: Finding[]; landed: boolean}>>();
function findingsOf(name: string) {
	let p = cache.get(name);
	if (!p) {
		p = corpusState(name).then(st => ({findings: computeFindings(st, st.lastTs ?? 0, defaultFindingOptions), landed: reducerLanded(st)}));
		cache.set(name, p);
	}
	return p;
}

describe.each(scenarios)('corpus %s', name => {
	const truth = truthOf(name);

	it(`produces findings_expected ${JSON.stringify(truth.findings_expected ?? [])}`, async ctx => {
		const {findings, landed} = await findingsOf(name);
		if (!landed) {
			console.warn(`skipped ${name}: the log reducer (source/model/log.ts) has not landed, the state is empty`);
			ctx.skip();
		}
		expect(findings.map(f => f.id)).toEqual(expect.arrayContaining(truth.findings_expected ?? []));
	});

	if (truth.outcome === 'completed') {
		it('has no error-severity finding (it completed)', async ctx => {
			const {findings, landed} = await findingsOf(name);
			if (!landed) ctx.skip();
			expect(findings.filter(f => f.severity === 'error')).toEqual([]);
		});
	}
});

describe('corpus specifics', () => {
	it('straggler-h200x4 (recorded here): rank 3 (pod1, busId 90), which slept 30 s before init, is the one straggler', async ctx => {
		const {findings, landed} = await findingsOf('straggler-h200x4');
		if (!landed) ctx.skip();
		const late = findings.filter(f => f.id === 'straggler');
		expect(late.map(f => f.subject)).toEqual(['rank 3 (pod1, GPU busId 90)']);
		// joined ~30 s after its peers' median (the sleep), not "completed late": its peers waited for it
		expect(late[0]!.message).toMatch(/^started init of communicator 0x3127d8b2e104cfb7 \(4 ranks\) (29|30|31) s after the median of its peers/);
		// it is one rank, not a whole late pod: the advice is about the rank
		expect(late[0]!.message).not.toContain('every rank of pod');
	});

	it('crash-rank1: the root cause is global rank 1 (pod0, busId 70), exit code 3; peers are follow-ons', async ctx => {
		const {findings, landed} = await findingsOf('crash-rank1');
		if (!landed) ctx.skip();
		const root = findings.filter(f => f.id === 'rank-exited');
		expect(root).toHaveLength(1);
		expect(root[0]!.severity).toBe('error');
		expect(root[0]!.subject).toBe('rank 1 (pod0, GPU busId 70)');
		expect(root[0]!.message).toMatch(/^exited with code 3 /);
		const follow = root[0]!.message.slice(root[0]!.message.indexOf('Follow-on'));
		for (const r of ['rank 0 (pod0, GPU busId 60)', 'rank 2 (pod1, GPU busId 80)', 'rank 3 (pod1, GPU busId 90)']) expect(follow).toContain(r);
		// the other errors of the run point to it rather than competing with it
		expect(findings.filter(f => f.severity === 'error').map(f => f.id)).toEqual(['rank-exited']);
	});

	it('straggler-h200x4 while it happens: 20 s into the wait, the rank that has not joined is named', async () => {
		const {readFileSync} = await import('node:fs');
		const {podLogs, parseInto} = await import('../helpers/load-scenario.js');
		const {emptyState} = await import('../../source/model/state.js');
		// what a live view had read by 04:57:20 (rank 3 joins at 04:57:28)
		const cut = '2026-11-27T04:57:20';
		let state = emptyState({kind: 'kubernetes', context: 'test', namespace: 'llm', selector: null, workload: 'straggler'});
		for (const {pod, file} of podLogs('straggler-h200x4')) {
			const early = readFileSync(file, 'utf8')
				.split('\n')
				.filter(l => l !== '' && l < cut);
			state = parseInto(state, pod, [early.join('\n') + '\n']);
		}
		const late = computeFindings(state, Date.parse(`${cut}Z`), defaultFindingOptions).filter(f => f.id === 'straggler');
		expect(late.map(f => f.subject)).toEqual(['rank 3 of communicator 0x3127d8b2e104cfb7 (4 ranks)']);
		expect(late[0]!.message).toMatch(/^not in init yet: its 3 peers have waited 2[01] s in bootstrap for it/);
		// before the threshold nothing is said
		expect(computeFindings(state, Date.parse('2026-11-27T04:57:05Z'), defaultFindingOptions).filter(f => f.id === 'straggler')).toEqual([]);
	});

	it('straggler-h200x4 while it happens: a pod that is still Pending is named as where the missing ranks are', async () => {
		const {readFileSync} = await import('node:fs');
		const {podLogs, parseInto} = await import('../helpers/load-scenario.js');
		const {emptyState} = await import('../../source/model/state.js');
		const {reduceAll} = await import('../../source/model/reduce.js');
		// pod0's lines up to 04:57:20; pod1 exists but is Pending (so its ranks 2 and 3 never logged)
		const cut = '2026-11-27T04:57:20';
		let state = emptyState({kind: 'kubernetes', context: 'test', namespace: 'llm', selector: null, workload: 'straggler'});
		const pod = (name: string, phase: string, pendingReason: string | null) => ({
			type: 'pod-upsert' as const,
			pod: {name, uid: `uid-${name}`, node: null, phase, pendingReason, workload: 'straggler', group: 0, role: null, workerIndex: null, createdAt: null, containers: []},
		});
		state = reduceAll(state, [pod('pod0', 'Running', null), pod('pod1', 'Pending', 'Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu')]);
		const early = readFileSync(podLogs('straggler-h200x4')[0]!.file, 'utf8')
			.split('\n')
			.filter(l => l !== '' && l < cut);
		state = parseInto(state, 'pod0', [early.join('\n') + '\n']);
		const late = computeFindings(state, Date.parse(`${cut}Z`), defaultFindingOptions).filter(f => f.id === 'straggler');
		expect(late.map(f => f.subject)).toEqual(['rank 2, rank 3 of communicator 0x3127d8b2e104cfb7 (4 ranks)']);
		expect(late[0]!.message).toContain('Likely in pod pod1 (Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu).');
	});

	it('bad-socket-ifname names NCCL_SOCKET_IFNAME=net1', async ctx => {
		const {findings, landed} = await findingsOf('bad-socket-ifname');
		if (!landed && findings.length === 0) ctx.skip();
		const f = findings.find(x => x.id === 'socket-ifname-no-match');
		expect(f?.severity).toBe('error');
		expect(f?.subject).toContain('NCCL_SOCKET_IFNAME=net1');
		expect(f?.message).toContain('NCCL_SOCKET_IFNAME=net1 matches no interface');
	});

	it('gdr-disabled: info on one node (tp2-seed-shape-all), warn across two (tp2x2-two-pods-all), evidence is TCP', async ctx => {
		const one = await findingsOf('tp2-seed-shape-all');
		const two = await findingsOf('tp2x2-two-pods-all');
		if (!one.landed || !two.landed) ctx.skip();
		const a = one.findings.find(f => f.id === 'gdr-disabled')!;
		const b = two.findings.find(f => f.id === 'gdr-disabled')!;
		expect(a.severity).toBe('info');
		expect(b.severity).toBe('warn');
		for (const f of [a, b]) expect(f.message).toContain('the network transport is TCP (NET/Socket)');
	});

	it("tp2x2-two-pods-all: low-bandwidth prints NCCL's 1.2 GB/s between pod0 and pod1 beside the floor", async ctx => {
		const {findings, landed} = await findingsOf('tp2x2-two-pods-all');
		if (!landed) ctx.skip();
		const f = findings.find(x => x.id === 'low-bandwidth');
		expect(f?.subject).toMatch(/between pods pod0 and pod1$/);
		expect(f?.message).toContain('1.2 GB/s');
		expect(f?.message).toContain('10 GB/s floor');
	});

	it('p2p-disabled-shm: nvlink-unused names pod0, its four GPUs, SHM and NCCL_P2P_DISABLE', async ctx => {
		const {findings, landed} = await findingsOf('p2p-disabled-shm');
		if (!landed) ctx.skip();
		const f = findings.find(x => x.id === 'nvlink-unused');
		expect(f?.subject).toBe('pod pod0, GPUs busId 60, 70, 80 and 90');
		expect(f?.message).toContain('SHM');
		expect(f?.message).toContain('NCCL_P2P_DISABLE=1');
	});
});

describe('a straggler made from real lines', () => {
	it("tp2x2 with pod1's log 40 s late: ranks 2 and 3 (pod1) are stragglers, pod0's ranks are not", async () => {
		const {mkdtempSync, readFileSync, rmSync, writeFileSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const path = await import('node:path');
		const {corpusDir, stateOf} = await import('./corpus-state.js');
		const dir = mkdtempSync(path.join(tmpdir(), 'infertop-straggler-'));
		try {
			const src = path.join(corpusDir, 'tp2x2-two-pods-all');
			writeFileSync(path.join(dir, 'pod0.log'), readFileSync(path.join(src, 'pod0.log')));
			// shift every kubelet stamp of pod1 by 40 s, as if its pod were scheduled late
			const shifted = readFileSync(path.join(src, 'pod1.log'), 'utf8').replace(/^(\S+Z) /gm, (_, t: string) => `${new Date(Date.parse(t) + 40_000).toISOString()} `);
			writeFileSync(path.join(dir, 'pod1.log'), shifted);
			const st = await stateOf(dir);
			const f = computeFindings(st, st.lastTs ?? 0, defaultFindingOptions).filter(x => x.id === 'straggler');
			expect(f.map(x => x.subject).sort()).toEqual(['rank 2 (pod1, GPU busId 80)', 'rank 3 (pod1, GPU busId 90)']);
			expect(f[0]!.message).toMatch(/^started init of communicator 0x[0-9a-f]+ \(4 ranks\) (39|40) s after the median of its peers.*every rank of pod pod1 is late/);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('the same logs unshifted: no straggler (the pods started within a second)', async () => {
		const {findings} = await findingsOf('tp2x2-two-pods-all');
		expect(findings.filter(x => x.id === 'straggler')).toEqual([]);
	});
});
