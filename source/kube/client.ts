/**
 * A small Kubernetes REST client over node:https, authenticated by client-node's
 * KubeConfig (tokens, client certs, exec plugins, in-cluster). Why not client-node's
 * Log/Watch: in 1.x `Log` pipes the body into your Writable and a mid-stream drop
 * never finishes it, non-500 errors lose the Status body, and `Watch` cannot ask
 * for bookmarks; here every request takes a rate-limiter token and every failure
 * keeps its Status message.
 */
import type {IncomingMessage} from 'node:http';
import https from 'node:https';
import type {KubeConfig} from '@kubernetes/client-node';
import {KubeApiError} from './errors.js';
import type {RateLimiter} from './rate-limit.js';

export interface KubeClient {
	readonly kc: KubeConfig;
	readonly server: string;
	readonly limiter: RateLimiter;
	getJson<T = any>(path: string, query: Record<string, string | number | boolean | undefined | null>, what: {verb: string; resource: string; namespace: string | null; signal?: AbortSignal}): Promise<T>;
	/** a streaming GET (watch, log): resolves with the 200 response, else throws KubeApiError */
	stream(path: string, query: Record<string, string | number | boolean | undefined | null>, what: {verb: string; resource: string; namespace: string | null; signal: AbortSignal}): Promise<IncomingMessage>;
	close(): void;
}

export function createKubeClient(kc: KubeConfig, limiter: RateLimiter): KubeClient {
	const server = kc.getCurrentCluster()!.server.replace(/\/+$/, '');
	let agent: https.Agent | null = null;

	const prepare = async () => {
		const opts: https.RequestOptions = {};
		await kc.applyToHTTPSOptions(opts);
		if (!agent) {
			const cluster = kc.getCurrentCluster();
			// one keep-alive agent (client-node makes a new one per call); proxies keep client-node's agent
			agent = cluster?.proxyUrl
				? (opts.agent as https.Agent)
				: new https.Agent({
						ca: opts.ca,
						cert: opts.cert,
						key: opts.key,
						pfx: opts.pfx,
						passphrase: opts.passphrase,
						rejectUnauthorized: opts.rejectUnauthorized,
						servername: opts.servername,
						keepAlive: true,
						maxSockets: Infinity,
					});
		}
		const headers: Record<string, string> = {Accept: 'application/json'};
		for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
		if (opts.auth) headers['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
		return headers;
	};

	const request = async (
		path: string,
		query: Record<string, string | number | boolean | undefined | null>,
		what: {verb: string; resource: string; namespace: string | null; signal?: AbortSignal},
	): Promise<IncomingMessage> => {
		await limiter.take(what.signal);
		const headers = await prepare();
		const url = new URL(server + path);
		for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
		return new Promise((resolve, reject) => {
			const req = https.get(url, {agent: agent!, headers, signal: what.signal}, res => {
				if (res.statusCode === 200) return resolve(res);
				const chunks: Buffer[] = [];
				res.on('data', c => chunks.push(c));
				res.on('error', reject);
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let message = text.trim() || `HTTP ${res.statusCode}`;
					let reason: string | null = null;
					try {
						const status = JSON.parse(text);
						if (status?.message) message = status.message;
						reason = status?.reason ?? null;
					} catch {
						// not a Status body (a proxy in between): keep the text
					}
					reject(new KubeApiError(res.statusCode ?? 0, message, reason, what.verb, what.resource, what.namespace));
				});
			});
			req.on('error', reject);
		});
	};

	return {
		kc,
		server,
		limiter,
		async getJson(path, query, what) {
			const res = await request(path, query, what);
			const chunks: Buffer[] = [];
			for await (const c of res) chunks.push(c as Buffer);
			return JSON.parse(Buffer.concat(chunks).toString('utf8'));
		},
		stream: request,
		close() {
			agent?.destroy();
		},
	};
}
