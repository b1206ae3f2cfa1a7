/**
 * `ray-log-dedup`: Ray folds identical lines from different workers into one with
 * a `[repeated Nx across cluster]` suffix (Ray's log deduplication, on by default),
 * so NCCL lines of remote ranks are under-counted in the leader's log (§4.2).
 */
import type {Finding, Rule} from './types.js';

export const rayLogDedup: Rule = state => {
	const pods = Object.values(state.pods)
		.filter(p => p.rayRepeatedLines > 0)
		.sort((a, b) => (a.name < b.name ? -1 : 1));
	if (!pods.length) return [];
	const total = pods.reduce((n, p) => n + p.rayRepeatedLines, 0);
	const finding: Finding = {
		id: 'ray-log-dedup',
		severity: 'info',
		subject: pods.length === 1 ? `pod ${pods[0]!.name}` : `pods ${pods.map(p => p.name).join(', ')}`,
		message: `Ray folded ${total} line${total === 1 ? '' : 's'} as "[repeated Nx across cluster]", so some ranks' NCCL lines are missing and rank counts may be short. Set RAY_DEDUP_LOGS=0 in the pods' environment to see every line.`,
	};
	return [finding];
};
