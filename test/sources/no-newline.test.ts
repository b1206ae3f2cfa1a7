/**
 * `replay` of a file with no newline at all: the line grouping must hand bytes on in
 * bounded pieces (the parser keeps 64 KiB of a line), never hold or re-copy the whole
 * file: memory stays bounded, as the 64 KiB line cap promises.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {emptyState} from '../../source/model/state.js';
import {createPipeline, type Pipeline} from '../../source/store/pipeline.js';
import {readSavedLogs, resolveLogPaths} from '../../source/sources/files.js';
import {createStore} from '../../source/store/store.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'infertop-no-newline-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

/** the real pipeline, recording the largest piece any stream was handed */
function measured(): {pipeline: Pipeline; largest: () => number; total: () => number} {
	const store = createStore(emptyState({kind: 'files', files: []}), {flushMs: 0});
	const inner = createPipeline(store, {keepLines: true});
	let largest = 0;
	let total = 0;
	return {
		pipeline: {
			store,
			openStream(pod, container, o) {
				const s = inner.openStream(pod, container, o);
				return {
					write(chunk) {
						largest = Math.max(largest, chunk.length);
						total += chunk.length;
						s.write(chunk);
					},
					end: () => s.end(),
				};
			},
		},
		largest: () => largest,
		total: () => total,
	};
}

describe('replay of a file with no newline', () => {
	it('32 MiB without a newline is handed on in bounded pieces, read in full, and the parser sees one cut line', async () => {
		const size = 32 * 1024 * 1024;
		const file = path.join(tmp, 'pod0.log');
		writeFileSync(file, Buffer.alloc(size, 'x'));
		const m = measured();
		const t0 = Date.now();
		await readSavedLogs(await resolveLogPaths([file]), m.pipeline, {speed: 1000});
		expect(m.total()).toBe(size);
		// a piece is at most the 64 KiB hold plus one read chunk (256 KiB), or a 1 MiB group: never the file
		expect(m.largest()).toBeLessThanOrEqual(2 * 1024 * 1024);
		// linear, not quadratic: re-copying a growing carry for every 256 KiB chunk took minutes
		expect(Date.now() - t0).toBeLessThan(20_000);
		m.pipeline.store.flush();
		expect(m.pipeline.store.getState().pods['pod0']?.lines).toBe(1);
	}, 60_000);

	it('a long line with no newline before a stamped one keeps the stamped line whole and timed', async () => {
		const file = path.join(tmp, 'pod1.log');
		const stamped = '2026-01-02T03:04:05.000000000Z NCCL INFO after the long line\n';
		writeFileSync(file, Buffer.concat([Buffer.alloc(3 * 1024 * 1024, 'y'), Buffer.from('\n' + stamped)]));
		const m = measured();
		await readSavedLogs(await resolveLogPaths([file]), m.pipeline, {speed: 1000});
		m.pipeline.store.flush();
		const st = m.pipeline.store.getState();
		expect(st.pods['pod1']?.lines).toBe(2);
		expect(st.lastTs).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
	}, 60_000);
});
