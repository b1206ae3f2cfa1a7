/**
 * A small Kubernetes REST client over node:https, authenticated by client-node's
 * KubeConfig (tokens, client certs, exec plugins, in-cluster). Why not client-node's
 * Log/Watch: in 1.x `Log` pipes the body into your Writable and a mid-stream drop
 * never finishes it, non-500 errors lose the Status body, and `Watch` cannot ask
 * for bookmarks; here every request takes a rate-limiter token and every failure
 * keeps its Status message.
 *
 * Deadlines: an API server (or a load balancer in front of it) that accepts TCP and
 * never answers must not hang a request forever. Every request has a connect
 * deadline (TCP and TLS handshake) and a response deadline (status line and headers);
 * a getJson body must keep arriving; each failure is a KubeDeadlineError naming the
 * server, the request and the step it was stuck at. `inFlight()` says what the oldest
 * open request waits for (the TUI's "connecting to …", --wait's message).
 */
import type {IncomingMessage} from 'node:http';
import https from 'node:https';
import type {KubeConfig} from '@kubernetes/client-node';
import {KubeApiError, KubeDeadlineError, type RequestStep} from './errors.js';
import type {RateLimiter} from './rate-limit.js';

export interface KubeClient {
	readonly kc: KubeConfig;
	readonly server: string;
	readonly limiter: RateLimiter;
	getJson<T = any>(path: string, query: Record<string, string | number | boolean | undefined | null>, what: {verb: string; resource: string; namespace: string | null; signal?: AbortSignal}): Promise<T>;
	/** a streaming GET (watch, log): resolves with the 200 response, else throws KubeApiError */
	stream(path: string, query: Record<string, string | number | boolean | undefined | null>, what: {verb: string; resource: string; namespace: string | null; signal: AbortSignal}): Promise<IncomingMessage>;
	close(): void;
	/** the oldest request not answered yet: what it is, since when, and the step it waits at */
	inFlight(): InFlight | null;
}

export interface InFlight {
	what: string;
	since: number;
	step: RequestStep;
}

export interface KubeDeadlines {
	/** TCP connect and TLS handshake */
	connectMs: number;
	/** from the request sent to the response's headers */
	responseMs: number;
	/** a getJson body: longest gap between two pieces of it */
	bodyIdleMs: number;
}

export const defaultDeadlines: KubeDeadlines = {connectMs: 10_000, responseMs: 30_000, bodyIdleMs: 30_000};

const describeRequest = (what: {verb: string; resource: string; namespace: string | null}) => `${what.verb} ${what.resource}${what.namespace ? ` in namespace ${what.namespace}` : ''}`;

export function createKubeClient(kc: KubeConfig, limiter: RateLimiter, deadlines: Partial<KubeDeadlines> = {}): KubeClient {
	const server = kc.getCurrentCluster()!.server.replace(/\/+$/, '');
	const limits = {...defaultDeadlines, ...deadlines};
	let agent: https.Agent | null = null;
	const open = new Set<InFlight>();

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

	const request = async (path: string, query: Record<string, string | number | boolean | undefined | null>, what: {verb: string; resource: string; namespace: string | null; signal?: AbortSignal}): Promise<IncomingMessage> => {
		await limiter.take(what.signal);
		const flight: InFlight = {what: describeRequest(what), since: Date.now(), step: 'credentials'};
		open.add(flight);
		let headers: Record<string, string>;
		try {
			headers = await prepare();
		} catch (err) {
			open.delete(flight);
			throw err;
		}
		const url = new URL(server + path);
		for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
		return new Promise((resolve, reject) => {
			let timer: NodeJS.Timeout | null = null;
			const done = () => {
				if (timer) clearTimeout(timer);
				timer = null;
				open.delete(flight);
			};
			const arm = (step: RequestStep, ms: number) => {
				flight.step = step;
				if (timer) clearTimeout(timer);
				timer = setTimeout(() => req.destroy(new KubeDeadlineError(server, flight.what, flight.step, ms)), ms);
			};
			const req = https.get(url, {agent: agent!, headers, signal: what.signal}, res => {
				done();
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
			req.on('error', err => {
				done();
				reject(err);
			});
			arm('connect', limits.connectMs);
			req.on('socket', socket => {
				// a kept-alive socket is connected already; a new one must finish TCP and TLS first
				const connected = () => arm('response', limits.responseMs);
				const tls = socket as unknown as {encrypted?: boolean; _secureEstablished?: boolean};
				if (!tls.encrypted) {
					// plain TCP (a proxy's agent): connected is enough
					if (req.reusedSocket || !socket.connecting) connected();
					else socket.once('connect', connected);
					return;
				}
				// a kept-alive socket finished its handshake long ago; a new one has not started it
				if (req.reusedSocket || tls._secureEstablished === true) return connected();
				if (!socket.connecting) flight.step = 'tls';
				else socket.once('connect', () => (flight.step = 'tls'));
				socket.once('secureConnect', connected);
			});
		});
	};

	return {
		kc,
		server,
		limiter,
		async getJson(path, query, what) {
			const res = await request(path, query, what);
			const chunks: Buffer[] = [];
			const flight: InFlight = {what: describeRequest(what), since: Date.now(), step: 'body'};
			open.add(flight);
			let timer: NodeJS.Timeout | null = null;
			const arm = () => {
				if (timer) clearTimeout(timer);
				timer = setTimeout(() => res.destroy(new KubeDeadlineError(server, flight.what, 'body', limits.bodyIdleMs)), limits.bodyIdleMs);
			};
			try {
				arm();
				for await (const c of res) {
					arm();
					chunks.push(c as Buffer);
				}
			} finally {
				if (timer) clearTimeout(timer);
				open.delete(flight);
			}
			return JSON.parse(Buffer.concat(chunks).toString('utf8'));
		},
		inFlight() {
			let oldest: InFlight | null = null;
			for (const f of open) if (!oldest || f.since < oldest.since) oldest = f;
			return oldest ? {...oldest} : null;
		},
		stream: request,
		close() {
			agent?.destroy();
		},
	};
}
