/** `engine-dead`: the vLLM engine core died (`EngineDeadError`, `Engine core proc … died unexpectedly`). */
import type {Rule} from './types.js';
import {oneLine} from './group-records.js';
import {fmtTime} from './subject.js';

export const engineDead: Rule = state => {
	const dead = state.engine?.dead;
	const records = state.failures.filter(f => f.kind === 'engine-dead');
	if (!dead && records.length === 0) return [];
	const first = records[0];
	const message = dead?.message ?? first!.message;
	const at = dead?.at ?? first?.at ?? null;
	const pod = first?.pod ?? null;
	const model = state.engine?.servedModelName ?? state.engine?.model ?? null;
	return [
		{
			id: 'engine-dead',
			severity: 'error',
			subject: `vLLM engine${model ? ` ${model}` : ''}${pod ? ` on pod ${pod}` : ''}`,
			message: `the engine core died at ${fmtTime(at)}: "${oneLine(message, 140)}". Fix: the error before this line in the same pod is the cause (a worker crash, CUDA error or OOM); the API server stops answering requests.`,
		},
	];
};
