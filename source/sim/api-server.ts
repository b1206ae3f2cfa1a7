/**
 * A local Kubernetes API server (HTTPS on 127.0.0.1) over `SimCluster`: enough
 * REST for infertop, @kubernetes/client-node 1.x and kubectl — discovery, pods
 * list/get/watch with resourceVersions, bookmarks and 410 Gone, events,
 * `pods/{name}/log` with the kubelet's follow semantics, apps/v1 and LWS
 * workloads, the service proxy, and real `Status` bodies for 401/403/404.
 * Tests and `infertop demo` use it; it never leaves the loopback interface.
 */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {makeCerts} from './certs.js';
import {podJson, SimCluster, type SimInstance, type SimLine, type SimPod, type WatchEvent} from './cluster.js';

export interface SimService {
	namespace: string;
	name: string;
	port: number;
	selector: Record<string, string>;
	/** where the proxy sends requests, e.g. http://127.0.0.1:8000 */
	target: string;
}

export interface SimApiServer {
	url: string;
	kubeconfigPath: string;
	/** the bearer token the kubeconfig carries (tests only; never printed) */
	token: string;
	caPem: string;
	dir: string;
	cluster: SimCluster;
	addService(s: {namespace?: string; name: string; port: number; selector?: Record<string, string>; target: string}): void;
	/** requests seen, `METHOD path?query` (tests assert on what was asked) */
	requests: string[];
	/** log responses open now, and the most open at once */
	stats: {openLogs: number; maxOpenLogs: number};
	close(): Promise<void>;
}

export interface ApiServerOptions {
	cluster?: SimCluster;
	namespace?: string;
	token?: string;
	/** BOOKMARK interval for watches with allowWatchBookmarks (a real server: ~1 min) */
	bookmarkMs?: number;
	/** kubelet follow re-check period when nothing was appended */
	contextName?: string;
	/** user name in 403 messages */
	user?: string;
}

const json = (res: http.ServerResponse, code: number, body: unknown) => {
	const s = JSON.stringify(body);
	res.writeHead(code, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(s)});
	res.end(s);
};

export function statusBody(code: number, reason: string, message: string, details?: {name?: string; kind?: string; group?: string}) {
	return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code};
}

const coreResources = [
	{name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'], categories: ['all']},
	{name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get']},
	{name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: ['get', 'list', 'watch'], shortNames: ['ev']},
	{name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: ['get', 'list'], shortNames: ['svc'], categories: ['all']},
	{name: 'services/proxy', singularName: '', namespaced: true, kind: 'ServiceProxyOptions', verbs: ['get', 'create']},
	{name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns']},
];
const groups = {
	apps: {version: 'v1', resources: [
		{name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'list'], shortNames: ['deploy'], categories: ['all']},
		{name: 'statefulsets', singularName: 'statefulset', namespaced: true, kind: 'StatefulSet', verbs: ['get', 'list'], shortNames: ['sts'], categories: ['all']},
	]},
	'leaderworkerset.x-k8s.io': {version: 'v1', resources: [
		{name: 'leaderworkersets', singularName: 'leaderworkerset', namespaced: true, kind: 'LeaderWorkerSet', verbs: ['get', 'list'], shortNames: ['lws']},
	]},
} as const;
const kindOf = {deployments: 'Deployment', statefulsets: 'StatefulSet', leaderworkersets: 'LeaderWorkerSet'} as const;

/** `a=b,c!=d,e` (equality-based, plus `key in (x,y)` and existence) */
export function matchesLabelSelector(labels: Record<string, string>, selector: string | null): boolean {
	if (!selector) return true;
	// split on commas not inside parentheses
	const parts = selector.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
	return parts.every(raw => {
		const p = raw.trim();
		let m: RegExpMatchArray | null;
		if ((m = p.match(/^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/))) {
			const v = labels[m[1]!];
			return m[2] === '!=' ? v !== m[3] : v === m[3];
		}
		if ((m = p.match(/^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
			const set = m[3]!.split(',').map(x => x.trim());
			const v = labels[m[1]!];
			return m[2] === 'in' ? v !== undefined && set.includes(v) : v === undefined || !set.includes(v);
		}
		if (p.startsWith('!')) return labels[p.slice(1)] === undefined;
		return labels[p] !== undefined;
	});
}

function matchesFieldSelector(pod: SimPod, selector: string | null): boolean {
	if (!selector) return true;
	return selector.split(',').every(part => {
		const m = part.match(/^([^=!]+)(==|=|!=)(.*)$/);
		if (!m) return true;
		const value = m[1] === 'metadata.name' ? pod.name : m[1] === 'metadata.namespace' ? pod.namespace : m[1] === 'spec.nodeName' ? pod.nodeName ?? '' : m[1] === 'status.phase' ? pod.phase : undefined;
		if (value === undefined) return true;
		return m[2] === '!=' ? value !== m[3] : value === m[3];
	});
}

/** kubectl get asks for server-side printing: `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,…` */
const wantsTable = (req: http.IncomingMessage) => /;as=Table/.test(req.headers.accept ?? '');

function age(created: string | undefined): string {
	const s = created ? Math.max(0, Math.floor((Date.now() - Date.parse(created)) / 1000)) : 0;
	if (s < 120) return `${s}s`;
	if (s < 7200) return `${Math.floor(s / 60)}m`;
	return `${Math.floor(s / 3600)}h`;
}

/** the STATUS column as kubectl shows it: a waiting/terminated reason beats the phase */
function podStatus(pod: any): string {
	if ((pod.status?.conditions ?? []).some((c: any) => c.type === 'PodScheduled' && c.status === 'False')) return 'Pending';
	for (const cs of pod.status?.containerStatuses ?? []) {
		if (cs.state?.waiting?.reason) return cs.state.waiting.reason;
		if (cs.state?.terminated?.reason && pod.status.phase !== 'Succeeded') return cs.state.terminated.reason;
	}
	return pod.status?.phase ?? 'Unknown';
}

/** meta.k8s.io/v1 Table for pods (NAME READY STATUS RESTARTS AGE, wide: IP NODE) */
function podTable(pods: any[], resourceVersion: string, withColumns: boolean) {
	const col = (name: string, type: string, priority = 0, format = '') => ({name, type, format, description: name, priority});
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: {resourceVersion},
		columnDefinitions: withColumns
			? [col('Name', 'string', 0, 'name'), col('Ready', 'string'), col('Status', 'string'), col('Restarts', 'string'), col('Age', 'string'), col('IP', 'string', 1), col('Node', 'string', 1)]
			: [],
		rows: pods.map(p => {
			const cs: any[] = p.status?.containerStatuses ?? [];
			return {
				cells: [
					p.metadata.name,
					`${cs.filter(c => c.ready).length}/${cs.length}`,
					podStatus(p),
					String(cs.reduce((n, c) => n + (c.restartCount ?? 0), 0)),
					age(p.metadata.creationTimestamp),
					p.status?.podIP ?? '<none>',
					p.spec?.nodeName ?? '<none>',
				],
				object: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: p.metadata},
			};
		}),
	};
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<SimApiServer> {
	const cluster = opts.cluster ?? new SimCluster();
	const certs = makeCerts();
	const token = opts.token ?? `sim-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
	const user = opts.user ?? 'system:serviceaccount:default:infertop';
	const bookmarkMs = opts.bookmarkMs ?? 1000;
	const services: SimService[] = [];
	const requests: string[] = [];
	const stats = {openLogs: 0, maxOpenLogs: 0};
	const open = new Set<http.ServerResponse>();
	const timers = new Set<NodeJS.Timeout>();

	const forbidden = (res: http.ServerResponse, verb: string, resource: string, ns: string | null, name?: string) => {
		const [res0, sub] = resource.split('/');
		const group = resource === 'deployments' || resource === 'statefulsets' ? 'apps' : resource === 'leaderworkersets' ? 'leaderworkerset.x-k8s.io' : '';
		const what = name ? `${res0} "${name}"` : res0;
		const msg = `${what} is forbidden: User "${user}" cannot ${verb} resource "${res0}${sub ? '/' + sub : ''}" in API group "${group}"${ns ? ` in the namespace "${ns}"` : ' at the cluster scope'}`;
		json(res, 403, statusBody(403, 'Forbidden', msg, {name, kind: res0, group: group || undefined}));
	};
	const notFound = (res: http.ServerResponse, resource: string, name: string, group?: string) =>
		json(res, 404, statusBody(404, 'NotFound', `${resource}${group ? '.' + group : ''} "${name}" not found`, {name, kind: resource, group}));
	const denied = (verb: string, resource: string) => cluster.denied.has(`${verb} ${resource}`);

	const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
		const url = new URL(req.url ?? '/', 'https://127.0.0.1');
		const q = url.searchParams;
		const p = url.pathname.replace(/\/+$/, '') || '/';
		requests.push(`${req.method} ${p}${url.search}`);
		open.add(res);
		res.on('close', () => open.delete(res));

		const auth = req.headers.authorization;
		if (auth !== `Bearer ${token}`) return json(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));

		// ---- discovery (kubectl)
		if (p === '/version') return json(res, 200, {major: '1', minor: '31', gitVersion: 'v1.31.0-infertop-sim', gitCommit: '0', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.22', compiler: 'gc', platform: 'linux/amd64'});
		if (p === '/api') return json(res, 200, {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: url.host}]});
		if (p === '/api/v1') return json(res, 200, {kind: 'APIResourceList', groupVersion: 'v1', resources: coreResources});
		if (p === '/apis') {
			return json(res, 200, {
				kind: 'APIGroupList',
				apiVersion: 'v1',
				groups: Object.entries(groups).map(([name, g]) => ({
					name,
					versions: [{groupVersion: `${name}/${g.version}`, version: g.version}],
					preferredVersion: {groupVersion: `${name}/${g.version}`, version: g.version},
				})),
			});
		}
		let m = p.match(/^\/apis\/([^/]+)\/([^/]+)$/);
		if (m) {
			const g = groups[m[1] as keyof typeof groups];
			if (g && g.version === m[2]) return json(res, 200, {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${m[1]}/${m[2]}`, resources: g.resources});
			return json(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
		}

		// ---- workloads
		m = p.match(/^\/apis\/(apps|leaderworkerset\.x-k8s\.io)\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets|leaderworkersets)(?:\/([^/]+))?$/);
		if (m) {
			const [, group, ns, resource, name] = m as unknown as [string, string, string, 'deployments' | 'statefulsets' | 'leaderworkersets', string | undefined];
			if (denied(name ? 'get' : 'list', resource)) return forbidden(res, name ? 'get' : 'list', resource, ns, name);
			const toJson = (w: (typeof cluster.workloads)[number]) => ({
				apiVersion: `${group}/v1`,
				kind: kindOf[resource],
				metadata: {name: w.name, namespace: w.namespace, uid: `${w.resource}-${w.name}`, resourceVersion: '1'},
				spec: resource === 'leaderworkersets' ? {replicas: 1, leaderWorkerTemplate: {size: 2}} : {replicas: 1, selector: {matchLabels: w.matchLabels}},
			});
			const list = cluster.workloads.filter(w => w.resource === resource && w.namespace === ns);
			if (name) {
				const w = list.find(x => x.name === name);
				return w ? json(res, 200, toJson(w)) : notFound(res, resource, name, group);
			}
			return json(res, 200, {apiVersion: `${group}/v1`, kind: `${kindOf[resource]}List`, metadata: {resourceVersion: String(cluster.rv)}, items: list.map(toJson)});
		}

		// ---- core
		m = p.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/);
		if (m) return serveLog(res, m[1]!, decodeURIComponent(m[2]!), q);
		m = p.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/);
		if (m) {
			const [, ns, name] = m as unknown as [string, string, string];
			if (denied('get', 'pods')) return forbidden(res, 'get', 'pods', ns, name);
			const pod = cluster.pods.get(`${ns}/${name}`);
			if (pod && wantsTable(req)) return json(res, 200, podTable([podJson(pod)], String(pod.resourceVersion), true));
			return pod ? json(res, 200, podJson(pod)) : notFound(res, 'pods', name);
		}
		m = p.match(/^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods$/);
		if (m) return servePods(req, res, m[1] ?? null, q);
		m = p.match(/^\/api\/v1\/namespaces\/([^/]+)\/events$/);
		if (m) {
			const ns = m[1]!;
			if (denied('list', 'events')) return forbidden(res, 'list', 'events', ns);
			const fs = q.get('fieldSelector') ?? '';
			const want = /involvedObject\.name=([^,]+)/.exec(fs)?.[1];
			const items = cluster.events
				.filter(e => e.namespace === ns && (!want || e.involvedObject.name === want))
				.map(e => ({
					kind: 'Event',
					apiVersion: 'v1',
					metadata: {name: e.name, namespace: e.namespace, resourceVersion: String(e.resourceVersion)},
					involvedObject: {...e.involvedObject, namespace: e.namespace},
					reason: e.reason,
					message: e.message,
					type: e.type,
					count: 1,
					firstTimestamp: new Date(e.at).toISOString(),
					lastTimestamp: new Date(e.at).toISOString(),
				}));
			return json(res, 200, {kind: 'EventList', apiVersion: 'v1', metadata: {resourceVersion: String(cluster.rv)}, items});
		}
		m = p.match(/^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/);
		if (m) return proxy(req, res, m[1]!, decodeURIComponent(m[2]!), m[3] ?? '/', url.search);
		m = p.match(/^\/api\/v1\/namespaces\/([^/]+)\/services(?:\/([^/]+))?$/);
		if (m) {
			const [, ns, name] = m as unknown as [string, string, string | undefined];
			if (denied(name ? 'get' : 'list', 'services')) return forbidden(res, name ? 'get' : 'list', 'services', ns, name);
			const toJson = (s: SimService) => ({
				kind: 'Service',
				apiVersion: 'v1',
				metadata: {name: s.name, namespace: s.namespace, resourceVersion: '1'},
				spec: {selector: s.selector, ports: [{name: 'http', port: s.port, targetPort: s.port, protocol: 'TCP'}], type: 'ClusterIP', clusterIP: '10.96.0.10'},
			});
			const list = services.filter(s => s.namespace === ns);
			if (name) {
				const s = list.find(x => x.name === name);
				return s ? json(res, 200, toJson(s)) : notFound(res, 'services', name);
			}
			return json(res, 200, {kind: 'ServiceList', apiVersion: 'v1', metadata: {resourceVersion: String(cluster.rv)}, items: list.map(toJson)});
		}
		return json(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
	};

	function servePods(req: http.IncomingMessage, res: http.ServerResponse, ns: string | null, q: URLSearchParams) {
		const watch = q.get('watch') === 'true' || q.get('watch') === '1';
		const verb = watch ? 'watch' : 'list';
		if (denied(verb, 'pods')) return forbidden(res, verb, 'pods', ns);
		const ls = q.get('labelSelector');
		const fs = q.get('fieldSelector');
		const match = (pod: SimPod) => (!ns || pod.namespace === ns) && matchesLabelSelector(pod.labels, ls) && matchesFieldSelector(pod, fs);
		if (!watch) {
			const fault = cluster.takeFault(['list-status']);
			if (fault) return json(res, fault.code, statusBody(fault.code, fault.code >= 500 ? 'InternalError' : 'BadRequest', fault.message ?? 'injected failure'));
			const items = [...cluster.pods.values()].filter(match).map(podJson);
			if (wantsTable(req)) return json(res, 200, podTable(items, String(cluster.rv), true));
			return json(res, 200, {kind: 'PodList', apiVersion: 'v1', metadata: {resourceVersion: String(cluster.rv)}, items});
		}
		const rvParam = q.get('resourceVersion');
		res.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'});
		const table = wantsTable(req);
		let firstTable = true;
		const send = (type: string, object: any) => {
			if (table && object?.kind === 'Pod') {
				// kubectl get -w: each event carries a one-row Table; column definitions only in the first
				object = podTable([object], object.metadata.resourceVersion, firstTable);
				firstTable = false;
			}
			res.write(JSON.stringify({type, object}) + '\n');
		};
		const gone = cluster.takeFault(['watch-gone']);
		const since = rvParam && rvParam !== '0' ? Number(rvParam) : null;
		if (gone || (since !== null && since + 1 < cluster.compactedBelow)) {
			// a real server answers 200 and then an ERROR event carrying the 410 Status
			send('ERROR', statusBody(410, 'Expired', `too old resource version: ${rvParam} (${cluster.compactedBelow})`));
			return res.end();
		}
		const closeFault = cluster.takeFault(['watch-close']);
		let off: (() => void) | null = null;
		let bookmarks: NodeJS.Timeout | null = null;
		let timeout: NodeJS.Timeout | null = null;
		let stopped = false;
		const stop = () => {
			if (stopped) return;
			stopped = true;
			off?.();
			if (bookmarks) clearInterval(bookmarks);
			if (timeout) clearTimeout(timeout);
			res.end();
		};
		let sent = 0;
		const emit = (type: string, object: unknown) => {
			if (stopped) return;
			send(type, object);
			sent++;
			if (closeFault && sent >= (closeFault.afterEvents ?? 0)) stop();
		};
		let lastRv = since ?? cluster.rv;
		const onEvent = (e: WatchEvent) => {
			if (e.rv <= lastRv) return;
			lastRv = e.rv;
			if (match(e.pod)) emit(e.type, e.json);
		};
		if (since === null) {
			for (const pod of cluster.pods.values()) if (match(pod)) emit('ADDED', podJson(pod));
		} else {
			for (const e of cluster.history) onEvent(e);
		}
		if (closeFault && (closeFault.afterEvents ?? 0) === 0) return stop();
		if (stopped) return;
		const offEvents = cluster.onWatchEvent(onEvent);
		const offClose = cluster.onWatchClose(() => stop());
		off = () => {
			offEvents();
			offClose();
		};
		if (q.get('allowWatchBookmarks') === 'true') {
			bookmarks = setInterval(() => send('BOOKMARK', {kind: 'Pod', apiVersion: 'v1', metadata: {resourceVersion: String(Math.max(lastRv, cluster.rv))}}), bookmarkMs);
			timers.add(bookmarks);
		}
		const timeoutS = Number(q.get('timeoutSeconds') ?? 0);
		if (timeoutS > 0) {
			timeout = setTimeout(() => stop(), timeoutS * 1000);
			timers.add(timeout);
		}
		res.on('close', () => stop());
	}

	function serveLog(res: http.ServerResponse, ns: string, name: string, q: URLSearchParams) {
		if (denied('get', 'pods/log')) return forbidden(res, 'get', 'pods/log', ns, name);
		const pod = cluster.pods.get(`${ns}/${name}`);
		if (!pod) return notFound(res, 'pods', name);
		const cname = q.get('container');
		const c = cname ? pod.containers.find(x => x.name === cname) : pod.containers.length === 1 ? pod.containers[0] : undefined;
		if (!c) {
			const msg = cname
				? `container ${cname} is not valid for pod ${name}`
				: `a container name must be specified for pod ${name}, choose one of: [${pod.containers.map(x => x.name).join(' ')}]`;
			return json(res, 400, statusBody(400, 'BadRequest', msg));
		}
		const fault = cluster.takeFault(['log-status', 'log-cut', 'log-trickle', 'log-stall'], name, c.name);
		if (fault?.kind === 'log-status') {
			return json(res, fault.code, statusBody(fault.code, fault.code >= 500 ? 'InternalError' : 'BadRequest', fault.message ?? 'injected failure'));
		}
		const previous = q.get('previous') === 'true';
		const inst: SimInstance | null = previous ? c.previous : c.current;
		if (!inst) return json(res, 400, statusBody(400, 'BadRequest', `previous terminated container "${c.name}" in pod "${name}" not found`));
		if (inst.state === 'waiting') {
			return json(res, 400, statusBody(400, 'BadRequest', `container "${c.name}" in pod "${name}" is waiting to start: ${inst.reason ?? 'ContainerCreating'}`));
		}
		const follow = q.get('follow') === 'true' && !previous;
		const timestamps = q.get('timestamps') === 'true';
		let idx = inst.rotatedAt;
		// sinceTime is RFC3339 with whole seconds on the wire; the kubelet takes the later of sinceTime/sinceSeconds
		let sinceMs = -Infinity;
		const st = q.get('sinceTime');
		if (st) sinceMs = Math.floor(Date.parse(st) / 1000) * 1000;
		const ss = q.get('sinceSeconds');
		if (ss) sinceMs = Math.max(sinceMs, Date.now() - Number(ss) * 1000);
		if (sinceMs > -Infinity) while (idx < inst.lines.length && inst.lines[idx]!.ms < sinceMs) idx++;
		const tail = q.get('tailLines');
		if (tail !== null && tail !== '') idx = Math.max(idx, inst.lines.length - Number(tail));
		const limit = q.get('limitBytes') ? Number(q.get('limitBytes')) : Infinity;
		const generation = inst.fileGeneration;

		res.writeHead(200, {'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked'});
		res.flushHeaders();
		stats.openLogs++;
		stats.maxOpenLogs = Math.max(stats.maxOpenLogs, stats.openLogs);
		res.on('close', () => stats.openLogs--);
		let written = 0;
		let closed = false;
		let stalled = false;
		let queue: Buffer[] = [];
		let trickling = false;
		const finish = () => {
			if (closed) return;
			closed = true;
			inst.listeners.delete(pump);
			if (fault?.kind === 'log-trickle' && queue.length) return; // the trickle ends it
			res.end();
		};
		const format = (l: SimLine) => (timestamps ? `${l.stamp} ` : '') + l.text + (l.noNewline ? '' : '\n');
		/** false: the socket's buffer is full, wait for 'drain' (so 64 streams are served side by side) */
		const out = (s: string): boolean => {
			let buf = Buffer.from(s, 'utf8');
			if (written + buf.length > limit) buf = buf.subarray(0, limit - written);
			if (fault?.kind === 'log-cut' && written + buf.length >= fault.afterBytes) {
				const keep = buf.subarray(0, fault.afterBytes - written);
				written = fault.afterBytes;
				closed = true;
				inst.listeners.delete(pump);
				// an abrupt drop mid-line, as a broken connection looks to the client
				res.write(keep, () => setTimeout(() => res.socket?.destroy(), 20));
				return true;
			}
			if (fault?.kind === 'log-stall' && written + buf.length >= (fault.afterBytes ?? 0)) {
				res.write(buf.subarray(0, (fault.afterBytes ?? 0) - written));
				written = fault.afterBytes ?? 0;
				stalled = true;
				return true;
			}
			written += buf.length;
			let ok = true;
			if (fault?.kind === 'log-trickle') {
				for (let i = 0; i < buf.length; i++) queue.push(buf.subarray(i, i + 1));
				if (!trickling) trickle();
			} else ok = res.write(buf);
			if (written >= limit) finish();
			return ok;
		};
		let draining = false;
		const trickle = () => {
			trickling = true;
			const b = queue.shift();
			if (!b) {
				trickling = false;
				if (closed) res.end();
				return;
			}
			res.write(b, () => setImmediate(trickle));
		};
		function pump() {
			if (closed || stalled) return;
			// a follow opened before a rotation goes silent (kubernetes/kubernetes#115701), until the container stops
			if (inst!.fileGeneration !== generation) {
				if (inst!.state === 'terminated') finish();
				return;
			}
			if (draining) return;
			const n = inst!.lines.length;
			while (idx < n) {
				let chunk = '';
				for (; idx < n && chunk.length < 65_536; idx++) chunk += format(inst!.lines[idx]!);
				const ok = out(chunk);
				if (closed || stalled) return;
				if (!ok) {
					draining = true;
					res.once('drain', () => {
						draining = false;
						pump();
					});
					return;
				}
			}
			if (!follow || inst!.state === 'terminated') finish();
		}
		pump();
		if (!closed && follow) {
			inst.listeners.add(pump);
			res.on('close', () => {
				closed = true;
				inst.listeners.delete(pump);
			});
		}
	}

	function proxy(req: http.IncomingMessage, res: http.ServerResponse, ns: string, svcRef: string, rest: string, search: string) {
		if (denied('get', 'services/proxy')) return forbidden(res, 'get', 'services/proxy', ns, svcRef);
		// `name`, `name:port`, `scheme:name:port`
		const parts = svcRef.split(':');
		const name = parts.length === 3 ? parts[1]! : parts[0]!;
		const port = parts.length === 3 ? parts[2] : parts[1];
		const svc = services.find(s => s.namespace === ns && s.name === name);
		if (!svc) return notFound(res, 'services', name);
		if (port && port !== String(svc.port) && port !== 'http') {
			return json(res, 503, statusBody(503, 'ServiceUnavailable', `no endpoints available for service "${svcRef}"`));
		}
		const target = new URL(svc.target);
		const headers = {...req.headers};
		// the API server authenticates the caller and never forwards its credentials
		delete headers.authorization;
		delete headers.host;
		const up = http.request(
			{hostname: target.hostname, port: target.port, method: req.method, path: rest + search, headers},
			r => {
				res.writeHead(r.statusCode ?? 502, r.headers);
				r.pipe(res);
			},
		);
		up.on('error', err => {
			if (res.headersSent) {
				res.destroy();
				return;
			}
			const code = (err as NodeJS.ErrnoException).code;
			json(res, 503, statusBody(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${target.host}: connect: ${code === 'ECONNREFUSED' ? 'connection refused' : err.message}`));
		});
		req.pipe(up);
	}

	const server = https.createServer({key: certs.keyPem, cert: certs.certPem}, handler);
	server.keepAliveTimeout = 60_000;
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const url = `https://127.0.0.1:${port}`;
	const namespace = opts.namespace ?? 'default';
	const contextName = opts.contextName ?? 'infertop-sim';
	const kubeconfigPath = path.join(certs.dir, 'kubeconfig');
	mkdirSync(certs.dir, {recursive: true});
	writeFileSync(kubeconfigPath, kubeconfigYaml({url, caPem: certs.caPem, token, namespace, contextName}), {mode: 0o600});

	return {
		url,
		kubeconfigPath,
		token,
		caPem: certs.caPem,
		dir: certs.dir,
		cluster,
		requests,
		stats,
		addService(s) {
			services.push({namespace: s.namespace ?? 'default', name: s.name, port: s.port, selector: s.selector ?? {}, target: s.target});
		},
		async close() {
			for (const t of timers) clearInterval(t);
			for (const r of open) r.destroy();
			server.closeAllConnections();
			await new Promise<void>(resolve => server.close(() => resolve()));
			// the CA, keys and kubeconfig were for this server only: leave no temp files behind
			rmSync(certs.dir, {recursive: true, force: true});
		},
	};
}

export function kubeconfigYaml(k: {url: string; caPem: string; token: string; namespace: string; contextName: string; user?: string; cluster?: string}): string {
	const user = k.user ?? 'infertop-sim-user';
	const cluster = k.cluster ?? 'infertop-sim';
	return `apiVersion: v1
kind: Config
clusters:
- name: ${cluster}
  cluster:
    server: ${k.url}
    certificate-authority-data: ${Buffer.from(k.caPem).toString('base64')}
users:
- name: ${user}
  user:
    token: ${k.token}
contexts:
- name: ${k.contextName}
  context:
    cluster: ${cluster}
    user: ${user}
    namespace: ${k.namespace}
current-context: ${k.contextName}
`;
}
