/**
 * A blind test on vLLM logs nobody here had read: real public excerpts of vLLM 0.13–0.2x (SOURCES.md
 * says where each came from), each read through the real stream parser, reducer and findings. What
 * each test expects is what a person reads off the excerpt — the version, the model, the sizes, the
 * phase, which process failed and its rank — never the parser's output copied back.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {derivePhase} from '../../source/model/phase.js';
import {computeFindings} from '../../source/findings/index.js';
import {publicDir} from '../helpers/load-scenario.js';

function read(file: string): RolloutState {
	const parser = createStreamParser({pod: 'pod0', container: 'main'});
	let state = emptyState({kind: 'files', files: [file]});
	state = reduceAll(state, parser.push(readFileSync(path.join(publicDir, file))));
	return reduceAll(state, parser.end());
}

const findingsOf = (s: RolloutState) => computeFindings(s, s.lastTs ?? 0);
const finding = (s: RolloutState, id: string) => findingsOf(s).find(f => f.id === id);

describe('vLLM 0.19.0: Worker_TP2 raises while capturing CUDA graphs (vllm-project/vllm#39788)', () => {
	const state = read('vllm-0.19.0-worker-tp2-exception-in-graph-capture.log');

	it('is a failure of the worker with TP rank 2, named as its prefix names it', () => {
		expect(derivePhase(state)).toBe('failed');
		const f = state.failures.find(x => x.procName === 'Worker_TP2 pid=99');
		expect(f?.rank).toBe(2);
		expect(f?.message).toBe('WorkerProc hit an exception.');
		expect(finding(state, 'rank-exited')?.subject).toContain('rank 2');
	});
});

describe('vLLM of March 2026 under the kubelet: the engine core cannot start its workers (runpod-workers/worker-vllm#276)', () => {
	const state = read('vllm-0.1x-kubelet-stamped-workerproc-init-failed.log');

	it('a log cut inside the traceback still says the engine failed, and which process said so', () => {
		expect(derivePhase(state)).toBe('failed');
		const f = state.failures.find(x => x.kind === 'engine-dead');
		expect(f?.procName).toBe('EngineCore_DP0 pid=269');
		expect(f?.message).toContain('WorkerProc initialization failed');
		expect(finding(state, 'engine-dead')?.subject).toContain('EngineCore_DP0');
	});
});

describe('vLLM with Ray, nested prefixes: a Ray worker fails to load the model (foundation-model-stack/fastsafetensors#36)', () => {
	const state = read('wrapped-ray-nested-enginecore-rayworker-load-model-error.log');

	it("names the Ray worker and its node from `Error executing method 'load_model'`", () => {
		expect(derivePhase(state)).toBe('failed');
		const f = state.failures.find(x => x.message.startsWith("Error executing method 'load_model'"));
		expect(f?.procName).toBe('RayWorkerWrapper pid=285, ip=192.168.177.12');
		expect(finding(state, 'engine-dead')?.subject).toContain('192.168.177.12');
	});
});

describe('vllm-ascend 0.18.0, DP=2: the API server process died (vllm-project/vllm-ascend#9071)', () => {
	const state = read('vllm-ascend-0.18.0-dp2-api-server-died-workers-exit.log');

	it('`Process ApiServer_0 (PID: 359) died with exit code 1` fails the rollout, naming that process and code', () => {
		expect(derivePhase(state)).toBe('failed');
		const f = state.failures.find(x => x.procName === 'ApiServer_0 pid=359');
		expect(f?.exitCode).toBe(1);
		expect(finding(state, 'engine-dead')?.subject).toContain('ApiServer_0');
	});
});

describe('vLLM of May 2026: the engine core runs out of GPU memory while serving (noonghunna/club-3090#16)', () => {
	const state = read('vllm-0.2x-enginecore-cuda-oom-while-serving.log');

	it('a CUDA OOM of the `EngineCore pid=112` process, and the rollout failed', () => {
		expect(derivePhase(state)).toBe('failed');
		const f = state.failures.find(x => x.kind === 'cuda-oom');
		expect(f?.procName).toBe('EngineCore pid=112');
		expect(finding(state, 'cuda-oom')?.subject).toContain('EngineCore pid=112');
		expect(state.engine?.apiServer).toBe(true);
	});
});

describe('vLLM 0.23.1rc1 banner and flags: two nodes, TP=2 (eugr/spark-vllm-docker#296)', () => {
	const state = read('vllm-0.23.1rc1-banner-two-nodes-tp2.log');

	it('the version and model from the banner, the sizes and names from `non-default args` (not the draft model nested in it)', () => {
		expect(state.engine?.vllmVersion).toBe('0.23.1rc1.dev197+g01192139b.d20260619');
		expect(state.engine?.model).toBe('Qwen/Qwen3.6-35B-A3B-FP8');
		expect(state.engine?.servedModelName).toBe('BredaAI');
		expect(state.engine?.tensorParallelSize).toBe(2);
		expect(state.engine?.maxSeqLen).toBe(262144);
		expect(state.engine?.dtype).toBe('bfloat16');
	});

	it('an API server that has announced itself is starting, not "nothing recognisable"', () => {
		expect(derivePhase(state)).toBe('starting');
		expect(state.failures).toEqual([]);
	});
});

describe('vLLM V2 model runner behind a `[2026-08-21T19:42:37Z] ` stamp (vllm-project/vllm#43375)', () => {
	const state = read('wrapped-bracket-utc-stamp-vllm-enginecore-rank-lines.log');

	it('`Loading model from scratch...` means the weights are loading', () => {
		expect(derivePhase(state)).toBe('loading-weights');
		expect(state.failures).toEqual([]);
	});
});

describe('formats that were already read right (regression guards)', () => {
	it('vLLM 0.25 multi-node: `Engine core initialization failed … Failed core proc(s): {}` (gpustack/gpustack#6019)', () => {
		const state = read('vllm-0.25-multinode-mp-engine-core-init-failed.log');
		expect(derivePhase(state)).toBe('failed');
		const dead = state.failures.find(f => f.kind === 'engine-dead' && f.message.startsWith('RuntimeError: Engine core initialization failed'));
		// the traceback's lines are the API server's: `(APIServer pid=1) RuntimeError: …`
		expect(dead?.procName).toBe('APIServer pid=1');
	});

	it('offline DP rollout: `Engine core proc EngineCore_DP1 died unexpectedly` names DP engine 1 (modelscope/ms-swift#7933)', () => {
		const state = read('vllm-offline-dp-engine-core-dp1-died-rollout.log');
		expect(derivePhase(state)).toBe('failed');
		expect(state.failures.find(f => f.kind === 'engine-dead')?.procName).toBe('EngineCore_DP1');
	});

	it('EngineDeadError raised in the API server, the engine core traceback cut after it (LMCache/LMCache#2306)', () => {
		const state = read('vllm-0.13-apiserver-engine-dead-then-enginecore-traceback.log');
		expect(derivePhase(state)).toBe('failed');
		expect(state.engine?.apiServer).toBe(true);
		expect(finding(state, 'engine-dead')?.subject).toContain('APIServer pid=697224');
	});

	it('Ray worker prefixes nested under EngineCore_DP0, a tqdm bar on the next line: the weights are loading (ai-dynamo/dynamo#4941)', () => {
		const state = read('wrapped-ray-nested-bare-pid-prefix-shards-on-next-line.log');
		expect(derivePhase(state)).toBe('loading-weights');
		expect(state.engine?.weightsShards).toEqual({done: 0, total: 1});
	});
});
