/**
 * Whether an error record is a follow-on of the root failure (see root-cause.ts):
 * a remote error or watchdog timeout around or after the root rank's failure is reported as a
 * warning pointing to it, so the error list leads with the cause.
 */
import type {FailureRecord, RolloutState} from '../model/state.js';
import {analyzeFailures} from './root-cause.js';

/** How long before the root's reported failure a peer's remote error still counts as caused by it. */
export const FOLLOW_ON_SLACK_MS = 30_000;

export function followOnOf(state: RolloutState, f: FailureRecord): string | null {
	const remote = f.remote || f.kind === 'remote-error' || f.kind === 'watchdog-timeout';
	if (!remote) return null;
	const {root} = analyzeFailures(state);
	if (!root) return null;
	// The root's time is often its launcher's exit report, printed after its peers already
	// saw the connection drop: a remote error shortly before it is still its follow-on.
	if (root.at !== null && f.at !== null && f.at < root.at - FOLLOW_ON_SLACK_MS) return null;
	return root.label;
}
