/**
 * core/v1 services, get and list in a namespace: the services a test or the demo
 * added (`addService`), each a ClusterIP with one `http` port, which the endpoint
 * discovery reads and the service proxy (proxy.ts) forwards to.
 */
import {denied, type Route, type SimService} from './context.js';
import {forbidden, json, notFound} from './status.js';

export const serviceRoutes: Route[] = [
	{
		path: /^\/api\/v1\/namespaces\/([^/]+)\/services(?:\/([^/]+))?$/,
		serve(api, {res}, m) {
			const [, ns, name] = m as unknown as [string, string, string | undefined];
			if (denied(api, name ? 'get' : 'list', 'services')) return forbidden(api, res, name ? 'get' : 'list', 'services', ns, name);
			const toJson = (s: SimService) => ({
				kind: 'Service',
				apiVersion: 'v1',
				metadata: {name: s.name, namespace: s.namespace, resourceVersion: '1'},
				spec: {selector: s.selector, ports: [{name: 'http', port: s.port, targetPort: s.port, protocol: 'TCP'}], type: 'ClusterIP', clusterIP: '10.96.0.10'},
			});
			const list = api.services.filter(s => s.namespace === ns);
			if (name) {
				const s = list.find(x => x.name === name);
				return s ? json(res, 200, toJson(s)) : notFound(res, 'services', name);
			}
			return json(res, 200, {kind: 'ServiceList', apiVersion: 'v1', metadata: {resourceVersion: String(api.cluster.rv)}, items: list.map(toJson)});
		},
	},
];
