/**
 * source/sim/recorded-logs.generated.ts (the logs `infertop demo` plays, embedded so an
 * npm install has them) is what scripts/gen-demo-data.mjs makes from the fixtures
 * today: a fixture changed without `npm run gen:demo-data` fails here, naming it.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {gunzipSync} from 'node:zlib';
import {describe, expect, it} from 'vitest';
import {corpusDir, demoLogFiles, generate, outputPath} from '../../scripts/gen-demo-data.mjs';
import {recordedLogs} from '../../source/sim/recorded-logs.generated.js';

const stale = 'stale: run npm run gen:demo-data';
// how gzip packs the bytes may differ between zlib builds; what they unpack to may not
const packedAs = (text: string) => text.replace(/: "[A-Za-z0-9+/=]+",$/gm, ': "…",');

describe('recorded-logs.generated.ts', () => {
	it('embeds the logs the script lists, in its order, in the text it writes', () => {
		expect(Object.keys(recordedLogs), stale).toEqual(demoLogFiles);
		const regenerated = generate();
		expect(packedAs(readFileSync(outputPath, 'utf8')), stale).toBe(packedAs(regenerated));
		expect(packedAs(regenerated)).toContain('"crash-rank1/pod0.log": "…",');
	});

	it.each(demoLogFiles)('%s unpacks to the fixture byte for byte', file => {
		const embedded = gunzipSync(Buffer.from(recordedLogs[file] ?? '', 'base64'));
		const fixture = readFileSync(path.join(corpusDir, file));
		expect(embedded.length, `${file}: ${stale}`).toBe(fixture.length);
		expect(embedded.equals(fixture), `${file}: ${stale}`).toBe(true);
	});
});
