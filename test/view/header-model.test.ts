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
