import {describe, expect, it} from 'vitest';
import {histogramDelta, histogramQuantile, MetricsWindow} from '../../source/sources/endpoint/metrics-window.js';
import type {Histogram, VllmScrape} from '../../source/sources/endpoint/vllm-metrics.js';

const inf = Number.POSITIVE_INFINITY;
const hist = (pairs: [number, number][], sum = 0): Histogram => ({buckets: pairs.map(([le, count]) => ({le, count})), sum, count: pairs.at(-1)![1]});

function scrape(at: number, over: Partial<VllmScrape> = {}): VllmScrape {
	return {
		at,
		requestsRunning: 1,
		requestsWaiting: 0,
		kvCacheUsage: 0.5,
		promptTokens: 0,
		generationTokens: 0,
		preemptions: 0,
		prefixHits: null,
		prefixQueries: null,
		prefixHitRateGauge: null,
		ttft: null,
		itl: null,
		waitingByReason: null,
		sleepState: null,
		flavor: 'v0.11+',
		...over,
	};
}

describe('histogramQuantile (Prometheus semantics)', () => {
	it('interpolates inside the bucket holding the rank', () => {
		// 10 in (0, 0.1], 10 in (0.1, 0.5]
		const b = hist([
			[0.1, 10],
			[0.5, 20],
			[inf, 20],
		]).buckets;
		expect(histogramQuantile(0.5, b)).toBeCloseTo(0.1);
		expect(histogramQuantile(0.25, b)).toBeCloseTo(0.05);
		expect(histogramQuantile(0.75, b)).toBeCloseTo(0.3);
	});
	it('a rank in +Inf answers the highest finite bound; no observations: null', () => {
		expect(
			histogramQuantile(
				0.99,
				hist([
					[1, 1],
					[inf, 10],
				]).buckets,
			),
		).toBe(1);
		expect(
			histogramQuantile(
				0.5,
				hist([
					[1, 0],
					[inf, 0],
				]).buckets,
			),
		).toBeNull();
	});
	it('delta of histograms; a reset uses the later one as is', () => {
		const a = hist(
			[
				[1, 5],
				[inf, 6],
			],
			3,
		);
		const b = hist(
			[
				[1, 7],
				[inf, 10],
			],
			8,
		);
		expect(histogramDelta(b, a)).toEqual(
			hist(
				[
					[1, 2],
					[inf, 4],
				],
				5,
			),
		);
		expect(histogramDelta(a, b)).toBe(a);
	});
});

describe('MetricsWindow', () => {
	it('rates come from counter deltas between scrapes, not totals', () => {
		const w = new MetricsWindow();
		const first = w.add(scrape(0, {generationTokens: 1_000_000, promptTokens: 5_000_000}));
		expect(first.generationTokensPerSec).toBeNull();
		const m = w.add(scrape(2000, {generationTokens: 1_000_300, promptTokens: 5_001_000}));
		expect(m.generationTokensPerSec).toBe(150);
		expect(m.promptTokensPerSec).toBe(500);
		expect(m.generationTokensTotal).toBe(1_000_300);
	});

	it('a counter reset (server restart) counts the new value as the increase', () => {
		const w = new MetricsWindow();
		w.add(scrape(0, {generationTokens: 900}));
		expect(w.add(scrape(1000, {generationTokens: 40})).generationTokensPerSec).toBe(40);
	});

	it('percentiles cover the last minute only: the baseline is the newest scrape at least 60 s old', () => {
		const w = new MetricsWindow();
		// Old history: 1000 slow first tokens (2-5 s)
		w.add(
			scrape(0, {
				ttft: hist([
					[0.1, 0],
					[5, 1000],
					[inf, 1000],
				]),
			}),
		);
		w.add(
			scrape(30_000, {
				ttft: hist([
					[0.1, 0],
					[5, 1000],
					[inf, 1000],
				]),
			}),
		);
		// In the last minute: 100 fast ones (≤ 0.1 s)
		const m = w.add(
			scrape(70_000, {
				ttft: hist([
					[0.1, 100],
					[5, 1100],
					[inf, 1100],
				]),
			}),
		);
		expect(w.size).toBe(3);
		expect(m.ttftP95Ms).toBeCloseTo(95, 5);
		// From totals it would have been seconds:
		expect(
			histogramQuantile(
				0.95,
				hist([
					[0.1, 100],
					[5, 1100],
					[inf, 1100],
				]).buckets,
			),
		).toBeGreaterThan(4);
		// No new observations in the window → null, not a stale number
		expect(
			w.add(
				scrape(140_000, {
					ttft: hist([
						[0.1, 100],
						[5, 1100],
						[inf, 1100],
					]),
				}),
			).ttftP95Ms,
		).toBeNull();
	});

	it('prefix cache hit rate from delta hits / delta queries; V0 gauge as the fallback', () => {
		const w = new MetricsWindow();
		w.add(scrape(0, {prefixHits: 100, prefixQueries: 1000}));
		expect(w.add(scrape(1000, {prefixHits: 400, prefixQueries: 2000})).prefixCacheHitRate).toBeCloseTo(0.3);
		const v0 = new MetricsWindow();
		expect(v0.add(scrape(0, {prefixHitRateGauge: 0.42})).prefixCacheHitRate).toBe(0.42);
	});
});
