/** The vLLM engine slice. */
import type {EngineEvent} from '../parse/log-events.js';
import type {EngineState, RolloutState} from './state.js';
import {jsonEqual} from './json-equal.js';
import {writable} from './batch.js';

const MAX_DEPRECATIONS = 50;

export function emptyEngine(): EngineState {
	return {
		vllmVersion: null,
		model: null,
		servedModelName: null,
		architecture: null,
		dtype: null,
		quantization: null,
		maxSeqLen: null,
		tensorParallelSize: null,
		pipelineParallelSize: null,
		dataParallelSize: null,
		chunkedPrefill: null,
		maxNumBatchedTokens: null,
		prefixCaching: null,
		kvCacheTokens: null,
		gpuBlocks: null,
		maxConcurrency: null,
		weightsLoadSeconds: null,
		graphCaptureSeconds: null,
		config: {},
		weightsShards: null,
		graphCapture: null,
		milestones: {},
		dead: null,
		deprecations: [],
		initEngineSeconds: null,
		compilationSeconds: null,
		apiServer: null,
		nodeRank: null,
		executorWorldSize: null,
		localWorldSize: null,
		headNodeAddress: null,
		stats: null,
	};
}

export function reduceEngine(state: RolloutState, e: EngineEvent): RolloutState {
	const old = state.engine ?? emptyEngine();
	let changed = state.engine === null;
	// copied on the first change only (and once per batch): most engine events repeat what
	// is known; `old` is read before each field of `next` (maybe the same object) is set
	let next: EngineState | null = null;
	const patch = e.patch as Record<string, unknown>;
	for (const k in patch) {
		const v = patch[k];
		if (v === undefined) continue;
		const key = k as keyof EngineState;
		const cur = old[key];
		if (cur === v) continue;
		if (v !== null && typeof v === 'object' && cur !== null && typeof cur === 'object' && jsonEqual(cur, v)) continue;
		next ??= writable(old);
		(next as unknown as Record<string, unknown>)[key] = v;
		changed = true;
	}
	if (e.config) {
		let diff = false;
		for (const [k, v] of Object.entries(e.config)) if (old.config[k] !== v) diff = true;
		if (diff) {
			next ??= writable(old);
			next.config = {...old.config, ...e.config};
			changed = true;
		}
	}
	if (e.milestone && !(e.milestone in old.milestones)) {
		next ??= writable(old);
		next.milestones = {...old.milestones, [e.milestone]: e.at};
		changed = true;
	}
	if (e.deprecation && !old.deprecations.includes(e.deprecation) && old.deprecations.length < MAX_DEPRECATIONS) {
		next ??= writable(old);
		next.deprecations = [...old.deprecations, e.deprecation];
		changed = true;
	}
	if (e.dead && old.dead === null) {
		next ??= writable(old);
		next.dead = {at: e.at, message: e.dead};
		changed = true;
	}
	if (!changed) return state;
	const s = writable(state);
	s.engine = next ?? {...old};
	return s;
}
