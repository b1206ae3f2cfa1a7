/**
 * A local Kubernetes API server (HTTPS on 127.0.0.1) over `SimCluster`: enough
 * REST for infertop, @kubernetes/client-node 1.x and kubectl — discovery, pods
 * list/get/watch with resourceVersions, bookmarks and 410 Gone, events,
 * `pods/{name}/log` with the kubelet's follow semantics, apps/v1 and LWS
 * workloads, the service proxy, and real `Status` bodies for 401/403/404.
 * Tests and `infertop demo` use it; it never leaves the loopback interface.
 *
 * This file starts and stops it and writes its kubeconfig; the routes are one file
 * per API group under api/ (router.ts holds the table).
 */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import type {Api, SimService} from './api/context.js';
import {createHandler} from './api/router.js';
import {makeCerts} from './certs.js';
import {SimCluster} from './cluster.js';

export type {SimService} from './api/context.js';
export {statusBody} from './api/status.js';

export interface SimApiServer {
	url: string;
	kubeconfigPath: string;
	/** the bearer token the kubeconfig carries (tests only; never printed) */
	token: string;
	caPem: string;
	dir: string;
	cluster: SimCluster;
	addService(s: {namespace?: string; name: string; port: number; selector?: Record<string, string>; target: string}): void;
	/** requests seen, `METHOD path?query` (tests assert on what was asked) */
	requests: string[];
	/** log responses open now, and the most open at once */
	stats: {openLogs: number; maxOpenLogs: number};
	close(): Promise<void>;
}

export interface ApiServerOptions {
	cluster?: SimCluster;
	namespace?: string;
	token?: string;
	/** BOOKMARK interval for watches with allowWatchBookmarks (a real server: ~1 min) */
	bookmarkMs?: number;
	/** the context the kubeconfig names (default infertop-sim) */
	contextName?: string;
	/** user name in 403 messages */
	user?: string;
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<SimApiServer> {
	const cluster = opts.cluster ?? new SimCluster();
	const certs = makeCerts();
	const token = opts.token ?? `sim-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
	const services: SimService[] = [];
	const requests: string[] = [];
	const stats = {openLogs: 0, maxOpenLogs: 0};
	const open = new Set<http.ServerResponse>();
	const timers = new Set<NodeJS.Timeout>();
	const api: Api = {cluster, services, user: opts.user ?? 'system:serviceaccount:default:infertop', bookmarkMs: opts.bookmarkMs ?? 1000, stats, timers};
	const handler = createHandler(api, {token, requests, open});

	const server = https.createServer({key: certs.keyPem, cert: certs.certPem}, handler);
	server.keepAliveTimeout = 60_000;
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const url = `https://127.0.0.1:${port}`;
	const namespace = opts.namespace ?? 'default';
	const contextName = opts.contextName ?? 'infertop-sim';
	const kubeconfigPath = path.join(certs.dir, 'kubeconfig');
	mkdirSync(certs.dir, {recursive: true});
	writeFileSync(kubeconfigPath, kubeconfigYaml({url, caPem: certs.caPem, token, namespace, contextName}), {mode: 0o600});

	return {
		url,
		kubeconfigPath,
		token,
		caPem: certs.caPem,
		dir: certs.dir,
		cluster,
		requests,
		stats,
		addService(s) {
			services.push({namespace: s.namespace ?? 'default', name: s.name, port: s.port, selector: s.selector ?? {}, target: s.target});
		},
		async close() {
			for (const t of timers) clearInterval(t);
			for (const r of open) r.destroy();
			server.closeAllConnections();
			await new Promise<void>(resolve => server.close(() => resolve()));
			// the CA, keys and kubeconfig were for this server only: leave no temp files behind
			rmSync(certs.dir, {recursive: true, force: true});
		},
	};
}

export function kubeconfigYaml(k: {url: string; caPem: string; token: string; namespace: string; contextName: string; user?: string; cluster?: string}): string {
	const user = k.user ?? 'infertop-sim-user';
	const cluster = k.cluster ?? 'infertop-sim';
	return `apiVersion: v1
kind: Config
clusters:
- name: ${cluster}
  cluster:
    server: ${k.url}
    certificate-authority-data: ${Buffer.from(k.caPem).toString('base64')}
users:
- name: ${user}
  user:
    token: ${k.token}
contexts:
- name: ${k.contextName}
  context:
    cluster: ${cluster}
    user: ${user}
    namespace: ${k.namespace}
current-context: ${k.contextName}
`;
}
