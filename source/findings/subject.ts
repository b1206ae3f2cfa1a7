/**
 * Naming things the way a person acts on them: a rank with its pod and bus id,
 * a communicator, a time. Shared by every rule so findings read alike.
 */
import type {CommState, ProcState, RolloutState} from '../model/state.js';
import {commName} from '../model/mid-run.js';

/** Kubernetes timestamps differ across nodes by ordinary clock skew; closer than this is a tie. */
export const CLOCK_SKEW_MS = 2000;

/**
 * A topology node id or a bus id → the bus id as NCCL prints it in init lines.
 * `GPU/0-60` (2.21+, systemId-localId) → `60`; `GPU/81000` (≤2.20, upper hex) → `81000`; `60` → `60`.
 */
export function busIdOf(id: string): string {
	const slash = id.lastIndexOf('/');
	let s = slash >= 0 ? id.slice(slash + 1) : id;
	const dash = s.lastIndexOf('-');
	if (dash >= 0) s = s.slice(dash + 1);
	s = s
		.toLowerCase()
		.replace(/^0x/, '')
		.replace(/^0+(?=[0-9a-f])/, '');
	return s;
}

/** The communicators a process belongs to, largest first (ties: by id, for a stable answer). */
function commsOf(state: RolloutState, proc: ProcState): CommState[] {
	const out: CommState[] = [];
	for (const id of proc.comms) {
		const c = state.comms[id];
		if (c) out.push(c);
	}
	return out.sort((a, b) => b.nranks - a.nranks || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The rank of `proc` inside `comm`, or null. */
export function rankIn(comm: CommState, procKey: string): number | null {
	for (const m of Object.values(comm.members)) if (m.proc === procKey) return m.rank;
	return null;
}

/** World rank as vLLM/torch logs it, else the rank in the one largest communicator containing it. */
export function globalRank(state: RolloutState, proc: ProcState): number | null {
	if (proc.worldRank !== null) return proc.worldRank;
	const comms = commsOf(state, proc);
	const first = comms[0];
	if (!first) return null;
	// Two different communicators of the same (largest) size: the rank is ambiguous.
	if (comms[1] && comms[1].nranks === first.nranks && rankIn(comms[1], proc.key) !== rankIn(first, proc.key)) return null;
	return rankIn(first, proc.key);
}

/** `rank 1 (pod0, GPU busId 70)`; without a rank, `process 1464 (pod0, GPU busId 70)`. */
export function rankLabel(state: RolloutState, proc: ProcState, rankOverride?: number | null): string {
	const rank = rankOverride ?? globalRank(state, proc);
	const where = [proc.pod ?? proc.host ?? 'unknown pod', proc.busId !== null ? `GPU busId ${proc.busId}` : null].filter(Boolean).join(', ');
	const head = rank !== null ? `rank ${rank}` : proc.pid !== null ? `process ${proc.pid}` : `process ${proc.key}`;
	return `${head} (${where})`;
}

/** `communicator 0xc67523877a822df2 (4 ranks)` */
export function commLabel(comm: CommState): string {
	return `communicator ${commName(comm.id)} (${comm.nranks} ranks)`;
}

/** The process behind comm rank `rank`, if it was seen. */
export function procOfCommRank(state: RolloutState, comm: CommState, rank: number): ProcState | null {
	const m = comm.members[rank];
	return m ? (state.procs[m.proc] ?? null) : null;
}

/** Pods whose processes are members of `comm`, sorted. */
export function podsOfComm(state: RolloutState, comm: CommState): string[] {
	const pods = new Set<string>();
	for (const m of Object.values(comm.members)) {
		const p = state.procs[m.proc];
		if (p?.pod) pods.add(p.pod);
	}
	return [...pods].sort();
}

/** `22:03:48.679Z` — UTC, to the millisecond, so lines from different pods compare. */
export function fmtTime(ms: number | null): string {
	if (ms === null) return 'unknown time';
	return new Date(ms).toISOString().slice(11, 23) + 'Z';
}

/** `30 s`, `1.5 s`, `2 min 5 s` */
export function fmtSeconds(ms: number): string {
	const s = ms / 1000;
	if (s < 10) return `${Math.round(s * 10) / 10} s`;
	if (s < 120) return `${Math.round(s)} s`;
	const m = Math.floor(s / 60);
	return `${m} min ${Math.round(s - m * 60)} s`;
}

/** `a, b and c` */
export function joinList(items: readonly string[], max = 8): string {
	if (items.length === 0) return '';
	const shown = items.length > max ? [...items.slice(0, max), `${items.length - max} more`] : [...items];
	if (shown.length === 1) return shown[0]!;
	return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
	const v = [...values].sort((a, b) => a - b);
	const mid = v.length >> 1;
	return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Format a bandwidth the way NCCL's `Pattern` line does, without trailing zeros: `1.2`, `30`. */
export function fmtGBps(v: number): string {
	return `${Math.round(v * 10) / 10} GB/s`;
}

/**
 * The nodes a communicator spans, named for a person: pod names when each node is
 * its own pod (Kubernetes), else `host (in pod P)` — with Ray, one pod's log can
 * carry another node's NCCL lines (contract: topology keyed by pod, hosts may repeat).
 */
export function nodesOfComm(state: RolloutState, comm: CommState): string[] {
	const pairs = new Map<string, {pod: string | null; host: string | null}>();
	for (const m of Object.values(comm.members)) {
		const p = state.procs[m.proc];
		if (!p) continue;
		pairs.set(`${p.pod}|${p.host}`, {pod: p.pod, host: p.host});
	}
	const pods = new Set([...pairs.values()].map(x => x.pod));
	if (pods.size === pairs.size) return [...pods].map(p => p ?? 'unknown pod').sort();
	return [...pairs.values()].map(x => `${x.host ?? 'unknown host'} (in pod ${x.pod ?? '?'})`).sort();
}

/** `pods pod0 and pod1`, or `hosts a (in pod P) and b (in pod P)` when one pod logs several nodes. */
export function nodesPhrase(state: RolloutState, comm: CommState): string {
	const nodes = nodesOfComm(state, comm);
	if (nodes.length === 0) return 'unknown nodes';
	const hosts = nodes.some(n => n.includes(' (in pod '));
	const unseen = comm.nNodes !== null && comm.nNodes > nodes.length ? comm.nNodes - nodes.length : 0;
	const more = unseen ? ` and ${unseen} node${unseen > 1 ? 's' : ''} whose NCCL lines were not read` : '';
	return `${hosts ? 'host' : 'pod'}${nodes.length > 1 ? 's' : ''} ${joinList(nodes)}${more}`;
}
