/**
 * The log reducer: what each event does to the state, and that an event which
 * changes nothing returns the very same state object (so noise never re-renders).
 */
import {describe, expect, it} from 'vitest';
import {reduce, reduceAll} from '../../source/model/reduce.js';
import {emptyState, MAX_FAILURES, type RolloutState} from '../../source/model/state.js';
import type {LogEvent} from '../../source/parse/log-events.js';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import {loadScenario} from '../helpers/load-scenario.js';

const fresh = () => emptyState({kind: 'files', files: []});

function feed(lines: string[], state: RolloutState = fresh(), pod = 'pod0'): RolloutState {
	const p = createStreamParser({pod});
	return reduceAll(reduceAll(state, p.push(lines.join('\n') + '\n')), p.end());
}

describe('reduceLog', () => {
	it('returns the same object for events that change nothing', () => {
		const {state} = loadScenario('tp2x2-two-pods-all');
		const again: LogEvent[] = [
			{type: 'proc-seen', pod: 'pod0', at: 1, proc: 'pod0|vm|964', host: 'vm', pid: 964},
			{type: 'nccl-fact', pod: 'pod0', at: 1, proc: null, fact: {kind: 'env', key: 'NCCL_NVLS_ENABLE', value: '0'}},
			{type: 'nccl-fact', pod: 'pod0', at: 1, proc: null, fact: {kind: 'cuda-driver', version: 13000}},
			{type: 'gdr', ...state.gdr[0]!, pod: state.gdr[0]!.pod!, at: 1, proc: 'pod0|vm|964'},
			{type: 'topology', pod: 'pod0', at: 1, proc: 'pod0|vm|964', key: 'pod0', topology: structuredClone(state.topology.pod0!)},
			{type: 'engine', pod: 'pod0', at: 1, patch: {}} as LogEvent,
			{type: 'log-progress', pod: 'pod0', at: null, lines: 0, firstAt: null, lastAt: null, collectiveLines: 0, rayRepeatedLines: 0, unrecognised: 0, procLastAt: {}},
		];
		// the engine slice is created by its first event; after that an empty patch is a no-op
		const s1 = reduce(state, again[5]!);
		for (const e of again) expect(reduce(s1, e)).toBe(s1);
	});

	it('derives a world rank from the largest communicator, and lets a logged rank win', () => {
		let s = feed([
			'h:1:1 [0] NCCL INFO ncclCommInitRank comm 0xa rank 3 nranks 4 cudaDev 0 nvmlDev 0 busId 10 commId 0xee - Init START',
			'h:1:1 [0] NCCL INFO ncclCommInitRank comm 0xb rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 10 commId 0xdd - Init START',
		]);
		expect(s.procs['pod0|h|1']).toMatchObject({worldRank: 3, worldRankFrom: 'comm'});
		s = reduce(s, {type: 'proc-ranks', pod: 'pod0', at: null, proc: 'pod0|h|1', worldRank: 7, tpRank: 1, ppRank: 1, dpRank: 0});
		s = feed(['h:1:1 [0] NCCL INFO ncclCommInitRank comm 0xb rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 10 commId 0xdd - Init COMPLETE'], s);
		expect(s.procs['pod0|h|1']).toMatchObject({worldRank: 7, worldRankFrom: 'log', tpRank: 1});
	});

	it('keeps members and nranks so ranks that never logged can be shown as unseen', () => {
		const s = feed(['h:1:1 [0] NCCL INFO ncclCommInitRank comm 0xa rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 10 commId 0xee - Init START']);
		const c = s.comms['0xee']!;
		expect(c.nranks).toBe(4);
		expect(Object.keys(c.members)).toEqual(['0']);
		expect(c.state).toBe('initializing');
		expect(c.ranksStarted).toBe(1);
	});

	it('moves a process starting → initializing → ready, and measures initSeconds', () => {
		const s = feed([
			'2026-01-01T00:00:00.000000000Z h:1:1 [0] NCCL INFO cudaDriverVersion 12040',
			'2026-01-01T00:00:01.000000000Z h:1:1 [0] NCCL INFO ncclCommInitRank comm 0xa rank 0 nranks 1 cudaDev 0 nvmlDev 0 busId 10 commId 0xee - Init START',
			'2026-01-01T00:00:03.500000000Z h:1:1 [0] NCCL INFO ncclCommInitRank comm 0xa rank 0 nranks 1 cudaDev 0 nvmlDev 0 busId 10 commId 0xee - Init COMPLETE',
		]);
		expect(s.procs['pod0|h|1']).toMatchObject({state: 'ready', initSeconds: 2.5, firstSeenAt: Date.parse('2026-01-01T00:00:00Z'), lastLineAt: Date.parse('2026-01-01T00:00:03.5Z')});
		expect(s.comms['0xee']!.state).toBe('ready');
		expect(s.pods.pod0).toMatchObject({lines: 3, firstLineAt: Date.parse('2026-01-01T00:00:00Z'), lastLineAt: Date.parse('2026-01-01T00:00:03.5Z')});
	});

	it('bounds failures, keeping the first (root causes) and the latest', () => {
		let s = fresh();
		for (let i = 0; i < MAX_FAILURES + 50; i++) s = reduce(s, {type: 'failure', pod: 'p', at: i, kind: 'nccl-error', proc: null, rank: null, message: `e${i}`, remote: false});
		expect(s.failures).toHaveLength(MAX_FAILURES);
		expect(s.failures[0]!.message).toBe('e0');
		expect(s.failures.at(-1)!.message).toBe(`e${MAX_FAILURES + 49}`);
	});

	it('creates the pod on the first progress event and counts Ray folding and collectives', () => {
		const s = feed([
			'(RayWorkerWrapper pid=5, ip=10.0.0.2) INFO 04-14 16:08:16 [__init__.py:239] Automatically detected platform cuda. [repeated 4x across cluster]',
			'h:1:1 [0] NCCL INFO AllReduce: opCount 0 sendbuff 0x1 recvbuff 0x1 count 1 datatype 7 op 0 root 0 comm 0x1 [nranks=2] stream 0x2',
		]);
		expect(s.pods.pod0!.rayRepeatedLines).toBe(1);
		expect(s.nccl.collectiveLines).toBe(1);
		expect(s.comms).toEqual({});
	});
});
