/** The endpoint pane's view-model: health in a word, the numbers that matter, a latency history. */
import type {EndpointState} from '../model/state.js';
import {safeUrlText} from '../core/text-safety.js';

export interface EndpointModel {
	configured: boolean;
	url: string;
	via: string;
	health: string;
	tone: 'ok' | 'warn' | 'error' | 'muted';
	reason: string | null;
	rows: {label: string; value: string}[];
	latency: number[];
}

const fmt = (n: number | null | undefined, unit = '', digits = 0) => (n === null || n === undefined ? null : `${n.toFixed(digits)}${unit}`);

/** `{capacity: 19, deferred: 473}` → `capacity 19, deferred 473` (vLLM's label values, as served). */
const counts = (r: Record<string, number>) =>
	Object.entries(r)
		.sort(([a], [b]) => (a < b ? -1 : 1))
		.map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`)
		.join(', ') || null;

/** Engines per `vllm:engine_sleep_state` → `awake` (every engine), else e.g. `weights_offloaded 1, awake 1` (engines in each). */
function sleepWords(r: Record<string, number>): string | null {
	const on = Object.entries(r).filter(([, n]) => n > 0);
	if (on.length === 0) return null;
	if (on.length === 1) return on[0]![1] > 1 ? `${on[0]![0]} (all ${on[0]![1]} engines)` : on[0]![0];
	return on
		.sort(([a], [b]) => (a === 'awake' ? 1 : b === 'awake' ? -1 : a < b ? -1 : 1))
		.map(([k, n]) => `${k} ${n}`)
		.join(', ');
}

export function buildEndpoint(ep: EndpointState | null): EndpointModel {
	if (!ep) return {configured: false, url: '', via: '', health: 'no endpoint configured', tone: 'muted', reason: null, rows: [], latency: []};
	const m = ep.metrics;
	const tone = ep.health === 'ok' ? 'ok' : ep.health === null ? 'muted' : ep.health === 'stalled' ? 'warn' : 'error';
	const candidates: [string, string | null][] = [
		['models', ep.models.length ? ep.models.join(', ') : null],
		['version', ep.version],
		['latency', fmt(ep.latencyMs, ' ms')],
		['running/waiting', m && (m.requestsRunning !== null || m.requestsWaiting !== null) ? `${m.requestsRunning ?? '?'} / ${m.requestsWaiting ?? '?'}` : null],
		['waiting reasons', m?.waitingByReason ? counts(m.waitingByReason) : null],
		['engine sleep', m?.sleepState ? sleepWords(m.sleepState) : null],
		['KV cache use', m?.kvCacheUsage != null ? `${(m.kvCacheUsage * 100).toFixed(1)}%` : null],
		['gen tok/s', fmt(m?.generationTokensPerSec, '', 1)],
		['prompt tok/s', fmt(m?.promptTokensPerSec, '', 1)],
		['TTFT p50/p95', m && m.ttftP50Ms !== null ? `${m.ttftP50Ms.toFixed(0)} / ${m.ttftP95Ms?.toFixed(0) ?? '?'} ms` : null],
		['ITL p50/p95', m && m.itlP50Ms !== null ? `${m.itlP50Ms.toFixed(0)} / ${m.itlP95Ms?.toFixed(0) ?? '?'} ms` : null],
		['preemptions', m?.preemptions != null ? String(m.preemptions) : null],
		['prefix hit', m?.prefixCacheHitRate != null ? `${(m.prefixCacheHitRate * 100).toFixed(1)}%` : null],
		['last error', ep.errors.length ? ep.errors[ep.errors.length - 1]! : null],
	];
	return {
		configured: true,
		// never draw a credential: user info and token-like query values are removed
		url: safeUrlText(ep.url),
		via: ep.via,
		health: ep.health ?? 'probing',
		tone,
		reason: ep.reason,
		rows: candidates.filter(([, v]) => v !== null).map(([label, value]) => ({label, value: value!})),
		latency: ep.latencyHistory.slice(-60),
	};
}

/** A sparkline from values, using the given ramp of glyphs. */
export function sparkline(values: readonly number[], ramp: readonly string[], width: number): string {
	const v = values.slice(-width);
	if (v.length === 0) return '';
	const max = Math.max(...v);
	const min = Math.min(...v);
	const span = max - min || 1;
	return v.map(x => ramp[Math.min(ramp.length - 1, Math.floor(((x - min) / span) * (ramp.length - 1)))]).join('');
}
