/**
 * Every fault the kubelet, the API server and the network throw at a follow,
 * through a real kubeconfig and TLS: the lines handed to the parser must equal
 * the container's log — in order, none lost, none doubled.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startApiServer, type SimApiServer} from '../../source/sim/api-server.js';
import {SimCluster} from '../../source/sim/cluster.js';
import {expectedLog, lines, startHarness, until, type Harness} from './helpers.js';

let server: SimApiServer;
let h: Harness | null = null;

beforeAll(async () => {
	server = await startApiServer({cluster: new SimCluster(), bookmarkMs: 200});
});
afterAll(async () => {
	await server.close();
});
afterEach(async () => {
	await h?.close();
	h = null;
	for (const name of [...server.cluster.pods.keys()]) server.cluster.deletePod(name.split('/')[1]!);
	server.cluster.faults.length = 0;
	server.cluster.denied.clear();
});

const c = () => server.cluster;
const lws = (name: string, group: number, worker: number) => ({
	'leaderworkerset.sigs.k8s.io/name': name,
	'leaderworkerset.sigs.k8s.io/group-index': String(group),
	'leaderworkerset.sigs.k8s.io/worker-index': String(worker),
});

async function streamEquals(pod: string, n = 0, container = 'main', inst = c().container(pod, container).current) {
	await until(() => h!.cap.text(pod, container, n) === expectedLog(inst), `${pod}#${n} equals its log`);
	expect(h!.cap.text(pod, container, n)).toBe(expectedLog(inst));
}

describe('log streams through faults', () => {
	it('follows two LWS pods from container start, with their group/role facts', async () => {
		c().addPod({name: 'vllm-0', labels: lws('vllm', 0, 0)});
		c().addPod({name: 'vllm-0-1', labels: lws('vllm', 0, 1), annotations: {'leaderworkerset.sigs.k8s.io/leader-name': 'vllm-0'}});
		c().writeLines('vllm-0', 'main', lines('leader', 50));
		h = await startHarness(server, ['vllm']);
		expect(h.source.describe.matchedBy).toContain('LeaderWorkerSet');
		c().writeLines('vllm-0', 'main', lines('leader', 50, 50));
		c().writeLines('vllm-0-1', 'main', lines('worker', 30));
		c().terminateContainer('vllm-0');
		c().terminateContainer('vllm-0-1');
		await streamEquals('vllm-0');
		await streamEquals('vllm-0-1');
		const pods = h.cap.store.getState().pods;
		expect(pods['vllm-0']).toMatchObject({group: 0, role: 'leader', workerIndex: 0, workload: 'vllm', phase: 'Succeeded'});
		expect(pods['vllm-0-1']).toMatchObject({group: 0, role: 'worker', workerIndex: 1});
	});

	it('resumes a stream cut mid-line without losing or doubling a line', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('a', 200));
		c().injectFault({kind: 'log-cut', pod: 'p', afterBytes: 5000});
		c().injectFault({kind: 'log-cut', pod: 'p', afterBytes: 3333});
		h = await startHarness(server);
		c().writeLines('p', 'main', lines('b', 100));
		await until(() => h!.cap.store.getState().pods['p']?.streams[0]?.reconnects === 2, 'two reconnects');
		c().writeLines('p', 'main', lines('c', 10));
		c().terminateContainer('p');
		await streamEquals('p');
	});

	it('reassembles a stream delivered one byte at a time', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', ['héllo wörld — ünïcode', ...lines('a', 20)]);
		c().injectFault({kind: 'log-trickle', pod: 'p'});
		h = await startHarness(server);
		await until(() => h!.cap.text('p').split('\n').length > 5, 'some lines');
		c().writeLines('p', 'main', lines('b', 5));
		c().terminateContainer('p');
		await streamEquals('p');
	});

	it('detects a stalled follow and reopens it (counted)', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('a', 40));
		c().injectFault({kind: 'log-stall', pod: 'p', afterBytes: 1200});
		h = await startHarness(server);
		c().writeLines('p', 'main', lines('b', 40));
		await until(() => (h!.cap.store.getState().pods['p']?.streams[0]?.stalls ?? 0) >= 1, 'a stall detected');
		c().terminateContainer('p');
		await streamEquals('p');
	});

	it('survives kubelet log rotation (the follow goes silent)', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('a', 40));
		h = await startHarness(server);
		await until(() => h!.cap.text('p').split('\n').length > 40, 'first file read');
		c().rotateLog('p');
		c().writeLines('p', 'main', lines('b', 40));
		await until(() => (h!.cap.store.getState().pods['p']?.streams[0]?.stalls ?? 0) >= 1, 'rotation stall detected');
		c().terminateContainer('p');
		await streamEquals('p');
	});

	it('restarts: a new stream for the new instance; the old one finished with previous=true', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('first', 30));
		// the first instance's follow stalls, so its last lines must come from previous=true
		c().injectFault({kind: 'log-stall', pod: 'p', afterBytes: 800});
		h = await startHarness(server);
		await until(() => h!.cap.text('p').length > 0, 'first bytes');
		const first = c().container('p').current;
		c().writeLines('p', 'main', lines('first-late', 10));
		c().restartContainer('p', 'main', {exitCode: 137, reason: 'OOMKilled'});
		c().writeLines('p', 'main', lines('second', 20));
		await until(() => h!.cap.sinks.has('p/main#1'), 'a second stream');
		c().terminateContainer('p');
		await streamEquals('p', 0, 'main', first);
		await streamEquals('p', 1);
		expect(server.requests.some(r => r.includes('/pods/p/log') && r.includes('previous=true'))).toBe(true);
		const pod = h.cap.store.getState().pods['p']!;
		expect(pod.restarts).toBe(1);
		expect(pod.generation).toBe(1);
		expect(pod.containers[0]).toMatchObject({lastTerminationReason: 'OOMKilled', lastExitCode: 137});
	});

	it('a pod deleted and recreated under the same name is a new pod (stream-reset)', async () => {
		c().addPod({name: 'vllm-0', labels: lws('vllm', 0, 0)});
		c().writeLines('vllm-0', 'main', lines('old', 20));
		h = await startHarness(server, ['vllm']);
		await until(() => h!.cap.text('vllm-0').split('\n').length > 20, 'old pod read');
		const old = c().container('vllm-0').current;
		const oldUid = c().getPod('vllm-0').uid;
		c().deletePod('vllm-0');
		// recreated and still pending: the old incarnation's ranks end already
		c().addPod({name: 'vllm-0', labels: lws('vllm', 0, 0), phase: 'Pending'});
		await until(() => h!.cap.store.getState().pods['vllm-0']?.generation === 1, 'reset on the new UID');
		c().startPod('vllm-0');
		c().writeLines('vllm-0', 'main', lines('new', 25));
		c().terminateContainer('vllm-0');
		await streamEquals('vllm-0', 0, 'main', old);
		await streamEquals('vllm-0', 1);
		const pod = h.cap.store.getState().pods['vllm-0']!;
		expect(pod.uid).not.toBe(oldUid);
		expect(pod.generation).toBe(1);
		expect(pod.deleted).toBe(false);
	});

	it('relists on 410 Gone and catches up with pods added and deleted meanwhile', async () => {
		c().addPod({name: 'a'});
		c().addPod({name: 'gone-soon'});
		h = await startHarness(server);
		await until(() => Boolean(h!.cap.store.getState().pods['gone-soon']), 'both pods listed');
		const listsBefore = server.requests.filter(r => /\/pods(\?|$)/.test(r) && !r.includes('watch=true')).length;
		// the watch resumes after the history it needs was compacted: 410 → relist
		c().injectFault({kind: 'watch-gone'});
		// and the relist fails twice before it works: capped exponential backoff, then recovery
		c().injectFault({kind: 'list-status', code: 500, times: 2});
		c().closeWatches();
		c().deletePod('gone-soon');
		c().addPod({name: 'b'});
		c().writeLines('b', 'main', lines('b', 10));
		c().terminateContainer('b');
		await streamEquals('b');
		await until(() => h!.cap.store.getState().pods['gone-soon']?.deleted === true, 'vanished pod deleted');
		expect(server.requests.filter(r => /\/pods(\?|$)/.test(r) && !r.includes('watch=true')).length).toBeGreaterThanOrEqual(listsBefore + 3);
		expect(c().faults.length).toBe(0);
	});

	it('403 on logs: named with the can-i line, the rest keeps running, recovers when granted', async () => {
		c().deny('get', 'pods/log');
		c().addPod({name: 'p', labels: {app: 'x'}});
		c().writeLines('p', 'main', lines('a', 10));
		h = await startHarness(server);
		await until(() => Boolean(h!.cap.store.getState().pods['p']?.streams[0]?.skippedReason), 'a reason');
		const s = h.cap.store.getState().pods['p']!;
		expect(s.streams[0]!.skippedReason).toContain('kubectl auth can-i get pods/log -n default');
		expect(s.phase).toBe('Running');
		expect(h.source.notices.join('\n')).toContain('can-i get pods/log');
		c().allow('get', 'pods/log');
		c().terminateContainer('p');
		await streamEquals('p');
	});

	it('500s then recovers', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('a', 10));
		c().injectFault({kind: 'log-status', pod: 'p', code: 500, times: 3});
		h = await startHarness(server);
		c().writeLines('p', 'main', lines('b', 10));
		c().terminateContainer('p');
		await streamEquals('p');
		expect(h.cap.store.getState().pods['p']!.streams[0]!.reconnects).toBeGreaterThanOrEqual(3);
	});
});

describe('pod facts', () => {
	it('pending reasons come from the PodScheduled condition, else the latest Warning event', async () => {
		c().addPod({name: 'gpu-0', phase: 'Pending', pendingMessage: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.'});
		c().addPod({name: 'gpu-1', phase: 'Pending'});
		c().addEvent({pod: 'gpu-1', reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "shm"'});
		h = await startHarness(server);
		await until(() => h!.cap.store.getState().pods['gpu-1']?.pendingReason?.startsWith('FailedMount') === true, 'event reason');
		const pods = h.cap.store.getState().pods;
		expect(pods['gpu-0']!.pendingReason).toBe('0/4 nodes are available: 4 Insufficient nvidia.com/gpu.');
		expect(pods['gpu-1']!.pendingReason).toBe('FailedMount: MountVolume.SetUp failed for volume "shm"');
		// scheduled and started: the reason clears and the stream opens
		c().startPod('gpu-0');
		c().writeLines('gpu-0', 'main', lines('g', 5));
		c().terminateContainer('gpu-0');
		await streamEquals('gpu-0');
		expect(h.cap.store.getState().pods['gpu-0']!.pendingReason).toBeNull();
	});

	it('a finished stream is not lagging; a dropped one is, until it reconnects', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('a', 5));
		c().terminateContainer('p');
		h = await startHarness(server);
		await streamEquals('p');
		await until(() => h!.source.unfinished().length === 0, 'ended');
		const s = h.cap.store.getState().pods['p']!.streams[0]!;
		expect(s).toMatchObject({connected: false, droppedAt: null});
	});
});

describe('narrowing and history', () => {
	it('a container that restarted before infertop started: its previous log first, then the current one', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('crashed', 15));
		c().restartContainer('p', 'main', {exitCode: 1});
		const crashed = c().container('p').previous!;
		c().writeLines('p', 'main', lines('now', 5));
		h = await startHarness(server);
		c().terminateContainer('p');
		await streamEquals('p', 0, 'main', crashed);
		await streamEquals('p', 1);
		expect(h.cap.store.getState().pods['p']!.generation).toBe(1);
	});

	it('--tail N starts N lines from the end, then follows everything after', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('old', 100));
		h = await startHarness(server, [], {tail: 10});
		await until(() => h!.cap.text('p').split('\n').length > 10, 'the tail');
		c().writeLines('p', 'main', lines('new', 10));
		c().terminateContainer('p');
		const inst = c().container('p').current;
		const want = inst.lines
			.slice(90)
			.map(l => `${l.stamp} ${l.text}\n`)
			.join('');
		await until(() => h!.cap.text('p') === want, 'tail then follow');
		expect(h.cap.text('p')).toBe(want);
	});
});

describe('--tail 0', () => {
	it('is sent (client-node 1.x would drop it): only lines written after the start', async () => {
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('old', 30));
		h = await startHarness(server, [], {tail: 0});
		await until(() => server.requests.some(r => r.includes('/pods/p/log') && r.includes('tailLines=0')), 'the open');
		await until(() => h!.cap.store.getState().pods['p']?.streams[0]?.connected === true, 'connected');
		c().writeLines('p', 'main', lines('new', 5));
		c().terminateContainer('p');
		const want = c()
			.container('p')
			.current.lines.slice(30)
			.map(l => `${l.stamp} ${l.text}\n`)
			.join('');
		await until(() => h!.cap.text('p') === want, 'only new lines');
		expect(h.cap.text('p')).toBe(want);
	});
});

describe('--save', () => {
	it("live: writes each pod's raw log as it streams, the crashed instance included", async () => {
		const {mkdtempSync, readFileSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const path = await import('node:path');
		const dir = mkdtempSync(path.join(tmpdir(), 'infertop-save-live-'));
		c().addPod({name: 'p'});
		c().writeLines('p', 'main', lines('one', 10));
		h = await startHarness(server, [], {save: dir});
		await until(() => h!.cap.text('p').split('\n').length > 10, 'first instance read');
		c().restartContainer('p');
		const first = c().container('p').previous!;
		c().writeLines('p', 'main', lines('two', 10));
		c().terminateContainer('p');
		await streamEquals('p', 1);
		await h.close();
		h = null;
		expect(readFileSync(path.join(dir, 'p.log'), 'utf8')).toBe(expectedLog(first) + expectedLog(c().container('p').current));
	});
});

describe('RBAC on the pod watch', () => {
	it('watch forbidden: says so with the can-i line and falls back to relisting', async () => {
		c().deny('watch', 'pods');
		c().addPod({name: 'a'});
		h = await startHarness(server);
		await until(() => h!.source.notices.some(n => n.includes('kubectl auth can-i watch pods -n default')), 'the notice');
		c().addPod({name: 'b'});
		c().writeLines('b', 'main', lines('b', 5));
		c().terminateContainer('b');
		await streamEquals('b');
	});
});
