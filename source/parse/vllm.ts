/**
 * vLLM messages (log-formats.md §2.3–2.6): version, engine config, weights,
 * KV cache, CUDA graphs, API server, engine death. Most vLLM lines are none of
 * these; each check is a `startsWith`/`indexOf` gate before its regex.
 */
import type {StreamCtx} from './context.js';
import type {AtFn} from './nccl.js';
import {ENGINE_CONFIG, engineFromConfig, splitConfig} from './vllm-config.js';

// e.g. "Loading safetensors checkpoint shards:  42% Completed | 5/12 [00:10<00:14,  2.1s/it]"
const SHARDS = /Loading safetensors checkpoint shards:\s*(\d+)% Completed \| (\d+)\/(\d+)/;
// e.g. "Loading weights took 62.67 seconds"
const WEIGHTS_TOOK = /Loading weights took ([\d.]+) seconds/;
// e.g. "Model loading took 1.9148 GiB memory and 1.283947 seconds", "Model loading took 14.99 GB and 5.1 seconds"
const MODEL_LOADING = /Model loading took ([\d.]+) Gi?B(?: memory)? and ([\d.]+) seconds/;
// e.g. "# cuda blocks: 25588, # CPU blocks: 6553", "# GPU blocks: 27029, # CPU blocks: 2048"
const BLOCKS = /# (\w+) blocks: (\d+)(?:, # CPU blocks: (\d+))?/i;
// e.g. "GPU KV cache size: 950,864 tokens"
const KV_TOKENS = /GPU KV cache size: ([\d,]+) tokens/;
// e.g. "Maximum concurrency for 2,048 tokens per request: 461.21x", "Maximum concurrency for 8192 tokens per request: 11.12x"
const MAX_CONC = /Maximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x/;
// e.g. "Capturing CUDA graph shapes:  45%|████▌     | 30/67 [00:10<00:12,  2.88it/s]", "Capturing CUDA graphs (decode, FULL): 100%|…| 51/51"
const GRAPH_BAR = /Capturing CUDA graph[^:]*:\s*\d+%\|[^|]*\|\s*(\d+)\/(\d+)/;
// e.g. "Graph capturing finished in 3 secs, took -0.22 GiB"
const GRAPH_DONE = /Graph capturing finished in ([\d.]+) secs?/;
// e.g. "rank 13 in world size 16 is assigned as DP rank 0, PP rank 1, TP rank 5"
const RANK_ASSIGNED = /rank (\d+) in world size (\d+) is assigned as (.*)$/;
// e.g. "Resolved architecture: Qwen3ForCausalLM"
const ARCH = /Resolved architecture: (\S+)/;
// e.g. "vLLM is using nccl==2.21.5"
const USING_NCCL = /vLLM is using nccl==(\S+)/;
// e.g. "Reducing Torch parallelism from 24 threads to 1 to avoid unnecessary CPU contention."
const TORCH_THREADS = /Reducing Torch parallelism from (\d+) threads to (\d+)/;

/**
 * `pid`: the process prefix's pid; null = no prefix (the driver / API server);
 * undefined = unknown (a write glued into another line: its process is not known).
 */
export function handleVllmMessage(ctx: StreamCtx, level: string, msg: string, pid: number | null | undefined, at: AtFn): boolean {
	const pod = ctx.pod;
	const ev = ctx.events;
	const c0 = msg.charCodeAt(0);
	if (c0 === 73 && msg.startsWith('Initializing a')) {
		const m = ENGINE_CONFIG.exec(msg);
		if (m) {
			const config = splitConfig(m[3]!);
			ev.push({type: 'engine', pod, at: at(), patch: {vllmVersion: m[2]!, ...engineFromConfig(config)}, config, milestone: 'configSeen'});
			return true;
		}
	}
	if (c0 === 118 && msg.startsWith('vLLM API server version ')) {
		ev.push({type: 'engine', pod, at: at(), patch: {vllmVersion: msg.slice(24).trim()}});
		return true;
	}
	if (c0 === 76) {
		if (msg.startsWith('Loading safetensors checkpoint shards')) {
			const m = SHARDS.exec(msg);
			if (m) {
				const done = Number(m[2]);
				const total = Number(m[3]);
				ev.push({type: 'engine', pod, at: at(), patch: {weightsShards: {done, total}}, milestone: done === 0 ? 'weightsStart' : undefined});
				return true;
			}
		}
		const w = WEIGHTS_TOOK.exec(msg);
		if (w) {
			ev.push({type: 'engine', pod, at: at(), patch: {weightsLoadSeconds: Number(w[1])}, milestone: 'weightsDone'});
			return true;
		}
		if (msg.startsWith('Loading model weights took')) {
			ev.push({type: 'engine', pod, at: at(), patch: {}, milestone: 'weightsDone'});
			return true;
		}
	}
	if (msg.startsWith('Starting to load model')) {
		ev.push({type: 'engine', pod, at: at(), patch: {}, milestone: 'weightsStart'});
		return true;
	}
	if (msg.startsWith('Model loading took')) {
		const m = MODEL_LOADING.exec(msg);
		if (m) ev.push({type: 'engine', pod, at: at(), patch: {weightsLoadSeconds: Number(m[2])}, milestone: 'weightsDone'});
		return true;
	}
	if (msg.startsWith('Memory profiling takes') || msg.startsWith('Available KV cache memory')) {
		ev.push({type: 'engine', pod, at: at(), patch: {}, milestone: 'profilingStart'});
		return true;
	}
	if (c0 === 35 && msg.startsWith('# ')) {
		const m = BLOCKS.exec(msg);
		if (m && m[1]!.toLowerCase() !== 'cpu') {
			ev.push({type: 'engine', pod, at: at(), patch: {gpuBlocks: Number(m[2])}, milestone: 'kvCacheSized'});
			return true;
		}
	}
	if (msg.indexOf('KV cache size: ') !== -1 || msg.indexOf('Maximum concurrency for ') !== -1) {
		const t = KV_TOKENS.exec(msg);
		const c = MAX_CONC.exec(msg);
		if (t || c) {
			ev.push({
				type: 'engine',
				pod,
				at: at(),
				patch: {...(t ? {kvCacheTokens: Number(t[1]!.replace(/,/g, ''))} : {}), ...(c ? {maxConcurrency: Number(c[2])} : {})},
				milestone: 'kvCacheSized',
			});
			return true;
		}
	}
	if (msg.startsWith('Capturing')) {
		const m = GRAPH_BAR.exec(msg);
		if (m) {
			ev.push({type: 'engine', pod, at: at(), patch: {graphCapture: {done: Number(m[1]), total: Number(m[2])}}, milestone: 'graphsStart'});
			return true;
		}
		if (/^Capturing (?:cudagraphs|CUDA graph)/.test(msg)) {
			ev.push({type: 'engine', pod, at: at(), patch: {}, milestone: 'graphsStart'});
			return true;
		}
	}
	if (msg.startsWith('Graph capturing finished')) {
		const m = GRAPH_DONE.exec(msg);
		ev.push({type: 'engine', pod, at: at(), patch: m ? {graphCaptureSeconds: Number(m[1])} : {}, milestone: 'graphsDone'});
		return true;
	}
	if (msg.startsWith('Starting vLLM API server') || msg.startsWith('Starting vLLM server on')) {
		ev.push({type: 'engine', pod, at: at(), patch: {}, milestone: 'apiServerStarting'});
		return true;
	}
	if (msg.startsWith('Application startup complete')) {
		ev.push({type: 'engine', pod, at: at(), patch: {}, milestone: 'serving'});
		return true;
	}
	if (msg.startsWith('Resolved architecture')) {
		const m = ARCH.exec(msg);
		if (m) ev.push({type: 'engine', pod, at: at(), patch: {architecture: m[1]!}});
		return true;
	}
	if (msg.startsWith('rank ') && msg.indexOf(' in world size ') !== -1) {
		const m = RANK_ASSIGNED.exec(msg);
		if (m) {
			const roles = m[3]!;
			const get = (name: string) => {
				const r = new RegExp(`\\b${name} rank (\\d+)`).exec(roles);
				return r ? Number(r[1]) : null;
			};
			const entry = {worldRank: Number(m[1]), tp: get('TP'), pp: get('PP'), dp: get('DP'), at: at()};
			if (pid === undefined) return true;
			const owner = pid ?? ctx.mainPid;
			if (owner !== null) assignRanks(ctx, owner, entry);
			else ctx.pendingRanks.set(-1, entry);
			return true;
		}
	}
	if (msg.startsWith('vLLM is using nccl')) {
		const m = USING_NCCL.exec(msg);
		if (m) ev.push({type: 'nccl-fact', pod, at: at(), proc: null, fact: {kind: 'version', version: m[1]!, fromVllm: true}});
		return true;
	}
	if (msg.startsWith('Reducing Torch parallelism')) {
		const m = TORCH_THREADS.exec(msg);
		ev.push({type: 'nccl-fact', pod, at: at(), proc: null, fact: {kind: 'torch-threads', text: m ? `${m[1]} -> ${m[2]}` : msg.trim()}});
		return true;
	}
	if (msg.indexOf('died unexpectedly') !== -1 || msg.indexOf('Engine core initialization failed') !== -1 || msg.indexOf('EngineDeadError') !== -1 || msg.startsWith('EngineCore failed to start') || msg.startsWith('EngineCore encountered a fatal error')) {
		const message = msg.trim();
		ev.push({type: 'engine', pod, at: at(), patch: {}, dead: message});
		ev.push({type: 'failure', pod, at: at(), kind: 'engine-dead', proc: null, rank: null, message, remote: false});
		return true;
	}
	if (msg.indexOf('KV cache is needed, which is larger than the available KV cache memory') !== -1 || msg.indexOf('No available memory for the cache blocks') !== -1) {
		ev.push({type: 'failure', pod, at: at(), kind: 'kv-cache-too-small', proc: null, rank: null, message: msg.trim(), remote: false});
		return true;
	}
	if (level === 'WARNING' && /deprecat/i.test(msg)) {
		ev.push({type: 'engine', pod, at: at(), patch: {}, deprecation: msg.trim().slice(0, 300)});
		return true;
	}
	return false;
}

/** Ranks from a vLLM line of process `pid`; emitted now if its NCCL head was seen, else when it is. */
export function assignRanks(ctx: StreamCtx, pid: number, entry: {worldRank: number; tp: number | null; pp: number | null; dp: number | null; at: number | null}): void {
	const procs = ctx.byPid.get(pid);
	if (procs && procs.length) {
		for (const p of procs) ctx.events.push({type: 'proc-ranks', pod: ctx.pod, at: entry.at, proc: p.key, worldRank: entry.worldRank, tpRank: entry.tp, ppRank: entry.pp, dpRank: entry.dp});
	} else ctx.pendingRanks.set(pid, entry);
}
