/** Hand-built states for edge cases: emptyState plus the fields a test sets. */
import {emptyComm} from '../../source/model/comms.js';
import {emptyEngine} from '../../source/model/engine.js';
import {emptyProc} from '../../source/model/procs.js';
import {emptyPod, type CommMember, type CommState, type ContainerState, type EngineState, type PodState, type ProcState, type RolloutState} from '../../source/model/state.js';

export function pod(name: string, fields: Partial<PodState> = {}): PodState {
	return {...emptyPod(name), ...fields};
}

export function container(fields: Partial<ContainerState> = {}): ContainerState {
	return {name: 'main', state: 'running', reason: null, restarts: 0, exitCode: null, lastTerminationReason: null, lastExitCode: null, startedAt: null, ...fields};
}

export function proc(pod: string, pid: number, fields: Partial<ProcState> = {}): ProcState {
	return {...emptyProc(`${pod}|${pod}|${pid}`, pod, pod, pid, null), firstSeenAt: null, ...fields};
}

export function comm(id: string, nranks: number, members: {proc: ProcState; rank: number}[], fields: Partial<CommState> = {}): CommState {
	const m: Record<number, CommMember> = {};
	for (const x of members) m[x.rank] = {proc: x.proc.key, rank: x.rank, ptr: `0x${x.rank}`, startAt: x.proc.initStartAt, completeAt: null, state: fields.state ?? 'initializing'};
	return {...emptyComm(id, nranks, null), members: m, ranksStarted: members.length, ...fields};
}

export function engine(fields: Partial<EngineState> = {}): EngineState {
	return {...emptyEngine(), ...fields};
}

export function withPods(state: RolloutState, ...pods: PodState[]): RolloutState {
	return {...state, pods: Object.fromEntries(pods.map(p => [p.name, p]))};
}

export function withProcs(state: RolloutState, ...procs: ProcState[]): RolloutState {
	return {...state, procs: Object.fromEntries(procs.map(p => [p.key, p]))};
}

export function withComms(state: RolloutState, ...comms: CommState[]): RolloutState {
	return {...state, comms: Object.fromEntries(comms.map(c => [c.id, c]))};
}
