/**
 * vLLM startup lines for the demo, written in vLLM's exact formats. None of these
 * were recorded on our hardware, so each format names where it comes from
 * (docs/log-formats/vllm.md §2, which cites vLLM's source and real logs).
 * The shapes are those of vLLM v0.11 (V1 engine, multiprocessing executor).
 */

export interface VllmDemoConfig {
	version: string;
	model: string;
	servedModelName: string;
	tp: number;
	pp: number;
	maxModelLen: number;
	/** pids of this pod's GPU processes by local rank: they match the NCCL prefix pids */
	workerPids: number[];
	/** the first global rank on this pod */
	firstRank: number;
	/** PP stage of this pod's workers */
	ppRank: number;
	apiPid: number;
	enginePid: number;
	shards: number;
	kvTokens: number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** vllm/logger.py `_DATE_FORMAT = "%m-%d %H:%M:%S"`: no year, no sub-seconds. */
export function vllmDate(d: Date): string {
	return `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** `%(levelname)s %(asctime)s [%(fileinfo)s:%(lineno)d] %(message)s` (vllm/logger.py, v0.11+), after the process prefix (§2.2). */
export function vllmLine(prefix: string | null, level: 'INFO' | 'WARNING' | 'ERROR', at: Date, file: string, message: string): string {
	return `${prefix ? `(${prefix}) ` : ''}${level} ${vllmDate(at)} [${file}] ${message}`;
}

/** Worker process name: "Worker" + `_PP{n}` if pp>1 + `_TP{n}` if tp>1 (§2.2, v0.11+). */
export function workerName(c: VllmDemoConfig, localRank: number): string {
	return `Worker${c.pp > 1 ? `_PP${c.ppRank}` : ''}${c.tp > 1 ? `_TP${localRank % c.tp}` : ''}`;
}

export type TimedText = {at: number; text: (now: Date) => string};

const line = (at: number, text: (now: Date) => string): TimedText => ({at, text});

/** Lines the leader prints before NCCL init: API server banner and the engine config (§2.3, v0.11 key order). */
export function leaderPreamble(c: VllmDemoConfig): TimedText[] {
	const api = `APIServer pid=${c.apiPid}`;
	const core = `EngineCore_DP0 pid=${c.enginePid}`;
	const config = [
		`model='${c.model}'`,
		'speculative_config=None',
		`tokenizer='${c.model}'`,
		'skip_tokenizer_init=False',
		'tokenizer_mode=auto',
		'revision=None',
		'tokenizer_revision=None',
		'trust_remote_code=False',
		'dtype=torch.bfloat16',
		`max_seq_len=${c.maxModelLen}`,
		'download_dir=None',
		'load_format=auto',
		`tensor_parallel_size=${c.tp}`,
		`pipeline_parallel_size=${c.pp}`,
		'data_parallel_size=1',
		'disable_custom_all_reduce=False',
		'quantization=None',
		'enforce_eager=False',
		'kv_cache_dtype=auto',
		'device_config=cuda',
		"structured_outputs_config=StructuredOutputsConfig(backend='auto', disable_fallback=False, disable_any_whitespace=False, disable_additional_properties=False, reasoning_parser='')",
		'observability_config=ObservabilityConfig(show_hidden_metrics_for_version=None, otlp_traces_endpoint=None, collect_detailed_traces=None)',
		'seed=0',
		`served_model_name=${c.servedModelName}`,
		'enable_prefix_caching=True',
		'chunked_prefill_enabled=True',
		'pooler_config=None',
		'compilation_config={"level":3,"debug_dump_path":"","cache_dir":"","backend":"","custom_ops":[],"splitting_ops":["vllm.unified_attention"],"use_inductor":true,"cudagraph_mode":[2,1],"max_capture_size":512}',
	].join(', ');
	return [
		// api_server.py `vLLM API server version %s`; utils `non-default args: %s` (v0.11+, real).
		line(0, t => vllmLine(api, 'INFO', t, 'api_server.py:1839', `vLLM API server version ${c.version}`)),
		line(20, t =>
			vllmLine(
				api,
				'INFO',
				t,
				'utils.py:233',
				`non-default args: {'model_tag': '${c.model}', 'host': '0.0.0.0', 'port': 8000, 'api_key': ['sk-demo-not-a-real-key'], 'model': '${c.model}', 'max_model_len': ${c.maxModelLen}, 'served_model_name': ['${c.servedModelName}'], 'tensor_parallel_size': ${c.tp}, 'pipeline_parallel_size': ${c.pp}}`,
			),
		),
		// arg_utils deprecation warning, real wording class; shown so `deprecated-flag` has something to say.
		line(400, t => vllmLine(api, 'WARNING', t, 'arg_utils.py:1163', "The 'disable_log_requests' argument is deprecated and will be removed in a future release. Use 'enable_log_requests' instead.")),
		line(900, t => vllmLine(core, 'INFO', t, 'core.py:77', `Initializing a V1 LLM engine (v${c.version}) with config: ${config}`)),
	];
}

/** Per-worker lines after NCCL init: rank assignment, weights, KV cache, graphs (§2.4, §2.5). */
export function workerStartup(c: VllmDemoConfig, start: number): TimedText[] {
	const out: TimedText[] = [];
	const shardMs = 900;
	c.workerPids.forEach((pid, local) => {
		const p = `${workerName(c, local)} pid=${pid}`;
		const rank = c.firstRank + local;
		const world = c.tp * c.pp;
		out.push(
			line(start + local * 7, t => vllmLine(p, 'INFO', t, 'parallel_state.py:1208', `rank ${rank} in world size ${world} is assigned as DP rank 0, PP rank ${c.ppRank}, TP rank ${local % c.tp}, EP rank ${local % c.tp}`)),
			line(start + 200 + local * 7, t => vllmLine(p, 'INFO', t, 'gpu_model_runner.py:2602', `Starting to load model ${c.model}...`)),
		);
	});
	// tqdm bar_format "{desc}: {percentage:3.0f}% Completed | {n_fmt}/{total_fmt} [...]" — first worker only, as vLLM does.
	const first = `${workerName(c, 0)} pid=${c.workerPids[0]}`;
	for (let n = 0; n <= c.shards; n++) {
		const pct = String(Math.round((100 * n) / c.shards)).padStart(3, ' ');
		const el = Math.round((n * shardMs) / 1000);
		out.push(
			line(
				start + 400 + n * shardMs,
				() => `(${first}) Loading safetensors checkpoint shards: ${pct}% Completed | ${n}/${c.shards} [00:${pad2(el)}<00:${pad2(Math.round(((c.shards - n) * shardMs) / 1000))}, ${(1000 / shardMs).toFixed(2)}it/s]`,
			),
		);
	}
	const loaded = start + 600 + c.shards * shardMs;
	const loadSecs = ((c.shards * shardMs) / 1000 + 0.4).toFixed(2);
	c.workerPids.forEach((pid, local) => {
		const p = `${workerName(c, local)} pid=${pid}`;
		out.push(
			// default_loader.py `Loading weights took %.2f seconds`; gpu_model_runner.py `Model loading took %.4f GiB and %.6f seconds`.
			line(loaded + local * 11, t => vllmLine(p, 'INFO', t, 'default_loader.py:267', `Loading weights took ${loadSecs} seconds`)),
			line(loaded + 30 + local * 11, t => vllmLine(p, 'INFO', t, 'gpu_model_runner.py:2653', `Model loading took 33.8912 GiB and ${(Number(loadSecs) + 1.2).toFixed(6)} seconds`)),
			// gpu_worker.py `Available KV cache memory: %.2f GiB`.
			line(loaded + 3000 + local * 13, t => vllmLine(p, 'INFO', t, 'gpu_worker.py:298', 'Available KV cache memory: 88.41 GiB')),
		);
	});
	return out;
}

/** Engine-level lines: KV cache size, CUDA graphs, engine ready (§2.4). Printed by the leader. */
export function leaderReady(c: VllmDemoConfig, start: number): {lines: TimedText[]; servingAt: number} {
	const core = `EngineCore_DP0 pid=${c.enginePid}`;
	const api = `APIServer pid=${c.apiPid}`;
	const w0 = `${workerName(c, 0)} pid=${c.workerPids[0]}`;
	const tokens = c.kvTokens.toLocaleString('en-US');
	const conc = (c.kvTokens / c.maxModelLen).toFixed(2);
	const lines: TimedText[] = [
		line(start, t => vllmLine(core, 'INFO', t, 'kv_cache_utils.py:1087', `GPU KV cache size: ${tokens} tokens`)),
		line(start + 5, t => vllmLine(core, 'INFO', t, 'kv_cache_utils.py:1091', `Maximum concurrency for ${c.maxModelLen.toLocaleString('en-US')} tokens per request: ${conc}x`)),
	];
	// tqdm default bar: `Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): 100%|…| 67/67 [...]` (v0.11+, real).
	const total = 67;
	for (let n = 0; n <= total; n += 8) {
		const k = Math.min(n, total);
		lines.push(
			line(
				start + 400 + k * 60,
				() =>
					`(${w0}) Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): ${String(Math.round((100 * k) / total)).padStart(3)}%|${'█'.repeat(Math.round(k / 6.7)).padEnd(10)}| ${k}/${total} [00:0${Math.floor((k * 60) / 1000)}<00:0${Math.floor(((total - k) * 60) / 1000)}, 16.4it/s]`,
			),
		);
	}
	lines.push(line(start + 400 + total * 60, () => `(${w0}) Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): 100%|██████████| ${total}/${total} [00:04<00:00, 16.4it/s]`));
	const graphsDone = start + 600 + total * 60;
	lines.push(
		line(graphsDone, t => vllmLine(w0, 'INFO', t, 'gpu_model_runner.py:3480', 'Graph capturing finished in 5 secs, took 0.52 GiB')),
		line(graphsDone + 50, t => vllmLine(core, 'INFO', t, 'core.py:210', 'init engine (profile, create kv cache, warmup model) took 38.42 seconds')),
		// `Starting vLLM API server %d on %s` (v0.13 real), then uvicorn's own lines.
		line(graphsDone + 900, t => vllmLine(api, 'INFO', t, 'api_server.py:1634', 'Starting vLLM API server 0 on http://0.0.0.0:8000')),
		line(graphsDone + 950, () => `(${api}) INFO:     Started server process [${c.apiPid}]`),
		line(graphsDone + 960, () => `(${api}) INFO:     Waiting for application startup.`),
		line(graphsDone + 1100, () => `(${api}) INFO:     Application startup complete.`),
	);
	return {lines, servingAt: graphsDone + 1100};
}
