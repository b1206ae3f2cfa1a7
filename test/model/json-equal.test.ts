/**
 * jsonEqual decides exactly as comparing the two JSON.stringify strings would
 * (the reducer's topology and engine slices used that pair before).
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {jsonEqual} from '../../source/model/json-equal.js';

// JSON-ish values with the corners JSON.stringify treats specially
const leaf = fc.oneof(fc.integer({min: -3, max: 3}), fc.constantFrom(0.5, -0, Number.NaN, Number.POSITIVE_INFINITY, null, undefined, true, false, '', 'a', '1'));
const value = fc.letrec(tie => ({
	v: fc.oneof({depthSize: 'small'}, leaf, fc.array(tie('v'), {maxLength: 3}), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), {maxKeys: 3})),
})).v;

describe('jsonEqual', () => {
	it('agrees with JSON.stringify equality on random values', () => {
		fc.assert(
			fc.property(value, value, (a, b) => {
				expect(jsonEqual(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
			}),
			{numRuns: 2000},
		);
	});

	it('agrees on a value and its structured clone with one leaf changed', () => {
		fc.assert(
			fc.property(value, leaf, (a, l) => {
				const b = structuredClone(a);
				expect(jsonEqual(a, b)).toBe(true);
				const c = Array.isArray(b) && b.length ? Object.assign([...b], {0: l}) : b;
				expect(jsonEqual(a, c)).toBe(JSON.stringify(a) === JSON.stringify(c));
			}),
			{numRuns: 500},
		);
	});

	it('key order counts, as in JSON', () => {
		expect(jsonEqual({a: 1, b: 2}, {b: 2, a: 1})).toBe(false);
		expect(jsonEqual({a: 1, b: undefined}, {a: 1})).toBe(true);
		expect(jsonEqual([undefined], [null])).toBe(true);
		expect(jsonEqual({x: Number.NaN}, {x: null})).toBe(true);
	});
});
