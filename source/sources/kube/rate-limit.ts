/**
 * A token bucket for Kubernetes API requests (`--qps`): every list, get, watch
 * and log open takes a token, so 128 pods never mean 128 requests in one burst
 * against a busy API server. Long-lived streams hold no token once open.
 */
export interface RateLimiter {
	take(signal?: AbortSignal): Promise<void>;
	/** requests granted so far (for the bench and tests) */
	readonly granted: number;
}

export function createRateLimiter(qps: number, burst = Math.max(1, Math.ceil(qps * 2))): RateLimiter {
	let tokens = burst;
	let last = Date.now();
	let granted = 0;
	const waiters: {resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal}[] = [];
	let timer: NodeJS.Timeout | null = null;

	const refill = () => {
		const now = Date.now();
		tokens = Math.min(burst, tokens + ((now - last) / 1000) * qps);
		last = now;
	};
	const drain = () => {
		timer = null;
		refill();
		while (waiters.length && tokens >= 1) {
			const w = waiters.shift()!;
			if (w.signal?.aborted) continue;
			tokens -= 1;
			granted++;
			w.resolve();
		}
		if (waiters.length) timer = setTimeout(drain, Math.max(1, Math.ceil(((1 - tokens) / qps) * 1000)));
	};
	return {
		get granted() {
			return granted;
		},
		take(signal) {
			refill();
			if (!waiters.length && tokens >= 1) {
				tokens -= 1;
				granted++;
				return Promise.resolve();
			}
			return new Promise<void>((resolve, reject) => {
				const w = {resolve, reject, signal};
				waiters.push(w);
				signal?.addEventListener('abort', () => reject(signal.reason), {once: true});
				if (!timer) timer = setTimeout(drain, Math.max(1, Math.ceil(((1 - tokens) / qps) * 1000)));
			});
		},
	};
}
