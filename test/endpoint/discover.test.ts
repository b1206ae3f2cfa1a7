import {afterEach, describe, expect, it} from 'vitest';
import {KubeConfig} from '@kubernetes/client-node';
import {chooseService, pickPort} from '../../source/sources/endpoint/discover.js';
import {startApiServer} from '../../source/sim/api-server.js';
import {startVllmSim} from '../../source/sim/vllm-server.js';
import {startEndpointProber} from '../../source/sources/endpoint/prober.js';
import {endpointOptions, newStore} from './helpers.js';

const lws = (name: string, index: number) => ({
	name,
	role: (index === 0 ? 'leader' : 'worker') as 'leader' | 'worker',
	labels: {'leaderworkerset.sigs.k8s.io/name': 'vllm', 'leaderworkerset.sigs.k8s.io/group-index': '0', 'leaderworkerset.sigs.k8s.io/worker-index': String(index), role: index === 0 ? 'leader' : 'worker'},
});
const svc = (name: string, selector: Record<string, string>, ports: {name: string | null; port: number}[] = [{name: 'http', port: 8080}], headless = false) => ({name, selector, ports, headless});

describe('chooseService (pure)', () => {
	const leader = lws('vllm-0', 0);
	const workers = [lws('vllm-0-1', 1)];

	it('picks the Service selecting only the leader, says which and why', () => {
		const d = chooseService(leader, workers, [svc('vllm-all', {'leaderworkerset.sigs.k8s.io/name': 'vllm'}), svc('vllm-leader', {role: 'leader'}), svc('other', {app: 'x'})], 'inference');
		expect(d.found).toEqual({name: 'vllm-leader', port: '8080', note: 'found Service inference/vllm-leader (selects the leader pod vllm-0; its only port 8080); skipped (also select workers): vllm-all'});
	});

	it('none selects the leader: says so, does not guess', () => {
		const d = chooseService(leader, workers, [svc('other', {app: 'x'}), svc('empty', {})], 'inference');
		expect(d).toEqual({found: null, retry: false, note: 'no Service in inference selects the leader pod vllm-0 (looked at 2); pass --service NAME[:PORT] or --endpoint URL'});
	});

	it('only Services that also select workers: refuses', () => {
		const d = chooseService(leader, workers, [svc('vllm-all', {'leaderworkerset.sigs.k8s.io/name': 'vllm'})], 'ns');
		expect(d.found).toBeNull();
		if (!d.found) expect(d.note).toMatch(/also selects worker pods/);
	});

	it('ports: the only one, a named http port, 8000, else the first', () => {
		expect(
			pickPort([
				{name: 'metrics', port: 9090},
				{name: 'http', port: 8080},
			]),
		).toEqual({port: '8080', why: 'port named http'});
		expect(
			pickPort([
				{name: 'a', port: 9090},
				{name: 'b', port: 8000},
			]),
		).toEqual({port: '8000', why: "vLLM's default port"});
		expect(
			pickPort([
				{name: 'a', port: 9090},
				{name: 'b', port: 9091},
			]),
		).toEqual({port: '9090', why: 'its first port'});
		expect(pickPort([])).toBeNull();
	});
});

describe('automatic discovery through the local API server', () => {
	const cleanups: (() => Promise<void> | void)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	it('finds the Service in front of the leader, probes through the proxy and says which', async () => {
		const sim = await startVllmSim({model: 'served-m'});
		cleanups.push(() => sim.close());
		const api = await startApiServer({namespace: 'inference'});
		cleanups.push(() => api.close());
		for (const p of [lws('vllm-0', 0), lws('vllm-0-1', 1)]) api.cluster.addPod({name: p.name, namespace: 'inference', labels: p.labels});
		api.addService({namespace: 'inference', name: 'vllm-all', port: 8080, selector: {'leaderworkerset.sigs.k8s.io/name': 'vllm'}, target: sim.url});
		api.addService({namespace: 'inference', name: 'vllm-leader', port: 8080, selector: {role: 'leader'}, target: sim.url});
		const kubeConfig = new KubeConfig();
		kubeConfig.loadFromFile(api.kubeconfigPath);
		const said: string[] = [];
		const store = newStore();
		const prober = await startEndpointProber({options: endpointOptions(), store, env: {}, kube: {kubeConfig, namespace: 'inference', workload: 'vllm'}, autoStart: false, log: m => said.push(m)});
		expect(prober).not.toBeNull();
		cleanups.push(() => prober!.stop());
		expect(prober!.describe).toBe('service inference/vllm-leader:8080 via the API server proxy (found automatically)');
		expect(said.join('\n')).toMatch(/found Service inference\/vllm-leader .*skipped \(also select workers\): vllm-all/);
		await prober!.probeOnce();
		store.flush();
		expect(store.getState().endpoint).toMatchObject({health: 'ok', models: ['served-m'], url: 'service inference/vllm-leader:8080'});
	});

	it('no Service selects the leader → null, and it says so', async () => {
		const api = await startApiServer({namespace: 'inference'});
		cleanups.push(() => api.close());
		api.cluster.addPod({name: 'vllm-0', namespace: 'inference', labels: lws('vllm-0', 0).labels});
		const kubeConfig = new KubeConfig();
		kubeConfig.loadFromFile(api.kubeconfigPath);
		const said: string[] = [];
		const prober = await startEndpointProber({options: endpointOptions(), store: newStore(), env: {}, kube: {kubeConfig, namespace: 'inference', workload: 'vllm'}, autoStart: false, log: m => said.push(m)});
		expect(prober).toBeNull();
		expect(said).toEqual(['endpoint: no Service in inference selects the leader pod vllm-0 (looked at 0); pass --service NAME[:PORT] or --endpoint URL']);
	});

	it('--service NAME without a port reads the Service for it', async () => {
		const sim = await startVllmSim();
		cleanups.push(() => sim.close());
		const api = await startApiServer({namespace: 'inference'});
		cleanups.push(() => api.close());
		api.addService({namespace: 'inference', name: 'vllm', port: 8080, target: sim.url});
		const kubeConfig = new KubeConfig();
		kubeConfig.loadFromFile(api.kubeconfigPath);
		const store = newStore();
		const prober = (await startEndpointProber({options: endpointOptions({service: {name: 'vllm', port: null}}), store, env: {}, kube: {kubeConfig, namespace: 'inference'}, autoStart: false}))!;
		cleanups.push(() => prober.stop());
		expect(prober.describe).toBe('service inference/vllm:8080 via the API server proxy (its only port)');
		await prober.probeOnce();
		store.flush();
		expect(store.getState().endpoint!.health).toBe('ok');
		await expect(startEndpointProber({options: endpointOptions({service: {name: 'nope', port: null}}), store, env: {}, kube: {kubeConfig, namespace: 'inference'}, autoStart: false})).rejects.toThrow(
			'--service nope: no such Service in namespace inference',
		);
	});
	it('through the proxy: RBAC denial and an API server that went away are told apart from vLLM', async () => {
		const sim = await startVllmSim();
		cleanups.push(() => sim.close());
		const api = await startApiServer({namespace: 'inference'});
		let apiOpen = true;
		cleanups.push(() => (apiOpen ? api.close() : undefined));
		api.addService({namespace: 'inference', name: 'vllm', port: 8080, target: sim.url});
		const kubeConfig = new KubeConfig();
		kubeConfig.loadFromFile(api.kubeconfigPath);
		const store = newStore();
		const prober = (await startEndpointProber({options: endpointOptions({service: {name: 'vllm', port: '8080'}}), store, env: {}, kube: {kubeConfig, namespace: 'inference'}, autoStart: false}))!;
		cleanups.push(() => prober.stop());
		api.cluster.denied.add('get services/proxy');
		await prober.probeOnce();
		store.flush();
		expect(store.getState().endpoint!.health).toBe('unauthorized');
		expect(store.getState().endpoint!.reason).toMatch(/refused the kubeconfig's credentials for the service proxy \(403: .*forbidden.*\); they need "get" on services\/proxy in inference/);
		api.cluster.denied.delete('get services/proxy');
		await prober.probeOnce();
		store.flush();
		expect(store.getState().endpoint!.health).toBe('ok');
		await api.close();
		apiOpen = false;
		await prober.probeOnce();
		store.flush();
		expect(store.getState().endpoint!.health).toBe('unreachable');
		expect(store.getState().endpoint!.reason).toMatch(/^GET \/health: the Kubernetes API server: connection refused \(127\.0\.0\.1:\d+\)$/);
		expect(JSON.stringify(store.getState())).not.toContain(api.token);
	});
});
