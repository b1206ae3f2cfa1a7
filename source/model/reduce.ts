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
import {reduceCommLinks} from './comms.js';
import {inBatch} from './batch.js';
import type {CommLinkEvent} from '../parse/log-events.js';

export function reduce(state: RolloutState, event: InfertopEvent): RolloutState {
	const next = step(state, event);
	return next === state ? state : {...next, revision: state.revision + 1};
}

/**
 * A batch of events (what one parser push or one store flush gives): the same state as
 * reduce() one by one, with the revision moved on once, and runs of channel-link
 * events folded together (reduceCommLinks).
 */
export function reduceAll(state: RolloutState, events: readonly InfertopEvent[]): RolloutState {
	const s = inBatch(() => fold(state, events));
	return s === state ? state : {...s, revision: state.revision + 1};
}

function fold(state: RolloutState, events: readonly InfertopEvent[]): RolloutState {
	let s = state;
	for (let i = 0; i < events.length; i++) {
		const e = events[i]!;
		if (e.type === 'comm-link' && events[i + 1]?.type === 'comm-link') {
			let j = i + 1;
			while (j < events.length && events[j]!.type === 'comm-link') j++;
			s = reduceCommLinks(s, events.slice(i, j) as CommLinkEvent[]);
			i = j - 1;
		} else s = step(s, e);
	}
	return s;
}

function step(state: RolloutState, event: InfertopEvent): RolloutState {
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
	return next;
}
