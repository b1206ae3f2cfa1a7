/** `pod-restarting`: a pod's container restarted, or is in CrashLoopBackOff (Kubernetes pod status). */
import type {Finding, Rule} from './types.js';

export const podRestarting: Rule = state => {
	const out: Finding[] = [];
	for (const pod of Object.values(state.pods).sort((a, b) => (a.name < b.name ? -1 : 1))) {
		if (pod.deleted) continue;
		const looping = pod.containers.filter(c => c.state === 'waiting' && c.reason === 'CrashLoopBackOff');
		const restarted = pod.containers.filter(c => c.restarts > 0);
		const restarts = pod.restarts ?? restarted.reduce((n, c) => n + c.restarts, 0);
		if (restarts <= 0 && looping.length === 0) continue;
		const last = restarted.find(c => c.lastTerminationReason || c.lastExitCode !== null);
		const why = last ? ` (container ${last.name} last ended: ${[last.lastTerminationReason, last.lastExitCode !== null ? `exit code ${last.lastExitCode}` : null].filter(Boolean).join(', ')})` : '';
		out.push({
			id: 'pod-restarting',
			severity: 'warn',
			subject: `pod ${pod.name}`,
			message: `${looping.length ? `in CrashLoopBackOff (${looping.map(c => c.name).join(', ')}), ` : ''}${restarts} restart${restarts === 1 ? '' : 's'}${why}. Fix: read the previous container's log (kubectl logs ${pod.name} --previous); with LeaderWorkerSet a restart recreates the whole group.`,
		});
	}
	return out;
};
