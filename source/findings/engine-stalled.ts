/**
 * `engine-stalled`: requests are running or waiting but the engine produces no
 * tokens, while `/health` may still say 200 — vLLM's health check only notices a
 * dead engine, not a hung tensor-parallel worker (vLLM issues #11996, #16259).
 * The reducer (model/endpoint.ts) decides `stalled` from the token counter's
 * history; this only words it.
 */
import type {Rule} from './types.js';

export const engineStalled: Rule = state => {
	const ep = state.endpoint;
	if (!ep || ep.health !== 'stalled') return [];
	const model = ep.models[0] ?? state.engine?.servedModelName ?? null;
	return [
		{
			id: 'engine-stalled',
			severity: 'error',
			subject: `vLLM endpoint ${ep.url}${model ? ` (${model})` : ''}`,
			message:
				`${ep.reason ?? 'requests are outstanding but no tokens are produced'}. ` +
				`/health only reports a dead engine, not a hung worker. Fix: look for a rank stuck in a collective ` +
				`(NCCL watchdog timeouts, one rank's log gone quiet, a GPU at 100% with no progress); ` +
				`py-spy dump the workers, then restart the group.`,
		},
	];
};
