/**
 * The in-memory cluster behind the local API server: pods with containers, each
 * container instance with its own log (as the kubelet keeps one file per
 * instance), a resourceVersion'd change history for watches, events, workloads,
 * a deny list (RBAC) and one-shot faults. Tests and the demo drive it directly.
 * What it holds is typed in objects.ts; how a pod looks on the wire, pod-json.ts.
 */
import {randomUUID} from 'node:crypto';
import type {Fault, SimContainer, SimEvent, SimInstance, SimPod, SimWorkload, WatchEvent} from './objects.js';
import {podJson} from './pod-json.js';

const HISTORY = 5000;

export function rfc3339NanoFixed(ms: number, sub: number): string {
	const iso = new Date(ms).toISOString(); // 2024-03-15T02:34:11.123Z
	return `${iso.slice(0, 23)}${String(sub).padStart(6, '0')}Z`;
}

export class SimCluster {
	readonly pods = new Map<string, SimPod>();
	readonly events: SimEvent[] = [];
	readonly workloads: SimWorkload[] = [];
	readonly history: WatchEvent[] = [];
	/** watch resourceVersions below this are gone (410) */
	compactedBelow = 0;
	rv = 1;
	faults: Fault[] = [];
	/** `verb resource` pairs answered 403, e.g. `get pods/log`, `watch pods` */
	readonly denied = new Set<string>();
	private readonly watchers = new Set<(e: WatchEvent) => void>();
	private lastMs = 0;
	private sub = 0;

	private key(ns: string, name: string) {
		return `${ns}/${name}`;
	}

	/** a strictly increasing stamp (the runtime's clock, nanosecond digits) */
	stampNow(at?: number): {stamp: string; ms: number} {
		const ms = at ?? Date.now();
		if (ms === this.lastMs) this.sub++;
		else if (ms > this.lastMs) {
			this.lastMs = ms;
			this.sub = 0;
		} else if (at === undefined) {
			this.sub++;
			return {stamp: rfc3339NanoFixed(this.lastMs, this.sub), ms: this.lastMs};
		} else this.sub = 0;
		return {stamp: rfc3339NanoFixed(ms, this.sub), ms};
	}

	private newInstance(state: SimInstance['state']): SimInstance {
		return {
			id: `containerd://${randomUUID().replaceAll('-', '')}`,
			lines: [],
			rotatedAt: 0,
			fileGeneration: 0,
			state,
			reason: state === 'waiting' ? 'ContainerCreating' : null,
			exitCode: null,
			startedAt: state === 'running' ? Date.now() : null,
			finishedAt: null,
			partial: '',
			listeners: new Set(),
		};
	}

	addPod(opts: {
		name: string;
		namespace?: string;
		labels?: Record<string, string>;
		annotations?: Record<string, string>;
		node?: string | null;
		containers?: string[];
		/** default Running with every container running */
		phase?: 'Pending' | 'Running';
		pendingMessage?: string | null;
		/** `nvidia.com/gpu` limit of its (first) container */
		gpus?: number;
	}): SimPod {
		const namespace = opts.namespace ?? 'default';
		const pending = opts.phase === 'Pending';
		const pod: SimPod = {
			namespace,
			name: opts.name,
			uid: randomUUID(),
			labels: opts.labels ?? {},
			annotations: opts.annotations ?? {},
			nodeName: pending && opts.pendingMessage ? null : opts.node === undefined ? 'node-1' : opts.node,
			phase: pending ? 'Pending' : 'Running',
			pendingMessage: opts.pendingMessage ?? null,
			containers: (opts.containers ?? ['main']).map(name => ({
				name,
				image: `example.com/${name}:latest`,
				current: this.newInstance(pending ? 'waiting' : 'running'),
				previous: null,
				restarts: 0,
			})),
			createdAt: Date.now(),
			resourceVersion: 0,
			gpus: opts.gpus ?? null,
		};
		if (this.pods.has(this.key(namespace, opts.name))) throw new Error(`pod ${namespace}/${opts.name} exists`);
		this.pods.set(this.key(namespace, opts.name), pod);
		this.changed(pod, 'ADDED');
		return pod;
	}

	getPod(name: string, namespace = 'default'): SimPod {
		const p = this.pods.get(this.key(namespace, name));
		if (!p) throw new Error(`no pod ${namespace}/${name}`);
		return p;
	}

	container(pod: string, container?: string, namespace = 'default'): SimContainer {
		const p = this.getPod(pod, namespace);
		const c = container ? p.containers.find(x => x.name === container) : p.containers[0];
		if (!c) throw new Error(`no container ${container} in ${pod}`);
		return c;
	}

	deletePod(name: string, namespace = 'default'): void {
		const pod = this.getPod(name, namespace);
		for (const c of pod.containers) this.stopInstance(c.current, 137, 'Error');
		this.pods.delete(this.key(namespace, name));
		this.changed(pod, 'DELETED');
	}

	/** Append raw text to a container's log; the runtime splits on `\n` only. */
	appendLog(pod: string, container: string | undefined, text: string, opts: {namespace?: string; at?: number} = {}): void {
		const inst = this.container(pod, container, opts.namespace).current;
		if (inst.state !== 'running') throw new Error(`container of ${pod} is not running`);
		let s = inst.partial + text;
		let nl = s.indexOf('\n');
		let start = 0;
		while (nl !== -1) {
			const {stamp, ms} = this.stampNow(opts.at);
			inst.lines.push({stamp, ms, text: s.slice(start, nl)});
			start = nl + 1;
			nl = s.indexOf('\n', start);
		}
		inst.partial = s.slice(start);
		for (const l of [...inst.listeners]) l();
	}

	/** Append whole lines (each gets its own stamp). */
	writeLines(pod: string, container: string | undefined, lines: readonly string[], opts: {namespace?: string; at?: number} = {}): void {
		if (lines.length) this.appendLog(pod, container, lines.join('\n') + '\n', opts);
	}

	private stopInstance(inst: SimInstance, exitCode: number, reason: string): void {
		if (inst.state === 'terminated') return;
		if (inst.partial) {
			const {stamp, ms} = this.stampNow();
			inst.lines.push({stamp, ms, text: inst.partial, noNewline: true});
			inst.partial = '';
		}
		inst.state = 'terminated';
		inst.exitCode = exitCode;
		inst.reason = reason;
		inst.finishedAt = Date.now();
		for (const l of [...inst.listeners]) l();
	}

	/** The container process exits; the pod ends when all its containers did. */
	terminateContainer(pod: string, container?: string, opts: {exitCode?: number; reason?: string; namespace?: string} = {}): void {
		const p = this.getPod(pod, opts.namespace);
		const c = this.container(pod, container, opts.namespace);
		const exitCode = opts.exitCode ?? 0;
		this.stopInstance(c.current, exitCode, opts.reason ?? (exitCode === 0 ? 'Completed' : 'Error'));
		if (p.containers.every(x => x.current.state === 'terminated')) {
			p.phase = p.containers.every(x => x.current.exitCode === 0) ? 'Succeeded' : 'Failed';
		}
		this.changed(p, 'MODIFIED');
	}

	/** Crash and restart: the old instance becomes `previous`, a fresh log starts. */
	restartContainer(pod: string, container?: string, opts: {exitCode?: number; reason?: string; namespace?: string} = {}): void {
		const p = this.getPod(pod, opts.namespace);
		const c = this.container(pod, container, opts.namespace);
		this.stopInstance(c.current, opts.exitCode ?? 1, opts.reason ?? 'Error');
		c.previous = c.current;
		c.current = this.newInstance('running');
		c.restarts++;
		p.phase = 'Running';
		this.changed(p, 'MODIFIED');
	}

	/** Pending → scheduled and running (image pulled, containers started). */
	startPod(pod: string, opts: {namespace?: string; node?: string} = {}): void {
		const p = this.getPod(pod, opts.namespace);
		p.phase = 'Running';
		p.pendingMessage = null;
		p.nodeName = p.nodeName ?? opts.node ?? 'node-1';
		for (const c of p.containers) {
			if (c.current.state === 'waiting') {
				c.current.state = 'running';
				c.current.reason = null;
				c.current.startedAt = Date.now();
			}
		}
		this.changed(p, 'MODIFIED');
	}

	setPending(pod: string, message: string | null, opts: {namespace?: string; waitingReason?: string} = {}): void {
		const p = this.getPod(pod, opts.namespace);
		p.phase = 'Pending';
		p.pendingMessage = message;
		if (opts.waitingReason) for (const c of p.containers) c.current.reason = opts.waitingReason;
		this.changed(p, 'MODIFIED');
	}

	setLabels(pod: string, labels: Record<string, string>, namespace = 'default'): void {
		const p = this.getPod(pod, namespace);
		p.labels = {...p.labels, ...labels};
		this.changed(p, 'MODIFIED');
	}

	/** kubelet log rotation: only the new file is served and open follows go silent. */
	rotateLog(pod: string, container?: string, namespace = 'default'): void {
		const inst = this.container(pod, container, namespace).current;
		inst.rotatedAt = inst.lines.length;
		inst.fileGeneration++;
		for (const l of [...inst.listeners]) l();
	}

	addEvent(e: {namespace?: string; pod: string; reason: string; message: string; type?: 'Normal' | 'Warning'}): void {
		this.rv++;
		this.events.push({
			namespace: e.namespace ?? 'default',
			name: `${e.pod}.${this.rv.toString(16)}`,
			involvedObject: {kind: 'Pod', name: e.pod},
			reason: e.reason,
			message: e.message,
			type: e.type ?? 'Warning',
			at: Date.now(),
			resourceVersion: this.rv,
		});
	}

	addWorkload(w: {resource: SimWorkload['resource']; name: string; namespace?: string; matchLabels: Record<string, string>}): void {
		this.workloads.push({resource: w.resource, name: w.name, namespace: w.namespace ?? 'default', matchLabels: w.matchLabels});
	}

	deny(verb: string, resource: string): void {
		this.denied.add(`${verb} ${resource}`);
	}

	allow(verb: string, resource: string): void {
		this.denied.delete(`${verb} ${resource}`);
	}

	injectFault(f: Fault): void {
		this.faults.push({...f});
	}

	/** the first fault of these kinds matching pod/container; consumed */
	takeFault<K extends Fault['kind']>(kinds: readonly K[], pod?: string, container?: string): Extract<Fault, {kind: K}> | null {
		const i = this.faults.findIndex(f => (kinds as readonly string[]).includes(f.kind) && (!f.pod || f.pod === pod) && (!f.container || f.container === container));
		if (i === -1) return null;
		const f = this.faults[i]!;
		f.times = (f.times ?? 1) - 1;
		if (f.times <= 0) this.faults.splice(i, 1);
		return f as Extract<Fault, {kind: K}>;
	}

	/** Forget watch history: every resourceVersion handed out so far is now too old (410). */
	compactWatchHistory(): void {
		this.compactedBelow = this.rv + 1;
		this.history.length = 0;
	}

	private readonly watchClosers = new Set<() => void>();

	/** end every open watch (as an API server restart or a load balancer idle timeout does) */
	closeWatches(): void {
		for (const c of [...this.watchClosers]) c();
	}

	onWatchClose(fn: () => void): () => void {
		this.watchClosers.add(fn);
		return () => this.watchClosers.delete(fn);
	}

	onWatchEvent(fn: (e: WatchEvent) => void): () => void {
		this.watchers.add(fn);
		return () => this.watchers.delete(fn);
	}

	private changed(pod: SimPod, type: WatchEvent['type']): void {
		this.rv++;
		pod.resourceVersion = this.rv;
		const e: WatchEvent = {rv: this.rv, type, pod, json: podJson(pod)};
		this.history.push(e);
		if (this.history.length > HISTORY) {
			const dropped = this.history.splice(0, this.history.length - HISTORY);
			this.compactedBelow = dropped[dropped.length - 1]!.rv + 1;
		}
		for (const w of [...this.watchers]) w(e);
	}
}
