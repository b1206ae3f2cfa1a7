/**
 * What every route of the simulated API server shares: the cluster it serves, the
 * services it proxies to, who the caller is (for 403 messages), the counters and
 * timers the server closes with; one request as a route sees it; and the route
 * table's row. The routes are one file per API group beside this one.
 */
import type http from 'node:http';
import type {SimCluster} from '../cluster.js';

export interface SimService {
	namespace: string;
	name: string;
	port: number;
	selector: Record<string, string>;
	/** where the proxy sends requests, e.g. http://127.0.0.1:8000 */
	target: string;
}

export interface Api {
	cluster: SimCluster;
	services: SimService[];
	/** user name in 403 messages */
	user: string;
	/** BOOKMARK interval for watches with allowWatchBookmarks */
	bookmarkMs: number;
	/** log responses open now, and the most open at once */
	stats: {openLogs: number; maxOpenLogs: number};
	/** intervals and timeouts the server clears when it closes */
	timers: Set<NodeJS.Timeout>;
}

/** One request: the path without its trailing slash, and the query. */
export interface Call {
	req: http.IncomingMessage;
	res: http.ServerResponse;
	url: URL;
	path: string;
	q: URLSearchParams;
}

/** A row of the route table: the first whose pattern matches the path serves it. */
export interface Route {
	path: RegExp;
	serve(api: Api, call: Call, m: RegExpMatchArray): void;
}

/** `verb resource` denied by the cluster's RBAC stand-in */
export const denied = (api: Api, verb: string, resource: string) => api.cluster.denied.has(`${verb} ${resource}`);
