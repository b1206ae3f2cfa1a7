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

export async function resolveWorkload(
	client: KubeClient,
	namespace: string,
	workload: string,
	userSelector: string | null,
	notice: (msg: string) => void,
	signal: AbortSignal,
): Promise<WorkloadMatch> {
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
	for (const [resource, kind] of [['deployments', 'Deployment'], ['statefulsets', 'StatefulSet']] as const) {
		const obj = await get(`/apis/apps/v1/namespaces/${ns}/${resource}/${w}`, resource);
		const labels: Record<string, string> | undefined = obj?.spec?.selector?.matchLabels;
		const exprs: any[] = obj?.spec?.selector?.matchExpressions ?? [];
		if (obj && labels && Object.keys(labels).length) {
			let sel = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
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
