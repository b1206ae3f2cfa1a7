/**
 * The engine's scalar facts, once: a vLLM line sets some of them (the parser's
 * EnginePatch), the state holds them all (EngineState), and the snapshot prints them
 * (SnapshotEngine). Shared by three layers, so defined below all of them.
 */

/** Always present in the state and in the snapshot (null: not printed yet). */
export interface EngineConfigScalars {
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
}

/** Added to the contract after v1's first fields: optional in the snapshot (contract/snapshot.md). */
export interface EngineAddedScalars {
	/** `init engine (profile, create kv cache, warmup model) took X s (compilation: Y s)` */
	initEngineSeconds?: number | null;
	compilationSeconds?: number | null;
	/** an OpenAI API server fronts this engine (`vLLM API server version …`, `Starting vLLM (API) server …`); false/null: the offline `LLM` class, or not seen */
	apiServer?: boolean | null;
}

/** Native multi-node without Ray (`DP group leader: node_rank=…`, `… headless multiproc executor, with head node address …`): state only. */
export interface EngineNodeScalars {
	nodeRank?: number | null;
	executorWorldSize?: number | null;
	localWorldSize?: number | null;
	headNodeAddress?: string | null;
}

/** Shard / graph progress as `done of total`. */
export type Progress = {done: number; total: number};
