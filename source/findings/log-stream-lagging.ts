/**
 * `log-stream-lagging`: a pod's log stream is behind — reconnecting past the lag
 * threshold, refused (403: names the `kubectl auth can-i` check), lines skipped
 * by a limit (`--max-streams`), or follows that stalled (kubelet log rotation,
 * kubernetes/kubernetes#115701) and were reopened. A quiet pod is not lagging.
 */
import type {Finding, Rule} from './types.js';

export const logStreamLagging: Rule = (state, now, options) => {
	const out: Finding[] = [];
	for (const pod of Object.values(state.pods).sort((a, b) => (a.name < b.name ? -1 : 1))) {
		if (pod.deleted) continue;
		for (const s of pod.streams) {
			const subject = `pod ${pod.name} container ${s.container}`;
			const forbidden = s.skippedReason?.startsWith('forbidden') ?? false;
			if (forbidden) {
				out.push({id: 'log-stream-lagging', severity: 'warn', subject, message: `its log cannot be read: ${s.skippedReason}`});
				continue;
			}
			const down = !s.connected && s.droppedAt !== null ? (now - s.droppedAt) / 1000 : 0;
			const running = pod.containers.find(c => c.name === s.container)?.state === 'running';
			if (down > options.lagSeconds && running) {
				out.push({
					id: 'log-stream-lagging',
					severity: 'warn',
					subject,
					message: `log stream down for ${Math.round(down)}s (${s.reconnects} reconnect${s.reconnects === 1 ? '' : 's'}${s.skippedReason ? `; ${s.skippedReason}` : ''}): what it shows may be behind the pod. Check the API server's health and \`kubectl logs -f ${pod.name} -c ${s.container}\`.`,
				});
			} else if (s.skippedLines > 0 || (s.skippedReason?.includes('--max-streams') ?? false)) {
				out.push({
					id: 'log-stream-lagging',
					severity: 'warn',
					subject,
					message: `${s.skippedLines > 0 ? `${s.skippedLines} lines` : 'its log is'} not read: ${s.skippedReason ?? 'a limit was reached'}. Raise --max-streams or narrow the pods with -l / -c.`,
				});
			}
			if (s.stalls > 0) {
				out.push({
					id: 'log-stream-lagging',
					severity: 'info',
					subject,
					message: `the follow went silent while newer lines existed ${s.stalls} time${s.stalls === 1 ? '' : 's'} (kubelet log rotation, kubernetes/kubernetes#115701); reopened from the last line each time, nothing lost. A larger containerLogMaxSize makes rotations rarer.`,
				});
			}
		}
	}
	return out;
};
