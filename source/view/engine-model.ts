/** The engine pane's view-model: the vLLM config lines as they arrive; absent fields are left out. */
import type {EngineState} from '../model/state.js';

export interface EngineModel {
	waiting: boolean;
	rows: {label: string; value: string; tone?: 'ok' | 'warn' | 'error'}[];
}

const yesNo = (b: boolean | null) => (b === null ? null : b ? 'on' : 'off');
const num = (n: number | null) => (n === null ? null : n.toLocaleString('en-US'));

export function buildEngine(engine: EngineState | null): EngineModel {
	if (!engine) return {waiting: true, rows: []};
	const par = [
		engine.tensorParallelSize !== null ? `TP ${engine.tensorParallelSize}` : null,
		engine.pipelineParallelSize !== null ? `PP ${engine.pipelineParallelSize}` : null,
		engine.dataParallelSize !== null ? `DP ${engine.dataParallelSize}` : null,
	].filter(Boolean);
	const chunked = engine.chunkedPrefill === null ? null : engine.chunkedPrefill ? `on${engine.maxNumBatchedTokens !== null ? ` (${num(engine.maxNumBatchedTokens)} batched tokens)` : ''}` : 'off';
	const kv =
		engine.kvCacheTokens !== null || engine.gpuBlocks !== null
			? [engine.kvCacheTokens !== null ? `${num(engine.kvCacheTokens)} tokens` : null, engine.gpuBlocks !== null ? `${num(engine.gpuBlocks)} blocks` : null].filter(Boolean).join(', ')
			: null;
	const candidates: [string, string | null, ('ok' | 'warn' | 'error')?][] = [
		['vLLM', engine.vllmVersion],
		['model', engine.model],
		['served as', engine.servedModelName],
		['arch', engine.architecture],
		['dtype', engine.dtype],
		['quant', engine.quantization],
		['max seq len', num(engine.maxSeqLen)],
		['parallel', par.length ? par.join(' ') : null],
		['chunked prefill', chunked],
		['prefix caching', yesNo(engine.prefixCaching)],
		['KV cache', kv],
		['max concurrency', engine.maxConcurrency !== null ? `${engine.maxConcurrency.toFixed(2)}x` : null],
		[
			'weights',
			engine.weightsShards
				? `${engine.weightsShards.done}/${engine.weightsShards.total} shards${engine.weightsLoadSeconds !== null ? `, ${engine.weightsLoadSeconds.toFixed(1)}s` : ''}`
				: engine.weightsLoadSeconds !== null
					? `${engine.weightsLoadSeconds.toFixed(1)}s`
					: null,
		],
		[
			'CUDA graphs',
			engine.graphCapture
				? `${engine.graphCapture.done}/${engine.graphCapture.total}${engine.graphCaptureSeconds !== null ? `, ${engine.graphCaptureSeconds.toFixed(1)}s` : ''}`
				: engine.graphCaptureSeconds !== null
					? `${engine.graphCaptureSeconds.toFixed(1)}s`
					: null,
		],
		['init', engine.initEngineSeconds != null ? `${engine.initEngineSeconds.toFixed(1)}s${engine.compilationSeconds != null ? ` (compile ${engine.compilationSeconds.toFixed(1)}s)` : ''}` : null],
		['requests', engine.stats ? `${engine.stats.running ?? '?'} running, ${engine.stats.waiting ?? '?'} waiting, KV ${engine.stats.kvCacheUsagePct ?? '?'}%, ${engine.stats.generationTokensPerSec ?? '?'} tok/s out` : null],
		['engine', engine.dead ? `DEAD: ${engine.dead.message}` : null, 'error'],
	];
	const rows = candidates.filter(([, v]) => v !== null && v !== '').map(([label, value, tone]) => ({label, value: value!, tone}));
	for (const d of engine.deprecations.slice(0, 3)) rows.push({label: 'deprecated', value: d, tone: 'warn'});
	return {waiting: false, rows};
}
