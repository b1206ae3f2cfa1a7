/**
 * The endpoint prober: every `probeIntervalMs`, ask the vLLM server how it is —
 * `/health` (its latency is the sparkline), then `/v1/models`, `/version`,
 * `/metrics` and, only with --probe-completion, a 1-token completion — and
 * dispatch one `endpoint-probe` event per round. The reducer adds what needs
 * history (stalled: running requests but no tokens, while /health says 200 —
 * vLLM #11996, #16259).
 *
 * Tokens: read once here, sent only as `Authorization: Bearer` to a direct
 * endpoint; never logged, never in a probe, the state or a message.
 */
import {readFileSync} from 'node:fs';
import type {KubeConfig} from '@kubernetes/client-node';
import type {EndpointOptions} from '../../core/options.js';
import type {Store} from '../../store/store.js';
import {UserError} from '../../core/io.js';
import type {EndpointProbe} from '../../core/probe-types.js';
import {directTarget, proxyTarget, type Target} from './target.js';
import {bodyHint, classifyHealth, metricsProblem, modelIds, modelsProblem, readJson, roundProblem, type MetricsAnswer} from './classify.js';
import {parsePromText} from './prom-text.js';
import {extractVllm} from './vllm-metrics.js';
import {MetricsWindow} from './metrics-window.js';
import {discoverLeaderService, pickPort} from './discover.js';
import {scrubDeep, scrubText} from '../../core/text-safety.js';

export interface EndpointProber {
	/** how it is reached, e.g. "http://127.0.0.1:8000 (direct)" or "service default/vllm-leader:8080 via the API server proxy" */
	describe: string;
	probeOnce(): Promise<void>;
	stop(): void;
	/** `discovering`: live mode waiting for the leader's pods to find its Service; `none`: that search found nothing (said through `log`) */
	status: 'probing' | 'discovering' | 'none';
}

export interface StartProberArgs {
	options: EndpointOptions;
	store: Store;
	env?: Record<string, string | undefined>;
	kube?: {kubeConfig: KubeConfig; namespace: string; workload?: string | null};
	signal?: AbortSignal;
	now?: () => number;
	/** start the interval loop (default true); false: only probeOnce() probes */
	autoStart?: boolean;
	/** where to say things the user should know (which Service was found, or that none was) */
	log?: (message: string) => void;
}

/** Caps: /metrics of a big multi-LoRA server is a few hundred KB; nothing we read is near these. */
export const limits = {metricsBytes: 8 * 1024 * 1024, jsonBytes: 1024 * 1024, healthBytes: 64 * 1024, maxTimeoutMs: 5000, minTimeoutMs: 500};

const loopbackHost = (host: string) => host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** The token, validated; UserError names the path, never the content. */
export function readEndpointToken(options: EndpointOptions, env: Record<string, string | undefined>): string | null {
	let token: string | null = null;
	if (options.tokenFile) {
		let text: string;
		try {
			text = readFileSync(options.tokenFile, 'utf8');
		} catch (error) {
			const e = error as NodeJS.ErrnoException;
			throw new UserError(`cannot read --token-file ${options.tokenFile}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : (e.code ?? 'unreadable')}`);
		}
		token = text.trim();
		if (!token) throw new UserError(`--token-file ${options.tokenFile} is empty`);
		if (/\s/.test(token)) throw new UserError(`--token-file ${options.tokenFile} holds more than one line or word; it should hold only the token`);
	} else {
		const fromEnv = env['INFERTOP_ENDPOINT_TOKEN']?.trim();
		if (fromEnv) token = fromEnv;
	}
	if (token && options.url) {
		const u = new URL(options.url);
		if (u.protocol === 'http:' && !loopbackHost(u.hostname) && !options.insecureToken) {
			throw new UserError(`refusing to send the endpoint token over plain http to ${u.host}: anyone on the path could read it. ` + `Use https, a port-forward to 127.0.0.1, or pass --insecure-token if this network is trusted.`);
		}
	}
	return token;
}

export async function startEndpointProber(args: StartProberArgs): Promise<EndpointProber | null> {
	const {options, store} = args;
	const env = args.env ?? process.env;
	const now = args.now ?? Date.now;
	const say = args.log ?? (() => {});
	// what is said may quote the API server (an error message): through the one list too
	const log = (m: string) => say(scrubText(m));
	const token = readEndpointToken(options, env);
	// Every string a server said (bodies, model ids, version, label values) leaves here
	// through the one list, before the state holds it: credentials redacted (our own token
	// by its value too: a server may echo it in any shape), escapes and controls removed.
	const scrubProbe = (p: EndpointProbe): EndpointProbe => scrubDeep(p, token ? [token] : []);

	let target: Target | null = null;
	let pendingDiscovery = false;
	if (options.url) {
		target = directTarget(options.url, token);
	} else if (options.service) {
		if (!args.kube) throw new UserError(`--service ${options.service.name} needs a Kubernetes context (a kubeconfig) to reach the API server's service proxy`);
		const {kubeConfig, namespace} = args.kube;
		let port = options.service.port;
		let how: string | undefined;
		if (!port) {
			const picked = await servicePort(kubeConfig, namespace, options.service.name);
			port = picked.port;
			how = picked.why;
		}
		target = proxyTarget(kubeConfig, namespace, options.service.name, port, token ? `${how ? `${how}; ` : ''}the token is not sent: the API server strips Authorization` : how);
	} else if (args.kube) {
		const found = await discover(args.kube, store, log);
		if (found === 'retry') pendingDiscovery = true;
		else if (found && found !== 'error') target = found;
		else return null;
	} else {
		return null;
	}

	const interval = Math.max(50, options.probeIntervalMs);
	const timeoutMs = Math.max(limits.minTimeoutMs, Math.min(interval, limits.maxTimeoutMs));
	const window = new MetricsWindow();
	const abort = new AbortController();
	const onOuterAbort = () => prober.stop();
	args.signal?.addEventListener('abort', onOuterAbort, {once: true});
	let version: string | null = null;
	let lastModel: string | null = null;
	let stopped = false;
	let timer: NodeJS.Timeout | null = null;
	let inFlight: Promise<void> | null = null;

	const round = async (): Promise<void> => {
		if (pendingDiscovery && args.kube) {
			// While waiting, an API error is retried next interval (it was said once through `log`).
			const found = await discover(args.kube, store, log);
			if (found === 'retry' || found === 'error') return;
			pendingDiscovery = false;
			if (!found) {
				prober.describe = 'no endpoint: no Service found in front of the leader';
				prober.status = 'none';
				stopped = true;
				return;
			}
			target = found;
			prober.describe = found.describe;
			prober.status = 'probing';
		}
		if (!target || stopped) return;
		const t = target;
		const at = now();
		const signal = abort.signal;
		const health = await t.request('/health', {timeoutMs, maxBytes: limits.healthBytes, signal});
		let {outcome, reason} = classifyHealth(health, t);
		const errors: string[] = [];
		let models: string[] | null = null;
		let metrics: EndpointProbe['metrics'] = null;
		let completionLatencyMs: number | null = null;
		let notVllm: string | null = null;
		if (outcome === 'ok') {
			const [m, v, x] = await Promise.all([
				t.request('/v1/models', {timeoutMs, maxBytes: limits.jsonBytes, accept: 'application/json', signal}),
				version === null ? t.request('/version', {timeoutMs, maxBytes: limits.jsonBytes, accept: 'application/json', signal}) : null,
				t.request('/metrics', {timeoutMs, maxBytes: limits.metricsBytes, accept: 'text/plain', signal}),
			]);
			const mj = readJson('/v1/models', m, t);
			let ids: string[] | string | null = null;
			if (mj.ok) {
				ids = modelIds(mj.value);
				if (typeof ids === 'string') errors.push(ids);
				else {
					models = ids;
					lastModel = ids[0] ?? lastModel;
				}
			} else if (mj.unauthorized) {
				outcome = 'unauthorized';
				reason = mj.error;
			} else errors.push(mj.error);
			if (v) {
				const vj = readJson('/version', v, t);
				if (vj.ok && typeof (vj.value as {version?: unknown})?.version === 'string') version = (vj.value as {version: string}).version;
				else if (!vj.ok) errors.push(vj.error);
				else errors.push('GET /version: JSON without a "version" string');
			}
			const said: {answer: MetricsAnswer} = {answer: {kind: 'answer', result: x}};
			metrics = readMetrics(x, t, at, window, errors, said);
			// `/health` 200 is not "a vLLM answered": its model list and its vllm:* metrics are (classify.ts)
			const problem = outcome === 'ok' ? roundProblem(modelsProblem(m, t, ids), metricsProblem(said.answer, t)) : null;
			if (problem) {
				outcome = problem.outcome;
				reason = problem.reason;
				notVllm = problem.notVllm ? problem.reason : null;
			}
			if (options.probeCompletion && outcome === 'ok') {
				completionLatencyMs = await completion(t, lastModel, Math.max(timeoutMs, 5000), signal, errors);
			}
		} else {
			// A server that went away comes back with counters from zero: start the window afresh.
			window.reset();
			version = null;
		}
		if (stopped && signal.aborted) return;
		const probe: EndpointProbe = {
			url: t.display,
			via: t.describe,
			at,
			stallAfterMs: options.stallAfterMs,
			outcome,
			reason,
			healthStatus: health.ok ? health.status : null,
			healthLatencyMs: health.ok ? health.latencyMs : null,
			models,
			version,
			metrics,
			completionLatencyMs,
			errors,
			notVllm,
		};
		store.dispatch({type: 'endpoint-probe', probe: scrubProbe(probe)});
	};

	const runRound = (): Promise<void> => {
		if (inFlight) return inFlight;
		inFlight = round()
			.catch(error => {
				// A bug or an unexpected client-node failure must not end probing: say it in the state.
				if (target) {
					store.dispatch({
						type: 'endpoint-probe',
						probe: scrubProbe({
							url: target.display,
							via: target.describe,
							at: now(),
							stallAfterMs: options.stallAfterMs,
							outcome: 'unreachable',
							reason: `probe failed: ${(error as Error).message}`,
							healthStatus: null,
							healthLatencyMs: null,
							models: null,
							version: null,
							metrics: null,
							completionLatencyMs: null,
							errors: [],
						}),
					});
				}
			})
			.finally(() => {
				inFlight = null;
			});
		return inFlight;
	};

	const loop = async () => {
		if (stopped) return;
		const started = Date.now();
		await runRound();
		if (stopped) return;
		timer = setTimeout(loop, Math.max(0, interval - (Date.now() - started)));
	};

	const prober: EndpointProber = {
		describe: target ? (target as Target).describe : `looking for the Service in front of ${args.kube?.workload ?? 'the workload'}'s leader`,
		status: pendingDiscovery ? 'discovering' : 'probing',
		probeOnce: runRound,
		stop() {
			if (stopped) return;
			stopped = true;
			if (timer) clearTimeout(timer);
			abort.abort();
			args.signal?.removeEventListener('abort', onOuterAbort);
		},
	};
	if (args.signal?.aborted) prober.stop();
	else if (args.autoStart !== false) void loop();
	return prober;
}

function readMetrics(r: Awaited<ReturnType<Target['request']>>, t: Target, at: number, window: MetricsWindow, errors: string[], said: {answer: MetricsAnswer} = {answer: {kind: 'answer', result: r}}): EndpointProbe['metrics'] {
	if (!r.ok) {
		errors.push(`GET /metrics: ${r.message}`);
		return null;
	}
	const ct = r.headers['content-type'];
	if (r.status !== 200) {
		errors.push(`GET /metrics answered ${r.status} (${bodyHint(r.body, ct)})${t.mode === 'proxy' ? ' through the API server proxy' : ''}`);
		return null;
	}
	if (/html/i.test(ct ?? '')) {
		errors.push(`GET /metrics: an HTML page, not Prometheus text (${bodyHint(r.body, ct)})`);
		return null;
	}
	const parsed = parsePromText(r.body.toString('utf8'));
	if (!parsed.ok) {
		errors.push(`GET /metrics: not valid Prometheus text, ${parsed.error} — this scrape is ignored`);
		said.answer = {kind: 'not-prometheus', error: parsed.error};
		return null;
	}
	const scrape = extractVllm(parsed.doc, at);
	if (scrape.requestsRunning === null && scrape.generationTokens === null && scrape.kvCacheUsage === null) {
		errors.push('GET /metrics: no vllm:* metrics in the answer (is this a vLLM server?)');
		said.answer = {kind: 'no-vllm'};
		return null;
	}
	said.answer = {kind: 'ok'};
	return window.add(scrape);
}

async function completion(t: Target, model: string | null, timeoutMs: number, signal: AbortSignal, errors: string[]): Promise<number | null> {
	if (!model) {
		errors.push('completion probe skipped: no served model known yet');
		return null;
	}
	const body = JSON.stringify({model, prompt: 'hi', max_tokens: 1});
	const r = await t.request('/v1/completions', {method: 'POST', body, timeoutMs, maxBytes: limits.jsonBytes, accept: 'application/json', signal});
	if (!r.ok) {
		errors.push(`POST /v1/completions: ${r.message}`);
		return null;
	}
	if (r.status !== 200) {
		errors.push(`POST /v1/completions answered ${r.status} (${bodyHint(r.body, r.headers['content-type'])})`);
		return null;
	}
	return r.latencyMs;
}

const said = new WeakMap<Store, string>();

async function servicePort(kc: KubeConfig, namespace: string, name: string): Promise<{port: string; why: string}> {
	const k8s = await import('@kubernetes/client-node');
	let svc;
	try {
		svc = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedService({namespace, name});
	} catch (error) {
		const code = (error as {code?: number}).code;
		if (code === 404) throw new UserError(`--service ${name}: no such Service in namespace ${namespace}`);
		throw new UserError(`--service ${name}: cannot read the Service from the API server (${(error as Error).message.split('\n')[0]}); give the port as --service ${name}:PORT`);
	}
	const picked = pickPort((svc.spec?.ports ?? []).map(p => ({name: p.name ?? null, port: p.port})));
	if (!picked) throw new UserError(`--service ${name}: the Service declares no ports`);
	return picked;
}

async function discover(kube: NonNullable<StartProberArgs['kube']>, store: Store, say: (m: string) => void): Promise<Target | null | 'retry' | 'error'> {
	// While pods are awaited this runs every interval: say each distinct thing once.
	const log = (m: string) => {
		if (said.get(store) === m) return;
		said.set(store, m);
		say(m);
	};
	let d;
	try {
		d = await discoverLeaderService(kube.kubeConfig, kube.namespace, kube.workload, store.getState());
	} catch (error) {
		log(`endpoint: could not look for the Service in front of the leader: ${(error as Error).message.split('\n')[0]}`);
		return 'error';
	}
	if (!d.found) {
		log(`endpoint: ${d.note}`);
		return d.retry ? 'retry' : null;
	}
	log(`endpoint: ${d.found.note}`);
	return proxyTarget(kube.kubeConfig, kube.namespace, d.found.name, d.found.port, 'found automatically');
}
