/** The endpoint slice: what the HTTP prober last saw and its history. */

/** the endpoint's metrics window: one definition, in core/probe-types.ts (the prober's vocabulary) */
export type {EndpointMetrics} from '../../core/probe-types.js';
import type {EndpointMetrics} from '../../core/probe-types.js';

export type EndpointHealth = 'ok' | 'stalled' | 'unhealthy' | 'unreachable' | 'unauthorized';

export interface EndpointState {
	url: string;
	/** how it is reached: direct URL, or `service ns/name:port via API proxy` */
	via: string;
	health: EndpointHealth | null;
	reason: string | null;
	lastStatus: number | null;
	latencyMs: number | null;
	latencyHistory: number[];
	models: string[];
	version: string | null;
	metrics: EndpointMetrics | null;
	lastProbeAt: number | null;
	/** when generation tokens last rose (or requests were zero) */
	lastProgressAt: number | null;
	completionLatencyMs: number | null;
	errors: string[];
	/** first probe that found it ok (a failure after this is an outage, not a slow start) */
	everOkAt?: number | null;
	/** first probe of the current run of failures (null while ok) */
	failingSince?: number | null;
	/** probes in a row that were not ok (stalled excluded: it answers) */
	consecutiveFailures?: number;
	/** when `metrics` was scraped (they are kept through a failed scrape) */
	metricsAt?: number | null;
	/** `--stall-after` in force when this was probed */
	stallAfterMs?: number;
	probes?: number;
	/** the last probe's answers were not vLLM's (an nginx page, no model list, no vllm:* metrics): why; health is then `unhealthy` */
	notVllm?: string | null;
}
