/**
 * reducePods (pod facts, stream health, new incarnations) and the two findings
 * the live source feeds: log-stream-lagging and ray-log-dedup, the latter from
 * real parsed lines.
 */
import {describe, expect, it} from 'vitest';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {logStreamLagging} from '../../source/findings/log-stream-lagging.js';
import {rayLogDedup} from '../../source/findings/ray-log-dedup.js';
import {stampKey} from '../../source/sources/kube/resume-cursor.js';
import {createRateLimiter} from '../../source/sources/kube/rate-limit.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type ProcState} from '../../source/model/state.js';
import type {PodFacts} from '../../source/parse/events.js';
import {createPipeline} from '../../source/store/pipeline.js';
import {createStore} from '../../source/store/store.js';

const facts = (over: Partial<PodFacts> = {}): PodFacts => ({
	name: 'vllm-0',
	uid: 'u1',
	node: 'n1',
	phase: 'Running',
	pendingReason: null,
	workload: 'vllm',
	group: 0,
	role: 'leader',
	workerIndex: 0,
	createdAt: 1000,
	containers: [{name: 'main', state: 'running', reason: null, restarts: 0, exitCode: null, lastTerminationReason: null, lastExitCode: null, startedAt: 1000}],
	...over,
});
const base = () => emptyState({kind: 'kubernetes', context: null, namespace: 'default', selector: null});
const proc = (key: string, pod: string): ProcState => ({
	key,
	pod,
	host: 'h',
	pid: 1,
	cudaDev: 0,
	nvmlDev: 0,
	busId: '60',
	worldRank: 0,
	tpRank: null,
	ppRank: null,
	dpRank: null,
	state: 'ready',
	firstSeenAt: 1,
	lastLineAt: 1,
	comms: ['c1'],
	initStartAt: 1,
	initCompleteAt: 2,
	initSeconds: 1,
	exitCode: null,
	failedAt: null,
	failure: null,
	warnings: 0,
});

describe('reducePods', () => {
	it('upserts facts; the same facts again change nothing', () => {
		const s1 = reduceAll(base(), [{type: 'pod-upsert', pod: facts()}]);
		expect(s1.pods['vllm-0']).toMatchObject({uid: 'u1', node: 'n1', role: 'leader', restarts: 0, exitCode: null});
		const s2 = reduceAll(s1, [{type: 'pod-upsert', pod: facts()}]);
		expect(s2).toBe(s1);
	});

	it('restarts and exit codes from container statuses; deletion is kept and marked', () => {
		const s = reduceAll(base(), [
			{type: 'pod-upsert', pod: facts({containers: [{name: 'main', state: 'terminated', reason: 'Error', restarts: 2, exitCode: 1, lastTerminationReason: 'OOMKilled', lastExitCode: 137, startedAt: 1}]})},
			{type: 'pod-deleted', name: 'vllm-0', uid: 'u1'},
		]);
		expect(s.pods['vllm-0']).toMatchObject({restarts: 2, exitCode: 1, deleted: true});
		// a delete for an older uid does not touch the new incarnation
		const s2 = reduceAll(s, [
			{type: 'pod-upsert', pod: facts({uid: 'u2'})},
			{type: 'pod-deleted', name: 'vllm-0', uid: 'u1'},
		]);
		expect(s2.pods['vllm-0']).toMatchObject({uid: 'u2', deleted: false});
	});

	it("stream-reset ends the pod's ranks (kept under a generation key) and resets its line count", () => {
		let s = reduceAll(base(), [{type: 'pod-upsert', pod: facts()}]);
		s = {
			...s,
			pods: {...s.pods, 'vllm-0': {...s.pods['vllm-0']!, lines: 40}},
			procs: {'vllm-0|h|1': proc('vllm-0|h|1', 'vllm-0'), 'vllm-1|h|1': proc('vllm-1|h|1', 'vllm-1')},
			comms: {
				c1: {
					id: 'c1',
					nranks: 2,
					nNodes: 2,
					localRanks: 1,
					members: {0: {proc: 'vllm-0|h|1', rank: 0, ptr: '0x1', startAt: 1, completeAt: 2, state: 'ready'}},
					ranksStarted: 1,
					ranksComplete: 1,
					transports: [],
					links: [],
					channels: null,
					patterns: [],
					state: 'ready',
					firstStartAt: 1,
					lastCompleteAt: 2,
					ringsGdr: null,
				},
			},
		};
		const r = reduceAll(s, [{type: 'stream-reset', pod: 'vllm-0', container: 'main', at: 5}]);
		expect(r.pods['vllm-0']).toMatchObject({generation: 1, lines: 0});
		expect(Object.keys(r.procs).sort()).toEqual(['vllm-0|h|1~0', 'vllm-1|h|1']);
		expect(r.procs['vllm-0|h|1~0']!.state).toBe('exited');
		expect(r.comms['c1']!.members[0]!.proc).toBe('vllm-0|h|1~0');
	});

	it('stream-status tracks drops, reconnects, stalls, skips; a finished stream is not dropped', () => {
		const s = reduceAll(base(), [
			{type: 'stream-status', pod: 'p', container: 'main', at: 100, connected: true},
			{type: 'stream-status', pod: 'p', container: 'main', at: 200, connected: false, reconnects: 1, reason: 'stream broke: resuming'},
			{type: 'stream-status', pod: 'p', container: 'main', at: 300, connected: false, reconnects: 2},
		]);
		expect(s.pods['p']!.streams[0]).toMatchObject({connected: false, droppedAt: 200, reconnects: 2, skippedReason: 'stream broke: resuming'});
		const e = reduceAll(s, [{type: 'stream-status', pod: 'p', container: 'main', at: 400, connected: false, ended: true, reason: null}]);
		expect(e.pods['p']!.streams[0]).toMatchObject({droppedAt: null, skippedReason: null});
	});
});

describe('findings', () => {
	it('log-stream-lagging: a stream down past the threshold, a 403, a --max-streams skip, stalls; not a quiet pod', () => {
		const s = reduceAll(base(), [
			{type: 'pod-upsert', pod: facts({name: 'down', uid: 'a'})},
			{type: 'stream-status', pod: 'down', container: 'main', at: 0, connected: false, reconnects: 3, reason: 'stream broke: resuming'},
			{type: 'pod-upsert', pod: facts({name: 'quiet', uid: 'b'})},
			{type: 'stream-status', pod: 'quiet', container: 'main', at: 0, connected: true, stalls: 2},
			{type: 'pod-upsert', pod: facts({name: 'locked', uid: 'c'})},
			{type: 'stream-status', pod: 'locked', container: 'main', at: 0, connected: false, reason: 'forbidden: no permission to get pods/log in namespace default (check: kubectl auth can-i get pods/log -n default; …)'},
			{type: 'pod-upsert', pod: facts({name: 'skipped', uid: 'd'})},
			{type: 'stream-status', pod: 'skipped', container: 'main', at: 59_000, connected: false, skippedLines: 0, reason: 'not streamed yet: --max-streams 2 reached'},
		]);
		const f = logStreamLagging(s, 60_000, defaultFindingOptions);
		const by = (subject: string) => f.filter(x => x.subject.startsWith(`pod ${subject} `));
		expect(by('down')[0]!.message).toContain('down for 60s');
		expect(by('quiet').map(x => x.severity)).toEqual(['info']);
		expect(by('locked')[0]!.message).toContain('kubectl auth can-i get pods/log');
		expect(by('skipped')[0]!.message).toContain('--max-streams');
		expect(logStreamLagging(s, 5_000, defaultFindingOptions).some(x => x.subject.startsWith('pod down '))).toBe(false);
		expect(computeFindings(s, 60_000).some(x => x.id === 'log-stream-lagging')).toBe(true);
	});

	it('ray-log-dedup from lines the parser counted', () => {
		const store = createStore(base(), {flushMs: 0});
		const sink = createPipeline(store).openStream('vllm-0', 'main');
		sink.write('2024-03-15T02:34:11.123456789Z (RayWorkerWrapper pid=263, ip=10.0.16.95) INFO 04-14 16:08:16 [__init__.py:239] Automatically detected platform cuda. [repeated 4x across cluster]\n');
		sink.end();
		const state = store.getState();
		expect(state.pods['vllm-0']!.rayRepeatedLines).toBe(1);
		const f = rayLogDedup(state, 0, defaultFindingOptions);
		expect(f[0]).toMatchObject({id: 'ray-log-dedup', subject: 'pod vllm-0'});
		expect(f[0]!.message).toContain('RAY_DEDUP_LOGS=0');
	});
});

describe('helpers', () => {
	it('stampKey normalises kubelet stamps for ordering', () => {
		expect(stampKey('2024-03-15T02:34:11.123456789Z x')).toBe('2024-03-15T02:34:11.123456789');
		expect(stampKey('2024-03-15T02:34:11.5Z x')).toBe('2024-03-15T02:34:11.500000000');
		expect(stampKey('2024-03-15T02:34:11Z x')).toBe('2024-03-15T02:34:11.000000000');
		expect(stampKey('NCCL INFO no stamp')).toBeNull();
		expect(stampKey('2024-03-15T02:34:11.9Z a')! > stampKey('2024-03-15T02:34:11.123456789Z b')!).toBe(true);
	});

	it('the rate limiter grants a burst, then at most qps per second', async () => {
		const l = createRateLimiter(100, 5);
		const t0 = Date.now();
		await Promise.all(Array.from({length: 15}, () => l.take()));
		expect(l.granted).toBe(15);
		// 10 beyond the burst at 100/s take at least ~100 ms (a lower bound, not a timing assert on speed)
		expect(Date.now() - t0).toBeGreaterThanOrEqual(80);
	});
});
