/**
 * A simulated vLLM OpenAI-compatible server: a real HTTP server on 127.0.0.1
 * that answers like vLLM does (docs/log-formats/vllm.md §2.7), for the demo and the tests.
 *
 * - `/health`: 200 with an empty body; 503 (empty) once the engine is dead.
 * - `/v1/models` (ModelList), `/v1/completions`; with `token`, `/v1/*` wants
 *   `Authorization: Bearer …` and answers 401 `{"error":"Unauthorized"}` without
 *   it (vLLM's --api-key middleware); `/health`, `/version`, `/metrics` stay open.
 * - `/metrics`: Prometheus text with vLLM's names for the chosen flavor (v0.8,
 *   v0.11, v0.12+), written by vllm-metrics.ts from a simulated load that moves
 *   with the clock (vllm-load.ts).
 * - modes: `starting` (port closed: connection refused, as before vLLM's API server
 *   binds), `serving`, `dead` (503, then the process "exits" after `exitAfterMs`,
 *   ~5 s like vLLM's watchdog), `stalled` (a hung worker: requests run, no tokens,
 *   /health still 200, completions never answer), `idle` (serving, but no request:
 *   nothing runs, nothing waits, counters flat), `exited` (port closed).
 */
import http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {createSimLoad, load, type VllmSimMode} from './vllm-load.js';
import {metricsText, type MetricsOptions, type VllmSleepState} from './vllm-metrics.js';

export type {VllmSimMode} from './vllm-load.js';
export type {VllmSleepState} from './vllm-metrics.js';
export {load} from './vllm-load.js';

export interface VllmSimOptions {
	port?: number;
	host?: '127.0.0.1';
	token?: string;
	model?: string;
	mode?: VllmSimMode;
	metricsFlavor?: MetricsOptions['flavor'];
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

export async function startVllmSim(opts: VllmSimOptions = {}): Promise<VllmSim> {
	const host = opts.host ?? '127.0.0.1';
	const model = opts.model ?? 'meta-llama/Llama-3.1-8B-Instruct';
	const flavor = opts.metricsFlavor ?? 'v0.11';
	const clock = opts.clock ?? Date.now;
	const exitAfterMs = opts.exitAfterMs ?? 5000;
	const version = flavor === 'v0.8' ? '0.8.5' : flavor === 'v0.11' ? '0.11.0' : '0.12.0';
	const engineIds = flavor === 'v0.8' ? [null] : ['0', '1'];
	let mode: VllmSimMode = opts.mode ?? 'serving';
	let exitTimer: NodeJS.Timeout | null = null;
	const hanging = new Set<http.ServerResponse>();

	const simLoad = createSimLoad({engineCount: engineIds.length, clock, mode: () => mode});
	const {advance} = simLoad;
	const metricsOptions = {model, flavor, engineIds, waitingByReason: opts.waitingByReason, sleepState: opts.sleepState};

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
			advance();
			const text = metricsText(metricsOptions, simLoad, mode);
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
