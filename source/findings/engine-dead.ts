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
	// the process that died, as its prefix or the message names it (`Worker_TP1`, `VllmWorker-1`, rank 3)
	const who = records.find(r => r.procName || r.rank !== null);
	const proc = who ? [who.procName ?? null, who.rank !== null ? `rank ${who.rank}` : null, who.exitCode !== null && who.exitCode !== undefined ? `exit code ${who.exitCode}` : null].filter(Boolean).join(', ') : '';
	return [
		{
			id: 'engine-dead',
			severity: 'error',
			subject: `vLLM engine${model ? ` ${model}` : ''}${pod ? ` on pod ${pod}` : ''}${proc ? ` (${proc})` : ''}`,
			message: `the engine core died at ${fmtTime(at)}: "${oneLine(message, 140)}". Fix: the error before this line in the same pod is the cause (a worker crash, CUDA error or OOM); the API server stops answering requests.`,
		},
	];
};
