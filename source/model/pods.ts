import type {SourceEvent} from '../parse/events.js';
import type {RolloutState} from './state.js';

/** Kubernetes pod facts and stream health. (Owned by the live-source work.) */
export function reducePods(state: RolloutState, _event: SourceEvent): RolloutState {
	return state;
}
