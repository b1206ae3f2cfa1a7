import {describe, expect, it} from 'vitest';
import {derivePhase, phaseTimeline} from '../../source/model/phase.js';
import {buildHeader} from '../../source/view/header-model.js';
import {loadScenario} from '../helpers/load-scenario.js';

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
		const {state} = loadScenario('straggler-h200x4');
		// pod1 (global ranks 2 and 3) not read yet: its ranks exist only as the world communicator's nranks
		const pod0Only = {...state, procs: Object.fromEntries(Object.entries(state.procs).filter(([, p]) => p.pod === 'pod0'))};
		const h = buildHeader(pod0Only, {kind: 'files', label: 'x'} as never, 'nccl-init', [], state.lastTs ?? 0);
		expect(h.ranksTotal).toBe(4);
	});
});
