import type {PodFacts, SourceEvent} from '../parse/events.js';
import {emptyPod, type PodState, type RolloutState, type StreamHealth} from './state.js';

/**
 * Kubernetes pod facts and stream health. (Owned by the live-source work.)
 * - pod-upsert: facts from list/watch; a new UID under a known name is a new
 *   incarnation (LWS recreates a whole group on any restart) — its streams start over;
 * - pod-deleted: kept, marked deleted (a crashed rollout is diagnosed after the fact);
 * - stream-status: connection, reconnects, stalls, skips, per container;
 * - stream-reset: a new container instance: the pod's ranks so far are ended
 *   (kept under a generation-suffixed key, so the new ranks start clean).
 */
export function reducePods(state: RolloutState, event: SourceEvent): RolloutState {
	switch (event.type) {
		case 'pod-upsert':
			return upsert(state, event.pod);
		case 'pod-deleted': {
			const pod = state.pods[event.name];
			if (!pod || pod.deleted || (event.uid && pod.uid && event.uid !== pod.uid)) return state;
			return withPod(state, {...pod, deleted: true});
		}
		case 'stream-status':
			return streamStatus(state, event);
		case 'stream-reset':
			return streamReset(state, event.pod);
		default:
			return state;
	}
}

function withPod(state: RolloutState, pod: PodState): RolloutState {
	return {...state, pods: {...state.pods, [pod.name]: pod}};
}

function exitCodeOf(facts: PodFacts): number | null {
	for (const c of facts.containers) if (c.state === 'terminated' && c.exitCode !== null && c.exitCode !== 0) return c.exitCode;
	for (const c of facts.containers) if (c.state === 'terminated' && c.exitCode !== null) return c.exitCode;
	for (const c of facts.containers) if (c.lastExitCode !== null && c.lastExitCode !== 0) return c.lastExitCode;
	return null;
}

function upsert(state: RolloutState, facts: PodFacts): RolloutState {
	const old = state.pods[facts.name];
	const base = old ?? emptyPod(facts.name);
	const newIncarnation = Boolean(old?.uid && facts.uid && old.uid !== facts.uid);
	const next: PodState = {
		...base,
		uid: facts.uid || base.uid,
		node: facts.node,
		phase: facts.phase,
		pendingReason: facts.pendingReason,
		restarts: facts.containers.reduce((n, c) => n + c.restarts, 0),
		exitCode: exitCodeOf(facts),
		workload: facts.workload,
		group: facts.group,
		role: facts.role,
		workerIndex: facts.workerIndex,
		containers: facts.containers.map(c => ({...c})),
		createdAt: facts.createdAt,
		gpus: facts.gpus ?? null,
		deleted: false,
		streams: newIncarnation ? [] : base.streams,
	};
	if (old && !newIncarnation && sameFacts(old, next)) return state;
	return withPod(state, next);
}

function sameFacts(a: PodState, b: PodState): boolean {
	return (
		a.uid === b.uid &&
		a.node === b.node &&
		a.phase === b.phase &&
		a.pendingReason === b.pendingReason &&
		a.restarts === b.restarts &&
		a.exitCode === b.exitCode &&
		a.workload === b.workload &&
		a.group === b.group &&
		a.role === b.role &&
		a.workerIndex === b.workerIndex &&
		a.createdAt === b.createdAt &&
		(a.gpus ?? null) === (b.gpus ?? null) &&
		a.deleted === b.deleted &&
		JSON.stringify(a.containers) === JSON.stringify(b.containers)
	);
}

function streamStatus(state: RolloutState, e: Extract<SourceEvent, {type: 'stream-status'}>): RolloutState {
	const pod = state.pods[e.pod] ?? emptyPod(e.pod);
	const i = pod.streams.findIndex(s => s.container === e.container);
	const old: StreamHealth = i === -1 ? {container: e.container, connected: false, droppedAt: null, reconnects: 0, skippedLines: 0, stalls: 0, skippedReason: null} : pod.streams[i]!;
	const next: StreamHealth = {
		container: e.container,
		connected: e.connected,
		// a stream never connected counts as dropped from when we first tried
		droppedAt: e.connected || e.ended ? null : (old.droppedAt ?? e.at),
		reconnects: e.reconnects ?? old.reconnects,
		stalls: e.stalls ?? old.stalls,
		skippedLines: e.skippedLines ?? old.skippedLines,
		skippedReason: e.reason === undefined ? old.skippedReason : e.reason,
	};
	if (i !== -1 && JSON.stringify(old) === JSON.stringify(next)) return state;
	const streams = i === -1 ? [...pod.streams, next] : pod.streams.map((s, j) => (j === i ? next : s));
	return withPod(state, {...pod, streams});
}

function streamReset(state: RolloutState, podName: string): RolloutState {
	const pod = state.pods[podName] ?? emptyPod(podName);
	const generation = pod.generation + 1;
	// end this pod's ranks: keep them (post-mortem) under `<key>~<generation>`, so the new instance's ranks start clean
	const renamed = new Map<string, string>();
	const procs = {...state.procs};
	for (const [key, proc] of Object.entries(state.procs)) {
		if (proc.pod !== podName) continue;
		const newKey = `${key}~${pod.generation}`;
		renamed.set(key, newKey);
		delete procs[key];
		procs[newKey] = {...proc, key: newKey, state: proc.state === 'failed' ? 'failed' : 'exited'};
	}
	let comms = state.comms;
	if (renamed.size) {
		comms = {};
		for (const [id, comm] of Object.entries(state.comms)) {
			let changed = false;
			const members: typeof comm.members = {};
			for (const [rank, m] of Object.entries(comm.members)) {
				const nk = renamed.get(m.proc);
				if (nk) changed = true;
				members[Number(rank)] = nk ? {...m, proc: nk} : m;
			}
			comms[id] = changed ? {...comm, members} : comm;
		}
	}
	return {
		...state,
		procs,
		comms,
		pods: {...state.pods, [podName]: {...pod, generation, lines: 0, firstLineAt: null, lastLineAt: null}},
	};
}
