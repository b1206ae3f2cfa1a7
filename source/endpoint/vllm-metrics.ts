/**
 * vLLM's `/metrics` → the few numbers infertop shows, across metric spellings
 * (log-formats.md §2.7). Pure: a parsed document in, a `VllmScrape` out; rates
 * and percentiles are computed from several scrapes in metrics-window.ts.
 *
 * Every value is summed over label sets, so `model_name` (several served names)
 * and `engine` (one per data-parallel engine, V1 ≥ v0.9) both fold into one number.
 */
import type {PromDoc, PromSample} from './prom-text.js';
import {parsePromValue} from './prom-text.js';

export interface Histogram {
	/** cumulative counts by upper bound, ascending, summed over label sets; last is +Inf */
	buckets: {le: number; count: number}[];
	sum: number;
	count: number;
}

export interface VllmScrape {
	at: number;
	requestsRunning: number | null;
	requestsWaiting: number | null;
	/** 0..1 (vLLM: "1 means 100 percent usage") — the fullest engine */
	kvCacheUsage: number | null;
	promptTokens: number | null;
	generationTokens: number | null;
	preemptions: number | null;
	prefixHits: number | null;
	prefixQueries: number | null;
	/** V0 only: a gauge already expressed as a rate */
	prefixHitRateGauge: number | null;
	ttft: Histogram | null;
	itl: Histogram | null;
	/** which spelling was found, e.g. `kv_cache_usage_perc` or `gpu_cache_usage_perc` (for the UI's "as reported by") */
	flavor: 'v0.11+' | 'v0.8-v0.10' | 'unknown';
}

function sumOf(doc: PromDoc, name: string): number | null {
	const samples = doc.byName.get(name);
	if (!samples || samples.length === 0) return null;
	let total = 0;
	for (const s of samples) if (Number.isFinite(s.value)) total += s.value;
	return total;
}

function maxOf(doc: PromDoc, name: string): number | null {
	const samples = doc.byName.get(name);
	if (!samples || samples.length === 0) return null;
	let max: number | null = null;
	for (const s of samples) if (Number.isFinite(s.value)) max = max === null ? s.value : Math.max(max, s.value);
	return max;
}

function first(doc: PromDoc, names: readonly string[], fn: (doc: PromDoc, name: string) => number | null): number | null {
	for (const n of names) {
		const v = fn(doc, n);
		if (v !== null) return v;
	}
	return null;
}

/** Sum a histogram's buckets per `le` over every label set (engines, model names). */
export function histogramOf(doc: PromDoc, family: string): Histogram | null {
	const buckets: PromSample[] | undefined = doc.byName.get(`${family}_bucket`);
	if (!buckets || buckets.length === 0) return null;
	const byLe = new Map<number, number>();
	for (const b of buckets) {
		const le = parsePromValue(b.labels['le'] ?? '');
		if (le === null || Number.isNaN(le)) continue;
		byLe.set(le, (byLe.get(le) ?? 0) + b.value);
	}
	const sorted = [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({le, count}));
	if (sorted.length === 0 || sorted.at(-1)!.le !== Number.POSITIVE_INFINITY) return null;
	const count = sumOf(doc, `${family}_count`) ?? sorted.at(-1)!.count;
	return {buckets: sorted, sum: sumOf(doc, `${family}_sum`) ?? 0, count};
}

export function extractVllm(doc: PromDoc, at: number): VllmScrape {
	const hasNew = doc.byName.has('vllm:kv_cache_usage_perc') || doc.byName.has('vllm:inter_token_latency_seconds_bucket');
	const hasOld = doc.byName.has('vllm:gpu_cache_usage_perc') || doc.byName.has('vllm:time_per_output_token_seconds_bucket');
	return {
		at,
		requestsRunning: sumOf(doc, 'vllm:num_requests_running'),
		requestsWaiting: sumOf(doc, 'vllm:num_requests_waiting'),
		// Renamed in 0.9.2 (both exported until 0.12); the fullest engine is the one that will preempt.
		kvCacheUsage: first(doc, ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'], maxOf),
		promptTokens: sumOf(doc, 'vllm:prompt_tokens_total'),
		generationTokens: sumOf(doc, 'vllm:generation_tokens_total'),
		preemptions: sumOf(doc, 'vllm:num_preemptions_total'),
		// V1 counters are in tokens: `prefix_cache_*` (0.9.2+) else `gpu_prefix_cache_*` (0.8–0.11)
		prefixHits: first(doc, ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'], sumOf),
		prefixQueries: first(doc, ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'], sumOf),
		prefixHitRateGauge: maxOf(doc, 'vllm:gpu_prefix_cache_hit_rate'),
		ttft: histogramOf(doc, 'vllm:time_to_first_token_seconds'),
		// Renamed in 0.11 ("DEPRECATED: Use vllm:inter_token_latency_seconds instead.")
		itl: histogramOf(doc, 'vllm:inter_token_latency_seconds') ?? histogramOf(doc, 'vllm:time_per_output_token_seconds'),
		flavor: hasNew ? 'v0.11+' : hasOld ? 'v0.8-v0.10' : 'unknown',
	};
}
