/** The engine slice: vLLM's config, milestones and periodic stats as the logs print them. */
import type {ParsedEngineStats, ParsedMilestone} from '../../parse/log-events.js';

export interface EngineState {
	vllmVersion: string | null;
	model: string | null;
	servedModelName: string | null;
	architecture: string | null;
	dtype: string | null;
	quantization: string | null;
	maxSeqLen: number | null;
	tensorParallelSize: number | null;
	pipelineParallelSize: number | null;
	dataParallelSize: number | null;
	chunkedPrefill: boolean | null;
	maxNumBatchedTokens: number | null;
	prefixCaching: boolean | null;
	kvCacheTokens: number | null;
	gpuBlocks: number | null;
	maxConcurrency: number | null;
	weightsLoadSeconds: number | null;
	graphCaptureSeconds: number | null;
	/** every key of the engine-config line, as printed (secrets redacted) */
	config: Record<string, string>;
	weightsShards: {done: number; total: number} | null;
	graphCapture: {done: number; total: number} | null;
	milestones: Partial<Record<EngineMilestone, number | null>>;
	dead: {at: number | null; message: string} | null;
	deprecations: string[];
	/** `init engine (profile, create kv cache, warmup model) took X s (compilation: Y s)` */
	initEngineSeconds?: number | null;
	compilationSeconds?: number | null;
	/** an OpenAI API server fronts this engine (false/null: the offline `LLM` class, or not seen) */
	apiServer?: boolean | null;
	/** native multi-node without Ray: this node's rank, the engine's TP x PP world, the GPUs on this node, the head's address */
	nodeRank?: number | null;
	executorWorldSize?: number | null;
	localWorldSize?: number | null;
	headNodeAddress?: string | null;
	/** the latest periodic stats line */
	stats?: EngineStats | null;
}

/** vLLM's periodic stats line as last printed (running/waiting requests, KV cache use, throughputs). */
export type EngineStats = ParsedEngineStats;

export type EngineMilestone = ParsedMilestone;
