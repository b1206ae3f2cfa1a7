/**
 * Plays a demo scenario on the simulated cluster in real time (or N times faster):
 * pods appear Pending (waiting for GPUs), get scheduled, their containers print
 * their timed lines, exit if the scenario says so, and the endpoint changes mode.
 * One timer at a time: each wake-up writes every line that is due, so a fast
 * speed batches lines instead of scheduling thousands of timers.
 */
import type {SimCluster} from './cluster.js';
import type {DemoScenario, EndpointStep} from './scenarios.js';

export interface PlayerOptions {
	/** 1 = real time; 10 = ten times faster; 0 = everything at once */
	speed: number;
	setEndpointMode?: (mode: EndpointStep['mode']) => Promise<void> | void;
	signal?: AbortSignal;
	/** LWS group index and workload are in the labels; the workload object is registered too */
	registerWorkload?: boolean;
}

type Action = {at: number; order: number; run: () => void | Promise<void>};

export interface Player {
	/** resolves when every action has run (or the player was stopped) */
	done: Promise<void>;
	stop(): void;
}

export function playScenario(cluster: SimCluster, s: DemoScenario, opts: PlayerOptions): Player {
	const ns = s.namespace;
	const actions: Action[] = [];
	let order = 0;
	const add = (at: number, run: Action['run']) => actions.push({at, order: order++, run});

	if (opts.registerWorkload !== false) {
		cluster.addWorkload({resource: 'leaderworkersets', name: s.workload, namespace: ns, matchLabels: {'leaderworkerset.sigs.k8s.io/name': s.workload}});
	}
	for (const pod of s.pods) {
		const c = pod.container;
		add(pod.createdAt, () => {
			cluster.addPod({
				name: pod.name,
				namespace: ns,
				labels: pod.labels,
				annotations: pod.annotations,
				node: null,
				containers: [c.name],
				phase: 'Pending',
				pendingMessage: pod.pendingReason,
				gpus: pod.gpus,
			});
			cluster.addEvent({namespace: ns, pod: pod.name, reason: 'FailedScheduling', message: pod.pendingReason, type: 'Warning'});
		});
		const start = pod.createdAt + pod.pendingMs;
		add(start, () => {
			cluster.startPod(pod.name, {namespace: ns, node: pod.node});
			cluster.addEvent({namespace: ns, pod: pod.name, reason: 'Started', message: `Started container ${c.name}`});
		});
		for (const l of c.lines) {
			add(start + l.at, () => {
				const inst = cluster.container(pod.name, c.name, ns).current;
				if (inst.state === 'running') cluster.writeLines(pod.name, c.name, [l.text(new Date())], {namespace: ns});
			});
		}
		if (c.exit) {
			const exit = c.exit;
			add(start + exit.at, () => cluster.terminateContainer(pod.name, c.name, {namespace: ns, exitCode: exit.code}));
		}
	}
	for (const step of s.endpoint) add(step.at, () => opts.setEndpointMode?.(step.mode));
	actions.sort((a, b) => a.at - b.at || a.order - b.order);

	let stopped = false;
	let timer: NodeJS.Timeout | null = null;
	let finish: () => void = () => {};
	const done = new Promise<void>(resolve => (finish = resolve));
	const t0 = Date.now();
	const scale = opts.speed > 0 ? 1 / opts.speed : 0;
	let i = 0;

	const stop = () => {
		stopped = true;
		if (timer) clearTimeout(timer);
		timer = null;
		finish();
	};
	opts.signal?.addEventListener('abort', stop, {once: true});

	const step = async () => {
		timer = null;
		const elapsed = Date.now() - t0;
		while (!stopped && i < actions.length && actions[i]!.at * scale <= elapsed) {
			const a = actions[i++]!;
			try {
				await a.run();
			} catch {
				// a pod deleted under the player (e.g. by a test) just loses its remaining lines
			}
		}
		if (stopped) return;
		if (i >= actions.length) return stop();
		timer = setTimeout(() => void step(), Math.max(0, actions[i]!.at * scale - (Date.now() - t0)));
	};
	void step();
	return {done, stop};
}
