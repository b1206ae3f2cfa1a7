/**
 * The simulated API server's replies: JSON bodies with their length, and the
 * `Status` objects a real server sends for 401, 403, 404, 400 and 5xx, worded as
 * kube-apiserver words them (clients and kubectl print these messages).
 */
import type http from 'node:http';
import type {Api} from './context.js';

export const json = (res: http.ServerResponse, code: number, body: unknown) => {
	const s = JSON.stringify(body);
	res.writeHead(code, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(s)});
	res.end(s);
};

export function statusBody(code: number, reason: string, message: string, details?: {name?: string; kind?: string; group?: string}) {
	return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code};
}

/** `pods "x" is forbidden: User "…" cannot get resource "pods/log" in API group "" in the namespace "ns"` */
export function forbidden(api: Api, res: http.ServerResponse, verb: string, resource: string, ns: string | null, name?: string) {
	const [res0, sub] = resource.split('/');
	const group = resource === 'deployments' || resource === 'statefulsets' ? 'apps' : resource === 'leaderworkersets' ? 'leaderworkerset.x-k8s.io' : '';
	const what = name ? `${res0} "${name}"` : res0;
	const msg = `${what} is forbidden: User "${api.user}" cannot ${verb} resource "${res0}${sub ? '/' + sub : ''}" in API group "${group}"${ns ? ` in the namespace "${ns}"` : ' at the cluster scope'}`;
	json(res, 403, statusBody(403, 'Forbidden', msg, {name, kind: res0, group: group || undefined}));
}

export const notFound = (res: http.ServerResponse, resource: string, name: string, group?: string) => json(res, 404, statusBody(404, 'NotFound', `${resource}${group ? '.' + group : ''} "${name}" not found`, {name, kind: resource, group}));

/** the 404 for a path no route serves */
export const noSuchResource = (res: http.ServerResponse) => json(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));

/** an injected `log-status` / `list-status` fault, as the server would fail */
export const faultStatus = (res: http.ServerResponse, fault: {code: number; message?: string}) => json(res, fault.code, statusBody(fault.code, fault.code >= 500 ? 'InternalError' : 'BadRequest', fault.message ?? 'injected failure'));
