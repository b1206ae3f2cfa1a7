/**
 * `infertop WORKLOAD` → which pods. Tried in order, the first that finds
 * something wins and is named (describe.matchedBy):
 * 1. LeaderWorkerSet: the object exists, or pods carry `leaderworkerset.sigs.k8s.io/name=W` (§4.1);
 * 2. Run:ai: pods carry `workloadName=W` (§4.3);
 * 3. Deployment, then StatefulSet: the object's `spec.selector.matchLabels`;
 * 4. otherwise pods whose name starts with W (also what waits for a workload not created yet).
 * A lookup the RBAC forbids is skipped with a notice; the next rule is tried.
 */
import type {KubeClient} from './client.js';
import {canIHint, KubeApiError} from './errors.js';
import {LWS_NAME, RUNAI_WORKLOAD} from './pod-facts.js';

export interface WorkloadMatch {
	/** label selector to list/watch with (combined with -l), or null for all pods of the namespace */
	selector: string | null;
	/** pod-name prefix filter applied client-side, when no label identifies the workload */
	namePrefix: string | null;
	matchedBy: string | null;
}

export function combineSelectors(a: string | null, b: string | null): string | null {
	if (a && b) return `${a},${b}`;
	return a ?? b ?? null;
}

export async function resolveWorkload(client: KubeClient, namespace: string, workload: string, userSelector: string | null, notice: (msg: string) => void, signal: AbortSignal): Promise<WorkloadMatch> {
	const forbidden = (err: unknown, verb: string, resource: string) => {
		if (err instanceof KubeApiError && err.status === 403) {
			notice(`not allowed to ${verb} ${resource} in namespace ${namespace}; skipped that lookup (check: ${canIHint(verb, resource, namespace)})`);
			return true;
		}
		return false;
	};
	const get = async (path: string, resource: string): Promise<any | null> => {
		try {
			return await client.getJson(path, {}, {verb: 'get', resource, namespace, signal});
		} catch (err) {
			if (err instanceof KubeApiError && err.status === 404) return null;
			if (forbidden(err, 'get', resource)) return null;
			throw err;
		}
	};
	const anyPods = async (selector: string): Promise<boolean> => {
		try {
			const body = await client.getJson(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {labelSelector: combineSelectors(selector, userSelector) ?? undefined, limit: 1}, {verb: 'list', resource: 'pods', namespace, signal});
			return (body.items ?? []).length > 0;
		} catch (err) {
			if (forbidden(err, 'list', 'pods')) return false;
			throw err;
		}
	};
	const ns = encodeURIComponent(namespace);
	const w = encodeURIComponent(workload);

	const lwsSel = `${LWS_NAME}=${workload}`;
	if ((await get(`/apis/leaderworkerset.x-k8s.io/v1/namespaces/${ns}/leaderworkersets/${w}`, 'leaderworkersets')) || (await anyPods(lwsSel))) {
		return {selector: combineSelectors(lwsSel, userSelector), namePrefix: null, matchedBy: `LeaderWorkerSet (${lwsSel})`};
	}
	const runaiSel = `${RUNAI_WORKLOAD}=${workload}`;
	if (await anyPods(runaiSel)) return {selector: combineSelectors(runaiSel, userSelector), namePrefix: null, matchedBy: `Run:ai workload (${runaiSel})`};
	for (const [resource, kind] of [
		['deployments', 'Deployment'],
		['statefulsets', 'StatefulSet'],
	] as const) {
		const obj = await get(`/apis/apps/v1/namespaces/${ns}/${resource}/${w}`, resource);
		const labels: Record<string, string> | undefined = obj?.spec?.selector?.matchLabels;
		const exprs: any[] = obj?.spec?.selector?.matchExpressions ?? [];
		if (obj && labels && Object.keys(labels).length) {
			let sel = Object.entries(labels)
				.map(([k, v]) => `${k}=${v}`)
				.join(',');
			for (const e of exprs) {
				if (e.operator === 'In') sel += `,${e.key} in (${e.values.join(',')})`;
				else if (e.operator === 'NotIn') sel += `,${e.key} notin (${e.values.join(',')})`;
				else if (e.operator === 'Exists') sel += `,${e.key}`;
				else if (e.operator === 'DoesNotExist') sel += `,!${e.key}`;
			}
			return {selector: combineSelectors(sel, userSelector), namePrefix: null, matchedBy: `${kind} ${workload} (${sel})`};
		}
	}
	return {selector: userSelector, namePrefix: workload, matchedBy: `pod-name prefix "${workload}"`};
}

/** at most this many of the namespace's pods are named when nothing matched */
const podsNamed = 20;

/**
 * Why `--once` found no pod to read, for a person to act on: what was looked for
 * (the workload and the rules tried, or -l), and what the namespace does hold —
 * a typo shows next to the right name; an empty namespace says so. The listing is
 * best-effort: a refusal or error only drops the "pods in this namespace" part.
 */
export async function noPodsMessage(client: KubeClient, namespace: string, workload: string | null, userSelector: string | null, signal: AbortSignal): Promise<string> {
	let names: string[] | null = null;
	let more = 0;
	try {
		const body = await client.getJson(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {limit: 500}, {verb: 'list', resource: 'pods', namespace, signal});
		// pod names are RFC 1123 labels: anything else from the server is not printed
		const all: string[] = (body.items ?? []).map((p: any) => String(p?.metadata?.name ?? '')).filter((n: string) => /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(n));
		all.sort();
		names = all.slice(0, podsNamed);
		more = all.length - names.length + (typeof body.metadata?.remainingItemCount === 'number' ? body.metadata.remainingItemCount : 0);
	} catch (err) {
		if (signal.aborted) throw err;
	}
	const sel = userSelector ? ` with -l ${userSelector}` : '';
	if (names !== null && names.length === 0 && more === 0) {
		return `no pods in namespace ${namespace} (is -n/--namespace right? kubectl get pods -A lists every namespace's)`;
	}
	const what = workload
		? `no pods match workload "${workload}"${sel} in namespace ${namespace} (as a LeaderWorkerSet, a Run:ai workload, a Deployment, a StatefulSet or a pod-name prefix)`
		: userSelector
			? `no pods match -l ${userSelector} in namespace ${namespace}`
			: `no pods in namespace ${namespace}`;
	if (names === null) return `${what}; the namespace's pods could not be listed (kubectl get pods -n ${namespace})`;
	return `${what}; pods in this namespace: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
