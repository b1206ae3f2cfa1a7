/**
 * A simulated vLLM OpenAI-compatible server: a real HTTP server on 127.0.0.1
 * that answers like vLLM does (log-formats.md §2.7), for the demo and the tests.
 *
 * - `/health`: 200 with an empty body; 503 (empty) once the engine is dead.
 * - `/v1/models` (ModelList), `/v1/completions`; with `token`, `/v1/*` wants
 *   `Authorization: Bearer …` and answers 401 `{"error":"Unauthorized"}` without
 *   it (vLLM's --api-key middleware); `/health`, `/version`, `/metrics` stay open.
 * - `/metrics`: Prometheus text as prometheus_client writes it (`_total`
 *   counters with separate `_created` gauge families), vLLM's names for the
 *   chosen flavor: v0.8 (`gpu_cache_usage_perc`, `gpu_prefix_cache_*`,
 *   `time_per_output_token_seconds`, label `model_name`) or v0.11 (`kv_cache_usage_perc`,
 *   `prefix_cache_*`, `inter_token_latency_seconds`, labels `model_name`, `engine`,
 *   two data-parallel engines) or v0.12+ (the same new names; none of the old ones,
 *   which 0.12 no longer serves by default). With `waitingByReason` it adds
 *   `vllm:num_requests_waiting_by_reason{reason=capacity|deferred}` and with `sleepState`
 *   `vllm:engine_sleep_state{sleep_state=…}` (newer releases; log-formats vllm.md §2.7).
 *   Counters and histograms move with a simulated load.
 *   They start with a long, slow history (warm-up) so that anything computed from
 *   totals instead of deltas comes out visibly wrong.
 * - modes: `starting` (port closed: connection refused, as before vLLM's API server
 *   binds), `serving`, `dead` (503, then the process "exits" after `exitAfterMs`,
 *   ~5 s like vLLM's watchdog), `stalled` (a hung worker: requests run, no tokens,
 *   /health still 200, completions never answer), `idle` (serving, but no request:
 *   nothing runs, nothing waits, counters flat), `exited` (port closed).
 */
import http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';

export type VllmSimMode = 'starting' | 'serving' | 'dead' | 'stalled' | 'idle' | 'exited';

export type VllmSleepState = 'awake' | 'weights_offloaded' | 'discard_all';

export interface VllmSimOptions {
	port?: number;
	host?: '127.0.0.1';
	token?: string;
	model?: string;
	mode?: VllmSimMode;
	metricsFlavor?: 'v0.8' | 'v0.11' | 'v0.12+';
	/** serve `vllm:num_requests_waiting_by_reason` (capacity / deferred) */
	waitingByReason?: boolean;
	/** serve `vllm:engine_sleep_state` with every engine in this state */
	sleepState?: VllmSleepState;
	/** the load advances with this clock (tests pass a fake one to get exact rates) */
	clock?: () => number;
	/** after `dead`, stop listening this much later (vLLM: ~5 s) */
	exitAfterMs?: number;
}

export interface VllmSim {
	url: string;
	port: number;
	readonly mode: VllmSimMode;
	/** resolves once the port is open/closed as the mode wants */
	setMode(mode: VllmSimMode): Promise<void>;
	close(): Promise<void>;
	/** the load it simulates (rates per second over all engines), for tests */
	readonly load: typeof load;
}

/** Simulated load while serving (all engines together). */
export const load = {
	promptTokensPerSec: 2000,
	generationTokensPerSec: 1000,
	ttftPerSec: 4,
	/** TTFT of live requests cycles through these (s) */
	ttftPattern: [0.03, 0.05, 0.07, 0.09, 0.12, 0.15, 0.18, 0.22] as const,
	/** inter-token latency of live tokens cycles through these (s) */
	itlPattern: [0.012, 0.015, 0.018, 0.02, 0.022, 0.028, 0.035, 0.045] as const,
	prefixHitFraction: 0.4,
	/** warm-up history: this many slow first tokens (s) already in the histograms */
	history: {ttftCount: 20_000, ttftSeconds: 3.0, itlCount: 2_000_000, itlSeconds: 0.6, promptTokens: 9_000_000, generationTokens: 4_000_000},
};

// vLLM's bucket bounds (v1/metrics/loggers.py)
const ttftBounds = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const itlBounds = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];

class Hist {
	counts: number[];
	sum = 0;
	count = 0;
	constructor(readonly bounds: number[]) {
		this.counts = new Array(bounds.length + 1).fill(0);
	}
	observe(v: number, n = 1) {
		let i = this.bounds.findIndex(b => v <= b);
		if (i < 0) i = this.bounds.length;
		this.counts[i]! += n;
		this.sum += v * n;
		this.count += n;
	}
}

interface Engine {
	promptTokens: number;
	generationTokens: number;
	preemptions: number;
	prefixQueries: number;
	prefixHits: number;
	ttft: Hist;
	itl: Hist;
	ttftSeen: number;
	itlSeen: number;
	created: number;
}

/** Python's float repr as prometheus_client prints it: `3.0`, `0.25`, `1.7e+09`. */
function py(v: number): string {
	if (v === Number.POSITIVE_INFINITY) return '+Inf';
	if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
	const s = String(v);
	return s.includes('e') ? s.replace(/e\+?(-?)(\d)$/, 'e+$1$2').replace('e+-', 'e-') : s;
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export async function startVllmSim(opts: VllmSimOptions = {}): Promise<VllmSim> {
	const host = opts.host ?? '127.0.0.1';
	const model = opts.model ?? 'meta-llama/Llama-3.1-8B-Instruct';
	const flavor = opts.metricsFlavor ?? 'v0.11';
	const clock = opts.clock ?? Date.now;
	const exitAfterMs = opts.exitAfterMs ?? 5000;
	const version = flavor === 'v0.8' ? '0.8.5' : flavor === 'v0.11' ? '0.11.0' : '0.12.0';
	const engineIds = flavor === 'v0.8' ? [null] : ['0', '1'];
	const startedAt = clock();
	let mode: VllmSimMode = opts.mode ?? 'serving';
	let exitTimer: NodeJS.Timeout | null = null;
	const hanging = new Set<http.ServerResponse>();

	const engines: Engine[] = engineIds.map(() => {
		const h = load.history;
		const n = engineIds.length;
		const e: Engine = {
			promptTokens: h.promptTokens / n,
			generationTokens: h.generationTokens / n,
			preemptions: 3,
			prefixQueries: h.promptTokens / n,
			prefixHits: (h.promptTokens / n) * 0.05,
			ttft: new Hist(ttftBounds),
			itl: new Hist(itlBounds),
			ttftSeen: 0,
			itlSeen: 0,
			created: startedAt / 1000 - 3600,
		};
		e.ttft.observe(h.ttftSeconds, h.ttftCount / n);
		e.itl.observe(h.itlSeconds, h.itlCount / n);
		return e;
	});

	// The load advances in whole milliseconds of the clock, so a fake clock gives exact numbers.
	let lastAdvance = startedAt;
	let servingMs = 0;
	let stalledMs = 0;
	const advance = () => {
		const now = clock();
		const dt = Math.max(0, now - lastAdvance);
		lastAdvance = now;
		if (mode === 'stalled') {
			stalledMs += dt;
			return;
		}
		if (mode !== 'serving') return;
		servingMs += dt;
		const n = engines.length;
		for (const e of engines) {
			const s = dt / 1000;
			e.promptTokens += (load.promptTokensPerSec / n) * s;
			e.generationTokens += (load.generationTokensPerSec / n) * s;
			e.prefixQueries += (load.promptTokensPerSec / n) * s;
			e.prefixHits += (load.promptTokensPerSec / n) * s * load.prefixHitFraction;
			const ttftDue = Math.floor(((load.ttftPerSec / n) * servingMs) / 1000);
			for (; e.ttftSeen < ttftDue; e.ttftSeen++) e.ttft.observe(load.ttftPattern[e.ttftSeen % load.ttftPattern.length]!);
			const itlDue = Math.floor(((load.generationTokensPerSec / n) * servingMs) / 1000);
			// Bulk by pattern entry: a long clock jump stays cheap.
			const todo = itlDue - e.itlSeen;
			const len = load.itlPattern.length;
			if (todo > 0) {
				const whole = Math.floor(todo / len);
				if (whole) for (const v of load.itlPattern) e.itl.observe(v, whole);
				for (let k = 0; k < todo % len; k++) e.itl.observe(load.itlPattern[(e.itlSeen + whole * len + k) % len]!);
				e.itlSeen = itlDue;
			}
		}
		if (Math.floor((servingMs - dt) / 30_000) < Math.floor(servingMs / 30_000)) engines[0]!.preemptions++;
	};

	const gauges = () => {
		const t = servingMs / 1000;
		if (mode === 'idle') return {running: 0, waiting: 0, kv: 0};
		const running = mode === 'stalled' ? 6 : 4 + (Math.floor(t) % 5);
		const waiting = mode === 'stalled' ? Math.min(50, 2 + Math.floor(stalledMs / 1000)) : Math.floor(t / 3) % 3;
		return {running, waiting, kv: mode === 'stalled' ? 0.91 : 0.3 + 0.05 * running};
	};

	const metricsText = (): string => {
		advance();
		const out: string[] = [];
		const lbl = (i: number, extra = '') => {
			const parts = [`model_name="${esc(model)}"`];
			const id = engineIds[i];
			if (id !== null && id !== undefined) parts.push(`engine="${id}"`);
			if (extra) parts.push(extra);
			return `{${parts.join(',')}}`;
		};
		const family = (name: string, help: string, type: string, lines: string[]) => {
			out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
		};
		const perEngine = (fn: (e: Engine, i: number) => string) => engines.map(fn);
		const counter = (base: string, help: string, get: (e: Engine) => number) => {
			family(`${base}_total`, help, 'counter', perEngine((e, i) => `${base}_total${lbl(i)} ${py(Math.floor(get(e)))}`));
			family(`${base}_created`, help, 'gauge', perEngine((e, i) => `${base}_created${lbl(i)} ${py(e.created)}`));
		};
		const histogram = (base: string, help: string, get: (e: Engine) => Hist) => {
			const lines: string[] = [];
			engines.forEach((e, i) => {
				const h = get(e);
				let cum = 0;
				h.bounds.forEach((b, k) => {
					cum += h.counts[k]!;
					lines.push(`${base}_bucket${lbl(i, `le="${py(b)}"`)} ${py(cum)}`);
				});
				lines.push(`${base}_bucket${lbl(i, 'le="+Inf"')} ${py(h.count)}`);
				lines.push(`${base}_count${lbl(i)} ${py(h.count)}`);
				lines.push(`${base}_sum${lbl(i)} ${py(Math.round(h.sum * 1e6) / 1e6)}`);
			});
			family(base, help, 'histogram', lines);
			family(`${base}_created`, help, 'gauge', perEngine((e, i) => `${base}_created${lbl(i)} ${py(e.created)}`));
		};
		const g = gauges();
		family('python_gc_objects_collected_total', 'Objects collected during gc', 'counter', ['python_gc_objects_collected_total{generation="0"} 12345.0', 'python_gc_objects_collected_total{generation="1"} 678.0']);
		family('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', ['process_resident_memory_bytes 2.147483648e+09']);
		const n = engines.length;
		// engine 0 takes the remainder, so the engines sum to the totals
		const share = (total: number, i: number) => (i === 0 ? total - Math.floor(total / n) * (n - 1) : Math.floor(total / n));
		family('vllm:num_requests_running', 'Number of requests in model execution batches.', 'gauge', perEngine((_, i) => `vllm:num_requests_running${lbl(i)} ${py(share(g.running, i))}`));
		family('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', 'gauge', perEngine((_, i) => `vllm:num_requests_waiting${lbl(i)} ${py(share(g.waiting, i))}`));
		if (opts.waitingByReason) {
			// per engine the reasons sum to its num_requests_waiting (vLLM #38435)
			const lines: string[] = [];
			engines.forEach((_, i) => {
				const w = share(g.waiting, i);
				const deferred = mode === 'stalled' ? 0 : Math.floor(w / 2);
				lines.push(`vllm:num_requests_waiting_by_reason${lbl(i, 'reason="capacity"')} ${py(w - deferred)}`, `vllm:num_requests_waiting_by_reason${lbl(i, 'reason="deferred"')} ${py(deferred)}`);
			});
			family('vllm:num_requests_waiting_by_reason', 'Number of requests waiting, by reason.', 'gauge', lines);
		}
		if (opts.sleepState) {
			const lines: string[] = [];
			engines.forEach((_, i) => {
				for (const st of ['awake', 'weights_offloaded', 'discard_all'] as const) lines.push(`vllm:engine_sleep_state${lbl(i, `sleep_state="${st}"`)} ${py(st === opts.sleepState ? 1 : 0)}`);
			});
			family(
				'vllm:engine_sleep_state',
				'Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is awake; weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2.',
				'gauge',
				lines,
			);
		}
		if (flavor === 'v0.8') {
			family('vllm:gpu_cache_usage_perc', 'GPU KV-cache usage. 1 means 100 percent usage.', 'gauge', perEngine((_, i) => `vllm:gpu_cache_usage_perc${lbl(i)} ${py(g.kv)}`));
			counter('vllm:gpu_prefix_cache_queries', 'GPU prefix cache queries, in terms of number of queried blocks.', e => e.prefixQueries);
			counter('vllm:gpu_prefix_cache_hits', 'GPU prefix cache hits, in terms of number of cached blocks.', e => e.prefixHits);
		} else {
			family('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', 'gauge', perEngine((_, i) => `vllm:kv_cache_usage_perc${lbl(i)} ${py(i === 0 ? g.kv : Math.max(0, g.kv - 0.1))}`));
			counter('vllm:prefix_cache_queries', 'Prefix cache queries, in terms of number of queried tokens.', e => e.prefixQueries);
			counter('vllm:prefix_cache_hits', 'Prefix cache hits, in terms of number of cached tokens.', e => e.prefixHits);
		}
		counter('vllm:num_preemptions', 'Cumulative number of preemption from the engine.', e => e.preemptions);
		counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', e => e.promptTokens);
		counter('vllm:generation_tokens', 'Number of generation tokens processed.', e => e.generationTokens);
		histogram('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', e => e.ttft);
		if (flavor === 'v0.8') histogram('vllm:time_per_output_token_seconds', 'Histogram of time per output token in seconds.', e => e.itl);
		else histogram('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', e => e.itl);
		family('vllm:cache_config_info', 'Information of the LLMEngine CacheConfig', 'gauge', [
			`vllm:cache_config_info{block_size="16",cache_dtype="auto",enable_prefix_caching="True",gpu_memory_utilization="0.9",prefix_caching_hash_algo="sha256"} 1.0`,
		]);
		return out.join('\n') + '\n';
	};

	const json = (res: http.ServerResponse, status: number, body: unknown) => {
		const text = JSON.stringify(body);
		res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)});
		res.end(text);
	};

	const authorized = (req: http.IncomingMessage) => !opts.token || req.headers.authorization === `Bearer ${opts.token}`;

	const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
		const path = (req.url ?? '/').split('?')[0]!;
		const method = req.method ?? 'GET';
		if (path.startsWith('/v1/') && !authorized(req)) return json(res, 401, {error: 'Unauthorized'});
		if (path === '/health' && method === 'GET') {
			advance();
			res.writeHead(mode === 'dead' ? 503 : 200, {'content-length': '0'});
			return res.end();
		}
		if (path === '/version' && method === 'GET') return json(res, 200, {version});
		if (path === '/metrics' && method === 'GET') {
			const text = metricsText();
			res.writeHead(200, {'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text)});
			return res.end(text);
		}
		if (path === '/v1/models' && method === 'GET') {
			const created = Math.floor(clock() / 1000);
			return json(res, 200, {
				object: 'list',
				data: [
					{
						id: model,
						object: 'model',
						created,
						owned_by: 'vllm',
						root: model,
						parent: null,
						max_model_len: 32768,
						permission: [
							{
								id: `modelperm-${created.toString(16)}`,
								object: 'model_permission',
								created,
								allow_create_engine: false,
								allow_sampling: true,
								allow_logprobs: true,
								allow_search_indices: false,
								allow_view: true,
								allow_fine_tuning: false,
								organization: '*',
								group: null,
								is_blocking: false,
							},
						],
					},
				],
			});
		}
		if (path === '/v1/completions' && method === 'POST') {
			let body = '';
			req.setEncoding('utf8');
			req.on('data', (c: string) => {
				if (body.length < 65_536) body += c;
			});
			req.on('end', () => {
				if (mode === 'dead') {
					return json(res, 500, {error: {message: 'EngineCore encountered an issue. See stack trace (above) for the root cause.', type: 'InternalServerError', code: 500}});
				}
				if (mode === 'stalled') {
					// A hung worker: the request is accepted and never answered.
					hanging.add(res);
					res.on('close', () => hanging.delete(res));
					return;
				}
				let parsed: {model?: unknown; max_tokens?: unknown};
				try {
					parsed = JSON.parse(body) as typeof parsed;
				} catch {
					return json(res, 400, {object: 'error', message: 'Invalid JSON body', type: 'BadRequestError', code: 400});
				}
				if (parsed.model !== model) {
					return json(res, 404, {error: {message: `The model \`${String(parsed.model)}\` does not exist.`, type: 'NotFoundError', code: 404}});
				}
				const created = Math.floor(clock() / 1000);
				return json(res, 200, {
					id: `cmpl-${created.toString(16)}`,
					object: 'text_completion',
					created,
					model,
					choices: [{index: 0, text: ' there', logprobs: null, finish_reason: 'length', stop_reason: null}],
					usage: {prompt_tokens: 2, total_tokens: 3, completion_tokens: 1},
				});
			});
			return;
		}
		if (['/health', '/version', '/metrics', '/v1/models', '/v1/completions'].includes(path)) return json(res, 405, {detail: 'Method Not Allowed'});
		return json(res, 404, {detail: 'Not Found'});
	};

	const server = http.createServer(handler);
	const sockets = new Set<Socket>();
	server.on('connection', s => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	let listening = false;
	let port = opts.port ?? 0;

	const open = () =>
		new Promise<void>((resolve, reject) => {
			if (listening) return resolve();
			server.once('error', reject);
			server.listen(port, host, () => {
				server.off('error', reject);
				listening = true;
				port = (server.address() as AddressInfo).port;
				resolve();
			});
		});
	const shut = () =>
		new Promise<void>(resolve => {
			if (!listening) return resolve();
			listening = false;
			for (const r of hanging) r.destroy();
			for (const s of sockets) s.destroy();
			server.close(() => resolve());
		});

	// Take a port even when starting closed, so the URL is known up front.
	await open();
	const sim: VllmSim = {
		get url() {
			return `http://${host}:${port}`;
		},
		get port() {
			return port;
		},
		get mode() {
			return mode;
		},
		load,
		async setMode(next) {
			advance();
			if (exitTimer) {
				clearTimeout(exitTimer);
				exitTimer = null;
			}
			mode = next;
			if (next === 'starting' || next === 'exited') await shut();
			else await open();
			if (next === 'dead') {
				// vLLM's watchdog stops the API server ~5 s after the engine died.
				exitTimer = setTimeout(() => {
					exitTimer = null;
					if (mode === 'dead') void sim.setMode('exited');
				}, exitAfterMs);
				exitTimer.unref?.();
			}
		},
		async close() {
			if (exitTimer) clearTimeout(exitTimer);
			mode = 'exited';
			await shut();
		},
	};
	if (mode === 'starting' || mode === 'exited') await shut();
	else if (mode === 'dead') await sim.setMode('dead');
	return sim;
}
