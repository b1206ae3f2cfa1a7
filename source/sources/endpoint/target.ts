/**
 * Where the endpoint is and how a request reaches it:
 * - direct: `--endpoint URL` (a bearer token may ride along);
 * - proxy: the Kubernetes API server's service proxy,
 *   `/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH`, with the kubeconfig's
 *   server, CA and credentials (client-node builds the agent and auth header).
 *   The API server strips `Authorization` before proxying, so no endpoint token
 *   can ride it.
 * Redirects: followed only to the same origin (at most 3 hops); to another host
 * they are reported, never followed (the token must not leak there).
 */
import type http from 'node:http';
import type {KubeConfig} from '@kubernetes/client-node';
import {httpRequest, type HttpResult} from './http-request.js';
import {shownEndpointUrl} from '../../core/text-safety.js';

export interface RequestOptions {
	method?: 'GET' | 'POST';
	body?: string;
	accept?: string;
	timeoutMs: number;
	maxBytes: number;
	signal?: AbortSignal;
}

export interface Target {
	mode: 'direct' | 'proxy';
	/** what the state shows as `url` (never credentials) */
	display: string;
	/** how it is reached, e.g. `http://127.0.0.1:8000 (direct)` */
	describe: string;
	/** a token is sent with each request */
	sendsToken: boolean;
	service: {namespace: string; name: string; port: string} | null;
	request(path: string, options: RequestOptions): Promise<HttpResult | RedirectRefused>;
}

export interface RedirectRefused {
	ok: false;
	kind: 'redirect';
	message: string;
	latencyMs: number;
}

const redirects = new Set([301, 302, 303, 307, 308]);

/** `http://h:1/base/` + `/health` → `http://h:1/base/health` */
export function joinUrl(base: URL, path: string): URL {
	const u = new URL(base.href);
	u.pathname = u.pathname.replace(/\/+$/, '') + path;
	u.search = '';
	return u;
}

async function withRedirects(first: URL, send: (url: URL) => Promise<HttpResult>): Promise<HttpResult | RedirectRefused> {
	let url = first;
	for (let hop = 0; ; hop++) {
		const r = await send(url);
		if (!r.ok || !redirects.has(r.status)) return r;
		const location = r.headers.location;
		if (!location) return r;
		let next: URL;
		try {
			next = new URL(location, url);
		} catch {
			return {ok: false, kind: 'redirect', message: `${r.status} redirect to an unreadable Location`, latencyMs: r.latencyMs};
		}
		if (next.origin !== url.origin) {
			return {ok: false, kind: 'redirect', message: `${r.status} redirect to ${shownEndpointUrl(next)} — another host, not followed`, latencyMs: r.latencyMs};
		}
		if (hop >= 2) return {ok: false, kind: 'redirect', message: `more than 3 redirects (last to ${shownEndpointUrl(next)})`, latencyMs: r.latencyMs};
		url = next;
	}
}

export function directTarget(urlText: string, token: string | null): Target {
	const base = new URL(urlText);
	const shown = shownEndpointUrl(base);
	return {
		mode: 'direct',
		display: shown,
		describe: `${shown} (direct${token ? ', with a bearer token' : ''})`,
		sendsToken: token !== null,
		service: null,
		request(path, o) {
			const headers: Record<string, string> = {accept: o.accept ?? '*/*'};
			if (o.body !== undefined) headers['content-type'] = 'application/json';
			if (token) headers['authorization'] = `Bearer ${token}`;
			return withRedirects(joinUrl(base, path), url => httpRequest({url, method: o.method, body: o.body, headers, timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, signal: o.signal}));
		},
	};
}

export function proxyTarget(kc: KubeConfig, namespace: string, name: string, port: string, how?: string): Target {
	const cluster = kc.getCurrentCluster();
	if (!cluster) throw new Error('the kubeconfig has no current cluster');
	const server = new URL(cluster.server);
	const prefix = `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(name)}:${encodeURIComponent(port)}/proxy`;
	const base = joinUrl(server, prefix);
	return {
		mode: 'proxy',
		display: `service ${namespace}/${name}:${port}`,
		describe: `service ${namespace}/${name}:${port} via the API server proxy${how ? ` (${how})` : ''}`,
		sendsToken: false,
		service: {namespace, name, port},
		async request(path, o) {
			// Credentials may refresh (exec plugins, expiring tokens): ask client-node every time.
			const opts: {headers?: Record<string, string>; agent?: http.Agent; auth?: string} = {headers: {}};
			await kc.applyToHTTPSOptions(opts as never);
			const headers: Record<string, string> = {...(opts.headers ?? {}), accept: o.accept ?? '*/*'};
			if (opts.auth) headers['authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
			if (o.body !== undefined) headers['content-type'] = 'application/json';
			return withRedirects(joinUrl(base, path), url => httpRequest({url, method: o.method, body: o.body, headers, agent: opts.agent, timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, signal: o.signal}));
		},
	};
}
