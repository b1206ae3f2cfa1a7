/**
 * `infertop demo`: the built-in simulated cluster and endpoint on 127.0.0.1.
 * Starts the local Kubernetes API server and the vLLM-like server, writes a
 * temporary kubeconfig, plays a scenario on them in real time, and runs the
 * ordinary live path against it (pod watch, log streams, service-proxy probes).
 * Nothing in the UI knows it is a demo except a label in the header.
 * `--serve-only` just serves, so kubectl, k9s, stern or another infertop can watch.
 */
import {rmSync} from 'node:fs';
import type {Options} from '../core/options.js';
import {exitCodes, type Io} from '../core/io.js';
import type {DemoScenario} from '../sim/scenarios.js';

/** ms from the start of the scenario to its last action (line, exit or endpoint change) at real speed. */
function scenarioLength(s: DemoScenario): number {
	let end = 0;
	for (const p of s.pods) {
		const start = p.createdAt + p.pendingMs;
		end = Math.max(end, start + (p.container.lines.at(-1)?.at ?? 0), start + (p.container.exit?.at ?? 0));
	}
	for (const e of s.endpoint) end = Math.max(end, e.at);
	return end;
}

export async function run(options: Options, io: Io): Promise<number> {
	const [{startApiServer}, {startVllmSim}, {scenario}, {playScenario}] = await Promise.all([import('../sim/api-server.js'), import('../sim/vllm-server.js'), import('../sim/scenarios.js'), import('../sim/demo-player.js')]);
	const s = scenario(options.scenario as Parameters<typeof scenario>[0]);
	const api = await startApiServer({namespace: s.namespace, contextName: 'infertop-demo'});
	const vllm = await startVllmSim({model: s.servedModelName, mode: 'starting', metricsFlavor: 'v0.11'}).catch(async (error: unknown) => {
		// the API server is up and its folder written: leave nothing behind
		await api.close().catch(() => {});
		rmSync(api.dir, {recursive: true, force: true});
		throw error;
	});
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

		if (!(await import('../ui/run-tui.js')).fullScreen(io)) {
			// Piped or redirected (or TERM=dumb), the live path prints one frame once the streams are quiet
			// (ui/run-tui.tsx). A scenario has quiet stretches (pods Pending, the leader waiting
			// for a late peer), so a frame taken then shows a rollout that has not happened yet.
			// Play the scenario to its end first; the frame (and exit code) is then its outcome.
			const seconds = Math.ceil(scenarioLength(s) / 1000 / (options.speed > 0 ? options.speed : Infinity));
			if (seconds > 2) io.stderr.write(`infertop demo: stdout is not a terminal: playing "${s.name}" to its end (about ${seconds}s), then printing one frame.\n`);
			await Promise.race([player.done, new Promise<void>(resolve => (io.signal.aborted ? resolve() : io.signal.addEventListener('abort', () => resolve(), {once: true})))]);
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
