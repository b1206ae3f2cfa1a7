import {describe, expect, it} from 'vitest';
import {parseDuration} from '../../source/core/duration.js';
import {toOptions} from '../../source/core/options.js';

describe('durations, kubectl style', () => {
	it.each([
		['500ms', 500],
		['30s', 30_000],
		['5m', 300_000],
		['1h', 3_600_000],
		['1m30s', 90_000],
		['2', 2000],
	])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
	it.each(['', 'abc', '5x', '1m30', 's'])('%j is rejected', text => expect(parseDuration(text)).toBeNull());
});

describe('toOptions', () => {
	it('returns every error at once', () => {
		const r = toOptions(['analyze'], {wait: 'soon', scenario: 'nope'});
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.errors.join('\n')).toMatch(/--wait: "soon" is not a duration/);
			expect(r.errors.join('\n')).toMatch(/--scenario must be one of/);
			expect(r.errors.join('\n')).toMatch(/analyze needs at least one PATH/);
		}
	});
	it('reads a workload for the live command and picks ASCII for a non-UTF-8 locale', () => {
		const r = toOptions(['vllm'], {}, {LANG: 'C'});
		expect(r.ok && r.options.command).toBe('live');
		expect(r.ok && r.options.args).toEqual(['vllm']);
		expect(r.ok && r.options.ascii).toBe(true);
	});
	it('honours NO_COLOR', () => {
		const r = toOptions(['analyze', 'x.log'], {}, {NO_COLOR: '1', LANG: 'en_US.UTF-8'});
		expect(r.ok && r.options.color).toBe(false);
		expect(r.ok && r.options.ascii).toBe(false);
	});
});
