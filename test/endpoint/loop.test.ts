/** The prober's own loop: probes every interval, stops on stop() or the abort signal, waits for pods. */
import {afterEach, describe, expect, it, vi} from 'vitest';
import {KubeConfig} from '@kubernetes/client-node';
import {startVllmSim} from '../../source/sim/vllm-server.js';
import {startApiServer} from '../../source/sim/api-server.js';
import {startEndpointProber} from '../../source/sources/endpoint/prober.js';
import {endpointOptions, newStore} from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

describe('probe loop', () => {
	it('probes every interval until stopped; the abort signal stops it too', async () => {
		const sim = await startVllmSim();
		cleanups.push(() => sim.close());
		const store = newStore();
		const ac = new AbortController();
		const prober = (await startEndpointProber({options: endpointOptions({url: sim.url, probeIntervalMs: 100}), store, env: {}, signal: ac.signal}))!;
		cleanups.push(() => prober.stop());
		await vi.waitFor(() => expect(store.getState().endpoint?.probes ?? 0).toBeGreaterThanOrEqual(3), {timeout: 10_000, interval: 50});
		expect(store.getState().endpoint!.metrics!.generationTokensPerSec).toBeGreaterThan(0);
		ac.abort();
		await new Promise(r => setTimeout(r, 150)); // let an in-flight round land
		const after = store.getState().endpoint!.probes;
		await new Promise(r => setTimeout(r, 400));
		expect(store.getState().endpoint!.probes).toBe(after);
	});

	it('live mode before the pods exist: keeps looking, then probes the Service it finds', async () => {
		const sim = await startVllmSim({model: 'late-model'});
		cleanups.push(() => sim.close());
		const api = await startApiServer({namespace: 'inference'});
		cleanups.push(() => api.close());
		const kubeConfig = new KubeConfig();
		kubeConfig.loadFromFile(api.kubeconfigPath);
		const said: string[] = [];
		const store = newStore();
		const prober = (await startEndpointProber({
			options: endpointOptions({probeIntervalMs: 100}),
			store,
			env: {},
			kube: {kubeConfig, namespace: 'inference', workload: 'vllm'},
			log: m => said.push(m),
		}))!;
		cleanups.push(() => prober.stop());
		expect(prober.describe).toBe("looking for the Service in front of vllm's leader");
		expect(prober.status).toBe('discovering');
		expect(said).toEqual(['endpoint: no pods of vllm in inference yet: the Service in front of the leader is looked for once they exist']);
		await new Promise(r => setTimeout(r, 300));
		expect(said).toHaveLength(1); // said once, not every interval
		expect(store.getState().endpoint).toBeNull();
		api.cluster.addPod({name: 'vllm-0', namespace: 'inference', labels: {'leaderworkerset.sigs.k8s.io/worker-index': '0', app: 'vllm'}});
		api.addService({namespace: 'inference', name: 'vllm-svc', port: 8000, selector: {app: 'vllm'}, target: sim.url});
		await vi.waitFor(() => expect(store.getState().endpoint?.health).toBe('ok'), {timeout: 10_000, interval: 50});
		expect(store.getState().endpoint!.models).toEqual(['late-model']);
		expect(prober.describe).toBe('service inference/vllm-svc:8000 via the API server proxy (found automatically)');
		expect(prober.status).toBe('probing');
	});
});
