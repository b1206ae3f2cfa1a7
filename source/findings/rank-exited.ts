/**
 * `rank-exited`: a rank's process ended abnormally. The earliest failure that is
 * not a follow-on is the root cause; peers' remote errors, watchdog timeouts and
 * launcher SIGTERMs are listed in the same finding as follow-ons pointing to it.
 */
import type {Finding, Rule} from './types.js';
import {analyzeFailures, type FailureSubject} from './root-cause.js';
import {CLOCK_SKEW_MS, fmtSeconds, fmtTime, joinList} from './subject.js';

function after(s: FailureSubject, root: FailureSubject): string {
	if (s.at === null || root.at === null) return '';
	const d = s.at - root.at;
	return d >= 1000 ? ` ${fmtSeconds(d)} later` : '';
}

export const rankExited: Rule = state => {
	const {root, ties, followOns} = analyzeFailures(state);
	if (!root && followOns.length === 0) return [];
	const out: Finding[] = [];
	if (root) {
		const tie = ties.length ? ` ${joinList(ties.map(t => `${t.label} (${t.reason})`))} failed within ${fmtSeconds(CLOCK_SKEW_MS)} of it on another node: clock skew makes that a tie, either may be first.` : ' This is the first failure.';
		const rest = followOns.length
			? ` Follow-on: ${joinList(
					followOns.map(f => `${f.label} ${f.reason}${after(f, root)}`),
					6,
				)} — caused by this exit, not the reverse.`
			: '';
		const where = root.pod ? ` in pod ${root.pod}` : '';
		out.push({
			id: 'rank-exited',
			severity: 'error',
			subject: root.label,
			message: `${root.reason} at ${fmtTime(root.at)}.${tie}${rest} Fix: read this rank's own log lines${where} just before ${fmtTime(root.at)}; its peers' errors only say it went away.`,
		});
	} else {
		// Only follow-ons: the process that died first is not among the logs read.
		const first = followOns[0]!;
		const others = followOns.slice(1);
		out.push({
			id: 'rank-exited',
			severity: 'error',
			subject: first.label,
			message: `${first.reason} at ${fmtTime(first.at)}${
				others.length
					? `; also ${joinList(
							others.map(o => `${o.label} ${o.reason}`),
							6,
						)}`
					: ''
			}. These say a peer went away, but the rank that failed first is not in the logs read. Fix: read every pod's log (kubectl logs --previous for restarted containers) to find the first failure.`,
		});
	}
	return out;
};
