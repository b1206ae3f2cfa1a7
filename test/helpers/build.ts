/**
 * The one set of hand-built state pieces for tests: the shapes the reducer produces
 * (model/state.ts is the contract), with only the fields a test is about given.
 *
 * Builders return new values (`pod`, `proc`, `comm`, …); `withPods`/`withProcs`/
 * `withComms` return a new state holding them; `addProc`/`addComm`/`failure` put them
 * into a state a test builds up step by step, as the reducer would.
 */
import {emptyComm} from '../../source/model/comms.js';
import {emptyEngine} from '../../source/model/engine.js';
import {emptyProc} from '../../source/model/procs.js';
import {emptyPod, emptyState, type CommMember, type CommState, type ContainerState, type EngineState, type FailureRecord, type HostTopology, type PodState, type ProcState, type RolloutState} from '../../source/model/state.js';

export const T0 = Date.UTC(2026, 10, 26, 22, 0, 0);
/** `seconds` after T0, in ms */
export const s = (seconds: number): number => T0 + seconds * 1000;

/** An empty state of saved logs. */
export function state(): RolloutState {
	return emptyState({kind: 'files', files: []});
}

export function pod(name: string, fields: Partial<PodState> = {}): PodState {
	return {...emptyPod(name), ...fields};
}

export function container(fields: Partial<ContainerState> = {}): ContainerState {
	return {name: 'main', state: 'running', reason: null, restarts: 0, exitCode: null, lastTerminationReason: null, lastExitCode: null, startedAt: null, ...fields};
}

export function engine(fields: Partial<EngineState> = {}): EngineState {
	return {...emptyEngine(), ...fields};
}

/**
 * A process of `pod` on host `vm` (or `fields.host`), keyed `pod|host|pid` as the
 * reducer keys it: seen at T0 and running, no device or rank known unless given.
 */
export function proc(pod: string, pid: number, fields: Partial<ProcState> = {}): ProcState {
	const host = fields.host ?? 'vm';
	return {...emptyProc(`${pod}|${host}|${pid}`, pod, host, pid, T0), state: 'ready', lastLineAt: T0, ...fields};
}

/** A member of a communicator: its process and rank; when it started and completed init (default: the process's own init times; null is a comm met mid-run, its Init START not in the log). */
export interface MemberSpec {
	proc: ProcState;
	rank: number;
	startAt?: number | null;
	completeAt?: number | null;
	/** the comm pointer the process printed (default 0x<rank>) */
	ptr?: string;
}

/**
 * A communicator of `nranks` with these members. The counts, first start and last
 * completion follow from the members unless `fields` says otherwise; so does the
 * state (ready once every rank completed). Each member's process lists the comm.
 */
export function comm(id: string, nranks: number, members: MemberSpec[], fields: Partial<CommState> = {}): CommState {
	const byRank: Record<number, CommMember> = {};
	let started = 0;
	let complete = 0;
	let firstStartAt: number | null = null;
	let lastCompleteAt: number | null = null;
	for (const m of members) {
		const startAt = m.startAt === undefined ? m.proc.initStartAt : m.startAt;
		const completeAt = m.completeAt === undefined ? m.proc.initCompleteAt : m.completeAt;
		byRank[m.rank] = {proc: m.proc.key, rank: m.rank, ptr: m.ptr ?? `0x${m.rank}`, startAt, completeAt, state: completeAt === null ? 'initializing' : 'ready'};
		if (!m.proc.comms.includes(id)) m.proc.comms.push(id);
		if (startAt !== null) {
			started++;
			firstStartAt = firstStartAt === null ? startAt : Math.min(firstStartAt, startAt);
		}
		if (completeAt !== null) {
			complete++;
			lastCompleteAt = Math.max(lastCompleteAt ?? completeAt, completeAt);
		}
	}
	return {
		...emptyComm(id, nranks, firstStartAt),
		members: byRank,
		ranksStarted: started,
		ranksComplete: complete,
		lastCompleteAt,
		state: complete === nranks ? 'ready' : 'initializing',
		...fields,
	};
}

export function withPods(st: RolloutState, ...pods: PodState[]): RolloutState {
	return {...st, pods: Object.fromEntries(pods.map(p => [p.name, p]))};
}

export function withProcs(st: RolloutState, ...procs: ProcState[]): RolloutState {
	return {...st, procs: Object.fromEntries(procs.map(p => [p.key, p]))};
}

export function withComms(st: RolloutState, ...comms: CommState[]): RolloutState {
	return {...st, comms: Object.fromEntries(comms.map(c => [c.id, c]))};
}

/** A pod that has printed a line. */
export function addPod(st: RolloutState, name: string): PodState {
	const p = {...emptyPod(name), lines: 1};
	st.pods[name] = p;
	return p;
}

/** Put `p` into `st`, with its pod if the state has none yet. */
export function addProc(st: RolloutState, p: ProcState): ProcState {
	st.procs[p.key] = p;
	if (p.pod !== null && !st.pods[p.pod]) addPod(st, p.pod);
	return p;
}

export function addComm(st: RolloutState, c: CommState): CommState {
	st.comms[c.id] = c;
	return c;
}

export function failure(st: RolloutState, f: Partial<FailureRecord> & Pick<FailureRecord, 'kind' | 'message'>): FailureRecord {
	const r: FailureRecord = {at: null, pod: null, proc: null, rank: null, remote: false, ...f};
	st.failures.push(r);
	return r;
}

/** An H200-like node: every GPU with an NVL link to one NVSwitch, GPU-GPU paths as given. */
export function nvswitchTopology(pod: string, busIds: string[], gpuPath: 'NVL' | 'PHB' = 'NVL'): HostTopology {
	return {
		pod,
		host: 'vm',
		maxBw: 370.8,
		totalBw: 370.8,
		gpus: busIds.map((b, i) => ({busId: b, index: i, node: `GPU/0-${b}`})),
		nics: [],
		links: busIds.map(b => ({from: `GPU/0-${b}`, to: 'NVS/0-0', type: 'NVL' as const, bw: 370.8})),
		paths: busIds.flatMap(a => busIds.filter(b => b !== a).map(b => ({from: `GPU/0-${a}`, to: `GPU/0-${b}`, type: gpuPath, bw: gpuPath === 'NVL' ? 370.8 : 48, hops: 2}))),
	};
}

/** A PCIe-only node: GPUs under the host bridge, no NVLink anywhere. */
export function pcieTopology(pod: string, busIds: string[], type: 'PHB' | 'PIX' | 'SYS' = 'PHB'): HostTopology {
	return {
		pod,
		host: 'vm',
		maxBw: 24,
		totalBw: 24,
		gpus: busIds.map((b, i) => ({busId: b, index: i, node: `GPU/0-${b}`})),
		nics: [],
		links: busIds.map(b => ({from: 'CPU/0-0', to: `GPU/0-${b}`, type: 'PCI' as const, bw: 24})),
		paths: busIds.flatMap(a => busIds.filter(b => b !== a).map(b => ({from: `GPU/0-${a}`, to: `GPU/0-${b}`, type, bw: 24, hops: 2}))),
	};
}

export const ids = (fs: {id: string}[]): string[] => fs.map(f => f.id);
