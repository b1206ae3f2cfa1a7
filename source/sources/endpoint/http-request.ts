/**
 * One bounded HTTP request: an overall deadline (a server that trickles bytes
 * cannot hold a probe past it), a byte cap (a 50 MB answer is aborted, not read),
 * no redirect following (the caller decides). node:http(s), not fetch: we need
 * the agent client-node builds for the API server's CA and client certificates.
 */
import http from 'node:http';
import https from 'node:https';
import {performance} from 'node:perf_hooks';

export interface HttpReply {
	ok: true;
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	latencyMs: number;
}

export type HttpFailureKind = 'refused' | 'timeout' | 'dns' | 'too-large' | 'reset' | 'tls' | 'other';

export interface HttpFailure {
	ok: false;
	kind: HttpFailureKind;
	/** worded for a person, never containing a header value */
	message: string;
	latencyMs: number;
}

export type HttpResult = HttpReply | HttpFailure;

export interface RequestSpec {
	url: URL;
	method?: 'GET' | 'POST';
	headers?: Record<string, string>;
	body?: string;
	timeoutMs: number;
	maxBytes: number;
	/** e.g. the https.Agent client-node builds (CA, client cert) */
	agent?: http.Agent;
	/** extra TLS options (ca, cert, key, rejectUnauthorized) when no agent */
	tls?: https.RequestOptions;
	signal?: AbortSignal;
}

function describeError(error: NodeJS.ErrnoException, url: URL): {kind: HttpFailureKind; message: string} {
	const where = url.host;
	switch (error.code) {
		case 'ECONNREFUSED':
			return {kind: 'refused', message: `connection refused (${where})`};
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return {kind: 'dns', message: `cannot resolve ${url.hostname} (${error.code})`};
		case 'ECONNRESET':
		case 'EPIPE':
			return {kind: 'reset', message: `connection reset by ${where}`};
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return {kind: 'refused', message: `no route to ${where} (${error.code})`};
		default:
			if (error.code?.startsWith('ERR_TLS') || /certificate|SSL|TLS/i.test(error.message)) {
				return {kind: 'tls', message: `TLS to ${where} failed: ${error.message}`};
			}
			return {kind: 'other', message: `${where}: ${error.message}`};
	}
}

class Abort extends Error {
	constructor(
		readonly kind: HttpFailureKind,
		message: string,
	) {
		super(message);
	}
}

/** The credentials a request carries: each Authorization value, whole and without its scheme (`Bearer X` → X). */
function sentCredentials(headers: Record<string, string>): string[] {
	const out: string[] = [];
	for (const [k, v] of Object.entries(headers)) {
		if (k.toLowerCase() !== 'authorization' && k.toLowerCase() !== 'proxy-authorization') continue;
		for (const s of [v, v.replace(/^\S+\s+/, '')]) if (s.length >= 4 && !out.includes(s)) out.push(s);
	}
	// the longer first: `Bearer X` is masked whole before X alone is looked for
	return out.sort((a, b) => b.length - a.length);
}

const MASK = Buffer.from('<redacted>');

/**
 * A body that echoes our own credentials back (a debug proxy, an error page listing the
 * request headers) has them masked as it arrives, before anything reads, cuts or stores
 * it: nothing downstream can print a token it never holds.
 */
function maskSent(body: Buffer, sent: readonly string[]): Buffer {
	let b = body;
	for (const secret of sent) {
		const needle = Buffer.from(secret);
		let i = b.indexOf(needle);
		if (i === -1) continue;
		const parts: Buffer[] = [];
		let from = 0;
		for (; i !== -1; i = b.indexOf(needle, from)) {
			parts.push(b.subarray(from, i), MASK);
			from = i + needle.length;
		}
		parts.push(b.subarray(from));
		b = Buffer.concat(parts);
	}
	return b;
}

export function httpRequest(spec: RequestSpec): Promise<HttpResult> {
	const start = performance.now();
	const elapsed = () => Math.round((performance.now() - start) * 10) / 10;
	return new Promise(resolve => {
		let settled = false;
		const finish = (r: HttpResult) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			spec.signal?.removeEventListener('abort', onAbort);
			resolve(r);
		};
		const mod = spec.url.protocol === 'https:' ? https : http;
		const headers: Record<string, string> = {'user-agent': 'infertop', ...spec.headers};
		const sent = sentCredentials(headers);
		if (spec.body !== undefined) headers['content-length'] = String(Buffer.byteLength(spec.body));
		const req = mod.request(spec.url, {
			...spec.tls,
			method: spec.method ?? 'GET',
			headers,
			agent: spec.agent ?? (spec.tls ? undefined : false),
		});
		// The deadline covers the whole exchange, body included: a trickling server is a timeout.
		const timer = setTimeout(() => req.destroy(new Abort('timeout', `no complete answer within ${spec.timeoutMs} ms (${spec.url.host})`)), spec.timeoutMs);
		const onAbort = () => req.destroy(new Abort('other', 'probe stopped'));
		spec.signal?.addEventListener('abort', onAbort, {once: true});
		req.on('error', (error: NodeJS.ErrnoException) => {
			if (error instanceof Abort) finish({ok: false, kind: error.kind, message: error.message, latencyMs: elapsed()});
			else finish({ok: false, ...describeError(error, spec.url), latencyMs: elapsed()});
		});
		req.on('response', res => {
			const declared = Number(res.headers['content-length']);
			if (Number.isFinite(declared) && declared > spec.maxBytes) {
				req.destroy(new Abort('too-large', `answer of ${declared} bytes is over the ${spec.maxBytes}-byte limit (not read)`));
				return;
			}
			const chunks: Buffer[] = [];
			let size = 0;
			res.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > spec.maxBytes) {
					req.destroy(new Abort('too-large', `answer over the ${spec.maxBytes}-byte limit (aborted after ${size} bytes)`));
					return;
				}
				chunks.push(chunk);
			});
			res.on('error', () => {
				/* reported through req's error */
			});
			res.on('aborted', () => req.destroy(new Abort('reset', `connection closed mid-answer by ${spec.url.host}`)));
			res.on('end', () => {
				if (!res.complete) {
					finish({ok: false, kind: 'reset', message: `answer cut short by ${spec.url.host}`, latencyMs: elapsed()});
					return;
				}
				finish({ok: true, status: res.statusCode ?? 0, headers: res.headers, body: maskSent(Buffer.concat(chunks), sent), latencyMs: elapsed()});
			});
		});
		if (spec.body !== undefined) req.write(spec.body);
		req.end();
	});
}
