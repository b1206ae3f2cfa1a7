import {readFileSync} from 'node:fs';
import path from 'node:path';
import {Ajv2020} from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import {repoRoot} from './corpus.js';

export const schemaPath = path.join(repoRoot, 'test/fixtures/contract/snapshot.schema.json');

// ajv-formats is CommonJS with `exports.default`: under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as {default?: unknown}).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/** A validator for contract/snapshot.schema.json (draft 2020-12), checking formats (date-time). */
export function snapshotValidator() {
	const ajv = new Ajv2020({allErrors: true, strict: false});
	addFormats(ajv);
	return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}
