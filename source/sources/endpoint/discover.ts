/**
 * Find the Service in front of the workload's leader (live mode, no --endpoint /
 * --service): list the namespace's Services and keep those whose selector
 * matches the leader pod's labels. In a LeaderWorkerSet only the leader runs
 * vLLM's API server, so a Service that also selects workers would send probes to
 * pods that refuse them — such a Service is skipped (and said). Nothing found:
 * say so, never guess a port or a name.
 */
import type {KubeConfig} from '@kubernetes/client-node';
import type {RolloutState} from '../../model/state.js';

export interface FoundService {
	name: string;
	port: string;
	/** one line: which Service, why, and what else was considered */
	note: string;
}

export type Discovery = {found: FoundService} | {found: null; note: string; retry: boolean};

interface PodLite {
	name: string;
	labels: Record<string, string>;
	role: 'leader' | 'worker' | null;
}

interface ServiceLite {
	name: string;
	selector: Record<string, string>;
	headless: boolean;
	ports: {name: string | null; port: number}[];
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The port to probe: the only one, else one named like HTTP/API, else 8000 (vLLM's default), else the first. */
export function pickPort(ports: ServiceLite['ports']): {port: string; why: string} | null {
	if (ports.length === 0) return null;
	if (ports.length === 1) return {port: String(ports[0]!.port), why: 'its only port'};
	const named = ports.find(p => p.name && /^(http|https|api|openai|vllm|serve|server)$/i.test(p.name));
	if (named) return {port: String(named.port), why: `port named ${named.name}`};
	const dflt = ports.find(p => p.port === 8000);
	if (dflt) return {port: '8000', why: "vLLM's default port"};
	return {port: String(ports[0]!.port), why: 'its first port'};
}

/** Pure choice, tested without a cluster. */
export function chooseService(leader: PodLite, others: PodLite[], services: ServiceLite[], namespace: string): Discovery {
	const selecting = services.filter(s => matches(s.selector, leader.labels));
	if (selecting.length === 0) {
		return {
			found: null,
			retry: false,
			note: `no Service in ${namespace} selects the leader pod ${leader.name} (looked at ${services.length}); pass --service NAME[:PORT] or --endpoint URL`,
		};
	}
	const workers = others.filter(p => p.role === 'worker');
	const leaderOnly = selecting.filter(s => !workers.some(w => matches(s.selector, w.labels)));
	const skipped = selecting.filter(s => !leaderOnly.includes(s)).map(s => s.name);
	if (leaderOnly.length === 0) {
		return {
			found: null,
			retry: false,
			note: `every Service selecting ${leader.name} (${skipped.join(', ')}) also selects worker pods, which do not run the API server; pass --service NAME[:PORT] or --endpoint URL`,
		};
	}
	// Prefer a ClusterIP Service to a headless one, then by name for a stable answer.
	const ranked = [...leaderOnly].sort((a, b) => Number(a.headless) - Number(b.headless) || a.name.localeCompare(b.name));
	for (const svc of ranked) {
		const port = pickPort(svc.ports);
		if (!port) continue;
		const also = ranked.filter(s => s !== svc).map(s => s.name);
		const note =
			`found Service ${namespace}/${svc.name} (selects the leader pod ${leader.name}; ${port.why} ${port.port})` +
			(also.length ? `; also selecting it: ${also.join(', ')}` : '') +
			(skipped.length ? `; skipped (also select workers): ${skipped.join(', ')}` : '');
		return {found: {name: svc.name, port: port.port, note}};
	}
	return {found: null, retry: false, note: `the Services selecting ${leader.name} (${ranked.map(s => s.name).join(', ')}) declare no ports`};
}

export async function discoverLeaderService(kc: KubeConfig, namespace: string, workload: string | null | undefined, state: RolloutState): Promise<Discovery> {
	const k8s = await import('@kubernetes/client-node');
	const core = kc.makeApiClient(k8s.CoreV1Api);
	const podList = await core.listNamespacedPod({namespace});
	const statePods = Object.values(state.pods).filter(p => !p.deleted);
	const all: PodLite[] = podList.items.map(p => {
		const name = p.metadata?.name ?? '';
		const labels = p.metadata?.labels ?? {};
		const known = state.pods[name];
		// LeaderWorkerSet marks worker index 0 as the leader; else trust the pod slice's role.
		const lwsIndex = labels['leaderworkerset.sigs.k8s.io/worker-index'];
		const role = known?.role ?? (lwsIndex === undefined ? null : lwsIndex === '0' ? 'leader' : 'worker');
		return {name, labels, role};
	});
	const inWorkload = (p: PodLite) => {
		if (!workload) return statePods.length === 0 || statePods.some(s => s.name === p.name);
		const known = state.pods[p.name];
		return known?.workload === workload || p.name.startsWith(workload);
	};
	const mine = all.filter(inWorkload);
	if (mine.length === 0) {
		return {found: null, retry: true, note: `no pods${workload ? ` of ${workload}` : ''} in ${namespace} yet: the Service in front of the leader is looked for once they exist`};
	}
	const leaders = mine.filter(p => p.role === 'leader');
	// Not a LeaderWorkerSet (a Deployment, a StatefulSet): every pod serves HTTP, any one will do.
	const leader = leaders[0] ?? (mine.some(p => p.role === 'worker') ? null : mine[0]!);
	if (!leader) {
		return {
			found: null,
			retry: false,
			note: `${mine.length} pods${workload ? ` of ${workload}` : ''}, workers but no leader among them: cannot tell which one serves HTTP; pass --service NAME[:PORT] or --endpoint URL`,
		};
	}
	const svcList = await core.listNamespacedService({namespace});
	const services: ServiceLite[] = svcList.items.map(s => ({
		name: s.metadata?.name ?? '',
		selector: s.spec?.selector ?? {},
		headless: s.spec?.clusterIP === 'None',
		ports: (s.spec?.ports ?? []).map(p => ({name: p.name ?? null, port: p.port})),
	}));
	return chooseService(
		leader,
		mine.filter(p => p !== leader),
		services,
		namespace,
	);
}
