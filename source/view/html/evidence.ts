/**
 * The log lines behind a finding, with pod, container and time. A finding names what it
 * is about (pods, a rank with pod and bus id) and quotes what it read; the lines that
 * carry those quotes, the failure records it was built from (model/failures.ts) and the
 * lines each rule reads (Init START of a late rank, `GPU Direct RDMA …`, `via NET/Socket`)
 * are its evidence. Lines are the sanitised, redacted ones the parser handed on; without
 * lines (a source that kept none) the state's own records stand in, without a container.
 */
import type {Finding} from '../../findings/types.js';
import type {RolloutState} from '../../model/state.js';
import type {RawLine} from '../../parse/stream-parser.js';
import {normBus} from '../paths-model.js';

export interface EvidenceLine {
	at: number | null;
	pod: string | null;
	container: string | null;
	text: string;
	/** the same line (pod and text) read this many times: NCCL prints a line per communicator */
	count?: number;
}

export interface Evidence {
	lines: EvidenceLine[];
	/** matching lines past the ones shown */
	more: number;
}

export const MAX_EVIDENCE = 6;
const MAX_TEXT = 600;

/** What each rule reads, beyond its quotes: text a line of its evidence contains. */
const ruleNeedles: Record<string, string[]> = {
	'straggler': ['Init START'],
	'init-stalled': ['Init START'],
	'gdr-disabled': ['GPU Direct RDMA', '/GDRDMA', 'via NET/'],
	'inter-node-over-socket': ['NET/Socket : Using', 'via NET/Socket', 'NET/IB : No device found'],
	'ib-disabled': ['NCCL_IB_DISABLE'],
	'net-plugin-missing': ['libnccl-net.so'],
	'low-bandwidth': ['Pattern '],
	'nvlink-unused': ['via SHM', 'NCCL_P2P_DISABLE', 'NCCL_P2P_LEVEL'],
	'pcie-fallback': ['NCCL_P2P_LEVEL', 'via P2P'],
	'nccl-env-mismatch': ['set by environment to'],
	'deprecated-flag': ['deprecated'],
	'torch-threads': ['OMP_NUM_THREADS'],
	'nccl-diag': ['NCCL DIAG'],
	'ray-log-dedup': ['repeated '],
	'socket-ifname-no-match': ['NCCL_SOCKET_IFNAME', 'Bootstrap'],
	'collective-timeout': ['Watchdog caught'],
	'cuda-oom': ['out of memory', 'OutOfMemory'],
	'engine-dead': ['EngineDeadError', 'EngineCore'],
	'rank-exited': ['exitcode', 'exit code', 'Traceback'],
};

/** The failure records (model/failures.ts) each rule is built from. */
const recordKinds: Record<string, string[]> = {
	'nccl-error': ['nccl-error', 'remote-error'],
	'rank-exited': ['rank-exit'],
	'collective-timeout': ['watchdog-timeout'],
	'cuda-oom': ['cuda-oom'],
	'engine-dead': ['engine-dead'],
	'socket-ifname-no-match': ['socket-ifname'],
	'nccl-warn': ['nccl-warn'],
};

/** Pods named in the text as words (`pod1`, not the `pod1` inside `pod10`). */
function podsIn(state: RolloutState, text: string): string[] {
	const out: string[] = [];
	for (const p of Object.keys(state.pods)) {
		let i = text.indexOf(p);
		while (i !== -1) {
			const before = text[i - 1];
			const after = text[i + p.length];
			if ((!before || !/[\w-]/.test(before)) && (!after || !/[\w-]/.test(after))) {
				out.push(p);
				break;
			}
			i = text.indexOf(p, i + 1);
		}
	}
	return out;
}

/** `rank 3 (pod1, GPU busId 90)` → the processes that are that rank. */
function procsIn(state: RolloutState, text: string): Set<string> {
	const out = new Set<string>();
	for (const m of text.matchAll(/rank (\d+) \(([^,()]+), GPU busId ([0-9a-fA-Fx]+)\)/g)) {
		for (const p of Object.values(state.procs)) if (p.pod === m[2] && normBus(p.busId) === normBus(m[3])) out.add(p.key);
	}
	return out;
}

/** Quoted text in a message (`"socketProgress: Connection closed by remote peer"`), cut where the rule cut it. */
function quotes(message: string): string[] {
	const out: string[] = [];
	for (const m of message.matchAll(/"([^"]{6,})"/g)) {
		const q = m[1]!.replace(/…$/, '').trim();
		if (q.length >= 6) out.push(q.slice(0, 80));
	}
	return out;
}

export function evidenceFor(f: Finding, state: RolloutState, lines: readonly RawLine[] | null): Evidence {
	const pods = new Set(podsIn(state, f.subject));
	const procs = procsIn(state, f.subject);
	const recs = state.failures.filter(r => (pods.size === 0 || (r.pod !== null && pods.has(r.pod))) && (procs.size === 0 || r.proc === null || procs.has(r.proc)));
	// the records a message speaks of (its quotes, its kind of failure)
	let said = recs.filter(r => f.message.includes(r.message.slice(0, 40)) || quotes(f.message).some(q => r.message.startsWith(q.slice(0, 40))));
	// a rule that counts records instead of quoting them (`Connection closed by remote peer ×2`): the records of its kinds
	const kinds = recordKinds[f.id];
	if (said.length === 0 && kinds) said = recs.filter(r => kinds.includes(r.kind)).slice(0, 20);
	const procNeedles = (ruleNeedles[f.id] ?? []).filter(x => x === 'Init START');
	const needles = [...quotes(f.message), ...said.map(r => r.message.slice(0, 80)), ...(ruleNeedles[f.id] ?? []).filter(x => x !== 'Init START')].filter(x => x.length > 0);
	if (f.id === 'endpoint-unhealthy' || f.id === 'engine-stalled') return endpointEvidence(state);
	if (lines && lines.length) {
		const found = new Map<string, EvidenceLine>();
		const keys = new Set<string>();
		let total = 0;
		for (const l of lines) {
			if (pods.size && !pods.has(l.pod)) continue;
			const hit = needles.some(x => l.text.includes(x)) || (procNeedles.length > 0 && (procs.size === 0 || (l.proc !== null && procs.has(l.proc))) && procNeedles.some(x => l.text.includes(x)));
			if (!hit) continue;
			// the same line again (another communicator's copy): counted on the first
			const key = `${l.pod}|${l.container}|${l.text}`;
			const seen = found.get(key);
			if (seen) seen.count = (seen.count ?? 1) + 1;
			if (keys.has(key)) continue;
			keys.add(key);
			total++;
			if (found.size < MAX_EVIDENCE) found.set(key, {at: l.at, pod: l.pod, container: l.container, text: l.text.length > MAX_TEXT ? `${l.text.slice(0, MAX_TEXT)}…` : l.text});
		}
		if (found.size) return {lines: [...found.values()], more: total - found.size};
	}
	return recordsEvidence(f, state, pods, said.length ? said : recs);
}

/** No line kept: the records the state holds (failures, GDR lines, WARN groups, NCCL's IB line). */
function recordsEvidence(f: Finding, state: RolloutState, pods: Set<string>, recs: RolloutState['failures']): Evidence {
	const out: EvidenceLine[] = [];
	const inScope = (pod: string | null) => pods.size === 0 || (pod !== null && pods.has(pod));
	if (f.id === 'gdr-disabled') {
		for (const g of state.gdr) if (inScope(g.pod)) out.push({at: null, pod: g.pod, container: null, text: g.evidence});
	} else if (f.id === 'nccl-warn') {
		for (const g of Object.values(state.warnGroups)) if (f.message.includes(g.message.slice(0, 40))) out.push({at: g.firstAt, pod: g.pods[0] ?? null, container: null, text: `${g.where ?? ''} NCCL WARN ${g.message}`.trim()});
	} else if ((f.id === 'inter-node-over-socket' || f.id === 'ib-disabled') && state.nccl.ibInUse) out.push({at: null, pod: null, container: null, text: state.nccl.ibInUse.evidence});
	else if (f.id === 'nccl-diag') {
		for (const d of state.ncclDiag) if (d.problem && inScope(d.pod)) out.push({at: d.at, pod: d.pod, container: null, text: `NCCL DIAG ${d.text}`});
	}
	if (out.length === 0 && ruleNeedles[f.id] !== undefined) for (const r of recs) out.push({at: r.at, pod: r.pod, container: null, text: r.message});
	return {lines: out.slice(0, MAX_EVIDENCE).map(l => ({...l, text: l.text.slice(0, MAX_TEXT)})), more: Math.max(0, out.length - MAX_EVIDENCE)};
}

function endpointEvidence(state: RolloutState): Evidence {
	const e = state.endpoint;
	if (!e) return {lines: [], more: 0};
	const lines: EvidenceLine[] = e.errors.slice(-MAX_EVIDENCE).map(text => ({at: null, pod: 'endpoint', container: null, text}));
	if (e.reason && lines.length === 0) lines.push({at: e.lastProbeAt, pod: 'endpoint', container: null, text: e.reason});
	return {lines, more: Math.max(0, e.errors.length - MAX_EVIDENCE)};
}
