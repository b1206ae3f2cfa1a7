export type Severity = 'error' | 'warn' | 'info';

/** One diagnosis: a pure function of the state and `now`. See contract/snapshot.md for ids. */
export interface Finding {
	id: string;
	severity: Severity;
	/** what it is about, in words a person can act on: pod, rank with pod and bus id, communicator, interface */
	subject: string;
	/** what is wrong and one line of advice */
	message: string;
}

// thresholds are configuration the options read too: one definition, below every layer
export {defaultFindingOptions, type FindingOptions} from '../core/finding-options.js';
import type {FindingOptions} from '../core/finding-options.js';

export type Rule = (state: import('../model/state.js').RolloutState, now: number, options: FindingOptions) => Finding[];
