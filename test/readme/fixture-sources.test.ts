/**
 * Every public excerpt in test/fixtures/public has its row in SOURCES.md (where it came
 * from, versions, caveats), and every row names a file that is there: CONTRIBUTING.md's
 * rule for adding a fixture, held by a test.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {publicDir} from '../helpers/load-scenario.js';

const sources = readFileSync(path.join(publicDir, 'SOURCES.md'), 'utf8');
/** the file named in the first cell of each table row: | `name.log` | … */
const rows = [...sources.matchAll(/^\| `([^`]+)` \|/gm)].map(m => m[1]!);
const files = readdirSync(publicDir).filter(f => f !== 'SOURCES.md');

describe('test/fixtures/public/SOURCES.md', () => {
	it('has one row for each fixture file, and no row without its file', () => {
		expect(files.length).toBeGreaterThan(0);
		expect(
			files.filter(f => !rows.includes(f)),
			'files with no row in SOURCES.md',
		).toEqual([]);
		expect(
			rows.filter(r => !files.includes(r)),
			'rows naming a file that is not there',
		).toEqual([]);
		expect(new Set(rows).size, 'a file with two rows').toBe(rows.length);
	});
});
