/**
 * Past what fits (more than 8 hosts), the hosts are grouped by shape: the shape most of
 * them share is drawn once, the odd hosts out (another shape, or a rank problem) one by
 * one, each with how it differs in words. And what runs between hosts: per communicator,
 * the pairs of pods its channels joined and over which transport.
 */
import {shownComms} from '../../model/comms.js';
import type {CommState, ProcState, RolloutState} from '../../model/state.js';
import type {HostView, InterNodeComm, InterNodePair, NodeKind} from './topology-model.js';

const byName = new Intl.Collator('en', {numeric: true});

export interface HostGroups {
	/** hosts drawn one by one */
	drawn: HostView[];
	/** the shape most hosts share, drawn once, and how many share it */
	typical: {host: HostView; pods: string[]} | null;
	/** odd hosts past what is drawn, named only */
	more: HostView[];
	/** per odd host, how it differs from the typical one, in words */
	why: Map<string, string>;
}

const count = (v: HostView, k: NodeKind[]) => v.nodes.filter(x => k.includes(x.kind)).length;
/** NICs as a reader counts them: a NIC box (one port merged in) or a NET device of a multi-port NIC. */
const nicCount = (v: HostView) => v.nodes.filter(x => x.kind === 'net' || (x.kind === 'nic' && !v.edges.some(e => e.a === x.id && v.nodes.find(y => y.id === e.b)?.kind === 'net'))).length;

/** How `v` differs from `typical`, in the words a tile has room for. */
export function oddness(v: HostView, typical: HostView): string {
	if (v.problems.length) return v.problems[0]!;
	const why: string[] = [];
	if (count(v, ['gpu']) !== count(typical, ['gpu'])) why.push(`${count(v, ['gpu'])} GPUs`);
	if (nicCount(v) !== nicCount(typical)) why.push(`${nicCount(v)} NICs, most have ${nicCount(typical)}`);
	if (v.dumped !== typical.dumped) why.push(v.dumped ? 'topology printed' : 'no topology dump');
	const off = v.gdr.filter(g => g.state !== 'on').length;
	if (off !== typical.gdr.filter(g => g.state !== 'on').length) why.push(off ? `GDR off on ${off} GPU${off === 1 ? '' : 's'}` : 'GDR on');
	return why.join(', ') || 'links differ';
}

/**
 * Up to `fit` hosts are all drawn. Past that: the shape most hosts share once (with the
 * pods that have it), then the odd hosts out — a different shape, or a rank problem —
 * each drawn, up to `fit` of them; the rest are named.
 */
export function groupHosts(hosts: readonly HostView[], fit = 8): HostGroups {
	if (hosts.length <= fit) return {drawn: [...hosts], typical: null, more: [], why: new Map()};
	const bySig = new Map<string, HostView[]>();
	for (const h of hosts) {
		const g = bySig.get(h.signature);
		if (g) g.push(h);
		else bySig.set(h.signature, [h]);
	}
	const largest = [...bySig.values()].sort((a, b) => b.length - a.length)[0]!;
	const odd = hosts.filter(h => !largest.includes(h)).sort((a, b) => b.problems.length - a.problems.length || byName.compare(a.pod, b.pod));
	return {drawn: odd.slice(0, fit), typical: {host: largest[0]!, pods: largest.map(h => h.pod)}, more: odd.slice(fit), why: new Map(odd.map(h => [h.pod, oddness(h, largest[0]!)]))};
}

const memberProc = (state: RolloutState, c: CommState, rank: number): ProcState | undefined => {
	const m = c.members[rank];
	return m ? state.procs[m.proc] : undefined;
};

/** Per communicator spanning pods: each pair of pods and the transports its channels used. */
export function interNodeComms(state: RolloutState, key: (pod: string | null, host: string | null) => string | null): InterNodeComm[] {
	const out: InterNodeComm[] = [];
	for (const c of shownComms(state)) {
		const pairs = new Map<string, InterNodePair>();
		for (const l of c.links) {
			const pa = memberProc(state, c, l.fromRank);
			const pb = memberProc(state, c, l.toRank);
			const ka = pa ? key(pa.pod, pa.host) : null;
			const kb = pb ? key(pb.pod, pb.host) : null;
			if (!ka || !kb || ka === kb) continue;
			const [a, b] = ka < kb ? [ka, kb] : [kb, ka];
			const k = `${a}|${b}`;
			let p = pairs.get(k);
			if (!p) pairs.set(k, (p = {a, b, transports: [], channels: 0}));
			if (!p.transports.includes(l.transport)) p.transports.push(l.transport);
			p.channels += l.channels;
		}
		const pods = new Set(
			Object.values(c.members)
				.map(m => {
					const p = state.procs[m.proc];
					return p ? key(p.pod, p.host) : null;
				})
				.filter(Boolean),
		);
		if (pairs.size === 0 && pods.size < 2 && (c.nNodes ?? 1) < 2) continue;
		out.push({id: c.id, nranks: c.nranks, nNodes: c.nNodes, transports: [...c.transports].sort(), pairs: [...pairs.values()].sort((x, y) => (x.a + x.b < y.a + y.b ? -1 : 1))});
	}
	return out.sort((x, y) => y.nranks - x.nranks || (x.id < y.id ? -1 : 1));
}
