import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {emptyState} from '../../source/model/state.js';
import {toSnapshot} from '../../source/view/snapshot.js';
import {loadScenarioSnapshot, scenarios} from './corpus.js';
import {schemaPath, snapshotValidator} from './schema.js';
import {sharedPath, skipWithout} from '../helpers/shared.js';

const validate = snapshotValidator();
const errorsOf = () => JSON.stringify(validate.errors, null, 1);

describe('snapshot schema (contract/snapshot.schema.json)', () => {
	it('our copy of the schema is the contract (when ../shared is present)', ctx => {
		const shared = sharedPath('contract/snapshot.schema.json');
		skipWithout(ctx, shared);
		expect(readFileSync(schemaPath, 'utf8')).toBe(readFileSync(shared, 'utf8'));
	});

	it('an empty state gives a valid snapshot', () => {
		const snap = toSnapshot(emptyState({kind: 'stdin'}), [], {now: 0, generatedAt: new Date(0)});
		expect(validate(snap), errorsOf()).toBe(true);
		expect(snap.phase).toBe('unknown');
		expect(snap.engine).toBeNull();
		expect(snap.endpoint).toBeNull();
	});

	for (const scenario of scenarios()) {
		it(`${scenario}: the snapshot validates and survives a JSON round trip`, async () => {
			const snap = await loadScenarioSnapshot(scenario);
			const json = JSON.parse(JSON.stringify(snap)) as unknown;
			expect(validate(json), errorsOf()).toBe(true);
			expect(json).toEqual(snap);
		});
	}
});
