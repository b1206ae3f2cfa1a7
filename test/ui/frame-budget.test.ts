import {describe, expect, it} from 'vitest';
import {createFrameBudget} from '../../source/ui/hooks/frame-budget.js';

describe('frame pacing', () => {
	it('cheap frames: 10 renders/s; costly frames: spaced to the CPU share; never slower than maxMs', () => {
		const b = createFrameBudget({minMs: 100, maxMs: 500, share: 0.1});
		expect(b.interval()).toBe(100);
		for (let i = 0; i < 50; i++) b.record(3);
		expect(b.interval()).toBe(100);
		for (let i = 0; i < 50; i++) {
			b.addWork(10);
			b.record(20);
		}
		expect(b.interval()).toBeGreaterThan(290);
		expect(b.interval()).toBeLessThanOrEqual(300);
		for (let i = 0; i < 50; i++) b.record(400);
		expect(b.interval()).toBe(500);
	});
});
