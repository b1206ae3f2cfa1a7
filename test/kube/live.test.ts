/**
 * `infertop [WORKLOAD] --once [--json]` end to end against the local API server,
 * with the real corpus logs as the containers' output: workload rules, pending
 * reasons, --save read back by analyze, --max-streams, --wait running out.
 */
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/live.js';
import {UserError} from '../../source/core/io.js';
import {startApiServer, type SimApiServer} from '../../source/sim/api-server.js';
import {SimCluster} from '../../source/sim/cluster.js';
import {snapshotValidator} from '../view/schema.js';
import {expectedLog, lines, options, startHarness} from './helpers.js';
import {testIo} from '../helpers/io.js';

const corpus = path.resolve(import.meta.dirname, '../fixtures/corpus/nccl-2.28.9-h200x4');
const corpusLines = (rel: string) => readFileSync(path.join(corpus, rel), 'utf8').replace(/\n$/, '').split('\n');

let server: SimApiServer;
beforeAll(async () => {
	server = await startApiServer({cluster: new SimCluster()});
});
afterAll(async () => {
	await server.close();
});
afterEach(() => {
	for (const k of [...server.cluster.pods.keys()]) server.cluster.deletePod(k.split('/')[1]!);
	server.cluster.workloads.length = 0;
	server.cluster.events.length = 0;
	server.cluster.denied.clear();
});

async function once(args: string[], flags: Parameters<typeof options>[1] = {}) {
	const io = testIo();
	const code = await run(options(args, {kubeconfig: server.kubeconfigPath, once: true, json: true, wait: '20s', ...flags}), io);
	return {code, io, snap: flags.json === false ? null : JSON.parse(io.out())};
}

describe('infertop --once', () => {
	it('--json: a schema-valid snapshot of a two-pod LWS crash, exit 1 on the error finding', async () => {
		const c = server.cluster;
		const labels = (w: number) => ({'leaderworkerset.sigs.k8s.io/name': 'nccl', 'leaderworkerset.sigs.k8s.io/group-index': '0', 'leaderworkerset.sigs.k8s.io/worker-index': String(w)});
		c.addPod({name: 'nccl-0', labels: labels(0)});
		c.addPod({name: 'nccl-0-1', labels: labels(1)});
		c.writeLines('nccl-0', 'main', corpusLines('crash-rank1/pod0.log'));
		c.writeLines('nccl-0-1', 'main', corpusLines('crash-rank1/pod1.log'));
		c.terminateContainer('nccl-0-1', 'main', {exitCode: 1});
		const {code, snap, io} = await once(['nccl']);
		// the repo's copy of contract/snapshot.schema.json (snapshot-schema.test.ts pins it to the contract)
		const validate = snapshotValidator();
		expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);
		expect(snap.source).toEqual({kind: 'kubernetes', context: 'infertop-sim', namespace: 'default', selector: 'leaderworkerset.sigs.k8s.io/name=nccl'});
		const pods = Object.fromEntries(snap.pods.map((p: any) => [p.name, p]));
		expect(pods['nccl-0']).toMatchObject({role: 'leader', group: 0, workerIndex: 0, workload: 'nccl'});
		expect(pods['nccl-0-1']).toMatchObject({role: 'worker', workerIndex: 1, exitCode: 1});
		expect(snap.pods.length).toBe(2);
		expect(code).toBe(snap.findings.some((f: any) => f.severity === 'error') ? 1 : 0);
		expect(io.err()).toBe('');
	});

	it('readable report without --json', async () => {
		server.cluster.addPod({name: 'solo'});
		server.cluster.writeLines('solo', 'main', corpusLines('tp2-timestamps/pod0.log'));
		const io = testIo();
		const code = await run(options([], {kubeconfig: server.kubeconfigPath, once: true, wait: '20s', ascii: true}), io);
		expect(code).toBe(0);
		expect(io.out()).toContain('solo');
	});

	it('names the rule that matched: Run:ai label, Deployment, StatefulSet, prefix', async () => {
		const c = server.cluster;
		c.addPod({name: 'job-abc', labels: {workloadName: 'job'}});
		c.addPod({name: 'web-5d9f', labels: {app: 'web'}});
		c.addPod({name: 'db-0', labels: {app: 'db'}});
		c.addPod({name: 'plain-1'});
		c.addWorkload({resource: 'deployments', name: 'web', matchLabels: {app: 'web'}});
		c.addWorkload({resource: 'statefulsets', name: 'db', matchLabels: {app: 'db'}});
		const names = (s: any) => s.pods.map((p: any) => p.name);
		const job = await once(['job']);
		expect(job.snap.source.selector).toBe('workloadName=job');
		expect(names(job.snap)).toEqual(['job-abc']);
		const web = await once(['web']);
		expect(web.snap.source.selector).toBe('app=web');
		expect(names(web.snap)).toEqual(['web-5d9f']);
		expect((await once(['db'])).snap.source.selector).toBe('app=db');
		const plain = await once(['plain']);
		expect(names(plain.snap)).toEqual(['plain-1']);
		expect(names((await once([])).snap).sort()).toEqual(['db-0', 'job-abc', 'plain-1', 'web-5d9f']);
		expect(names((await once([], {selector: 'app in (web,db)'})).snap).sort()).toEqual(['db-0', 'web-5d9f']);
	});

	it("--save writes each pod's raw log that analyze reads back; previous containers included", async () => {
		const c = server.cluster;
		c.addPod({name: 'save-0'});
		c.writeLines('save-0', 'main', lines('x', 20));
		const dir = mkdtempSync(path.join(tmpdir(), 'infertop-save-'));
		await once([], {save: dir});
		expect(readdirSync(dir)).toEqual(['save-0.log']);
		expect(readFileSync(path.join(dir, 'save-0.log'), 'utf8')).toBe(expectedLog(c.container('save-0').current));
	});

	it('--max-streams bounds concurrent streams and still reads every container (the rest wait their turn)', async () => {
		const c = server.cluster;
		for (let i = 0; i < 6; i++) {
			c.addPod({name: `ms-${i}`});
			c.writeLines(`ms-${i}`, 'main', lines(`p${i}`, 3000));
		}
		server.stats.maxOpenLogs = 0;
		const h = await startHarness(server, ['ms'], {maxStreams: 2}, {once: true});
		await h.source.done;
		await h.close();
		for (let i = 0; i < 6; i++) expect(h.cap.text(`ms-${i}`)).toBe(expectedLog(c.container(`ms-${i}`).current));
		expect(server.stats.maxOpenLogs).toBeLessThanOrEqual(2);
	});

	it('128 pods, one stream each', async () => {
		const c = server.cluster;
		for (let i = 0; i < 128; i++) {
			c.addPod({name: `big-${String(i).padStart(3, '0')}`});
			c.writeLines(`big-${String(i).padStart(3, '0')}`, 'main', lines(`p${i}`, 30));
		}
		const {snap, code} = await once(['big'], {qps: 500});
		expect(code).not.toBe(2);
		expect(snap.pods.length).toBe(128);
	});

	it('--wait running out is exit 2 naming what was not read', async () => {
		server.cluster.addPod({name: 'slow'});
		server.cluster.writeLines('slow', 'main', lines('s', 3));
		server.cluster.injectFault({kind: 'log-stall', pod: 'slow', afterBytes: 10});
		const err = await run(options([], {kubeconfig: server.kubeconfigPath, once: true, json: true, wait: '300ms'}), testIo()).catch(e => e);
		expect(err).toBeInstanceOf(UserError);
		expect(err.message).toContain('slow/main');
		expect(err.message).toContain('--wait 300ms');
	});

	it('403 on logs prints the can-i line to stderr and still prints the snapshot', async () => {
		server.cluster.addPod({name: 'locked'});
		server.cluster.deny('get', 'pods/log');
		const {snap, io} = await once([]);
		expect(io.err()).toContain('kubectl auth can-i get pods/log -n default');
		expect(snap.pods.map((p: any) => p.name)).toEqual(['locked']);
		expect(snap.findings.some((f: any) => f.id === 'log-stream-lagging' && f.message.includes('can-i'))).toBe(true);
	});
});
