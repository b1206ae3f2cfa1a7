/**
 * core/v1 events in a namespace, optionally for one object
 * (`fieldSelector=involvedObject.name=…`): where infertop reads why a pod is
 * pending when its status says only `ContainerCreating`.
 */
import {denied, type Route} from './context.js';
import {forbidden, json} from './status.js';

export const eventRoutes: Route[] = [
	{
		path: /^\/api\/v1\/namespaces\/([^/]+)\/events$/,
		serve(api, {res, q}, m) {
			const ns = m[1]!;
			if (denied(api, 'list', 'events')) return forbidden(api, res, 'list', 'events', ns);
			const fs = q.get('fieldSelector') ?? '';
			const want = /involvedObject\.name=([^,]+)/.exec(fs)?.[1];
			const items = api.cluster.events
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
			return json(res, 200, {kind: 'EventList', apiVersion: 'v1', metadata: {resourceVersion: String(api.cluster.rv)}, items});
		},
	},
];
