/**
 * Reading NCCL's topology dump (state.topology, one per pod) for the questions the
 * rules ask: do these two GPUs share NVLink, and what path joins them. NCCL 2.21+
 * names nodes `GPU/0-60`, `NVS/0-0`; ≤2.20 `GPU/81000`. A pair shares NVLink when
 * a path between them is NVL/NVB, a link joins them directly, or both have an NVL
 * link to the same NVSwitch (`+ NVL[370.8] - NVS/0-0`) — that last form is what
 * NCCL prints when P2P is disabled and the GPU-GPU paths fall back to PHB.
 */
import type {ChannelLink, CommState, HostTopology, LinkType, ProcState, RolloutState} from '../model/state.js';
import {busIdOf, procOfCommRank} from './subject.js';

const nvlinkTypes = new Set<LinkType>(['NVL', 'NVB']);
export const pcieTypes = new Set<LinkType>(['PCI', 'PIX', 'PXB', 'P2C', 'PXN', 'PHB', 'SYS']);

function kind(id: string): string {
	const slash = id.indexOf('/');
	return slash >= 0 ? id.slice(0, slash) : 'GPU';
}

/** NVSwitch nodes each GPU reaches with an NVL link or path. */
function nvlAttachments(topo: HostTopology): Map<string, Set<string>> {
	const out = new Map<string, Set<string>>();
	const add = (gpu: string, other: string) => {
		const b = busIdOf(gpu);
		let s = out.get(b);
		if (!s) out.set(b, (s = new Set()));
		s.add(other);
	};
	for (const l of [...topo.links, ...topo.paths]) {
		if (l.type !== 'NVL') continue;
		const fk = kind(l.from);
		const tk = kind(l.to);
		// Only NVSwitches join GPUs: an NVL link to a CPU (POWER9) is not a GPU-GPU link.
		if (fk === 'GPU' && tk === 'NVS') add(l.from, l.to);
		else if (tk === 'GPU' && fk === 'NVS') add(l.to, l.from);
	}
	return out;
}

/** The best path type NCCL computed between two GPUs (by bus id), or null when not dumped. */
export function pathType(topo: HostTopology, a: string, b: string): LinkType | null {
	for (const p of topo.paths) {
		if (kind(p.from) !== 'GPU' || kind(p.to) !== 'GPU') continue;
		const f = busIdOf(p.from);
		const t = busIdOf(p.to);
		if ((f === a && t === b) || (f === b && t === a)) return p.type;
	}
	return null;
}

export function sharesNvlink(topo: HostTopology, a: string, b: string): boolean {
	if (a === b) return false;
	const pt = pathType(topo, a, b);
	if (pt && nvlinkTypes.has(pt)) return true;
	for (const l of topo.links) {
		if (!nvlinkTypes.has(l.type) || kind(l.from) !== 'GPU' || kind(l.to) !== 'GPU') continue;
		const f = busIdOf(l.from);
		const t = busIdOf(l.to);
		if ((f === a && t === b) || (f === b && t === a)) return true;
	}
	const att = nvlAttachments(topo);
	const sa = att.get(a);
	const sb = att.get(b);
	if (!sa || !sb) return false;
	for (const x of sa) if (sb.has(x)) return true;
	return false;
}

/** Bus ids of the GPUs in a pod's topology (from the node list, else from the paths). */
export function gpusOf(topo: HostTopology): string[] {
	const ids = new Set(topo.gpus.map(g => busIdOf(g.busId)));
	if (ids.size === 0) for (const p of topo.paths) if (kind(p.from) === 'GPU') ids.add(busIdOf(p.from));
	return [...ids].sort();
}

/** True when the topology says anything about GPU-to-GPU NVLink at all. */
export function hasAnyNvlink(topo: HostTopology): boolean {
	const gpus = gpusOf(topo);
	for (let i = 0; i < gpus.length; i++) for (let j = i + 1; j < gpus.length; j++) if (sharesNvlink(topo, gpus[i]!, gpus[j]!)) return true;
	return false;
}

/** The topology NCCL printed for the pod (or host) a process ran in. */
export function topologyOf(state: RolloutState, proc: ProcState): HostTopology | null {
	// With Ray, one pod's log carries other hosts' dumps, keyed `pod/host` (parse/log-events.ts).
	if (proc.pod && proc.host && state.topology[`${proc.pod}/${proc.host}`]) return state.topology[`${proc.pod}/${proc.host}`]!;
	const own = proc.pod ? state.topology[proc.pod] : undefined;
	if (own && (own.host === null || proc.host === null || own.host === proc.host)) return own;
	for (const t of Object.values(state.topology)) if (t.host !== null && t.host === proc.host && (t.pod === null || t.pod === proc.pod)) return t;
	return null;
}

export interface ResolvedLink {
	link: ChannelLink;
	from: ProcState;
	to: ProcState;
}

/** Channel links with both ends resolved to processes. */
export function resolvedLinks(state: RolloutState, comm: CommState): ResolvedLink[] {
	const out: ResolvedLink[] = [];
	for (const link of comm.links) {
		const from = procOfCommRank(state, comm, link.fromRank);
		const to = procOfCommRank(state, comm, link.toRank);
		if (from && to) out.push({link, from, to});
	}
	return out;
}

/** Whether a communicator spans more than one node (NCCL's nNodes, else the pods of its members). */
export function isMultiNode(state: RolloutState, comm: CommState): boolean {
	if (comm.nNodes !== null) return comm.nNodes > 1;
	const pods = new Set<string>();
	for (const m of Object.values(comm.members)) {
		const p = state.procs[m.proc];
		if (p?.pod) pods.add(p.pod);
	}
	return pods.size > 1;
}

/** Transport family of a normalised transport: `P2P`, `SHM`, `NET`, or the text itself. */
export function family(transport: string): string {
	return transport.split('/')[0] ?? transport;
}
