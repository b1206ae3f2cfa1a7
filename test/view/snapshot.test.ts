import {describe, expect, it} from 'vitest';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {safeUrlText as safeUrl} from '../../source/core/text-safety.js';
import {toSnapshot} from '../../source/view/snapshot.js';
import {comm, container, engine, pod, proc, withComms, withPods, withProcs} from '../helpers/build.js';
import {snapshotValidator} from './schema.js';

const validate = snapshotValidator();
const snap = (s: RolloutState, now = 0) => toSnapshot(s, [], {now, generatedAt: new Date(0)});

describe('toSnapshot (hand-built states)', () => {
	it('ranks a communicator says exist but never appeared are listed as unseen, in global-rank order', () => {
		const a = proc('pod0', 1, {busId: '60', cudaDev: 0, state: 'initializing'});
		const b = proc('pod0', 2, {busId: '70', cudaDev: 1, state: 'initializing'});
		const s = withComms(
			withProcs(emptyState({kind: 'stdin'}), b, a),
			comm('0x9c', 4, [
				{proc: a, rank: 0},
				{proc: b, rank: 1},
			]),
		);
		const out = snap(s);
		expect(out.ranks.map(r => [r.globalRank, r.pod, r.busId, r.state])).toEqual([
			[0, 'pod0', '60', 'initializing'],
			[1, 'pod0', '70', 'initializing'],
			[2, null, null, 'unseen'],
			[3, null, null, 'unseen'],
		]);
		expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
	});

	it('a process seen without a known rank fills a missing slot instead of an extra unseen row', () => {
		const a = proc('pod0', 1, {state: 'ready'});
		const lost = proc('pod1', 9, {state: 'starting'});
		const s = withComms(withProcs(emptyState({kind: 'stdin'}), a, lost), comm('0x9c', 2, [{proc: a, rank: 0}]));
		expect(snap(s).ranks.map(r => [r.globalRank, r.state])).toEqual([
			[0, 'ready'],
			[null, 'starting'],
		]);
	});

	it("the engine's TP x PP says how many ranks exist when Ray's folding hid whole groups", () => {
		const a = proc('vllm-0', 1, {worldRank: 0, state: 'ready'});
		const b = proc('vllm-0', 2, {worldRank: 1, state: 'ready'});
		let s = withComms(
			withProcs(emptyState({kind: 'stdin'}), a, b),
			comm(
				'0xc13f',
				2,
				[
					{proc: a, rank: 0},
					{proc: b, rank: 1},
				],
				{state: 'ready'},
			),
		);
		s = {...s, engine: engine({tensorParallelSize: 2, pipelineParallelSize: 2})};
		expect(snap(s).ranks.map(r => [r.globalRank, r.state])).toEqual([
			[0, 'ready'],
			[1, 'ready'],
			[2, 'unseen'],
			[3, 'unseen'],
		]);
	});

	it('without a world rank, the rank comes from the one largest communicator', () => {
		const a = proc('pod0', 1, {comms: ['0xw', '0xw/3']});
		const b = proc('pod0', 2, {comms: ['0xw', '0xw/3']});
		const s = withComms(
			withProcs(emptyState({kind: 'stdin'}), a, b),
			comm('0xw/3', 2, [
				{proc: b, rank: 0},
				{proc: a, rank: 1},
			]),
			comm('0xw', 4, [
				{proc: a, rank: 2},
				{proc: b, rank: 3},
			]),
		);
		expect(
			snap(s)
				.ranks.filter(r => r.state !== 'unseen')
				.map(r => [r.pid, r.globalRank]),
		).toEqual([
			[1, 2],
			[2, 3],
		]);
	});

	it('two equally large groups and no world communicator (vLLM TP x PP): their ranks are not global ranks', () => {
		const a = proc('vllm-0', 1);
		const b = proc('vllm-0-1', 2);
		let s = withComms(withProcs(emptyState({kind: 'stdin'}), a, b), comm('0xaa', 2, [{proc: a, rank: 0}]), comm('0xbb', 2, [{proc: b, rank: 0}]));
		expect(
			snap(s)
				.ranks.filter(r => r.state !== 'unseen')
				.map(r => r.globalRank),
		).toEqual([null, null]);
		// a group smaller than the engine's world is not the world either
		s = withComms(withProcs(emptyState({kind: 'stdin'}), a), comm('0xaa', 2, [{proc: a, rank: 1}]));
		expect(snap({...s, engine: engine({tensorParallelSize: 2, pipelineParallelSize: 2})}).ranks.find(r => r.pid === 1)?.globalRank).toBeNull();
	});

	it('the world rank vLLM/torch logged wins over the rank in a communicator', () => {
		const a = proc('pod1', 1, {worldRank: 2, state: 'ready'});
		const s = withComms(withProcs(emptyState({kind: 'stdin'}), a), comm('0x1/7', 2, [{proc: a, rank: 0}]));
		expect(snap(s).ranks.find(r => r.pid === 1)?.globalRank).toBe(2);
	});

	it('pods: sorted by name; lag 0 while connected, seconds since the drop while reconnecting; reconnects summed', () => {
		const stream = {container: 'main', connected: true, droppedAt: null, reconnects: 1, skippedLines: 0, stalls: 0, skippedReason: null};
		const s = withPods(
			emptyState({kind: 'kubernetes', context: 'kind', namespace: 'ml', selector: null}),
			pod('b', {streams: [{...stream, connected: false, droppedAt: 10_000, reconnects: 2}, stream], containers: [container()]}),
			pod('a', {streams: [stream], lines: 12}),
		);
		const out = snap(s, 15_500);
		expect(out.pods.map(p => [p.name, p.lagSeconds, p.reconnects, p.lines])).toEqual([
			['a', 0, 1, 12],
			['b', 5.5, 3, 0],
		]);
	});

	it('saved logs: every file is a pod, even one with no line', () => {
		const s = withPods(emptyState({kind: 'files', files: ['x/pod1.log.gz', 'x/pod0.log']}), pod('pod0', {lines: 3}));
		expect(snap(s).pods.map(p => [p.name, p.lines])).toEqual([
			['pod0', 3],
			['pod1', 0],
		]);
	});

	it('findings most severe first, rules keeping their order within a severity', () => {
		const f = (id: string, severity: 'error' | 'warn' | 'info') => ({id, severity, subject: 's', message: 'm'});
		const out = toSnapshot(emptyState({kind: 'stdin'}), [f('a', 'info'), f('b', 'warn'), f('c', 'error'), f('d', 'warn')], {now: 0, generatedAt: new Date(0)});
		expect(out.findings.map(x => x.id)).toEqual(['c', 'b', 'd', 'a']);
	});

	it('topology link types stay inside the schema (NVB is NVLink, a bare PCI edge one PCIe hop)', () => {
		const s: RolloutState = {
			...emptyState({kind: 'stdin'}),
			topology: {
				pod0: {
					pod: 'pod0',
					host: 'vm',
					maxBw: 370.8,
					totalBw: 370.8,
					gpus: [
						{busId: '70', index: 1, node: '0'},
						{busId: '60', index: 0, node: '0'},
					],
					nics: [],
					links: [{from: 'CPU/0', to: 'GPU/0-60', type: 'PCI', bw: 48}],
					paths: [],
				},
			},
		};
		const out = snap(s);
		expect(out.topology[0]!.links).toEqual([{from: 'CPU/0', to: 'GPU/0-60', type: 'PIX', bw: 48}]);
		expect(out.topology[0]!.gpus.map(g => g.busId)).toEqual(['60', '70']);
		expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
	});

	it('the endpoint URL never carries a credential', () => {
		expect(safeUrl('https://user:s3cret@example.com:8000/v1?api_key=abc&x=1')).toBe('https://example.com:8000/v1?api_key=<redacted>&x=1');
		const s: RolloutState = {
			...emptyState({kind: 'stdin'}),
			endpoint: {
				url: 'http://bob:hunter2@127.0.0.1:8000',
				via: 'direct',
				health: 'ok',
				reason: null,
				lastStatus: 200,
				latencyMs: 3,
				latencyHistory: [],
				models: ['m'],
				version: '0.11.0',
				metrics: null,
				lastProbeAt: null,
				lastProgressAt: null,
				completionLatencyMs: null,
				errors: [],
			},
		};
		const text = JSON.stringify(snap(s));
		expect(text).not.toContain('hunter2');
		expect(text).not.toContain('bob');
		expect(snap(s).endpoint).toMatchObject({url: 'http://127.0.0.1:8000/', health: 'ok', lastStatus: 200, models: ['m']});
	});

	it('the same state gives the same bytes whatever the insertion order', () => {
		const a = proc('pod0', 1, {busId: '60'});
		const b = proc('pod1', 2, {busId: '80'});
		const c1 = comm('0x1', 2, [
			{proc: a, rank: 0},
			{proc: b, rank: 1},
		]);
		const c2 = comm('0x1/5', 1, [{proc: a, rank: 0}]);
		const s1 = withComms(withProcs(withPods(emptyState({kind: 'stdin'}), pod('pod0'), pod('pod1')), a, b), c1, c2);
		const s2 = withComms(withProcs(withPods(emptyState({kind: 'stdin'}), pod('pod1'), pod('pod0')), b, a), c2, c1);
		expect(JSON.stringify(snap(s1))).toBe(JSON.stringify(snap(s2)));
		expect(snap(s1).communicators.map(c => c.id)).toEqual(['0x1', '0x1/5']);
	});
});
