/**
 * The simulated API server's request handler: every request is recorded (tests
 * assert on what was asked), a wrong bearer token is 401, and the path goes to the
 * first route of the table that matches it, or 404 with the server's words. The
 * table is in the order the groups are looked up; no two of its patterns overlap.
 */
import type http from 'node:http';
import type {Api, Route} from './context.js';
import {discoveryRoutes} from './discovery.js';
import {eventRoutes} from './events.js';
import {logRoutes} from './logs.js';
import {podRoutes} from './pods.js';
import {proxyRoutes} from './proxy.js';
import {serviceRoutes} from './services.js';
import {json, noSuchResource, statusBody} from './status.js';
import {workloadRoutes} from './workloads.js';

const routes: readonly Route[] = [...discoveryRoutes, ...workloadRoutes, ...logRoutes, ...podRoutes, ...eventRoutes, ...proxyRoutes, ...serviceRoutes];

export function createHandler(api: Api, args: {token: string; requests: string[]; open: Set<http.ServerResponse>}) {
	return (req: http.IncomingMessage, res: http.ServerResponse): void => {
		const url = new URL(req.url ?? '/', 'https://127.0.0.1');
		const q = url.searchParams;
		const path = url.pathname.replace(/\/+$/, '') || '/';
		args.requests.push(`${req.method} ${path}${url.search}`);
		args.open.add(res);
		res.on('close', () => args.open.delete(res));

		if (req.headers.authorization !== `Bearer ${args.token}`) return json(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
		for (const route of routes) {
			const m = path.match(route.path);
			if (m) return route.serve(api, {req, res, url, path, q}, m);
		}
		return noSuchResource(res);
	};
}
