/**
 * The local API server through @kubernetes/client-node 1.x itself (CoreV1Api,
 * Watch, Log): list/get/watch with resourceVersions, bookmarks, 410 Gone,
 * selectors, events, workloads, and the log endpoint's parameters as the
 * kubelet applies them.
 */
import {readFileSync} from 'node:fs';
import {Writable} from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startApiServer, type SimApiServer} from '../../source/sim/api-server.js';
import {expectedLog, lines, until} from '../kube/helpers.js';

let server: SimApiServer;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

beforeAll(async () => {
	server = await startApiServer({bookmarkMs: 50});
	kc = new k8s.KubeConfig();
	kc.loadFromFile(server.kubeconfigPath);
	core = kc.makeApiClient(k8s.CoreV1Api);
});
afterAll(async () => {
	await server.close();
});

function sink(): {w: Writable; text(): string; finished: Promise<void>} {
	let text = '';
	let done!: () => void;
	const finished = new Promise<void>(r => (done = r));
	const w = new Writable({
		write(chunk, _enc, cb) {
			text += chunk;
			cb();
		},
		final(cb) {
			done();
			cb();
		},
	});
	return {w, text: () => text, finished};
}

describe('pods', () => {
	it('lists with label and field selectors; get; 404 Status', async () => {
		server.cluster.addPod({name: 'sel-a', labels: {app: 'vllm', tier: 'x'}});
		server.cluster.addPod({name: 'sel-b', labels: {app: 'other'}});
		const byLabel = await core.listNamespacedPod({namespace: 'default', labelSelector: 'app=vllm'});
		expect(byLabel.items.map(p => p.metadata!.name)).toEqual(['sel-a']);
		const inSet = await core.listNamespacedPod({namespace: 'default', labelSelector: 'app in (vllm,other),!missing'});
		expect(inSet.items.map(p => p.metadata!.name).sort()).toEqual(['sel-a', 'sel-b']);
		const byField = await core.listNamespacedPod({namespace: 'default', fieldSelector: 'metadata.name=sel-b'});
		expect(byField.items.map(p => p.metadata!.name)).toEqual(['sel-b']);
		const pod = await core.readNamespacedPod({namespace: 'default', name: 'sel-a'});
		expect(pod.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
		const err = await core.readNamespacedPod({namespace: 'default', name: 'nope'}).catch(e => e);
		expect(err.code).toBe(404);
		expect(JSON.parse(err.body).reason).toBe('NotFound');
	});

	it('watches from a resourceVersion, with bookmarks, and answers 410 for a compacted one', async () => {
		const list = await core.listNamespacedPod({namespace: 'default'});
		const rv = list.metadata!.resourceVersion!;
		server.cluster.addPod({name: 'watched'});
		const events: string[] = [];
		const w = new k8s.Watch(kc);
		const ctrl = await w.watch(
			'/api/v1/namespaces/default/pods',
			{resourceVersion: rv, allowWatchBookmarks: true},
			(type, obj) => events.push(`${type} ${obj?.metadata?.name ?? ''}`),
			() => {},
		);
		await until(() => events.includes('ADDED watched') && events.some(e => e.startsWith('BOOKMARK')), 'replayed event and a bookmark');
		server.cluster.setLabels('watched', {x: 'y'});
		await until(() => events.includes('MODIFIED watched'), 'live event');
		ctrl.abort();
		server.cluster.compactWatchHistory();
		const gone: unknown[] = [];
		await w.watch(
			'/api/v1/namespaces/default/pods',
			{resourceVersion: rv},
			(type, obj) => gone.push({type, code: obj?.code}),
			() => {},
		);
		await until(() => gone.length > 0, '410 event');
		expect(gone[0]).toEqual({type: 'ERROR', code: 410});
	});

	it('401 without the token', async () => {
		const bad = new k8s.KubeConfig();
		bad.loadFromString(readFileSync(server.kubeconfigPath, 'utf8').replace(server.token, 'wrong'));
		const err = await bad
			.makeApiClient(k8s.CoreV1Api)
			.listNamespacedPod({namespace: 'default'})
			.catch(e => e);
		expect(err.code).toBe(401);
	});
});

describe('pods/log', () => {
	it('follows through client-node Log and ends when the container stops', async () => {
		server.cluster.addPod({name: 'log-a'});
		server.cluster.writeLines('log-a', 'main', lines('a', 5));
		const s = sink();
		await new k8s.Log(kc).log('default', 'log-a', 'main', s.w, {follow: true, timestamps: true});
		server.cluster.writeLines('log-a', 'main', lines('b', 5));
		server.cluster.appendLog('log-a', 'main', 'no newline at the end');
		server.cluster.terminateContainer('log-a');
		await s.finished;
		expect(s.text()).toBe(expectedLog(server.cluster.container('log-a').current));
		expect(s.text().endsWith(' no newline at the end')).toBe(true);
	});

	it('tailLines, limitBytes, sinceTime (whole seconds), sinceSeconds, previous, waiting', async () => {
		const c = server.cluster;
		c.addPod({name: 'log-b'});
		const t0 = Math.floor(Date.now() / 1000) * 1000 - 10_000;
		c.writeLines('log-b', 'main', ['old-1', 'old-2'], {at: t0 + 100});
		c.writeLines('log-b', 'main', ['mid-1', 'mid-2'], {at: t0 + 5_700});
		c.writeLines('log-b', 'main', ['new-1'], {at: Date.now()});
		const read = async (opts: k8s.LogOptions) => {
			const s = sink();
			await new k8s.Log(kc).log('default', 'log-b', 'main', s.w, opts);
			await s.finished;
			return s.text().trim().split('\n');
		};
		const raw = async (opts: k8s.LogOptions) => {
			const s = sink();
			await new k8s.Log(kc).log('default', 'log-b', 'main', s.w, opts);
			await s.finished;
			return s.text();
		};
		expect(await read({tailLines: 2})).toEqual(['mid-2', 'new-1']);
		// sinceTime is cut to the second: `mid-*` were written at .700 of their second and are included
		const sec = new Date(t0 + 5_700).toISOString().replace(/\.\d+Z$/, 'Z');
		expect(await read({sinceTime: sec})).toEqual(['mid-1', 'mid-2', 'new-1']);
		expect(await read({sinceSeconds: 3})).toEqual(['new-1']);
		// the kubelet cuts at the byte budget, mid-line
		expect(await raw({limitBytes: 8})).toBe('old-1\nol');
		c.restartContainer('log-b');
		c.writeLines('log-b', 'main', ['after']);
		expect(await read({previous: true})).toEqual(['old-1', 'old-2', 'mid-1', 'mid-2', 'new-1']);
		c.addPod({name: 'log-c', phase: 'Pending'});
		const err = await new k8s.Log(kc).log('default', 'log-c', 'main', sink().w, {}).catch(e => e);
		expect(err.code).toBe(400);
	});
});

describe('workloads, events, discovery', () => {
	it('serves deployments, statefulsets, leaderworkersets, events and discovery', async () => {
		server.cluster.addWorkload({resource: 'deployments', name: 'web', matchLabels: {app: 'web'}});
		server.cluster.addWorkload({resource: 'leaderworkersets', name: 'vllm', matchLabels: {}});
		const apps = kc.makeApiClient(k8s.AppsV1Api);
		const d = await apps.readNamespacedDeployment({namespace: 'default', name: 'web'});
		expect(d.spec?.selector.matchLabels).toEqual({app: 'web'});
		const custom = kc.makeApiClient(k8s.CustomObjectsApi);
		const lws = await custom.getNamespacedCustomObject({group: 'leaderworkerset.x-k8s.io', version: 'v1', namespace: 'default', plural: 'leaderworkersets', name: 'vllm'});
		expect((lws as {kind: string}).kind).toBe('LeaderWorkerSet');
		server.cluster.addEvent({pod: 'sel-a', reason: 'FailedScheduling', message: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.'});
		const ev = await core.listNamespacedEvent({namespace: 'default', fieldSelector: 'involvedObject.name=sel-a'});
		expect(ev.items[0]?.message).toContain('Insufficient nvidia.com/gpu');
		const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
		expect(groups.groups.map(g => g.name)).toEqual(expect.arrayContaining(['apps', 'leaderworkerset.x-k8s.io']));
		server.cluster.deny('get', 'deployments');
		const err = await apps.readNamespacedDeployment({namespace: 'default', name: 'web'}).catch(e => e);
		expect(err.code).toBe(403);
		expect(JSON.parse(err.body).message).toContain('cannot get resource "deployments" in API group "apps"');
		server.cluster.allow('get', 'deployments');
	});
});
