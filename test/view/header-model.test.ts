import {describe, expect, it} from 'vitest';
import {derivePhase, phaseTimeline} from '../../source/model/phase.js';
import {buildHeader} from '../../source/view/header-model.js';
import {readFileSync} from 'node:fs';
import {emptyState} from '../../source/model/state.js';
import {buildRanks} from '../../source/view/ranks-model.js';
import {loadScenario, parseInto, podLogs} from '../helpers/load-scenario.js';

describe('the header timeline', () => {
	it('counts communicators that finished init, also once they are destroyed at the end of a job', () => {
		const {state} = loadScenario('tp2x2-two-pods-all');
		const header = buildHeader(state, {kind: 'files', label: 'tp2x2'}, derivePhase(state), phaseTimeline(state), state.lastTs!);
		const init = header.steps.find(s => s.label === 'NCCL init');
		expect(init?.detail).toBe('3/3 comms');
		expect(header.phase).toBe('completed');
	});
});

describe('ranks counted in the header', () => {
	it('counts the ranks a communicator promises before they log, as the Ranks pane lists them', () => {
		// only pod0's log read (pod1, global ranks 2 and 3, not yet): they exist as the world's nranks
		const pod0 = podLogs('straggler-h200x4')[0]!;
		const state = parseInto(emptyState({kind: 'files', files: []}), pod0.pod, [readFileSync(pod0.file)]);
		const h = buildHeader(state, {kind: 'files', label: 'x'} as never, 'nccl-init', [], state.lastTs ?? 0);
		expect(Object.keys(state.procs)).toHaveLength(2);
		expect(h.ranksTotal).toBe(4);
		expect(h.ranksTotal).toBe(buildRanks(state, state.lastTs ?? 0, {stragglerMs: 10_000, silentMs: 30_000}).total);
	});
});
