/**
 * Label and field selectors as the API server applies them to pods on list and
 * watch: `a=b,c!=d`, `key in (x,y)`, `key notin (…)`, `key`, `!key`; and the pod
 * fields kubectl and infertop select on (name, namespace, node, phase).
 */
import type {SimPod} from '../objects.js';

/** `a=b,c!=d,e` (equality-based, plus `key in (x,y)` and existence) */
export function matchesLabelSelector(labels: Record<string, string>, selector: string | null): boolean {
	if (!selector) return true;
	// split on commas not inside parentheses
	const parts = selector.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
	return parts.every(raw => {
		const p = raw.trim();
		let m: RegExpMatchArray | null;
		if ((m = p.match(/^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/))) {
			const v = labels[m[1]!];
			return m[2] === '!=' ? v !== m[3] : v === m[3];
		}
		if ((m = p.match(/^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
			const set = m[3]!.split(',').map(x => x.trim());
			const v = labels[m[1]!];
			return m[2] === 'in' ? v !== undefined && set.includes(v) : v === undefined || !set.includes(v);
		}
		if (p.startsWith('!')) return labels[p.slice(1)] === undefined;
		return labels[p] !== undefined;
	});
}

export function matchesFieldSelector(pod: SimPod, selector: string | null): boolean {
	if (!selector) return true;
	return selector.split(',').every(part => {
		const m = part.match(/^([^=!]+)(==|=|!=)(.*)$/);
		if (!m) return true;
		const value = m[1] === 'metadata.name' ? pod.name : m[1] === 'metadata.namespace' ? pod.namespace : m[1] === 'spec.nodeName' ? (pod.nodeName ?? '') : m[1] === 'status.phase' ? pod.phase : undefined;
		if (value === undefined) return true;
		return m[2] === '!=' ? value !== m[3] : value === m[3];
	});
}
