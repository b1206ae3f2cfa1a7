/**
 * Building RolloutStates by hand for rule tests: emptyState plus the fields a rule
 * reads, with the same shapes the reducer produces (state.ts is the contract).
 */
import {emptyComm} from '../../source/model/comms.js';
import {emptyProc} from '../../source/model/procs.js';
import {emptyPod, emptyState, type CommState, type FailureRecord, type HostTopology, type ProcState, type RolloutState} from '../../source/model/state.js';

export const T0 = Date.UTC(2026, 10, 26, 22, 0, 0);
export const s = (seconds: number): number => T0 + seconds * 1000;

export function state(): RolloutState {
	return emptyState({kind: 'files', files: []});
}

export function addPod(st: RolloutState, name: string): void {
	st.pods[name] = {...emptyPod(name), lines: 1};
}

export function proc(st: RolloutState, o: Partial<ProcState> & {pod: string; pid: number}): ProcState {
	const key = `${o.pod}|vm|${o.pid}`;
	const p: ProcState = {
		...emptyProc(key, o.pod, 'vm', o.pid, T0),
		cudaDev: 0,
		nvmlDev: 0,
		state: 'ready',
		lastLineAt: T0,
		...o,
	};
	p.key = key;
	st.procs[key] = p;
	if (!st.pods[o.pod]) addPod(st, o.pod);
	return p;
}

export interface MemberSpec {
	proc: ProcState;
	rank: number;
	startAt?: number | null;
	completeAt?: number | null;
}

export function comm(st: RolloutState, id: string, nranks: number, members: MemberSpec[], o: Partial<CommState> = {}): CommState {
	const c: CommState = {...emptyComm(id, nranks, null), ...o};
	for (const m of members) {
		const startAt = m.startAt === undefined ? T0 : m.startAt;
		const completeAt = m.completeAt === undefined ? null : m.completeAt;
		c.members[m.rank] = {proc: m.proc.key, rank: m.rank, ptr: `0x${m.rank}`, startAt, completeAt, state: completeAt === null ? 'initializing' : 'ready'};
		if (!m.proc.comms.includes(id)) m.proc.comms.push(id);
		if (startAt !== null) {
			c.ranksStarted++;
			c.firstStartAt = c.firstStartAt === null ? startAt : Math.min(c.firstStartAt, startAt);
		}
		if (completeAt !== null) {
			c.ranksComplete++;
			c.lastCompleteAt = Math.max(c.lastCompleteAt ?? completeAt, completeAt);
		}
	}
	if (o.state === undefined && c.ranksComplete === nranks) c.state = 'ready';
	st.comms[id] = c;
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
		paths: busIds.flatMap(a =>
			busIds.filter(b => b !== a).map(b => ({from: `GPU/0-${a}`, to: `GPU/0-${b}`, type: gpuPath, bw: gpuPath === 'NVL' ? 370.8 : 48, hops: gpuPath === 'NVL' ? 2 : 2})),
		),
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
