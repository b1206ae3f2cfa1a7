/**
 * vLLM messages (docs/log-formats/vllm.md §2.3–2.6): version, engine config, weights,
 * KV cache, CUDA graphs, API server, engine death. Most vLLM lines are none of
 * these; each check is a `startsWith`/`indexOf` gate before its regex.
 */
import type {AtFn, StreamCtx} from '../context.js';
import type {EnginePatch} from '../event-values.js';
import {ENGINE_CONFIG, engineFromConfig, splitConfig} from './config.js';
import {engineFailure, isEngineFailure, isFatalSignal, isWorkerFailure} from './failures.js';
import {assignRanks} from './ranks.js';
import {handleTorchLine} from '../torch.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Hash = 35, // '#'
	A = 65,
	C = 67,
	D = 68,
	E = 69,
	G = 71,
	I = 73,
	L = 76,
	M = 77,
	W = 87,
	a = 97,
	i = 105,
	n = 110,
	t = 116,
	v = 118,
	w = 119,
	Space = 32,
	Quote = 39, // "'"
	OpenParen = 40, // '('
	CloseParen = 41, // ')'
	OpenBracket = 91, // '['
	OpenBrace = 123, // '{'
	CloseBrace = 125, // '}'
	// the banner's block characters (entrypoints/utils.py, later serve/utils/api_utils.py `log_version_and_model`)
	LowerHalfBlock = 0x2584, // '▄'
	FullBlock = 0x2588, // '█'
}

// what the rules that look anywhere in the message need, one of (each checks its own after this gate):
// "num_gpu_blocks is: ", "KV cache size: " / "Maximum concurrency for ", "died" / "ngine" (isEngineFailure),
// "memory"; one regex scan costs about half the six indexOf scans it spares (measured on the public vLLM logs)
const ANYWHERE = /num_gpu_blocks is: |KV cache size: |Maximum concurrency for |died|ngine|memory/;
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
// e.g. "init engine (profile, create kv cache, warmup model) took 212.68 s (compilation: 13.01 s)", "… took 37.37 seconds"
const INIT_ENGINE = /^init engine \([^)]*\) took ([\d.]+) s(?:econds)?(?: \(compilation: ([\d.]+) s\))?/;
// e.g. "vllm cache_config_info with initialization after num_gpu_blocks is: 70688" (V1 0.8+, `Engine 000: ` before it from 0.9)
const NUM_GPU_BLOCKS = /num_gpu_blocks is: (\d+)/;
// e.g. "DP group leader: node_rank=0, node_rank_within_dp=0, master_addr=127.0.0.1, mq_connect_ip=10.0.10.64 (local), world_size=4, local_world_size=4"
const DP_LEADER = /^DP group leader: node_rank=(\d+),.*\bworld_size=(\d+), local_world_size=(\d+)/;
// e.g. "Launching vLLM (v0.12.0) headless multiproc executor, with head node address 10.0.0.1:29501 for torch.distributed process group."
const HEADLESS = /^Launching vLLM \(v([^)]+)\) headless multiproc executor, with head node address (\S+) for/;
// e.g. "world_size=4 rank=2 local_rank=2 distributed_init_method=tcp://127.0.0.1:58269 backend=nccl" (rank in the engine's TP x PP world)
const WORLD_RANK = /^world_size=(\d+) rank=(\d+) local_rank=(\d+) distributed_init_method=/;
// V1 "Engine 000: Avg prompt throughput: 6335.3 tokens/s, Avg generation throughput: 4.8 tokens/s, Running: 9 reqs, Waiting: 0 reqs, GPU KV cache usage: 62.8%, Prefix cache hit rate: 0.0%"
// V0 "Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 37.3 tokens/s, Running: 1 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 0.3%, CPU KV cache usage: 0.0%."
const STATS =
	/^(?:Engine (\d+): )?Avg prompt throughput: ([\d.]+) tokens\/s, Avg generation throughput: ([\d.]+) tokens\/s, Running: (\d+) reqs?(?:, Swapped: (\d+) reqs?)?, (?:Waiting|Pending): (\d+) reqs?, GPU KV cache usage: ([\d.]+)%(?:, Prefix cache hit rate: ([\d.]+)%)?/;
// the 0.15+ start banner (one logger.info, one head per line): " ▄▄ ▄█ █     █     █ ▀▄▀ █  version 0.23.1rc1.dev197+g01192139b" and
// "  █▄█▀ █     █     █     █  model   Qwen/Qwen3.6-35B-A3B-FP8" (template `…█  version %s` / `…█  model   %s`, read in
// vllm/entrypoints/utils.py as stored by the code index; seen as utils.py:325 in 0.15.1, api_utils.py:345 in 0.26.0)
const BANNER_VERSION = '█  version ';
const BANNER_MODEL = '█  model   ';
// `non-default args: {'model_tag': 'm', …, 'tensor_parallel_size': 2, 'served_model_name': ['a']}` (entrypoints/utils.py
// `log_non_default_args`: logger.info("non-default args: %s", dict), 0.9+): a Python dict repr, only the flags that differ from the default
const ARG = /'(model|served_model_name|tensor_parallel_size|pipeline_parallel_size|data_parallel_size|max_model_len|dtype|quantization)': ('[^']*'|\[[^\]]*\]|[^,}]+)/g;
// `args: Namespace(host=None, …, model='deepseek-ai/DeepSeek-V2.5', …, pipeline_parallel_size=2, tensor_parallel_size=8, …)` (≤ 0.8:
// entrypoints/openai/api_server.py `run_server`: logger.info("args: %s", args) after `vLLM API server version`, every flag, defaults too;
// read in 0.6.1's api_server.py, real in 0.8.3's LWS logs as `[api_server.py:1035] args: Namespace(…)`; 0.9 prints `non-default args` instead)
const NS_ARG = /\b(model|served_model_name|tensor_parallel_size|pipeline_parallel_size|data_parallel_size|max_model_len|dtype|quantization)=('[^']*'|\[[^\]]*\]|[^,)]+)/g;
/**
 * `pid`: the process prefix's pid; null = no prefix (the driver / API server);
 * undefined = unknown (a write glued into another line: its process is not known).
 * `writer`: the process prefix's name (`EngineCore_DP0`, `Worker_TP1`), when the line has one.
 */
export function handleVllmMessage(ctx: StreamCtx, level: string, msg: string, pid: number | null | undefined, at: AtFn, writer?: string): boolean {
	const pod = ctx.pod;
	const ev = ctx.events;
	const c0 = msg.charCodeAt(0);
	// the rules that look anywhere in the message share one scan first (most messages are none of them)
	const anywhere = ANYWHERE.test(msg);
	// a line from `(APIServer pid=N)`: an API server fronts the engine (0.11+ prefixes the front end's lines)
	if (writer !== undefined && writer.charCodeAt(0) === Ch.A && !ctx.apiServerSeen && writer.startsWith('APIServer')) {
		ctx.apiServerSeen = true;
		ev.push({type: 'engine', pod, at: at(), patch: {apiServer: true}});
	}
	// the banner's version and model lines start with a space and a block character (a fixed-position test: traceback lines start with spaces too)
	if (c0 === Ch.Space && (msg.charCodeAt(1) === Ch.LowerHalfBlock || msg.charCodeAt(2) === Ch.FullBlock)) {
		const v = msg.indexOf(BANNER_VERSION);
		if (v !== -1) {
			ev.push({type: 'engine', pod, at: at(), patch: {vllmVersion: msg.slice(v + BANNER_VERSION.length).trim()}});
			return true;
		}
		const m = msg.indexOf(BANNER_MODEL);
		if (m !== -1) {
			ev.push({type: 'engine', pod, at: at(), patch: {model: msg.slice(m + BANNER_MODEL.length).trim()}});
			return true;
		}
	}
	if (c0 === Ch.n && msg.startsWith('non-default args: {')) {
		nonDefaultArgs(ctx, msg, at, ARG, Ch.OpenBrace, Ch.CloseBrace);
		return true;
	}
	// a log cut after `Initializing a … engine` but keeping the API server's args still says the model and its sizes
	if (c0 === Ch.a && msg.startsWith('args: Namespace(')) {
		nonDefaultArgs(ctx, msg, at, NS_ARG, Ch.OpenParen, Ch.CloseParen);
		return true;
	}
	if (c0 === Ch.I && msg.startsWith('Initializing a')) {
		const m = ENGINE_CONFIG.exec(msg);
		if (m) {
			const config = splitConfig(m[3]!);
			const patch = engineFromConfig(config);
			if (patch.tensorParallelSize != null || patch.pipelineParallelSize != null) ctx.vllmSizes = {tp: patch.tensorParallelSize ?? 1, pp: patch.pipelineParallelSize ?? 1, pcp: 1, dp: patch.dataParallelSize ?? null};
			ev.push({type: 'engine', pod, at: at(), patch: {vllmVersion: m[2]!, ...patch}, config, milestone: 'configSeen'});
			return true;
		}
	}
	if (c0 === Ch.v && msg.startsWith('vLLM API server version ')) {
		ev.push({type: 'engine', pod, at: at(), patch: {vllmVersion: msg.slice(24).trim(), apiServer: true}});
		return true;
	}
	// the periodic stats line: the engine is serving (also in a log that starts mid-run)
	if ((c0 === Ch.E && msg.startsWith('Engine ') && msg.startsWith('Avg prompt', msg.indexOf(': ') + 2)) || (c0 === Ch.A && msg.startsWith('Avg prompt throughput'))) {
		const m = STATS.exec(msg);
		if (m) {
			const t = at();
			const stats = {
				engine: num(m[1]),
				promptTokensPerSec: Number(m[2]),
				generationTokensPerSec: Number(m[3]),
				running: Number(m[4]),
				swapped: num(m[5]),
				waiting: Number(m[6]),
				kvCacheUsagePct: Number(m[7]),
				prefixCacheHitRatePct: num(m[8]),
				at: t,
			};
			ev.push({type: 'engine', pod, at: t, patch: {stats}, milestone: 'serving'});
			return true;
		}
	}
	if (c0 === Ch.i && msg.startsWith('init engine (')) {
		const m = INIT_ENGINE.exec(msg);
		ev.push({type: 'engine', pod, at: at(), patch: m ? {initEngineSeconds: Number(m[1]), ...(m[2] !== undefined ? {compilationSeconds: Number(m[2])} : {})} : {}, milestone: 'engineReady'});
		return true;
	}
	// 0.8–0.10 core_client.py `Core engine process 0 ready.` (debug-only `READY from local core engine process 0.` later)
	if (c0 === Ch.C && msg.startsWith('Core engine process ') && msg.endsWith(' ready.')) {
		ev.push({type: 'engine', pod, at: at(), patch: {}, milestone: 'engineReady'});
		return true;
	}
	if (anywhere && msg.indexOf('num_gpu_blocks is: ') !== -1) {
		const m = NUM_GPU_BLOCKS.exec(msg);
		if (m) {
			ev.push({type: 'engine', pod, at: at(), patch: {gpuBlocks: Number(m[1])}, milestone: 'kvCacheSized'});
			return true;
		}
	}
	if (c0 === Ch.D && msg.startsWith('DP group leader: ')) {
		const m = DP_LEADER.exec(msg);
		if (m) ev.push({type: 'engine', pod, at: at(), patch: {nodeRank: Number(m[1]), executorWorldSize: Number(m[2]), localWorldSize: Number(m[3])}});
		return true;
	}
	if (c0 === Ch.L && msg.startsWith('Launching vLLM (v')) {
		const m = HEADLESS.exec(msg);
		if (m) {
			ev.push({type: 'engine', pod, at: at(), patch: {vllmVersion: m[1]!, headNodeAddress: m[2]!}});
			return true;
		}
	}
	if (c0 === Ch.w && msg.startsWith('world_size=')) {
		const m = WORLD_RANK.exec(msg);
		if (m) {
			// the rank is within one engine's TP x PP world: a world rank only without data parallelism
			const sz = ctx.vllmSizes ?? undefined;
			if (pid !== undefined && pid !== null && sz && sz.dp === 1) assignRanks(ctx, pid, {worldRank: Number(m[2]), tp: null, pp: null, dp: null, at: at()});
			return true;
		}
	}
	if (c0 === Ch.L) {
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
		// V1 gpu_model_runner.py / V2 model_runner.py `load_model`: logger.info("Loading model from scratch...") (0.10+, after `Starting to load model`)
		if (msg.startsWith('Loading model from scratch')) {
			ev.push({type: 'engine', pod, at: at(), patch: {}, milestone: 'weightsStart'});
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
	if (c0 === Ch.Hash && msg.startsWith('# ')) {
		const m = BLOCKS.exec(msg);
		if (m && m[1]!.toLowerCase() !== 'cpu') {
			ev.push({type: 'engine', pod, at: at(), patch: {gpuBlocks: Number(m[2])}, milestone: 'kvCacheSized'});
			return true;
		}
	}
	if (anywhere && (msg.indexOf('KV cache size: ') !== -1 || msg.indexOf('Maximum concurrency for ') !== -1)) {
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
		ev.push({type: 'engine', pod, at: at(), patch: {apiServer: true}, milestone: 'apiServerStarting'});
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
	// a GPU worker's own fatal error, told by the message's first word (isWorkerFailure): the writer is who failed
	if ((c0 === Ch.W || c0 === Ch.E) && isWorkerFailure(msg)) {
		engineFailure(ctx, msg, pid, writer, at);
		return true;
	}
	// a worker's SIGUSR1 reached the engine core or the front end (V1 0.7–0.8): the engine shuts down
	if ((c0 === Ch.M || c0 === Ch.G) && isFatalSignal(msg)) {
		engineFailure(ctx, msg, pid, writer, at);
		return true;
	}
	// CUDA OOM as a vLLM logger line (the last line of `logger.exception`'s traceback): torch's reading, naming the writer
	if (c0 === Ch.t && anywhere && (msg.startsWith('torch.OutOfMemoryError') || msg.startsWith('torch.cuda.OutOfMemoryError'))) {
		ctx.tracebacks.delete(writer ?? '');
		return handleTorchLine(ctx, msg, null, at, writer);
	}
	if (anywhere && isEngineFailure(msg)) {
		engineFailure(ctx, msg, pid, writer, at);
		return true;
	}
	if (anywhere && msg.indexOf('memory') !== -1 && (msg.indexOf('KV cache is needed, which is larger than the available KV cache memory') !== -1 || msg.indexOf('No available memory for the cache blocks') !== -1)) {
		ev.push({type: 'failure', pod, at: at(), kind: 'kv-cache-too-small', proc: null, rank: null, message: msg.trim(), remote: false});
		return true;
	}
	if (level === 'WARNING' && /deprecat/i.test(msg)) {
		ev.push({type: 'engine', pod, at: at(), patch: {}, deprecation: msg.trim().slice(0, 300)});
		return true;
	}
	return false;
}

/**
 * The engine's size and model from `non-default args: {…}` (a dict repr, `re` = ARG) or `args: Namespace(…)` (NS_ARG), the
 * flags the server was started with: a log cut before the config line still says them.
 */
function nonDefaultArgs(ctx: StreamCtx, msg: string, at: AtFn, re: RegExp, open: number, close: number): void {
	const patch: EnginePatch = {};
	let any = false;
	re.lastIndex = 0;
	for (let m = re.exec(msg); m; m = re.exec(msg)) {
		// only the dict's own keys: `'speculative_config': {'model': …}` nests another model
		if (depthAt(msg, m.index, open, close) !== 1) continue;
		let v = m[2]!.trim();
		// `['BredaAI']`: the first served name
		if (v.charCodeAt(0) === Ch.OpenBracket) v = v.slice(1, -1).split(',')[0]!.trim();
		if (v.charCodeAt(0) === Ch.Quote && v.endsWith("'")) v = v.slice(1, -1);
		// `None`: not set; `dtype='auto'`: the Namespace's default, resolved by the config line
		if (v === 'None' || v === '' || (v === 'auto' && m[1] === 'dtype')) continue;
		const n = Number(v);
		switch (m[1]) {
			case 'model':
				patch.model = v;
				break;
			case 'served_model_name':
				patch.servedModelName = v;
				break;
			case 'dtype':
				patch.dtype = v;
				break;
			case 'quantization':
				patch.quantization = v;
				break;
			case 'tensor_parallel_size':
				if (Number.isInteger(n)) patch.tensorParallelSize = n;
				break;
			case 'pipeline_parallel_size':
				if (Number.isInteger(n)) patch.pipelineParallelSize = n;
				break;
			case 'data_parallel_size':
				if (Number.isInteger(n)) patch.dataParallelSize = n;
				break;
			default:
				if (Number.isInteger(n)) patch.maxSeqLen = n;
		}
		any = true;
	}
	if (!any) return;
	// the sizes for world ranks until the config line says them (a flag left out is at its default, 1)
	if (!ctx.vllmSizes && (patch.tensorParallelSize != null || patch.pipelineParallelSize != null)) {
		ctx.vllmSizes = {tp: patch.tensorParallelSize ?? 1, pp: patch.pipelineParallelSize ?? 1, pcp: 1, dp: patch.dataParallelSize ?? 1};
	}
	ctx.events.push({type: 'engine', pod: ctx.pod, at: at(), patch});
}

/** `open` minus `close` (`{` `}` or `(` `)`) before `end` (quotes not counted: the args line is read once a run). */
function depthAt(s: string, end: number, open: number, close: number): number {
	let d = 0;
	for (let i = 0; i < end; i++) {
		const c = s.charCodeAt(i);
		if (c === open) d++;
		else if (c === close) d--;
	}
	return d;
}

function num(v: string | undefined): number | null {
	return v === undefined ? null : Number(v);
}
