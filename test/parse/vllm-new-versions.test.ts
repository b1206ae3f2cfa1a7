/**
 * vLLM 0.10–0.2x lines from public issues (test/fixtures/public/SOURCES.md): worker prefixes
 * with TP/PP/DP ranks, `init engine … (compilation: …)`, the merged KV-cache lines, the
 * periodic stats lines (a log that starts mid-serving), the offline engine's end state, and
 * fatal errors that name the process. Expected values were read off the excerpts.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseInto, publicDir} from '../helpers/load-scenario.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {derivePhase, phaseTimeline} from '../../source/model/phase.js';
import {workerRanks} from '../../source/parse/vllm/ranks.js';
import {procPrefix} from '../../source/parse/prefix.js';

function load(file: string, pod = 'pod0', extra = ''): RolloutState {
	let state = emptyState({kind: 'files', files: [file]});
	state = parseInto(state, pod, [readFileSync(path.join(publicDir, file)), extra]);
	return reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
}

describe('a log that starts mid-serving: only V1 stats lines (tenstorrent/tt-inference-server#3359)', () => {
	const s = load('vllm-0.12plus-stats-mid-serving.log');

	it('is serving, with the last line’s figures', () => {
		expect(derivePhase(s)).toBe('serving');
		expect(s.engine?.stats).toMatchObject({engine: 0, running: 10, waiting: 0, kvCacheUsagePct: 79.9, promptTokensPerSec: 0, generationTokensPerSec: 7.2, prefixCacheHitRatePct: 0});
		// serving since the first stats line's stamp
		expect(phaseTimeline(s).at(-1)).toMatchObject({phase: 'serving', startedAt: Date.parse('2026-05-12T08:01:39.331Z')});
	});
});

describe('stats lines with a queue (vllm-project/vllm#43295)', () => {
	const s = load('vllm-0.12plus-stats-waiting.log');
	it('keeps the latest running/waiting/KV figures', () => {
		expect(derivePhase(s)).toBe('serving');
		expect(s.engine?.stats).toMatchObject({running: 20, waiting: 23, kvCacheUsagePct: 98.4, generationTokensPerSec: 1242.7});
	});
});

describe('V0 stats line (format of vllm/engine/metrics.py, 0.4–0.10)', () => {
	it('reads Running / Swapped / Pending and the GPU KV cache usage', () => {
		// the V0 LoggingStatLogger format string, filled in
		const line = 'INFO 07-08 20:59:31 metrics.py:341] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 37.3 tokens/s, Running: 1 reqs, Swapped: 0 reqs, Pending: 2 reqs, GPU KV cache usage: 0.3%, CPU KV cache usage: 0.0%.\n';
		let st = emptyState({kind: 'files', files: []});
		st = parseInto(st, 'pod0', [line]);
		expect(st.engine?.stats).toMatchObject({engine: null, running: 1, swapped: 0, waiting: 2, kvCacheUsagePct: 0.3, generationTokensPerSec: 37.3});
		expect(derivePhase(st)).toBe('serving');
	});
});

describe('init engine with compilation time, then the API server (noonghunna/club-3090#93)', () => {
	const s = load('vllm-0.12plus-init-engine-compilation.log');
	it('records the init and compilation seconds; the API server is still starting', () => {
		expect(s.engine?.initEngineSeconds).toBe(163.91);
		expect(s.engine?.compilationSeconds).toBe(54.58);
		expect(s.engine?.milestones.engineReady).toBeDefined();
		// `(APIServer pid=1)` lines follow: an API server fronts it, serving waits for uvicorn
		expect(s.engine?.apiServer).toBe(true);
		expect(derivePhase(s)).toBe('capturing-graphs');
	});
});

describe('KV cache lines of 0.17/0.18 (vllm-project/vllm#30515)', () => {
	const s = load('vllm-0.17-kv-cache-concurrency.log');
	it('reads KV tokens and max concurrency, phase profiling', () => {
		expect(s.engine?.kvCacheTokens).toBe(188640);
		expect(s.engine?.maxConcurrency).toBe(5.23);
		expect(derivePhase(s)).toBe('profiling');
	});
});

describe('Worker_TP prefixes of 0.11 (vllm-project/vllm#28228)', () => {
	const s = load('vllm-0.11-worker-tp-prefix-kv.log');
	it('reads KV tokens and concurrency printed by EngineCore_DP0', () => {
		expect(s.engine?.kvCacheTokens).toBe(75840);
		expect(s.engine?.maxConcurrency).toBe(2.48);
	});
	it('a Worker_TP1 prefix gives its process TP rank 1 = world rank 1 once its NCCL head is seen', () => {
		// the excerpt plus one NCCL line of pid 26348 (synthetic: the issue has NCCL_DEBUG off)
		const t = load('vllm-0.11-worker-tp-prefix-kv.log', 'pod0', '(Worker_TP1 pid=26348) host1:26348:26348 [1] NCCL INFO cudaDriverVersion 12080\n');
		const p = Object.values(t.procs).find(x => x.pid === 26348);
		expect(p).toMatchObject({worldRank: 1, tpRank: 1});
	});
});

describe('worker prefix names as vLLM builds them (multiproc_executor.py / worker setup_proc_title_and_log_prefix)', () => {
	it('TP only: the TP rank is the world rank', () => {
		expect(workerRanks('Worker_TP3 pid=9')).toEqual({worldRank: 3, tp: 3, pp: null, dp: null});
	});
	it('PP x TP: world rank = PP x TP size + TP, once the config gives TP size', () => {
		expect(workerRanks('Worker_PP1_TP3 pid=9', {tp: 4, pp: 2, pcp: 1})).toEqual({worldRank: 7, tp: 3, pp: 1, dp: null});
		expect(workerRanks('Worker_PP1_TP3 pid=9')?.worldRank).toBeNull();
	});
	it('DP x PP x TP x EP (EP is no axis of its own)', () => {
		expect(workerRanks('Worker_DP1_PP0_TP1_EP3 pid=9', {tp: 2, pp: 1, pcp: 1})).toEqual({worldRank: 3, tp: 1, pp: 0, dp: 1});
	});
	it('0.10 `VllmWorker PP1_TP0` and 0.8 `VllmWorker rank=2`', () => {
		expect(workerRanks('VllmWorker PP1_TP0 pid=5', {tp: 2, pp: 2, pcp: 1})?.worldRank).toBe(2);
		expect(workerRanks('VllmWorker rank=2 pid=5')?.worldRank).toBe(2);
	});
	it('no ranks for the engine core, the API server, or a worker before its groups exist', () => {
		expect(workerRanks('EngineCore_DP0 pid=5')).toBeNull();
		expect(workerRanks('APIServer pid=1')).toBeNull();
		expect(workerRanks('Worker pid=375')).toBeNull();
	});
	it('0.10’s nested prefix: the inner process wrote the line', () => {
		expect(procPrefix('(EngineCore_0 pid=675221) (VllmWorker TP1 pid=675229) INFO 08-25 11:01:23 [default_loader.py:267] Loading weights took 1.13 seconds')).toMatchObject({
			name: 'VllmWorker TP1 pid=675229',
			pid: 675229,
		});
	});
});

describe('offline engine (LLM class, no API server) ends at engine ready (LMCache/LMCache#1740)', () => {
	const s = load('vllm-0.10.2-offline-engine-ready.log');
	it('phase serving, not capturing-graphs', () => {
		expect(s.engine?.initEngineSeconds).toBe(13.9);
		expect(derivePhase(s)).toBe('serving');
	});
	it('with an API server in front, engine ready is not yet serving', () => {
		const t = load('vllm-0.10.2-offline-engine-ready.log', 'pod0', 'INFO 10-08 06:08:19 [api_server.py:1090] Starting vLLM API server 0 on http://0.0.0.0:8000\n');
		expect(derivePhase(t)).toBe('capturing-graphs');
	});
});

describe('offline data parallel: rank lines from EngineCore_DPn (vllm-project/vllm#29271)', () => {
	const s = load('vllm-0.12-dev-offline-dp-ranks.log');
	it('loads weights', () => {
		expect(derivePhase(s)).toBe('loading-weights');
	});
});

describe('a worker that died (vllm-project/vllm-ascend#6842, v0.14.0rc1)', () => {
	const s = load('vllm-0.14.0rc1-worker-died.log');
	it('phase failed; the failure names VllmWorker-0 (rank 0) and the failed engine core start', () => {
		expect(derivePhase(s)).toBe('failed');
		const dead = s.failures.filter(f => f.kind === 'engine-dead');
		expect(dead[0]).toMatchObject({procName: 'VllmWorker-0', rank: 0});
		expect(dead.some(f => f.message.startsWith('RuntimeError: Engine core initialization failed'))).toBe(true);
	});
	it('0.2x adds the exit code: `Worker proc VllmWorker-1 died unexpectedly (exit code: -15)`', () => {
		let st = emptyState({kind: 'files', files: []});
		st = parseInto(st, 'pod0', ['(EngineCore pid=12244) ERROR 07-15 21:01:01 [multiproc_executor.py:284] Worker proc VllmWorker-1 died unexpectedly (exit code: -15), shutting down executor.\n']);
		expect(st.failures[0]).toMatchObject({kind: 'engine-dead', procName: 'VllmWorker-1', rank: 1, exitCode: -15});
	});
	it('the engine core’s own fatal error names it (`EngineCore encountered a fatal error` from EngineCore_DP0)', () => {
		let st = emptyState({kind: 'files', files: []});
		st = parseInto(st, 'pod0', ['(EngineCore_DP0 pid=279) ERROR 01-16 11:51:23 [core.py:710] EngineCore encountered a fatal error.\n']);
		expect(derivePhase(st)).toBe('failed');
		expect(st.failures[0]).toMatchObject({kind: 'engine-dead', procName: 'EngineCore_DP0 pid=279'});
	});
});

describe('0.5’s engine-config line ends with `)` (vllm-project/vllm#6228, vLLM 0.5.1 format)', () => {
	it('enable_prefix_caching=False) is read as off, TP x PP x DP known', () => {
		const line =
			"INFO 07-08 20:49:31 llm_engine.py:169] Initializing an LLM engine (v0.5.1) with config: model='m', tokenizer='m', tensor_parallel_size=8, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, served_model_name=Llama-3-70B-Instruct, use_v2_block_manager=False, enable_prefix_caching=False)\n";
		let st = emptyState({kind: 'files', files: []});
		st = parseInto(st, 'pod0', [line]);
		expect(st.engine).toMatchObject({vllmVersion: '0.5.1', prefixCaching: false, tensorParallelSize: 8, pipelineParallelSize: 1, dataParallelSize: 1, servedModelName: 'Llama-3-70B-Instruct'});
	});
});
