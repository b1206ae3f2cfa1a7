/**
 * `infertop WORKLOAD --once` when nothing matches (a typo, the wrong -n, an empty
 * namespace) says so and exits 2, naming what the namespace does hold — not exit 0
 * with an empty snapshot that reads as "all is well". Against the demo's local API
 * server, through a real kubeconfig.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/live.js';
import {UserError} from '../../source/core/io.js';
import {startApiServer, type SimApiServer} from '../../source/sim/api-server.js';
import {SimCluster} from '../../source/sim/cluster.js';
import {options} from '../kube/helpers.js';
import {testIo} from '../helpers/io.js';

let server: SimApiServer;
beforeAll(async () => {
	server = await startApiServer({cluster: new SimCluster()});
});
afterAll(async () => {
	await server.close();
});
afterEach(() => {
	for (const k of [...server.cluster.pods.keys()]) {
		const [namespace, name] = k.split('/');
		server.cluster.deletePod(name!, namespace);
	}
});

async function once(args: string[], flags: Record<string, unknown> = {}) {
	const io = testIo();
	const result = await run(options(args, {kubeconfig: server.kubeconfigPath, once: true, json: true, wait: '20s', ...flags}), io).then(
		code => ({code, error: null as Error | null}),
		(error: Error) => ({code: error instanceof UserError ? error.exitCode : -1, error}),
	);
	return {...result, io};
}

describe('--once with no pod to read', () => {
	it('a workload name that matches nothing: exit 2, "no pods match", and the pods the namespace holds', async () => {
		server.cluster.addPod({name: 'vllm-0', labels: {'leaderworkerset.sigs.k8s.io/name': 'vllm'}});
		server.cluster.addPod({name: 'vllm-0-1', labels: {'leaderworkerset.sigs.k8s.io/name': 'vllm'}});
		const {code, error, io} = await once(['vlm']);
		expect(code).toBe(2);
		expect(io.out()).toBe('');
		expect(error!.message).toMatch(/^no pods match workload "vlm" in namespace default \(as a LeaderWorkerSet, a Run:ai workload, a Deployment, a StatefulSet or a pod-name prefix\); pods in this namespace: vllm-0, vllm-0-1$/);
	});

	it('a selector that matches nothing: the selector is named', async () => {
		server.cluster.addPod({name: 'web-1', labels: {app: 'web'}});
		const {code, error} = await once([], {selector: 'app=vllm'});
		expect(code).toBe(2);
		expect(error!.message).toBe('no pods match -l app=vllm in namespace default; pods in this namespace: web-1');
	});

	it('an empty namespace: says it has no pods and how to find them', async () => {
		server.cluster.addPod({name: 'vllm-0', namespace: 'serving'});
		const {code, error} = await once([], {namespace: 'servng'});
		expect(code).toBe(2);
		expect(error!.message).toMatch(/^no pods in namespace servng \(is -n\/--namespace right\? kubectl get pods -A lists every namespace's\)$/);
	});

	it('a namespace with many pods lists some and counts the rest', async () => {
		for (let i = 0; i < 25; i++) server.cluster.addPod({name: `job-${String(i).padStart(2, '0')}`});
		const {error} = await once(['vllm']);
		expect(error!.message).toMatch(/pods in this namespace: job-00, job-01, .*, job-19 and 5 more$/);
	});

	it('a matching pod: read as before (exit 0, a snapshot)', async () => {
		server.cluster.addPod({name: 'vllm-0', labels: {'leaderworkerset.sigs.k8s.io/name': 'vllm'}});
		server.cluster.writeLines('vllm-0', 'main', ['INFO 05-06 10:00:00 api_server.py:1090] vLLM API server version 0.8.3']);
		const {code, io} = await once(['vllm']);
		expect(code).toBe(0);
		expect(JSON.parse(io.out()).pods.map((p: {name: string}) => p.name)).toEqual(['vllm-0']);
	});
});
