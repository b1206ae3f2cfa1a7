/**
 * core/v1 pods: get one (`/api/v1/namespaces/{ns}/pods/{name}`) and list them, in
 * a namespace or across all (`/api/v1/pods`), by label and field selector, as
 * JSON or as kubectl's Table; `?watch=true` on the list path is a watch
 * (watch.ts). Injected `list-status` faults fail a list as a real server would.
 */
import type {SimPod} from '../objects.js';
import {podJson} from '../pod-json.js';
import {denied, type Route} from './context.js';
import {podTable, wantsTable} from './pod-table.js';
import {matchesFieldSelector, matchesLabelSelector} from './selectors.js';
import {faultStatus, forbidden, json, notFound} from './status.js';
import {watchPods} from './watch.js';

export const podRoutes: Route[] = [
	{
		path: /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/,
		serve(api, {req, res}, m) {
			const [, ns, name] = m as unknown as [string, string, string];
			if (denied(api, 'get', 'pods')) return forbidden(api, res, 'get', 'pods', ns, name);
			const pod = api.cluster.pods.get(`${ns}/${name}`);
			if (pod && wantsTable(req)) return json(res, 200, podTable([podJson(pod)], String(pod.resourceVersion), true));
			return pod ? json(res, 200, podJson(pod)) : notFound(res, 'pods', name);
		},
	},
	{
		path: /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods$/,
		serve(api, call, m) {
			const {req, res, q} = call;
			const ns = m[1] ?? null;
			const watch = q.get('watch') === 'true' || q.get('watch') === '1';
			const verb = watch ? 'watch' : 'list';
			if (denied(api, verb, 'pods')) return forbidden(api, res, verb, 'pods', ns);
			const ls = q.get('labelSelector');
			const fs = q.get('fieldSelector');
			const match = (pod: SimPod) => (!ns || pod.namespace === ns) && matchesLabelSelector(pod.labels, ls) && matchesFieldSelector(pod, fs);
			if (watch) return watchPods(api, call, match);
			const fault = api.cluster.takeFault(['list-status']);
			if (fault) return faultStatus(res, fault);
			const items = [...api.cluster.pods.values()].filter(match).map(podJson);
			if (wantsTable(req)) return json(res, 200, podTable(items, String(api.cluster.rv), true));
			return json(res, 200, {kind: 'PodList', apiVersion: 'v1', metadata: {resourceVersion: String(api.cluster.rv)}, items});
		},
	},
];
