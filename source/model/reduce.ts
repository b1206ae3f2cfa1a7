/**
 * The one reducer: folds any event into the rollout state. Slices live in their
 * own files; this only routes. A slice returns the same object when nothing
 * changed, so noise never re-renders.
 */
import type {InfertopEvent} from '../parse/events.js';
import type {RolloutState} from './state.js';
import {reducePods} from './pods.js';
import {reduceLog} from './log.js';
import {reduceEndpoint} from './endpoint.js';

export function reduce(state: RolloutState, event: InfertopEvent): RolloutState {
	let next: RolloutState;
	switch (event.type) {
		case 'pod-upsert':
		case 'pod-deleted':
		case 'stream-status':
		case 'stream-reset':
			next = reducePods(state, event);
			break;
		case 'endpoint-probe':
			next = reduceEndpoint(state, event);
			break;
		case 'source-ended':
			next = state.ended ? state : {...state, ended: true};
			break;
		default:
			next = reduceLog(state, event);
	}
	return next === state ? state : {...next, revision: state.revision + 1};
}

export function reduceAll(state: RolloutState, events: readonly InfertopEvent[]): RolloutState {
	let s = state;
	for (const e of events) s = reduce(s, e);
	return s;
}
