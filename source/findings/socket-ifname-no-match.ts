/**
 * `socket-ifname-no-match`: NCCL found no usable socket interface, almost always
 * because `NCCL_SOCKET_IFNAME` names one the pod does not have. NCCL prints
 * (bootstrap.cc, all versions) `NCCL WARN Bootstrap : no socket interface found`
 * or (net_socket.cc) `NET/Socket : No usable listening interface found`.
 */
import type {Finding, Rule} from './types.js';
import {oneLine} from './group-records.js';
import {fmtTime, joinList} from './subject.js';

// `Bootstrap : no socket interface found` · `NET/Socket : No usable listening interface found` · `NET/IB : No IP interface found.`
const noInterfaceRe = /no socket interface found|No usable listening interface found|No IP interface found/i;

export const socketIfnameNoMatch: Rule = state => {
	const pods = new Set<string>();
	let firstAt: number | null = null;
	let evidence: string | null = null;
	const see = (pod: string | null, at: number | null, message: string) => {
		if (pod) pods.add(pod);
		if (at !== null && (firstAt === null || at < firstAt)) firstAt = at;
		evidence ??= message;
	};
	for (const f of state.failures) if (f.kind === 'socket-ifname' || noInterfaceRe.test(f.message)) see(f.pod, f.at, f.message);
	for (const g of Object.values(state.warnGroups)) if (noInterfaceRe.test(g.message)) for (const p of g.pods.length ? g.pods : [null]) see(p, g.firstAt, g.message);
	if (evidence === null) return [];
	const ifname = state.nccl.env['NCCL_SOCKET_IFNAME'] ?? null;
	const known = [...new Set([state.nccl.bootstrapInterface?.split(':')[0], ...state.nccl.netDevices.map(d => d.name)].filter((x): x is string => Boolean(x)))];
	const podList = joinList([...pods].sort());
	const subject = ifname ? `NCCL_SOCKET_IFNAME=${ifname}${podList ? ` on pod ${podList}` : ''}` : `socket interface${podList ? ` on pod ${podList}` : ''}`;
	const head = ifname ? `NCCL_SOCKET_IFNAME=${ifname} matches no interface` : 'NCCL found no usable socket interface';
	const fix = ifname
		? `set NCCL_SOCKET_IFNAME to an interface the pod has${known.length ? ` (NCCL used ${joinList(known)} elsewhere)` : ' (e.g. eth0; `kubectl exec POD -- cat /proc/net/dev` lists them)'}, or unset it; a prefix matches (eth matches eth0), =name matches exactly, ^name excludes.`
		: 'give the pod a routable interface, or set NCCL_SOCKET_IFNAME to one it has.';
	return [
		{
			id: 'socket-ifname-no-match',
			severity: 'error',
			subject,
			message: `${head}: "${oneLine(evidence, 100)}" at ${fmtTime(firstAt)}, so NCCL cannot bootstrap. Fix: ${fix}`,
		} satisfies Finding,
	];
};
