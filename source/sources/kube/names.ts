/**
 * Names for shell completion: the namespaces and the workload names a user may type,
 * asked of the cluster through the same kubeconfig loading and client as the live
 * source (tokens, client certificates, exec plugins). Completion runs at every TAB, so
 * each listing has a short deadline and fails silently: a cluster that is down, slow or
 * forbids the listing gives no names, never a message in the middle of the prompt.
 */
import {createKubeClient, type KubeClient} from './client.js';
import {loadKubeConfig, type LoadedConfig} from './config.js';
import {LWS_NAME, RUNAI_WORKLOAD} from './pod-facts.js';
import {createRateLimiter} from './rate-limit.js';

export interface NameQuery {
	kubeconfig: string | null;
	context: string | null;
	namespace: string | null;
	env: Record<string, string | undefined>;
	/** the whole listing, credentials included (default 1.5 s) */
	deadlineMs?: number;
}

/** an object name as Kubernetes allows it (RFC 1123 subdomain): anything else from a server is dropped */
const validName = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

const sorted = (names: Iterable<string>) => [...new Set([...names].filter(n => validName.test(n)))].sort();

interface Session {
	loaded: LoadedConfig;
	client: KubeClient;
	signal: AbortSignal;
}

/**
 * Runs `fn` against the configured cluster; null when anything fails or the deadline passes.
 * The deadline starts once the kubeconfig is read (a local file and the client's code): it
 * bounds what waits on the outside, the credentials (an exec plugin) and the requests.
 */
async function withCluster<T>(q: NameQuery, fn: (s: Session) => Promise<T>): Promise<T | null> {
	const ms = q.deadlineMs ?? 1500;
	let loaded: LoadedConfig;
	try {
		loaded = await loadKubeConfig({kubeconfig: q.kubeconfig, context: q.context, namespace: q.namespace, env: q.env});
	} catch {
		return null;
	}
	const signal = AbortSignal.timeout(ms);
	const client = createKubeClient(loaded.kc, createRateLimiter(50), {connectMs: ms, responseMs: ms, bodyIdleMs: ms});
	let timer: NodeJS.Timeout | undefined;
	// an exec credential plugin is not bound by the signal: the deadline is raced as well
	const late = new Promise<null>(resolve => (timer = setTimeout(() => resolve(null), ms + 100)));
	try {
		return await Promise.race([fn({loaded, client, signal}).catch(() => null), late]);
	} finally {
		clearTimeout(timer);
		client.close();
	}
}

/** items[].metadata.name of a list, or none when the list is refused or absent */
async function listNames(s: Session, path: string, resource: string, namespace: string | null, query: Record<string, string | number> = {}): Promise<any[]> {
	try {
		const body = await s.client.getJson(path, {limit: 500, ...query}, {verb: 'list', resource, namespace, signal: s.signal});
		return Array.isArray(body?.items) ? body.items : [];
	} catch {
		return [];
	}
}

/**
 * Namespaces: the cluster's list; where that is refused (a user with a namespaced Role),
 * those that pods are seen in cluster-wide; always the kubeconfig contexts' own.
 */
export async function namespaceNames(q: NameQuery): Promise<string[]> {
	const found = await withCluster(q, async s => {
		let items = await listNames(s, '/api/v1/namespaces', 'namespaces', null);
		const names = items.map(i => String(i?.metadata?.name ?? ''));
		if (names.length === 0) {
			items = await listNames(s, '/api/v1/pods', 'pods', null);
			names.push(...items.map(i => String(i?.metadata?.namespace ?? '')));
		}
		for (const c of s.loaded.kc.getContexts()) if (c.namespace) names.push(c.namespace);
		return names;
	});
	return sorted(found ?? []);
}

/**
 * Workload names in the namespace, as `infertop WORKLOAD` resolves them (kube/workload.ts):
 * LeaderWorkerSets, Run:ai workloads (the pods' label), Deployments and StatefulSets.
 */
export async function workloadNames(q: NameQuery): Promise<string[]> {
	const found = await withCluster(q, async s => {
		const ns = encodeURIComponent(s.loaded.namespace);
		const lists = await Promise.all([
			listNames(s, `/apis/leaderworkerset.x-k8s.io/v1/namespaces/${ns}/leaderworkersets`, 'leaderworkersets', s.loaded.namespace),
			listNames(s, `/apis/apps/v1/namespaces/${ns}/deployments`, 'deployments', s.loaded.namespace),
			listNames(s, `/apis/apps/v1/namespaces/${ns}/statefulsets`, 'statefulsets', s.loaded.namespace),
		]);
		const names = lists.flat().map(i => String(i?.metadata?.name ?? ''));
		for (const pod of await listNames(s, `/api/v1/namespaces/${ns}/pods`, 'pods', s.loaded.namespace)) {
			const labels = pod?.metadata?.labels ?? {};
			for (const key of [LWS_NAME, RUNAI_WORKLOAD]) if (typeof labels[key] === 'string') names.push(labels[key]);
		}
		return names;
	});
	return sorted(found ?? []);
}

/** The kubeconfig's context names (read from the file: no request). */
export async function contextNames(q: NameQuery): Promise<string[]> {
	try {
		const {kc} = await loadKubeConfig({kubeconfig: q.kubeconfig, context: null, namespace: null, env: q.env});
		return [...new Set(kc.getContexts().map(c => c.name))].sort();
	} catch {
		return [];
	}
}
