import {mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {gzipSync} from 'node:zlib';
import {afterAll, describe, expect, it} from 'vitest';
import {UserError} from '../../source/core/io.js';
import {emptyState} from '../../source/model/state.js';
import type {Pipeline, StreamSink} from '../../source/store/pipeline.js';
import {decodedChunks, lineStamp, readSavedLogs, resolveLogPaths} from '../../source/sources/files.js';
import {createStore} from '../../source/store/store.js';
import type {InfertopEvent} from '../../source/parse/events.js';

const corpus = path.resolve(import.meta.dirname, '../fixtures/corpus/nccl-2.28.9-h200x4');
const tmp = mkdtempSync(path.join(tmpdir(), 'infertop-files-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

/** A pipeline that records what each stream received, chunk by chunk, and the store's events. */
function recorder() {
	const chunks = new Map<string, Buffer[]>();
	const order: {pod: string; text: string}[] = [];
	const ended: string[] = [];
	const events: InfertopEvent[] = [];
	const store = createStore(emptyState({kind: 'stdin'}), {flushMs: 0});
	const origDispatch = store.dispatch;
	store.dispatch = e => {
		events.push(...(Array.isArray(e) ? e : [e as InfertopEvent]));
		origDispatch(e);
	};
	const pipeline: Pipeline = {
		store,
		openStream(pod, container): StreamSink {
			expect(container).toBe('log');
			if (!chunks.has(pod)) chunks.set(pod, []);
			return {
				write(chunk) {
					const b = Buffer.from(chunk as Uint8Array);
					chunks.get(pod)!.push(b);
					order.push({pod, text: b.toString('utf8')});
				},
				end() {
					ended.push(pod);
				},
			};
		},
	};
	const text = (pod: string) => Buffer.concat(chunks.get(pod) ?? []).toString('utf8');
	return {pipeline, chunks, order, ended, events, text};
}

async function expectUserError(p: Promise<unknown>, ...parts: string[]) {
	const error = await p.then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(UserError);
	for (const part of parts) expect((error as Error).message).toContain(part);
	expect((error as UserError).exitCode).toBe(2);
}

describe('resolveLogPaths', () => {
	it('a file is one pod named by its file name without extension', async () => {
		expect(await resolveLogPaths([path.join(corpus, 'tp2-timestamps/pod0.log')])).toEqual([{pod: 'pod0', path: path.join(corpus, 'tp2-timestamps/pod0.log')}]);
		const dir = path.join(tmp, 'names');
		mkdirSync(dir);
		for (const n of ['vllm-0-1.log.gz', 'worker.txt', 'leader.gz']) writeFileSync(path.join(dir, n), 'x\n');
		expect((await resolveLogPaths(['vllm-0-1.log.gz', 'worker.txt', 'leader.gz'].map(n => path.join(dir, n)))).map(e => e.pod)).toEqual(['vllm-0-1', 'worker', 'leader']);
	});

	it('a folder means its *.log and *.log.gz files, sorted', async () => {
		const dir = path.join(tmp, 'folder');
		mkdirSync(dir);
		for (const n of ['b.log', 'a.log.gz', 'notes.md', 'graph.xml']) writeFileSync(path.join(dir, n), 'x\n');
		expect(await resolveLogPaths([dir])).toEqual([
			{pod: 'a', path: path.join(dir, 'a.log.gz')},
			{pod: 'b', path: path.join(dir, 'b.log')},
		]);
		expect((await resolveLogPaths([path.join(corpus, 'crash-rank1')])).map(e => e.pod)).toEqual(['pod0', 'pod1']);
	});

	it('- is stdin, pod "stdin"', async () => {
		expect(await resolveLogPaths(['-'])).toEqual([{pod: 'stdin', path: '-'}]);
	});

	it('a missing path, a folder without logs, an unreadable folder: a UserError naming the path and why', async () => {
		const missing = path.join(tmp, 'nope.log');
		await expectUserError(resolveLogPaths([missing]), missing, 'no such file or directory');
		const empty = path.join(tmp, 'empty');
		mkdirSync(empty);
		await expectUserError(resolveLogPaths([empty]), empty, 'no *.log or *.log.gz files in it');
		const locked = path.join(tmp, 'locked');
		mkdirSync(locked);
		chmodSync(locked, 0o000);
		// root reads anything: the permission case can only be checked as a normal user
		if (process.getuid?.() !== 0) await expectUserError(resolveLogPaths([locked]), locked, 'permission denied');
		chmodSync(locked, 0o755);
	});

	it('two files that would be the same pod are refused', async () => {
		const a = path.join(tmp, 'dup-a');
		const b = path.join(tmp, 'dup-b');
		mkdirSync(a);
		mkdirSync(b);
		writeFileSync(path.join(a, 'pod0.log'), 'x\n');
		writeFileSync(path.join(b, 'pod0.log'), 'y\n');
		await expectUserError(resolveLogPaths([a, b]), 'pod0');
	});
});

describe('readSavedLogs', () => {
	const log = path.join(corpus, 'tp2-timestamps/pod0.log');
	const original = readFileSync(log, 'utf8');

	it("speed 0: streams every byte into the pod's stream, ends it, then says the source ended", async () => {
		const r = recorder();
		await readSavedLogs(await resolveLogPaths([path.join(corpus, 'tp2x2-two-pods-all')]), r.pipeline, {speed: 0});
		expect(r.text('pod0')).toBe(readFileSync(path.join(corpus, 'tp2x2-two-pods-all/pod0.log'), 'utf8'));
		expect(r.text('pod1')).toBe(readFileSync(path.join(corpus, 'tp2x2-two-pods-all/pod1.log'), 'utf8'));
		expect(r.ended.sort()).toEqual(['pod0', 'pod1']);
		expect(r.events.at(-1)?.type).toBe('source-ended');
		expect(r.pipeline.store.getState().ended).toBe(true);
	});

	it('.gz is read transparently, by extension or by its magic bytes alone', async () => {
		const gz = path.join(tmp, 'zipped.log.gz');
		const disguised = path.join(tmp, 'disguised.log');
		writeFileSync(gz, gzipSync(original));
		writeFileSync(disguised, gzipSync(original));
		const r = recorder();
		await readSavedLogs(await resolveLogPaths([gz, disguised]), r.pipeline, {speed: 0});
		expect(r.text('zipped')).toBe(original);
		expect(r.text('disguised')).toBe(original);
	});

	it('a corrupt .gz is a UserError naming the file', async () => {
		const bad = path.join(tmp, 'bad.log.gz');
		writeFileSync(bad, Buffer.concat([gzipSync(original).subarray(0, 200), Buffer.from('garbage')]));
		await expectUserError(readSavedLogs(await resolveLogPaths([bad]), recorder().pipeline, {speed: 0}), bad, 'gzip');
	});

	it('- reads stdin (plain or gzip)', async () => {
		for (const body of [Buffer.from(original), gzipSync(original)]) {
			const stdin = new PassThrough();
			const r = recorder();
			const done = readSavedLogs(await resolveLogPaths(['-']), r.pipeline, {speed: 0, stdin});
			// dribble it in: the first chunk is one byte, so gzip detection must wait for more
			stdin.write(body.subarray(0, 1));
			setImmediate(() => stdin.end(body.subarray(1)));
			await done;
			expect(r.text('stdin')).toBe(original);
		}
	});

	it('a big file is read chunk by chunk, never whole', async () => {
		const big = path.join(tmp, 'big.log');
		const line = `${'2026-11-26T22:05:02.718062268Z vm:1574:1574 [0] NCCL INFO cudaDriverVersion 13000'}\n`;
		writeFileSync(big, line.repeat(Math.ceil((6 * 1024 * 1024) / line.length)));
		const r = recorder();
		let progress = 0;
		await readSavedLogs(await resolveLogPaths([big]), r.pipeline, {speed: 0, onProgress: p => (progress = p.bytesRead)});
		const sizes = r.chunks.get('big')!.map(c => c.length);
		expect(sizes.length).toBeGreaterThan(4);
		expect(Math.max(...sizes)).toBeLessThanOrEqual(1024 * 1024);
		expect(sizes.reduce((a, b) => a + b, 0)).toBe(readFileSync(big).length);
		expect(progress).toBe(readFileSync(big).length);
	});

	it('replay: lines from several files are delivered merged in timestamp order, unstamped lines with the one before', async () => {
		const a = path.join(tmp, 'ra.log');
		const b = path.join(tmp, 'rb.log');
		writeFileSync(a, ['2026-01-01T00:00:00.000000000Z a1', '2026-01-01T00:00:02.000000000Z a2', 'Traceback (continuation of a2)', '2026-01-01T00:00:04.000000000Z a3', ''].join('\n'));
		writeFileSync(b, ['2026-01-01T00:00:01.000000000Z b1', '2026-01-01T00:00:03.500000000Z b2', '2026-01-01T00:00:03.600000000Z b3'].join('\n'));
		const r = recorder();
		const progress: (number | null)[] = [];
		await readSavedLogs(await resolveLogPaths([a, b]), r.pipeline, {speed: 100, onProgress: p => progress.push(p.at)});
		const lines = r.order.flatMap(o =>
			o.text
				.split('\n')
				.filter(Boolean)
				.map(l => `${o.pod}:${l.replace(/^\S+Z /, '')}`),
		);
		expect(lines).toEqual(['ra:a1', 'rb:b1', 'ra:a2', 'ra:Traceback (continuation of a2)', 'rb:b2', 'rb:b3', 'ra:a3']);
		// the continuation travels in the same write as its stamped line
		expect(r.order.find(o => o.text.includes('a2'))!.text).toContain('Traceback');
		expect(r.text('rb').endsWith('b3')).toBe(true); // no newline invented
		expect(r.events.at(-1)?.type).toBe('source-ended');
		expect(progress.at(-1)).toBe(Date.parse('2026-01-01T00:00:04Z'));
	});

	it('replay stops early when the signal aborts, without saying the source ended', async () => {
		const slow = path.join(tmp, 'slow.log');
		writeFileSync(slow, ['2026-01-01T00:00:00Z first', '2026-01-01T01:00:00Z an hour later'].join('\n'));
		const r = recorder();
		const controller = new AbortController();
		const done = readSavedLogs(await resolveLogPaths([slow]), r.pipeline, {speed: 1, signal: controller.signal});
		setTimeout(() => controller.abort(), 50);
		await done;
		expect(r.text('slow')).toBe('2026-01-01T00:00:00Z first\n');
		expect(r.ended).toEqual(['slow']);
		expect(r.events.some(e => e.type === 'source-ended')).toBe(false);
	});
});

describe('lineStamp', () => {
	it('reads the Kubernetes RFC3339Nano stamp to the millisecond', () => {
		expect(lineStamp('2026-11-26T22:05:02.718062268Z vm:1574:1574 [0] NCCL INFO x')).toBe(Date.parse('2026-11-26T22:05:02.718Z'));
		expect(lineStamp('2026-11-26T22:05:02Z x')).toBe(Date.parse('2026-11-26T22:05:02Z'));
		expect(lineStamp('2026-11-26T23:05:02.5+01:00 x')).toBe(Date.parse('2026-11-26T22:05:02.500Z'));
		expect(lineStamp('  File "/app/nccl_job.py", line 27')).toBeNull();
		expect(lineStamp('[2026-11-26 22:05:13] vm:1622:1622 [0] bootstrap.cc:114 NCCL WARN')).toBeNull();
	});
});

describe('decodedChunks', () => {
	it('an empty file yields nothing', async () => {
		const empty = path.join(tmp, 'empty.log');
		writeFileSync(empty, '');
		const out: Buffer[] = [];
		for await (const c of decodedChunks({pod: 'empty', path: empty})) out.push(c);
		expect(out).toEqual([]);
	});
});
