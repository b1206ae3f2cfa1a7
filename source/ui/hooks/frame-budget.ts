/**
 * Adaptive frame pacing: under a log storm each frame costs real CPU (view-models,
 * React, Ink's layout and changed rows: ~5–20 ms at 200x60), so store-driven renders are
 * spaced to keep the UI near `share` of one core — 10/s when frames are cheap,
 * fewer when they are not (never slower than one every `maxMs`). Key presses
 * are not paced: they render at once.
 */
export interface FrameBudget {
	/** React-side work for the coming frame (view-models, lines), ms */
	addWork(ms: number): void;
	/** Ink's cost of the frame just drawn (ms); closes the frame with the work added since the last */
	record(ms: number): void;
	/** how long to wait before the next store-driven render */
	interval(): number;
}

export function createFrameBudget(opts: {minMs?: number; maxMs?: number; share?: number} = {}): FrameBudget {
	const minMs = opts.minMs ?? 100;
	const maxMs = opts.maxMs ?? 500;
	// What is measured (Ink's renderTime + the App's body) is about half of a frame's real
	// cost (React commit, GC of Ink's per-cell buffers — bench/render.ts), so aim at 10%
	// measured to land near the 15%-of-a-core goal.
	const share = opts.share ?? 0.1;
	let avg = 0;
	let work = 0;
	return {
		addWork(ms) {
			work += ms;
		},
		record(ms) {
			const total = ms + work;
			work = 0;
			// EWMA over ~8 frames: one slow frame (GC) does not halve the frame rate.
			avg = avg === 0 ? total : avg * 0.875 + total * 0.125;
		},
		interval: () => Math.min(maxMs, Math.max(minMs, avg / share)),
	};
}
