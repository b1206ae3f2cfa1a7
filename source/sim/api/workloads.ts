/**
 * The workloads infertop resolves a name to (`infertop <name>`): apps/v1
 * Deployments and StatefulSets and leaderworkerset.x-k8s.io/v1 LeaderWorkerSets,
 * get and list in a namespace, carrying the selector (or LWS group size) the
 * source matches pods by. One route: the three answer alike but for their kind.
 */
import type {SimWorkload} from '../objects.js';
import {denied, type Route} from './context.js';
import {forbidden, json, notFound} from './status.js';

const kindOf = {deployments: 'Deployment', statefulsets: 'StatefulSet', leaderworkersets: 'LeaderWorkerSet'} as const;

export const workloadRoutes: Route[] = [
	{
		path: /^\/apis\/(apps|leaderworkerset\.x-k8s\.io)\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets|leaderworkersets)(?:\/([^/]+))?$/,
		serve(api, {res}, m) {
			const [, group, ns, resource, name] = m as unknown as [string, string, string, SimWorkload['resource'], string | undefined];
			if (denied(api, name ? 'get' : 'list', resource)) return forbidden(api, res, name ? 'get' : 'list', resource, ns, name);
			const toJson = (w: SimWorkload) => ({
				apiVersion: `${group}/v1`,
				kind: kindOf[resource],
				metadata: {name: w.name, namespace: w.namespace, uid: `${w.resource}-${w.name}`, resourceVersion: '1'},
				spec: resource === 'leaderworkersets' ? {replicas: 1, leaderWorkerTemplate: {size: 2}} : {replicas: 1, selector: {matchLabels: w.matchLabels}},
			});
			const list = api.cluster.workloads.filter(w => w.resource === resource && w.namespace === ns);
			if (name) {
				const w = list.find(x => x.name === name);
				return w ? json(res, 200, toJson(w)) : notFound(res, resource, name, group);
			}
			return json(res, 200, {apiVersion: `${group}/v1`, kind: `${kindOf[resource]}List`, metadata: {resourceVersion: String(api.cluster.rv)}, items: list.map(toJson)});
		},
	},
];
