/**
 * vLLM's `/metrics` → the few numbers infertop shows, across metric spellings
 * (docs/log-formats/vllm.md §2.7). Pure: a parsed document in, a `VllmScrape` out; rates
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
	/** `vllm:num_requests_waiting_by_reason` summed per `reason` label (`capacity`, `deferred`); null when not exported (before 2026 releases) */
	waitingByReason: Record<string, number> | null;
	/** `vllm:engine_sleep_state`: how many engines are in each `sleep_state` (`awake`, `weights_offloaded`, `discard_all`); null when not exported */
	sleepState: Record<string, number> | null;
	/** which spelling was found: `kv_cache_usage_perc` / `inter_token_latency_seconds` (new) or only `gpu_cache_usage_perc` / `time_per_output_token_seconds` (old) */
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

/** Sum a gauge per value of one label (over engines and model names); null when absent or no sample has the label. */
export function byLabel(doc: PromDoc, name: string, label: string, onlyWhere?: (value: number) => boolean): Record<string, number> | null {
	const samples = doc.byName.get(name);
	if (!samples || samples.length === 0) return null;
	const out: Record<string, number> = {};
	let any = false;
	for (const s of samples) {
		const key = s.labels[label];
		if (key === undefined || !Number.isFinite(s.value)) continue;
		any = true;
		if (onlyWhere) {
			if (onlyWhere(s.value)) out[key] = (out[key] ?? 0) + 1;
			else out[key] ??= 0;
		} else out[key] = (out[key] ?? 0) + s.value;
	}
	return any ? out : null;
}

export function extractVllm(doc: PromDoc, at: number): VllmScrape {
	const hasNew = doc.byName.has('vllm:kv_cache_usage_perc') || doc.byName.has('vllm:inter_token_latency_seconds_bucket');
	const hasOld = doc.byName.has('vllm:gpu_cache_usage_perc') || doc.byName.has('vllm:time_per_output_token_seconds_bucket');
	return {
		at,
		requestsRunning: sumOf(doc, 'vllm:num_requests_running'),
		requestsWaiting: sumOf(doc, 'vllm:num_requests_waiting'),
		// Renamed in 0.9.2 (#18354; the old name hidden in 0.11, removed in 0.12 by #29330); the fullest engine is the one that will preempt.
		kvCacheUsage: first(doc, ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'], maxOf),
		promptTokens: sumOf(doc, 'vllm:prompt_tokens_total'),
		generationTokens: sumOf(doc, 'vllm:generation_tokens_total'),
		preemptions: sumOf(doc, 'vllm:num_preemptions_total'),
		// V1 counters are in tokens: `prefix_cache_*` (0.9.2+) else `gpu_prefix_cache_*` (0.8–0.11)
		prefixHits: first(doc, ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'], sumOf),
		prefixQueries: first(doc, ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'], sumOf),
		prefixHitRateGauge: maxOf(doc, 'vllm:gpu_prefix_cache_hit_rate'),
		ttft: histogramOf(doc, 'vllm:time_to_first_token_seconds'),
		// Renamed in 0.11 ("DEPRECATED: Use vllm:inter_token_latency_seconds instead."); the old name hidden from 0.12 (#29330), deleted later (#32661)
		// A server that declares the new family is read from it alone: its old family may be a deprecated copy.
		itl: doc.families.has('vllm:inter_token_latency_seconds') ? histogramOf(doc, 'vllm:inter_token_latency_seconds') : histogramOf(doc, 'vllm:time_per_output_token_seconds'),
		// `reason` = capacity (not yet tried) | deferred (tried, held back: LoRA budget, KV transfer); sums to num_requests_waiting (#38435)
		waitingByReason: byLabel(doc, 'vllm:num_requests_waiting_by_reason', 'reason'),
		// a state set: per engine, 1 on the state it is in and 0 on the others (#24176); count engines per state
		sleepState: byLabel(doc, 'vllm:engine_sleep_state', 'sleep_state', v => v >= 0.5),
		flavor: hasNew ? 'v0.11+' : hasOld ? 'v0.8-v0.10' : 'unknown',
	};
}
