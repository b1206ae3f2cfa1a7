/**
 * Rates and percentiles from successive scrapes — never from totals, which mix in
 * everything since the server started (warm-up included).
 *
 * Why the window lives in the prober, not in the reducer state: percentiles "over
 * the last minute" need a baseline scrape ~60 s old (up to 30 scrapes of histogram
 * buckets at the default 2 s interval), which is bookkeeping, not something a pane
 * or the snapshot shows. The state carries the computed `EndpointMetrics`; this
 * class is still pure (no I/O, no clock) so it is tested on its own.
 */
import type {EndpointMetrics} from '../../model/state.js';
import type {Histogram, VllmScrape} from './vllm-metrics.js';

export const percentileWindowMs = 60_000;
const maxScrapes = 400;

/**
 * Prometheus `histogram_quantile`: find the bucket holding rank q·count, then
 * interpolate linearly inside it (lower bound 0 for the first bucket). A rank in
 * the +Inf bucket answers the highest finite bound. Null without observations.
 */
export function histogramQuantile(q: number, buckets: readonly {le: number; count: number}[]): number | null {
	if (buckets.length === 0) return null;
	const total = buckets.at(-1)!.count;
	if (!(total > 0)) return null;
	const rank = q * total;
	let prevLe = 0;
	let prevCount = 0;
	for (const b of buckets) {
		if (b.count >= rank && b.count > prevCount) {
			if (b.le === Number.POSITIVE_INFINITY) return prevLe;
			return prevLe + (b.le - prevLe) * ((rank - prevCount) / (b.count - prevCount));
		}
		prevLe = b.le === Number.POSITIVE_INFINITY ? prevLe : b.le;
		prevCount = b.count;
	}
	return prevLe;
}

/** later − earlier per bucket; a counter that went down means the server restarted: use `later` as is. */
export function histogramDelta(later: Histogram, earlier: Histogram | null): Histogram {
	if (!earlier) return later;
	const before = new Map(earlier.buckets.map(b => [b.le, b.count]));
	const buckets = later.buckets.map(b => ({le: b.le, count: b.count - (before.get(b.le) ?? 0)}));
	if (later.count < earlier.count || buckets.some(b => b.count < 0)) return later;
	return {buckets, sum: later.sum - earlier.sum, count: later.count - earlier.count};
}

function counterDelta(later: number | null, earlier: number | null): number | null {
	if (later === null || earlier === null) return null;
	// A reset (restart) starts the counter from 0 again: the new value is the increase.
	return later >= earlier ? later - earlier : later;
}

const ms = (s: number | null) => (s === null ? null : Math.round(s * 100_000) / 100);

export class MetricsWindow {
	private scrapes: VllmScrape[] = [];

	add(scrape: VllmScrape): EndpointMetrics {
		this.scrapes.push(scrape);
		// Keep everything inside the window plus one baseline older than it.
		const cutoff = scrape.at - percentileWindowMs;
		let drop = 0;
		while (drop + 1 < this.scrapes.length && this.scrapes[drop + 1]!.at <= cutoff) drop++;
		if (drop) this.scrapes.splice(0, drop);
		if (this.scrapes.length > maxScrapes) this.scrapes.splice(0, this.scrapes.length - maxScrapes);
		return this.compute();
	}

	/** Forget history (e.g. the server restarted or the target changed). */
	reset(): void {
		this.scrapes = [];
	}

	get size(): number {
		return this.scrapes.length;
	}

	compute(): EndpointMetrics {
		const latest = this.scrapes.at(-1);
		if (!latest) throw new Error('MetricsWindow.compute with no scrapes');
		const prev = this.scrapes.length > 1 ? this.scrapes.at(-2)! : null;
		const base = this.scrapes.length > 1 ? this.scrapes[0]! : null;
		const dt = prev ? (latest.at - prev.at) / 1000 : 0;
		const rate = (later: number | null, earlier: number | null | undefined) => {
			if (!prev || dt <= 0) return null;
			const d = counterDelta(later, earlier ?? null);
			return d === null ? null : d / dt;
		};
		const pct = (h: 'ttft' | 'itl', q: number) => {
			const later = latest[h];
			if (!later || !base) return null;
			return ms(histogramQuantile(q, histogramDelta(later, base[h]).buckets));
		};
		let prefixCacheHitRate: number | null = null;
		if (base) {
			const hits = counterDelta(latest.prefixHits, base.prefixHits);
			const queries = counterDelta(latest.prefixQueries, base.prefixQueries);
			if (hits !== null && queries !== null && queries > 0) prefixCacheHitRate = hits / queries;
		}
		if (prefixCacheHitRate === null && latest.prefixHitRateGauge !== null) prefixCacheHitRate = latest.prefixHitRateGauge;
		return {
			requestsRunning: latest.requestsRunning,
			requestsWaiting: latest.requestsWaiting,
			kvCacheUsage: latest.kvCacheUsage,
			promptTokensPerSec: rate(latest.promptTokens, prev?.promptTokens),
			generationTokensPerSec: rate(latest.generationTokens, prev?.generationTokens),
			ttftP50Ms: pct('ttft', 0.5),
			ttftP95Ms: pct('ttft', 0.95),
			itlP50Ms: pct('itl', 0.5),
			itlP95Ms: pct('itl', 0.95),
			preemptions: latest.preemptions,
			prefixCacheHitRate,
			generationTokensTotal: latest.generationTokens,
			waitingByReason: latest.waitingByReason,
			sleepState: latest.sleepState,
		};
	}
}
