/**
 * `infertop demo`: the built-in simulated cluster and endpoint on 127.0.0.1.
 * Starts the local Kubernetes API server and the vLLM-like server, writes a
 * temporary kubeconfig, plays a scenario on them in real time, and runs the
 * ordinary live path against it (pod watch, log streams, service-proxy probes).
 * Nothing in the UI knows it is a demo except a label in the header.
 * `--serve-only` just serves, so kubectl, k9s, stern or another infertop can watch.
 */
import {rmSync} from 'node:fs';
import type {Options} from '../options.js';
import {exitCodes, type Io} from './io.js';

export async function run(options: Options, io: Io): Promise<number> {
	const [{startApiServer}, {startVllmSim}, {scenario}, {playScenario}] = await Promise.all([
		import('../sim/api-server.js'),
		import('../sim/vllm-server.js'),
		import('../sim/scenarios.js'),
		import('../sim/demo-player.js'),
	]);
	const s = scenario(options.scenario as Parameters<typeof scenario>[0]);
	const api = await startApiServer({namespace: s.namespace, contextName: 'infertop-demo'});
	const vllm = await startVllmSim({model: s.servedModelName, mode: 'starting', metricsFlavor: 'v0.11'});
	const stopAll = new AbortController();
	let player: ReturnType<typeof playScenario> | null = null;
	try {
		// The Service in front of the leader, as an LWS deployment of vLLM has it.
		api.addService({
			namespace: s.namespace,
			name: `${s.workload}-leader`,
			port: 8000,
			selector: {'leaderworkerset.sigs.k8s.io/name': s.workload, role: 'leader'},
			target: vllm.url,
		});
		player = playScenario(api.cluster, s, {
			speed: options.speed,
			setEndpointMode: mode => vllm.setMode(mode),
			signal: stopAll.signal,
		});

		if (options.serveOnly) {
			io.stdout.write(`kubeconfig: ${api.kubeconfigPath}\nendpoint: ${vllm.url}\n`);
			io.stderr.write(
				`infertop demo: serving scenario "${s.name}" (${s.description}) in namespace ${s.namespace}; workload ${s.workload}. Ctrl-C stops it.\n` +
					`  kubectl --kubeconfig ${api.kubeconfigPath} get pods -w\n` +
					`  infertop --kubeconfig ${api.kubeconfigPath} ${s.workload}\n`,
			);
			await new Promise<void>(resolve => {
				if (io.signal.aborted) return resolve();
				io.signal.addEventListener('abort', () => resolve(), {once: true});
			});
			return exitCodes.ok;
		}

		const live = await import('./live.js');
		const liveOptions: Options = {
			...options,
			command: 'live',
			args: [s.workload],
			kube: {...options.kube, kubeconfig: api.kubeconfigPath, context: null, namespace: s.namespace},
		};
		return await live.run(liveOptions, io, {label: `demo · ${s.name}`, sourceKind: 'demo', scenario: s.name});
	} finally {
		stopAll.abort();
		player?.stop();
		await vllm.close().catch(() => {});
		await api.close().catch(() => {});
		// the CA, keys and kubeconfig were for this run only
		rmSync(api.dir, {recursive: true, force: true});
	}
}
