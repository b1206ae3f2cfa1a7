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

/**
 * The node a process runs on, as a person means it: its host. NCCL's own host identity
 * is `NCCL_HOSTID` where the pod set it (the corpus's two launchers on one machine stand
 * for two pods that way); else the host name NCCL printed, within its pod (one pod's
 * processes share a host; under Ray one pod's log also carries other hosts' lines, by
 * their own names). Two pods printing one host name are not taken for one node: two
 * machines left with the default name `ubuntu` do that too.
 *
 * Why not NCCL's `nNodes`: with `NCCL_P2P_DISABLE=1` and `NCCL_SHM_DISABLE=1` (or
 * `NCCL_P2P_LEVEL=LOC`) no GPU can reach another inside the host, NCCL's ring graph
 * puts each rank on a node of its own (src/init.cc counts nodes by the graph's first
 * rank: `nNodes 4 localRanks 1`) and it sends between GPUs of one host over NET/Socket.
 */
export function nodeOf(state: RolloutState, proc: ProcState): string | null {
	const hostId = proc.pod ? state.nccl.envByPod[proc.pod]?.['NCCL_HOSTID'] : undefined;
	if (hostId) return `hostid:${hostId}`;
	if (proc.pod === null && proc.host === null) return null;
	return `${proc.pod ?? ''}|${proc.host ?? ''}`;
}

/**
 * The NCCL settings in force in a pod that keep P2P (or SHM) off between its GPUs, as
 * `NAME=value`. NCCL ≤2.19 reports `NCCL_P2P_DISABLE=1` as `NCCL_P2P_LEVEL set by
 * environment to LOC` (public excerpt, NVIDIA/nccl#428), so LOC is named as either.
 */
export function p2pBlockers(state: RolloutState, pod: string | null): string[] {
	const env = {...state.nccl.env, ...(pod ? state.nccl.envByPod[pod] : undefined)};
	const on = (k: string) => env[k] !== undefined && env[k] !== '0';
	const out: string[] = [];
	if (on('NCCL_P2P_DISABLE')) out.push(`NCCL_P2P_DISABLE=${env['NCCL_P2P_DISABLE']}`);
	const level = env['NCCL_P2P_LEVEL'];
	// NVL is the only level that keeps NVLink; LOC means P2P never
	if (level !== undefined && !/^(NVL|5)$/i.test(level)) out.push(/^(LOC|0)$/i.test(level) && !on('NCCL_P2P_DISABLE') ? `NCCL_P2P_LEVEL=${level} (or NCCL_P2P_DISABLE=1, which older NCCL reports this way)` : `NCCL_P2P_LEVEL=${level}`);
	if (on('NCCL_SHM_DISABLE')) out.push(`NCCL_SHM_DISABLE=${env['NCCL_SHM_DISABLE']}`);
	return out;
}

/** The distinct nodes of a communicator's members that were seen, and how many members were. */
export function nodesOf(state: RolloutState, comm: CommState): {nodes: Set<string>; seen: number} {
	const nodes = new Set<string>();
	let seen = 0;
	for (const m of Object.values(comm.members)) {
		const p = state.procs[m.proc];
		if (!p) continue;
		seen++;
		const n = nodeOf(state, p);
		if (n !== null) nodes.add(n);
	}
	return {nodes, seen};
}

/** Two processes on one host (the same node by nodeOf). */
export function sameNode(state: RolloutState, a: ProcState, b: ProcState): boolean {
	const na = nodeOf(state, a);
	return na !== null && na === nodeOf(state, b);
}

/**
 * NCCL itself chose the network between two ranks: with P2P and SHM allowed it does so
 * only between hosts (transports are tried P2P, SHM, then NET), so a NET channel is
 * evidence of two hosts even where both print one host name (two machines left named
 * `ubuntu`: public excerpt, NVIDIA/nccl-tests#166) or the lines that name the hosts
 * were cut away (a log read mid-run).
 */
export function netMeansHosts(state: RolloutState, comm: CommState): boolean {
	if (!comm.transports.some(t => family(t) === 'NET')) return false;
	for (const m of Object.values(comm.members)) if (p2pBlockers(state, state.procs[m.proc]?.pod ?? null).length) return false;
	return true;
}

/**
 * Whether a communicator spans more than one node. NCCL's `nNodes` where it grouped
 * ranks by host (`localRanks` > 1: its host hash, NCCL_HOSTID included, says so); but
 * where it counted every rank as a node (`localRanks 1`) while two seen ranks share a
 * host, the hosts decide. Without `nNodes`: the hosts of the members seen, or a NET
 * channel NCCL chose while P2P and SHM were allowed.
 */
export function isMultiNode(state: RolloutState, comm: CommState): boolean {
	const {nodes, seen} = nodesOf(state, comm);
	if (comm.nNodes !== null) {
		if (comm.nNodes <= 1) return false;
		return !(comm.localRanks === 1 && seen > 1 && nodes.size === 1 && !netMeansHosts(state, comm));
	}
	return nodes.size > 1 || netMeansHosts(state, comm);
}

/** Transport family of a normalised transport: `P2P`, `SHM`, `NET`, or the text itself. */
export function family(transport: string): string {
	return transport.split('/')[0] ?? transport;
}
