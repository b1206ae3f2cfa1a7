/**
 * `/metrics` of the simulated vLLM server: Prometheus text as prometheus_client
 * writes it (Python float reprs, `_total` counters with separate `_created` gauge
 * families, histograms with cumulative buckets), with vLLM's metric names and
 * labels for the chosen release: v0.8 (`gpu_cache_usage_perc`,
 * `gpu_prefix_cache_*`, `time_per_output_token_seconds`, one engine) or v0.11 and
 * v0.12+ (`kv_cache_usage_perc`, `prefix_cache_*`, `inter_token_latency_seconds`,
 * an `engine` label on two data-parallel engines), and the newer
 * `num_requests_waiting_by_reason` and `engine_sleep_state` when asked for.
 */
import type {Engine, Hist, SimLoad, VllmSimMode} from './vllm-load.js';

export type VllmSleepState = 'awake' | 'weights_offloaded' | 'discard_all';

export interface MetricsOptions {
	model: string;
	flavor: 'v0.8' | 'v0.11' | 'v0.12+';
	/** the `engine` label of each engine; null: no label (v0.8) */
	engineIds: (string | null)[];
	waitingByReason?: boolean;
	sleepState?: VllmSleepState;
}

/** Python's float repr as prometheus_client prints it: `3.0`, `0.25`, `1.7e+09`. */
function py(v: number): string {
	if (v === Number.POSITIVE_INFINITY) return '+Inf';
	if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
	const s = String(v);
	return s.includes('e') ? s.replace(/e\+?(-?)(\d)$/, 'e+$1$2').replace('e+-', 'e-') : s;
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** The exposition text for the load as it stands now (advance it first). */
export function metricsText(opts: MetricsOptions, load: SimLoad, mode: VllmSimMode): string {
	const {model, flavor, engineIds} = opts;
	const {engines} = load;
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
		family(
			`${base}_total`,
			help,
			'counter',
			perEngine((e, i) => `${base}_total${lbl(i)} ${py(Math.floor(get(e)))}`),
		);
		family(
			`${base}_created`,
			help,
			'gauge',
			perEngine((e, i) => `${base}_created${lbl(i)} ${py(e.created)}`),
		);
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
		family(
			`${base}_created`,
			help,
			'gauge',
			perEngine((e, i) => `${base}_created${lbl(i)} ${py(e.created)}`),
		);
	};
	const g = load.gauges();
	family('python_gc_objects_collected_total', 'Objects collected during gc', 'counter', ['python_gc_objects_collected_total{generation="0"} 12345.0', 'python_gc_objects_collected_total{generation="1"} 678.0']);
	family('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', ['process_resident_memory_bytes 2.147483648e+09']);
	const n = engines.length;
	// engine 0 takes the remainder, so the engines sum to the totals
	const share = (total: number, i: number) => (i === 0 ? total - Math.floor(total / n) * (n - 1) : Math.floor(total / n));
	family(
		'vllm:num_requests_running',
		'Number of requests in model execution batches.',
		'gauge',
		perEngine((_, i) => `vllm:num_requests_running${lbl(i)} ${py(share(g.running, i))}`),
	);
	family(
		'vllm:num_requests_waiting',
		'Number of requests waiting to be processed.',
		'gauge',
		perEngine((_, i) => `vllm:num_requests_waiting${lbl(i)} ${py(share(g.waiting, i))}`),
	);
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
		family('vllm:engine_sleep_state', 'Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is awake; weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2.', 'gauge', lines);
	}
	if (flavor === 'v0.8') {
		family(
			'vllm:gpu_cache_usage_perc',
			'GPU KV-cache usage. 1 means 100 percent usage.',
			'gauge',
			perEngine((_, i) => `vllm:gpu_cache_usage_perc${lbl(i)} ${py(g.kv)}`),
		);
		counter('vllm:gpu_prefix_cache_queries', 'GPU prefix cache queries, in terms of number of queried blocks.', e => e.prefixQueries);
		counter('vllm:gpu_prefix_cache_hits', 'GPU prefix cache hits, in terms of number of cached blocks.', e => e.prefixHits);
	} else {
		family(
			'vllm:kv_cache_usage_perc',
			'KV-cache usage. 1 means 100 percent usage.',
			'gauge',
			perEngine((_, i) => `vllm:kv_cache_usage_perc${lbl(i)} ${py(i === 0 ? g.kv : Math.max(0, g.kv - 0.1))}`),
		);
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
}
