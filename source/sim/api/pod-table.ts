/**
 * Server-side printing for `kubectl get pods`: when the client asks for
 * `as=Table`, pods are answered as a meta.k8s.io/v1 Table with the columns kubectl
 * shows (NAME READY STATUS RESTARTS AGE, and IP NODE for `-o wide`), STATUS worded
 * as kubectl words it.
 */
import type http from 'node:http';

/** kubectl get asks for server-side printing: `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,…` */
export const wantsTable = (req: http.IncomingMessage) => /;as=Table/.test(req.headers.accept ?? '');

function age(created: string | undefined): string {
	const s = created ? Math.max(0, Math.floor((Date.now() - Date.parse(created)) / 1000)) : 0;
	if (s < 120) return `${s}s`;
	if (s < 7200) return `${Math.floor(s / 60)}m`;
	return `${Math.floor(s / 3600)}h`;
}

/** the STATUS column as kubectl shows it: a waiting/terminated reason beats the phase */
function podStatus(pod: any): string {
	if ((pod.status?.conditions ?? []).some((c: any) => c.type === 'PodScheduled' && c.status === 'False')) return 'Pending';
	for (const cs of pod.status?.containerStatuses ?? []) {
		if (cs.state?.waiting?.reason) return cs.state.waiting.reason;
		if (cs.state?.terminated?.reason && pod.status.phase !== 'Succeeded') return cs.state.terminated.reason;
	}
	return pod.status?.phase ?? 'Unknown';
}

/** meta.k8s.io/v1 Table for pods (NAME READY STATUS RESTARTS AGE, wide: IP NODE) */
export function podTable(pods: any[], resourceVersion: string, withColumns: boolean) {
	const col = (name: string, type: string, priority = 0, format = '') => ({name, type, format, description: name, priority});
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: {resourceVersion},
		columnDefinitions: withColumns ? [col('Name', 'string', 0, 'name'), col('Ready', 'string'), col('Status', 'string'), col('Restarts', 'string'), col('Age', 'string'), col('IP', 'string', 1), col('Node', 'string', 1)] : [],
		rows: pods.map(p => {
			const cs: any[] = p.status?.containerStatuses ?? [];
			return {
				cells: [
					p.metadata.name,
					`${cs.filter(c => c.ready).length}/${cs.length}`,
					podStatus(p),
					String(cs.reduce((n, c) => n + (c.restartCount ?? 0), 0)),
					age(p.metadata.creationTimestamp),
					p.status?.podIP ?? '<none>',
					p.spec?.nodeName ?? '<none>',
				],
				object: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: p.metadata},
			};
		}),
	};
}
