/**
 * Folds parser events (NCCL, vLLM, torch) into the state. Routes to one slice
 * per concern; a slice returns the same object when the event changes nothing.
 */
import type {LogEvent, LogProgressEvent} from '../parse/log-events.js';
import {emptyPod, type RolloutState} from './state.js';
import {withEntry, writable} from './batch.js';
import {reduceProcExit, reduceProcRanks, reduceProcSeen} from './procs.js';
import {reduceCommChannels, reduceCommEnd, reduceCommInfo, reduceCommInit, reduceCommLink, reduceCommMerge, reduceCommPattern, reduceCommRings, reduceCommSeen} from './comms.js';
import {reduceGdr, reduceNcclFact, reduceTopology} from './nccl.js';
import {reduceCommInitTimings, reduceCommRing, reduceCommRingOrder, reduceCommTree} from './comm-graph.js';
import {reduceEngine} from './engine.js';
import {reduceFailure, reduceNcclWarn} from './failures.js';
import {reduceNcclDiag} from './nccl-diag.js';

export function reduceLog(state: RolloutState, event: LogEvent): RolloutState {
	switch (event.type) {
		case 'log-progress':
			return reduceProgress(state, event);
		case 'proc-seen':
			return reduceProcSeen(state, event);
		case 'proc-ranks':
			return reduceProcRanks(state, event);
		case 'proc-exit':
			return reduceProcExit(state, event);
		case 'comm-init':
			return reduceCommInit(state, event);
		case 'comm-info':
			return reduceCommInfo(state, event);
		case 'comm-seen':
			return reduceCommSeen(state, event);
		case 'comm-merge':
			return reduceCommMerge(state, event);
		case 'comm-link':
			return reduceCommLink(state, event);
		case 'comm-channels':
			return reduceCommChannels(state, event);
		case 'comm-pattern':
			return reduceCommPattern(state, event);
		case 'comm-rings':
			return reduceCommRings(state, event);
		case 'comm-end':
			return reduceCommEnd(state, event);
		case 'comm-init-timings':
			return reduceCommInitTimings(state, event);
		case 'comm-ring-order':
			return reduceCommRingOrder(state, event);
		case 'comm-ring':
			return reduceCommRing(state, event);
		case 'comm-tree':
			return reduceCommTree(state, event);
		case 'nccl-fact':
			return reduceNcclFact(state, event);
		case 'gdr':
			return reduceGdr(state, event);
		case 'topology':
			return reduceTopology(state, event);
		case 'nccl-warn':
			return reduceNcclWarn(state, event);
		case 'nccl-diag':
			return reduceNcclDiag(state, event);
		case 'failure':
			return reduceFailure(state, event);
		case 'engine':
			return reduceEngine(state, event);
	}
	return state;
}

function reduceProgress(state: RolloutState, e: LogProgressEvent): RolloutState {
	const pod0 = state.pods[e.pod];
	if (pod0 && e.lines === 0 && e.rayRepeatedLines === 0 && e.collectiveLines === 0 && e.unrecognised === 0) return state;
	const pod = pod0 ?? emptyPod(e.pod);
	const next = {
		...pod,
		lines: pod.lines + e.lines,
		firstLineAt: pod.firstLineAt ?? e.firstAt,
		lastLineAt: e.lastAt ?? pod.lastLineAt,
		rayRepeatedLines: pod.rayRepeatedLines + e.rayRepeatedLines,
	};
	// one progress event per stream per push: with 512 ranks a copy of procs each was the
	// store's largest cost under a storm; inside a batch the copy is made once (batch.ts)
	let procs = state.procs;
	for (const key in e.procLastAt) {
		const at = e.procLastAt[key]!;
		const p = procs[key];
		if (p && at !== null && p.lastLineAt !== at) {
			const q = writable(p);
			q.lastLineAt = at;
			procs = withEntry(procs, key, q);
		}
	}
	return {
		...state,
		pods: withEntry(state.pods, e.pod, next),
		procs,
		nccl: e.collectiveLines ? {...state.nccl, collectiveLines: state.nccl.collectiveLines + e.collectiveLines} : state.nccl,
		unrecognised: state.unrecognised + e.unrecognised,
		firstTs: state.firstTs === null ? e.firstAt : e.firstAt === null ? state.firstTs : Math.min(state.firstTs, e.firstAt),
		lastTs: state.lastTs === null ? e.lastAt : e.lastAt === null ? state.lastTs : Math.max(state.lastTs, e.lastAt),
	};
}
