/** `nccl-warn`: `NCCL WARN` lines, grouped by message (state.warnGroups), with how often and where. */
import type {Finding, Rule} from './types.js';
import {oneLine} from './group-records.js';
import {fmtTime, joinList} from './subject.js';

function advice(message: string): string {
	if (/Connection closed by remote peer|remote process/i.test(message)) return 'a peer went away: see rank-exited for the rank that failed first.';
	if (/no socket interface|No usable listening interface/i.test(message)) return 'check NCCL_SOCKET_IFNAME against the pod\'s interfaces (socket-ifname-no-match).';
	if (/shared memory|\/dev\/shm/i.test(message)) return 'the pod\'s /dev/shm is too small: mount a memory emptyDir at /dev/shm.';
	if (/NET plugin/i.test(message)) return 'the network plugin failed to load: check the plugin library and its dependencies in the image.';
	return 'read the lines around it (NCCL_DEBUG_SUBSYS=INIT,NET gives more).';
}

export const ncclWarn: Rule = state => {
	const out: Finding[] = [];
	const groups = Object.values(state.warnGroups).sort((a, b) => (a.firstAt ?? Infinity) - (b.firstAt ?? Infinity) || (a.message < b.message ? -1 : 1));
	for (const g of groups) {
		out.push({
			id: 'nccl-warn',
			severity: 'warn',
			subject: `NCCL WARN${g.where ? ` ${g.where}` : ''} on pod ${joinList(g.pods) || 'unknown'}`,
			message: `${g.count}× "${oneLine(g.message)}", first at ${fmtTime(g.firstAt)}. Fix: ${advice(g.message)}`,
		});
	}
	return out;
};
