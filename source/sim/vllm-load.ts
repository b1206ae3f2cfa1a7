/**
 * The load the simulated vLLM server serves under, as its engines count it:
 * tokens, prefix-cache queries and hits, preemptions, TTFT and inter-token
 * latency histograms with vLLM's bucket bounds, and the running / waiting / KV
 * gauges for each mode. It starts with a long, slow warm-up history, so anything
 * computed from totals instead of deltas comes out visibly wrong, and advances in
 * whole milliseconds of the clock it is given, so a fake clock gives exact rates.
 */

export type VllmSimMode = 'starting' | 'serving' | 'dead' | 'stalled' | 'idle' | 'exited';

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

export class Hist {
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

export interface Engine {
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

export interface SimLoad {
	/** one per data-parallel engine */
	engines: Engine[];
	/** move the counters and histograms on to the clock's now (only while serving) */
	advance(): void;
	gauges(): {running: number; waiting: number; kv: number};
}

export function createSimLoad(args: {engineCount: number; clock: () => number; mode: () => VllmSimMode}): SimLoad {
	const {clock} = args;
	const startedAt = clock();
	const engines: Engine[] = Array.from({length: args.engineCount}, () => {
		const h = load.history;
		const n = args.engineCount;
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
		const mode = args.mode();
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
		const mode = args.mode();
		if (mode === 'idle') return {running: 0, waiting: 0, kv: 0};
		const running = mode === 'stalled' ? 6 : 4 + (Math.floor(t) % 5);
		const waiting = mode === 'stalled' ? Math.min(50, 2 + Math.floor(stalledMs / 1000)) : Math.floor(t / 3) % 3;
		return {running, waiting, kv: mode === 'stalled' ? 0.91 : 0.3 + 0.05 * running};
	};

	return {engines, advance, gauges};
}
