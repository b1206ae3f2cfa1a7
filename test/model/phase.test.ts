import {describe, expect, it} from 'vitest';
import {derivePhase, phaseTimeline} from '../../source/model/phase.js';
import {emptyState, type EngineState, type RolloutState} from '../../source/model/state.js';
import {comm, container, engine, pod, proc, withComms, withPods, withProcs} from '../helpers/build.js';

const kube = (): RolloutState => emptyState({kind: 'kubernetes', context: null, namespace: 'default', selector: null});

/** Two pods, one GPU process each, in one ready world communicator. */
function initializedTwoPods(): RolloutState {
	const a = proc('vllm-0', 10, {state: 'ready', initStartAt: 2000, initCompleteAt: 3000});
	const b = proc('vllm-0-1', 20, {state: 'ready', initStartAt: 2100, initCompleteAt: 3000});
	let s = withPods(kube(), pod('vllm-0', {phase: 'Running', containers: [container()], createdAt: 0, firstLineAt: 1000}), pod('vllm-0-1', {phase: 'Running', containers: [container()]}));
	s = withProcs(s, a, b);
	return withComms(
		s,
		comm(
			'0xabc',
			2,
			[
				{proc: a, rank: 0},
				{proc: b, rank: 1},
			],
			{state: 'ready', firstStartAt: 2000, lastCompleteAt: 3000, ranksComplete: 2},
		),
	);
}

describe('derivePhase', () => {
	it('unknown with nothing recognisable', () => {
		expect(derivePhase(emptyState({kind: 'stdin'}))).toBe('unknown');
		expect(derivePhase(withPods(emptyState({kind: 'stdin'}), pod('stdin', {lines: 40})))).toBe('unknown');
	});

	it('pending while Kubernetes holds a pod (Pending, or every container waiting)', () => {
		expect(derivePhase(withPods(kube(), pod('a', {phase: 'Pending'})))).toBe('pending');
		expect(derivePhase(withPods(kube(), pod('a', {phase: 'Running', containers: [container({state: 'waiting', reason: 'ContainerCreating'})]})))).toBe('pending');
	});

	it('starting once a container runs and no milestone is seen', () => {
		expect(derivePhase(withPods(kube(), pod('a', {phase: 'Running', containers: [container()]})))).toBe('starting');
	});

	it('nccl-init while a communicator is initializing, initialized once every one is ready', () => {
		const a = proc('p', 1, {state: 'initializing', initStartAt: 1000});
		const s = withProcs(withPods(kube(), pod('p', {phase: 'Running', containers: [container()]})), a);
		expect(derivePhase(withComms(s, comm('0x1', 2, [{proc: a, rank: 0}])))).toBe('nccl-init');
		expect(derivePhase(initializedTwoPods())).toBe('initialized');
	});

	it('a communicator met mid-run (no Init START in the log) is no init in progress: the log starts after it', () => {
		// e.g. a log cut by kubelet's rotation: `comm 0x… rank 0 nRanks 2 …` and channel lines, no START
		const a = proc('p', 1, {state: 'initializing'});
		const s = withProcs(withPods(kube(), pod('p', {phase: 'Running', containers: [container()]})), a);
		expect(derivePhase(withComms(s, comm('0x1', 2, [{proc: a, rank: 0}])))).toBe('initialized');
	});

	it('engine milestones move it on: loading-weights, profiling, capturing-graphs, serving', () => {
		const at = (milestones: EngineState['milestones']) => derivePhase({...initializedTwoPods(), engine: engine({milestones})});
		expect(at({configSeen: 1})).toBe('initialized');
		expect(at({weightsStart: 1})).toBe('loading-weights');
		expect(at({weightsStart: 1, weightsDone: 2, profilingStart: 3})).toBe('profiling');
		expect(at({weightsDone: 2, kvCacheSized: 3, graphsStart: 4})).toBe('capturing-graphs');
		expect(at({graphsDone: 5, apiServerStarting: 6, serving: 7})).toBe('serving');
	});

	it('least advanced wins: a pod still Pending holds a serving rollout back', () => {
		const s = {...initializedTwoPods(), engine: engine({milestones: {serving: 9}})};
		expect(derivePhase(s)).toBe('serving');
		expect(derivePhase({...s, pods: {...s.pods, 'vllm-0-2': pod('vllm-0-2', {phase: 'Pending'})}})).toBe('pending');
	});

	it('least advanced wins: a pod whose ranks are still in init holds initialized back at nccl-init', () => {
		const s = initializedTwoPods();
		const late = proc('vllm-0-2', 30, {state: 'initializing', initStartAt: 2500});
		expect(derivePhase({...s, procs: {...s.procs, [late.key]: late}})).toBe('nccl-init');
	});

	it('once the engine reports progress, ranks whose Init COMPLETE never showed (Ray dedup) do not pull it back', () => {
		const s = {...initializedTwoPods(), engine: engine({milestones: {weightsStart: 9, serving: 20}})};
		const folded = proc('vllm-0-1', 30, {state: 'initializing'});
		expect(derivePhase({...s, procs: {...s.procs, [folded.key]: folded}})).toBe('serving');
	});

	it('a silent worker pod does not hold back what the leader reports (Ray prints it all on the leader)', () => {
		const s = {...initializedTwoPods(), engine: engine({milestones: {serving: 9}})};
		expect(derivePhase({...s, pods: {...s.pods, 'vllm-0-2': pod('vllm-0-2', {phase: 'Running', containers: [container()]})}})).toBe('serving');
	});

	it('any failure makes it failed, whatever else is serving', () => {
		const serving = {...initializedTwoPods(), engine: engine({milestones: {serving: 9}})};
		const p = Object.values(serving.procs)[0]!;
		expect(derivePhase({...serving, procs: {...serving.procs, [p.key]: {...p, state: 'failed'}}})).toBe('failed');
		expect(derivePhase({...serving, procs: {...serving.procs, [p.key]: {...p, state: 'exited', exitCode: 3}}})).toBe('failed');
		expect(derivePhase({...serving, engine: engine({milestones: {serving: 9}, dead: {at: 10, message: 'EngineCore died'}})})).toBe('failed');
		expect(derivePhase({...serving, pods: {...serving.pods, x: pod('x', {phase: 'Failed'})}})).toBe('failed');
		expect(derivePhase({...serving, failures: [{kind: 'nccl-error', at: 5, pod: 'vllm-0', proc: null, rank: null, message: 'ncclRemoteError', remote: true}]})).toBe('failed');
		const c = Object.values(serving.comms)[0]!;
		expect(derivePhase({...serving, comms: {[c.id]: {...c, state: 'failed'}}})).toBe('failed');
	});

	it('a warning, or a clean exit, is not a failure', () => {
		const s = initializedTwoPods();
		expect(derivePhase({...s, failures: [{kind: 'nccl-warn', at: 5, pod: 'vllm-0', proc: null, rank: null, message: 'x', remote: false}]})).toBe('initialized');
		const p = Object.values(s.procs)[0]!;
		expect(derivePhase({...s, procs: {...s.procs, [p.key]: {...p, state: 'exited', exitCode: 0}}})).toBe('initialized');
	});

	it('completed when every communicator is destroyed without error, or every pod Succeeded', () => {
		const s = initializedTwoPods();
		const destroyed = Object.fromEntries(Object.values(s.comms).map(c => [c.id, {...c, state: 'destroyed' as const}]));
		expect(derivePhase({...s, comms: destroyed})).toBe('completed');
		expect(derivePhase(withPods(kube(), pod('a', {phase: 'Succeeded'}), pod('b', {phase: 'Succeeded'})))).toBe('completed');
		// one destroyed, one still ready: not done
		const [c1] = Object.values(s.comms);
		const extra = comm('0xdef/1', 1, [], {state: 'ready'});
		expect(derivePhase({...s, comms: {[c1!.id]: {...c1!, state: 'destroyed'}, [extra.id]: extra}})).toBe('initialized');
	});
});

describe('phaseTimeline', () => {
	it('lists each reached phase with its start; each ends where the next begins; the current one is open', () => {
		const s = {...initializedTwoPods(), engine: engine({milestones: {weightsStart: 4000, weightsDone: 9000, kvCacheSized: 9500}})};
		expect(phaseTimeline(s)).toEqual([
			{phase: 'pending', startedAt: 0, endedAt: 1000},
			{phase: 'starting', startedAt: 1000, endedAt: 2000},
			{phase: 'nccl-init', startedAt: 2000, endedAt: 3000},
			{phase: 'initialized', startedAt: 3000, endedAt: 4000},
			{phase: 'loading-weights', startedAt: 4000, endedAt: 9500},
			{phase: 'profiling', startedAt: 9500, endedAt: null},
		]);
	});

	it('ends in failed at the first failure', () => {
		const s = initializedTwoPods();
		const t = phaseTimeline({...s, failures: [{kind: 'cuda-oom', at: 3500, pod: 'vllm-0', proc: null, rank: null, message: 'CUDA out of memory', remote: false}]});
		expect(t.at(-1)).toEqual({phase: 'failed', startedAt: 3500, endedAt: null});
		expect(t.at(-2)).toEqual({phase: 'initialized', startedAt: 3000, endedAt: 3500});
	});

	it('an empty state is one open unknown phase', () => {
		expect(phaseTimeline(emptyState({kind: 'stdin'}))).toEqual([{phase: 'unknown', startedAt: null, endedAt: null}]);
	});
});
