import type {SourceEvent} from '../parse/events.js';
import type {RolloutState} from './state.js';

/** Folds endpoint probes. (Owned by the endpoint work.) */
export function reduceEndpoint(state: RolloutState, _event: Extract<SourceEvent, {type: 'endpoint-probe'}>): RolloutState {
	return state;
}
