import type {LogEvent} from '../parse/log-events.js';
import type {RolloutState} from './state.js';

/** Folds parser events (NCCL, vLLM, torch). (Owned by the core parser work.) */
export function reduceLog(state: RolloutState, _event: LogEvent): RolloutState {
	return state;
}
