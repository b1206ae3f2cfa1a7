/**
 * The service proxy, `services/{name[:port]}/proxy/{path}`: the request forwarded
 * over plain HTTP to the service's target (the simulated vLLM server), the caller's
 * credentials stripped as a real API server strips them, and 503 with the API
 * server's wording when no endpoint answers.
 */
import http from 'node:http';
import {denied, type Api, type Route} from './context.js';
import {forbidden, json, notFound, statusBody} from './status.js';

export const proxyRoutes: Route[] = [
	{
		path: /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/,
		serve: (api, {req, res, url}, m) => proxy(api, req, res, m[1]!, decodeURIComponent(m[2]!), m[3] ?? '/', url.search),
	},
];

function proxy(api: Api, req: http.IncomingMessage, res: http.ServerResponse, ns: string, svcRef: string, rest: string, search: string): void {
	if (denied(api, 'get', 'services/proxy')) return forbidden(api, res, 'get', 'services/proxy', ns, svcRef);
	// `name`, `name:port`, `scheme:name:port`
	const parts = svcRef.split(':');
	const name = parts.length === 3 ? parts[1]! : parts[0]!;
	const port = parts.length === 3 ? parts[2] : parts[1];
	const svc = api.services.find(s => s.namespace === ns && s.name === name);
	if (!svc) return notFound(res, 'services', name);
	if (port && port !== String(svc.port) && port !== 'http') {
		return json(res, 503, statusBody(503, 'ServiceUnavailable', `no endpoints available for service "${svcRef}"`));
	}
	const target = new URL(svc.target);
	const headers = {...req.headers};
	// the API server authenticates the caller and never forwards its credentials
	delete headers.authorization;
	delete headers.host;
	const up = http.request({hostname: target.hostname, port: target.port, method: req.method, path: rest + search, headers}, r => {
		res.writeHead(r.statusCode ?? 502, r.headers);
		r.pipe(res);
	});
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
