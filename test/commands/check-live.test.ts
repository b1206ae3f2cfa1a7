/**
 * `infertop check WORKLOAD` live: the real kube source against the local API server
 * (TLS, real client-node), pods whose containers print the corpus logs with their
 * own kubelet timestamps. The gate must end on its own: 0, 1 or 3.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/check.js';
import {toOptions} from '../../source/core/options.js';
import {startApiServer, type SimApiServer} from '../../source/sim/api-server.js';
import {SimCluster} from '../../source/sim/cluster.js';
import {testIo} from '../helpers/io.js';

const corpus = path.resolve(import.meta.dirname, '../fixtures/corpus/nccl-2.28.9-h200x4');
let server: SimApiServer;

beforeAll(async () => {
	server = await startApiServer({cluster: new SimCluster(), bookmarkMs: 200});
});
afterAll(async () => {
	await server.close();
});
afterEach(() => {
	for (const name of [...server.cluster.pods.keys()]) server.cluster.deletePod(name.split('/')[1]!);
});

// `2026-11-26T22:03:46.141313962Z vm:1462:1462 [0] NCCL INFO …` → the stamp and the text
const stamped = /^(\S+Z) (.*)$/;

/** A running pod whose container has printed `lines` of a corpus log, each at its own time. */
function podWithLog(name: string, file: string, count?: number): void {
	server.cluster.addPod({name, labels: {app: 'job'}});
	const lines = readFileSync(path.join(corpus, file), 'utf8').split('\n').filter(Boolean);
	for (const line of lines.slice(0, count ?? lines.length)) {
		const m = stamped.exec(line);
		server.cluster.appendLog(name, undefined, `${m ? m[2] : line}\n`, m ? {at: Date.parse(m[1]!)} : {});
	}
}

function checkOptions(timeout: string) {
	const r = toOptions(['check'], {kubeconfig: server.kubeconfigPath, selector: 'app=job', timeout}, {});
	if (!r.ok) throw new Error(r.errors.join('; '));
	return r.options;
}

describe('infertop check (live)', () => {
	it('a crash: exit 1 as soon as the error finding is there, naming rank 1 on pod0', async () => {
		podWithLog('pod0', 'crash-rank1/pod0.log');
		podWithLog('pod1', 'crash-rank1/pod1.log');
		server.cluster.terminateContainer('pod0', undefined, {exitCode: 1, reason: 'Error'});
		server.cluster.terminateContainer('pod1', undefined, {exitCode: 1, reason: 'Error'});
		const t = testIo();
		const code = await run(checkOptions('30s'), t);
		expect(t.err()).toBe('');
		expect(code).toBe(1);
		expect(t.out()).toMatch(/^ERROR rank-exited: rank 1 \(pod0, GPU busId 70\): exited with code 3 /m);
		expect(t.out().trim().split('\n').at(-1)).toMatch(/^check: FAIL \(\d+ error findings?\)$/);
	});

	it('a job that completed: exit 0', async () => {
		podWithLog('pod0', 'tp2x2-two-pods-all/pod0.log');
		podWithLog('pod1', 'tp2x2-two-pods-all/pod1.log');
		server.cluster.terminateContainer('pod0', undefined, {exitCode: 0, reason: 'Completed'});
		server.cluster.terminateContainer('pod1', undefined, {exitCode: 0, reason: 'Completed'});
		const t = testIo();
		const code = await run(checkOptions('30s'), t);
		expect(t.out().trim().split('\n').at(-1)).toBe('check: OK completed');
		expect(code).toBe(0);
	});

	it('stuck in init with pods still running: exit 3 at --timeout, saying where', async () => {
		const lines = readFileSync(path.join(corpus, 'tp2x2-two-pods-all/pod0.log'), 'utf8').split('\n');
		const start = lines.findIndex(l => /nranks 4 .* - Init START/.test(l));
		podWithLog('pod0', 'tp2x2-two-pods-all/pod0.log', start + 3);
		const t = testIo();
		const code = await run(checkOptions('2s'), t);
		expect(code).toBe(3);
		expect(t.out().trim().split('\n').at(-1)).toMatch(/^check: TIMEOUT stuck in nccl-init: communicator 0x[0-9a-f]+ has 1\/4 ranks \(0 ready\), missing ranks 1, 2, 3/);
	});
});
