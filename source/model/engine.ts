/** The vLLM engine slice. */
import type {EngineEvent} from '../parse/log-events.js';
import type {EngineState, RolloutState} from './state.js';

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
	};
}

export function reduceEngine(state: RolloutState, e: EngineEvent): RolloutState {
	const old = state.engine ?? emptyEngine();
	let changed = state.engine === null;
	const next: EngineState = {...old};
	for (const [k, v] of Object.entries(e.patch)) {
		if (v === undefined) continue;
		const key = k as keyof EngineState;
		const cur = old[key];
		if (cur === v) continue;
		if (v !== null && typeof v === 'object' && cur !== null && typeof cur === 'object' && JSON.stringify(cur) === JSON.stringify(v)) continue;
		(next as unknown as Record<string, unknown>)[key] = v;
		changed = true;
	}
	if (e.config) {
		let diff = false;
		for (const [k, v] of Object.entries(e.config)) if (old.config[k] !== v) diff = true;
		if (diff) {
			next.config = {...old.config, ...e.config};
			changed = true;
		}
	}
	if (e.milestone && !(e.milestone in old.milestones)) {
		next.milestones = {...old.milestones, [e.milestone]: e.at};
		changed = true;
	}
	if (e.deprecation && !old.deprecations.includes(e.deprecation) && old.deprecations.length < MAX_DEPRECATIONS) {
		next.deprecations = [...old.deprecations, e.deprecation];
		changed = true;
	}
	if (e.dead && old.dead === null) {
		next.dead = {at: e.at, message: e.dead};
		changed = true;
	}
	return changed ? {...state, engine: next} : state;
}
