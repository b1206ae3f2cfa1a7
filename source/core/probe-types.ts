/**
 * One probe round of the endpoint, as the prober dispatches it (`endpoint-probe`
 * event). Pure data: parse/ and model/ import this type, so no I/O here.
 * Never carries a token or any header: only what the state may show.
 */
/** The endpoint's figures over the prober's window (null: not exported or not enough samples yet). */
export interface EndpointMetrics {
	requestsRunning: number | null;
	requestsWaiting: number | null;
	kvCacheUsage: number | null;
	promptTokensPerSec: number | null;
	generationTokensPerSec: number | null;
	ttftP50Ms: number | null;
	ttftP95Ms: number | null;
	itlP50Ms: number | null;
	itlP95Ms: number | null;
	preemptions: number | null;
	prefixCacheHitRate: number | null;
	generationTokensTotal: number | null;
	/** `vllm:num_requests_waiting_by_reason` per `reason` (capacity, deferred); absent/null when the server does not export it */
	waitingByReason?: Record<string, number> | null;
	/** `vllm:engine_sleep_state`: engines per `sleep_state` (awake, weights_offloaded, discard_all); absent/null when not exported */
	sleepState?: Record<string, number> | null;
}

/**
 * What this round's HTTP answers say, before history is considered (the reducer
 * adds `stalled`, which needs several rounds):
 * - `ok`: `/health` 200 (and `/v1/models` not refused for auth)
 * - `unhealthy`: the server answered `/health` with non-200 (503: engine dead)
 * - `unreachable`: refused, timeout, DNS, redirect elsewhere, or the API server's proxy could not reach it
 * - `unauthorized`: 401/403 on `/v1/models` (vLLM `--api-key` guards only `/v1/*`) or from the API server
 */
export type ProbeOutcome = 'ok' | 'unhealthy' | 'unreachable' | 'unauthorized';

export interface EndpointProbe {
	/** the endpoint as shown: a URL with no credentials, or `service NS/NAME:PORT` */
	url: string;
	/** how it is reached, e.g. `http://127.0.0.1:8000 (direct)` */
	via: string;
	/** when the round started (prober clock, epoch ms) */
	at: number;
	/** from `--stall-after`: the reducer needs it to call a server stuck */
	stallAfterMs: number;
	outcome: ProbeOutcome;
	/** why, in words a person can act on (null when ok) */
	reason: string | null;
	/** HTTP status of `/health` (null when no answer) */
	healthStatus: number | null;
	/** round-trip of `/health` in ms (null when no answer) */
	healthLatencyMs: number | null;
	/** served model ids from `/v1/models`; null when not learned this round */
	models: string[] | null;
	/** `/version`'s `version`; null when not learned this round */
	version: string | null;
	/** computed from this and earlier scrapes; null when `/metrics` failed this round */
	metrics: EndpointMetrics | null;
	/** `/v1/completions` 1-token latency (only with --probe-completion) */
	completionLatencyMs: number | null;
	/** per-request problems this round (bad metrics, non-JSON models, a 50 MB body …), already worded */
	errors: string[];
	/** the answers are not vLLM's (an nginx page, no model list, no vllm:* metrics): why; outcome is then `unhealthy` */
	notVllm?: string | null;
}
