import type {RolloutState} from '../model/state.js';
import {defaultFindingOptions, type Finding, type FindingOptions, type Rule} from './types.js';

export type {Finding, FindingOptions} from './types.js';
export {defaultFindingOptions} from './types.js';

/** Every rule, one file each. (The findings work fills this in.) */
const rules: Rule[] = [];

const order = {error: 0, warn: 1, info: 2} as const;

/** All findings for the state at `now`, most severe first. */
export function computeFindings(state: RolloutState, now: number, options: FindingOptions = defaultFindingOptions): Finding[] {
	const out: Finding[] = [];
	for (const rule of rules) out.push(...rule(state, now, options));
	return out.sort((a, b) => order[a.severity] - order[b.severity]);
}
