/**
 * HTTP answers → what they mean for the endpoint. Pure, so every odd answer
 * (a proxy's HTML page, the API server's Status JSON, a redirect) is tested
 * without a network.
 *
 * vLLM's `/health` (docs/log-formats/vllm.md §2.7) answers 200 with an empty body, or 503
 * with an empty body once the engine is dead (500 in old versions). Anything
 * else in the way — the API server's service proxy, an ingress — speaks for
 * itself: the API server with a `{"kind":"Status",…}` body, an ingress with HTML.
 */
import type {HttpResult} from './http-request.js';
import {safeText} from '../../core/text-safety.js';
import type {RedirectRefused, Target} from './target.js';
import type {ProbeOutcome} from '../../core/probe-types.js';

export type AnyResult = HttpResult | RedirectRefused;

export interface Verdict {
	outcome: ProbeOutcome;
	reason: string | null;
}

/** The Kubernetes API server's own error body (`metav1.Status`). */
export function apiStatus(body: Buffer): {code: number | null; reason: string | null; message: string} | null {
	if (body.length === 0 || body.length > 65_536 || body[0] !== 0x7b /* { */) return null;
	try {
		const j = JSON.parse(body.toString('utf8')) as {kind?: unknown; message?: unknown; reason?: unknown; code?: unknown};
		if (j.kind !== 'Status') return null;
		return {
			code: typeof j.code === 'number' ? j.code : null,
			reason: typeof j.reason === 'string' ? j.reason : null,
			message: typeof j.message === 'string' ? j.message : '',
		};
	} catch {
		return null;
	}
}

/** A short, printable look at a body (HTML title, else the first printable bytes). */
export function bodyHint(body: Buffer, contentType: string | undefined): string {
	// redacted and made printable before it is cut: a cut must not leave half a credential
	const text = safeText(body.subarray(0, 2048).toString('utf8'));
	const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(text);
	const kind = contentType ? contentType.split(';')[0]!.trim() : 'no content-type';
	if (title) return `${kind}: "${title[1]!.trim()}"`;
	const plain = text
		.replace(/\s+/g, ' ')
		.replace(/[^\x20-\x7e]/g, '?')
		.trim()
		.slice(0, 80);
	return plain ? `${kind}: "${plain}"` : kind;
}

const isHtml = (ct: string | undefined, body: Buffer) => /html/i.test(ct ?? '') || /^\s*<(!doctype|html)/i.test(body.subarray(0, 64).toString('utf8'));

/** The proxy path: `service ns/name:port` is reached through the API server. */
function proxyNote(target: Target): string {
	return target.service ? `the API server's proxy to service ${target.service.namespace}/${target.service.name}:${target.service.port}` : 'the proxy';
}

/** `/health` → ok / unhealthy / unreachable / unauthorized. */
export function classifyHealth(r: AnyResult, target: Target): Verdict {
	if (!r.ok) {
		// Through the proxy, a transport failure is between us and the API server, not vLLM.
		const who = target.mode === 'proxy' && r.kind !== 'redirect' ? 'the Kubernetes API server: ' : '';
		return {outcome: 'unreachable', reason: `GET /health: ${who}${r.message}`};
	}
	if (r.status === 200) return {outcome: 'ok', reason: null};
	const ct = r.headers['content-type'];
	if (target.mode === 'proxy') {
		const st = apiStatus(r.body);
		if (st) {
			if (r.status === 401 || r.status === 403) {
				return {
					outcome: 'unauthorized',
					reason: `the Kubernetes API server refused the kubeconfig's credentials for the service proxy (${r.status}${st.message ? `: ${st.message}` : ''}); they need "get" on services/proxy in ${target.service?.namespace ?? 'the namespace'}`,
				};
			}
			return {outcome: 'unreachable', reason: `GET /health: ${proxyNote(target)} answered ${r.status}${st.message ? `: ${st.message}` : ''}`};
		}
	}
	if (redirectStatus(r.status)) return {outcome: 'unreachable', reason: `GET /health answered ${r.status} with no usable Location`};
	if (isHtml(ct, r.body)) {
		// vLLM never answers /health with HTML: something in front of it (ingress, gateway) is talking.
		const who = r.status >= 500 ? 'unreachable' : r.status === 401 || r.status === 403 ? 'unauthorized' : 'unreachable';
		return {outcome: who, reason: `GET /health answered ${r.status} with an HTML page (${bodyHint(r.body, ct)}) — a proxy or gateway in front of vLLM, not vLLM itself`};
	}
	if (r.status === 401 || r.status === 403) {
		return {outcome: 'unauthorized', reason: `GET /health answered ${r.status}: vLLM leaves /health open, so something in front of it wants credentials`};
	}
	if (r.status === 404) return {outcome: 'unhealthy', reason: 'GET /health answered 404 — is this a vLLM server (right port and path)?'};
	if (r.status === 503) return {outcome: 'unhealthy', reason: 'GET /health answered 503: vLLM says its engine is dead (or, in newer versions, still warming up or draining)'};
	return {outcome: 'unhealthy', reason: `GET /health answered ${r.status}${r.body.length ? ` (${bodyHint(r.body, ct)})` : ''}`};
}

const redirectStatus = (s: number) => s >= 300 && s < 400;

/** How to get past a 401 on `/v1/*`, depending on how the endpoint is reached. */
export function unauthorizedHint(target: Target, status: number): string {
	if (target.mode === 'proxy' && target.service) {
		const {namespace, name, port} = target.service;
		return (
			`GET /v1/models answered ${status} through the API server's service proxy: the server wants an API key (vLLM --api-key), ` +
			`and the API server strips Authorization before proxying, so no token can ride the proxy. ` +
			`Forward a port and pass the token through it: kubectl port-forward -n ${namespace} svc/${name} 8000:${port}, ` +
			`then infertop --endpoint http://127.0.0.1:8000 --token-file PATH (or INFERTOP_ENDPOINT_TOKEN)`
		);
	}
	if (target.sendsToken) {
		return `GET /v1/models answered ${status} with the token given: the server does not accept it (check --token-file / INFERTOP_ENDPOINT_TOKEN against vLLM's --api-key)`;
	}
	return `GET /v1/models answered ${status}: the server wants an API key (vLLM --api-key guards /v1/*); pass --token-file PATH or set INFERTOP_ENDPOINT_TOKEN`;
}

export type JsonResult<T> = {ok: true; value: T} | {ok: false; unauthorized: boolean; status: number | null; error: string};

/** A JSON GET answer → the value, or a worded error (HTML page, not JSON, 401 …). */
export function readJson(path: string, r: AnyResult, target: Target): JsonResult<unknown> {
	if (!r.ok) return {ok: false, unauthorized: false, status: null, error: `GET ${path}: ${r.message}`};
	const ct = r.headers['content-type'];
	if (r.status === 401 || r.status === 403) {
		const st = target.mode === 'proxy' ? apiStatus(r.body) : null;
		if (st) return {ok: false, unauthorized: true, status: r.status, error: `GET ${path}: the Kubernetes API server refused the kubeconfig's credentials (${r.status}${st.message ? `: ${st.message}` : ''})`};
		return {ok: false, unauthorized: true, status: r.status, error: unauthorizedHint(target, r.status)};
	}
	if (r.status !== 200) {
		const st = target.mode === 'proxy' ? apiStatus(r.body) : null;
		const what = st ? `: ${proxyNote(target)} answered ${r.status}${st.message ? `: ${st.message}` : ''}` : ` answered ${r.status} (${bodyHint(r.body, ct)})`;
		return {ok: false, unauthorized: false, status: r.status, error: `GET ${path}${what}`};
	}
	try {
		return {ok: true, value: JSON.parse(r.body.toString('utf8'))};
	} catch {
		return {ok: false, unauthorized: false, status: r.status, error: `GET ${path}: not JSON (${bodyHint(r.body, ct)})`};
	}
}

/**
 * What a round's `/v1/models` or `/metrics` answer says against "a vLLM answered"
 * (null: nothing against it). `/health` 200 alone proves nothing: an nginx page, a
 * default backend or any web server answers it. vLLM always serves `/v1/models` as
 * an OpenAI ModelList naming its model and `/metrics` as Prometheus text with
 * `vllm:*` series; an answer that is not that is `notVllm` (the outcome stays
 * `unhealthy`: the snapshot contract's health enum has no other value). A 5xx is
 * `unhealthy`, no answer at all (timeout, reset) `unreachable`: a missed probe.
 */
export interface RoundProblem {
	outcome: 'unhealthy' | 'unreachable' | 'unauthorized';
	reason: string;
	/** the answer is not vLLM's (HTML, not JSON, no model list, not Prometheus text, no vllm:* metrics) */
	notVllm: boolean;
}

const miss = (reason: string, tooLarge = false): RoundProblem => ({outcome: tooLarge ? 'unhealthy' : 'unreachable', reason, notVllm: false});
const notVllm = (reason: string): RoundProblem => ({outcome: 'unhealthy', reason, notVllm: true});

/** A non-200 answer to `path`: a 5xx is the server failing, a 404/405/other is not vLLM's route table. */
function statusProblem(path: string, r: HttpResult, target: Target): RoundProblem {
	const ct = r.ok ? r.headers['content-type'] : undefined;
	const status = r.ok ? r.status : 0;
	const st = target.mode === 'proxy' && r.ok ? apiStatus(r.body) : null;
	if (st) return miss(`GET ${path}: ${proxyNote(target)} answered ${status}${st.message ? `: ${st.message}` : ''}`);
	const what = r.ok ? ` answered ${status} (${bodyHint(r.body, ct)})` : '';
	if (status >= 500) return {outcome: 'unhealthy', reason: `GET ${path}${what}`, notVllm: false};
	return notVllm(`GET ${path}${what}: vLLM serves ${path} (is this a vLLM server, right port and path?)`);
}

/** `/v1/models` (already read by readJson/modelIds) → a problem, or null when it names a model. */
export function modelsProblem(r: AnyResult, target: Target, ids: string[] | string | null): RoundProblem | null {
	if (!r.ok) return miss(`GET /v1/models: ${r.message}`, r.kind === 'too-large');
	if (r.status === 401 || r.status === 403) return null; // unauthorized: said by readJson
	if (r.status !== 200) return statusProblem('/v1/models', r, target);
	const ct = r.headers['content-type'];
	if (isHtml(ct, r.body)) return notVllm(`GET /v1/models answered an HTML page (${bodyHint(r.body, ct)}), not vLLM's JSON model list`);
	if (ids === null) return notVllm(`GET /v1/models: not JSON (${bodyHint(r.body, ct)})`);
	if (typeof ids === 'string') return notVllm(ids);
	if (ids.length === 0) return notVllm('GET /v1/models: the model list names no model (vLLM always serves the one it loaded)');
	return null;
}

/** What `/metrics` said: a transport failure, a status, HTML, text that is not Prometheus, or no vllm:* series. */
export type MetricsAnswer = {kind: 'answer'; result: AnyResult} | {kind: 'not-prometheus'; error: string} | {kind: 'no-vllm'} | {kind: 'ok'};

export function metricsProblem(a: MetricsAnswer, target: Target): RoundProblem | null {
	if (a.kind === 'ok') return null;
	if (a.kind === 'no-vllm') {
		return notVllm('GET /metrics: no vllm:* metrics in the Prometheus text (vLLM exports them unless started with --disable-log-stats, and the gate needs them to see tokens move)');
	}
	if (a.kind === 'not-prometheus') return notVllm(`GET /metrics: not Prometheus text (${a.error})`);
	const r = a.result;
	if (!r.ok) return miss(`GET /metrics: ${r.message}`, r.kind === 'too-large');
	// vLLM's --api-key guards only /v1/*: a refusal here comes from something in front of it
	if (r.status === 401 || r.status === 403) return {outcome: 'unauthorized', reason: `GET /metrics answered ${r.status}: vLLM leaves /metrics open, so something in front of it wants credentials`, notVllm: false};
	if (r.status !== 200) return statusProblem('/metrics', r, target);
	const ct = r.headers['content-type'];
	if (isHtml(ct, r.body)) return notVllm(`GET /metrics answered an HTML page (${bodyHint(r.body, ct)}), not Prometheus text`);
	return notVllm(`GET /metrics: not Prometheus text (${bodyHint(r.body, ct)})`);
}

/** The round's verdict: the first identity problem wins (it says more than a miss), then the first other. */
export function roundProblem(...problems: (RoundProblem | null)[]): RoundProblem | null {
	return problems.find(p => p?.notVllm) ?? problems.find(p => p !== null) ?? null;
}

/** `/v1/models` ModelList → served ids (`data[].id`), or why not. */
export function modelIds(value: unknown): string[] | string {
	const data = (value as {data?: unknown} | null)?.data;
	if (!Array.isArray(data)) return 'GET /v1/models: JSON without a "data" list (not an OpenAI ModelList)';
	const ids: string[] = [];
	for (const m of data) if (m && typeof (m as {id?: unknown}).id === 'string') ids.push((m as {id: string}).id);
	return ids;
}
