/**
 * Saved logs as a source (contract/cli.md): a file is one pod named by its file
 * name, a folder means its `*.log` / `*.log.gz` files, `-` is stdin. Files are
 * streamed chunk by chunk (a log can be gigabytes), gzip is detected by its magic
 * bytes, and `replay` plays them with their own Kubernetes timestamps.
 * Only this file reads the disk; everything after it sees chunks.
 */
import {constants as fsConstants, createReadStream, openSync, statSync} from 'node:fs';
import {readdir, stat} from 'node:fs/promises';
import {Socket} from 'node:net';
import path from 'node:path';
import {addAbortSignal, Readable} from 'node:stream';
import {setTimeout as sleep} from 'node:timers/promises';
import {createGunzip} from 'node:zlib';
import {UserError} from '../core/io.js';
import type {Pipeline, StreamSink} from '../store/pipeline.js';
import {podNameForFile} from '../core/pod-name.js';

export interface LogEntry {
	pod: string;
	/** a file path, or `-` for stdin */
	path: string | '-';
}

export interface ReadProgress {
	filesDone: number;
	filesTotal: number;
	bytesRead: number;
	/** replay: the log time just delivered (ms), else null */
	at: number | null;
}

export interface ReadOptions {
	/** 0 = all at once; N > 0 = replay N times faster than the logs' own timing */
	speed: number;
	signal?: AbortSignal;
	/** read for `-` (default process.stdin) */
	stdin?: NodeJS.ReadableStream;
	onProgress?: (progress: ReadProgress) => void;
	/**
	 * Called once per entry that has given no byte for a second (a stdin nobody writes
	 * to, a FIFO with no writer yet), naming what is waited for.
	 */
	onWaiting?: (what: string) => void;
}

/** How long an entry may give nothing before onWaiting says what is waited for. */
const waitingNoticeMs = 1000;

// a folder's logs: `vllm-0.log`, `vllm-0-1.log.gz`
const folderLog = /\.log(\.gz)?$/i;

function reason(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	if (code === 'ENOENT') return 'no such file or directory';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	if (code === 'ENOTDIR') return 'a part of the path is not a folder';
	if (code === 'ELOOP') return 'too many symbolic links';
	return error instanceof Error ? error.message : String(error);
}

const cannotRead = (p: string, why: string) => new UserError(`cannot read ${p}: ${why}`);

/** PATHs → one entry per pod, in the order given (a folder's files sorted by name). */
export async function resolveLogPaths(paths: string[]): Promise<LogEntry[]> {
	const out: LogEntry[] = [];
	for (const p of paths) {
		if (p === '-') {
			if (out.some(e => e.path === '-')) throw new UserError('- (stdin) was given more than once');
			out.push({pod: 'stdin', path: '-'});
			continue;
		}
		let st;
		try {
			st = await stat(p);
		} catch (error) {
			throw cannotRead(p, reason(error));
		}
		if (st.isDirectory()) {
			let names: string[];
			try {
				names = await readdir(p);
			} catch (error) {
				throw cannotRead(p, reason(error));
			}
			const logs = names.filter(n => folderLog.test(n)).sort();
			if (logs.length === 0) throw cannotRead(p, 'no *.log or *.log.gz files in it');
			for (const n of logs) out.push({pod: podNameForFile(n), path: path.join(p, n)});
		} else {
			out.push({pod: podNameForFile(p), path: p});
		}
	}
	// Two files named alike would fold two pods into one: say so rather than mix them.
	const byPod = new Map<string, string>();
	for (const e of out) {
		const other = byPod.get(e.pod);
		if (other !== undefined) throw new UserError(`${other} and ${e.path} would both be pod "${e.pod}" (a file is one pod, named by its file name); rename one`);
		byPod.set(e.pod, e.path);
	}
	return out;
}

/** Opens the raw bytes of an entry; a read error becomes a UserError naming the path. */
function openRaw(entry: LogEntry, stdin: NodeJS.ReadableStream | undefined, signal?: AbortSignal): AsyncIterable<Buffer> {
	const stream = entry.path === '-' ? (stdin ?? process.stdin) : openFile(entry.path);
	// a stop ends a read that waits for bytes that never come (an open stdin, a FIFO with no writer)
	if (signal && typeof (stream as Readable).destroy === 'function') addAbortSignal(signal, stream as Readable);
	return toBuffers(stream);
}

/**
 * A file's bytes. A FIFO is opened non-blocking and read as a pipe: a blocking open()
 * of a FIFO with no writer holds a libuv thread that not even process.exit gets back,
 * so neither a signal nor --timeout could end the run. (Linux reports no hang-up on
 * such a FIFO until a writer came and went: it waits for the writer, then reads to its end.)
 */
function openFile(p: string): Readable {
	if (statSync(p).isFIFO()) return new Socket({fd: openSync(p, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK), readable: true, writable: false});
	return createReadStream(p, {highWaterMark: 256 * 1024});
}

/** The next item, or 'aborted' as soon as `signal` fires, without waiting for the read under way. */
function nextOrAbort<T>(it: AsyncIterator<T>, signal?: AbortSignal): Promise<IteratorResult<T> | 'aborted'> {
	if (!signal) return it.next();
	if (signal.aborted) return Promise.resolve('aborted');
	return new Promise((resolve, reject) => {
		const onAbort = () => resolve('aborted');
		signal.addEventListener('abort', onAbort, {once: true});
		it.next().then(
			r => {
				signal.removeEventListener('abort', onAbort);
				resolve(r);
			},
			(e: unknown) => {
				signal.removeEventListener('abort', onAbort);
				if (signal.aborted) resolve('aborted');
				else reject(e);
			},
		);
	});
}

const waitingFor = (entry: LogEntry) => (entry.path === '-' ? 'stdin (nothing written to it yet, and not closed)' : `${entry.path} (nothing to read yet: a FIFO with no writer?)`);

async function* toBuffers(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
	for await (const c of stream as AsyncIterable<Buffer | string>) yield typeof c === 'string' ? Buffer.from(c) : c;
}

/** Decoded bytes of an entry: gzip (by extension or by its magic bytes 1f 8b) is inflated on the fly. */
export async function* decodedChunks(entry: LogEntry, stdin?: NodeJS.ReadableStream, signal?: AbortSignal): AsyncGenerator<Buffer> {
	const label = entry.path === '-' ? 'stdin' : entry.path;
	let it: AsyncIterator<Buffer>;
	try {
		it = openRaw(entry, stdin, signal)[Symbol.asyncIterator]();
	} catch (error) {
		throw cannotRead(label, reason(error));
	}
	let head: Buffer = Buffer.alloc(0);
	try {
		// gather at least two bytes to look for the gzip magic (stdin may hand us one)
		while (head.length < 2) {
			const r = await it.next();
			if (r.done) break;
			head = head.length === 0 ? r.value : Buffer.concat([head, r.value]);
		}
	} catch (error) {
		throw cannotRead(label, reason(error));
	}
	if (head.length === 0) return;
	if (!(head[0] === 0x1f && head[1] === 0x8b)) {
		yield head;
		try {
			for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
		} catch (error) {
			throw cannotRead(label, reason(error));
		}
		return;
	}
	const body = Readable.from(
		(async function* () {
			yield head;
			for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
		})(),
	);
	const gunzip = createGunzip();
	let readError: unknown = null;
	body.on('error', e => {
		readError = e;
		gunzip.destroy(e);
	});
	body.pipe(gunzip);
	try {
		for await (const c of gunzip as AsyncIterable<Buffer>) yield c;
	} catch (error) {
		throw cannotRead(label, readError ? reason(readError) : `not a valid gzip file (${reason(error)})`);
	}
}

/**
 * The leading Kubernetes stamp (`timestamps=true`, RFC3339Nano) of a line, in ms.
 * e.g. `2026-11-26T22:05:02.718062268Z vm:1574:1574 [0] NCCL INFO ...` → 1795730702718
 */
const k8sStamp = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2}) /;

export function lineStamp(line: Buffer | string): number | null {
	const head = typeof line === 'string' ? line.slice(0, 48) : line.subarray(0, 48).toString('latin1');
	const m = k8sStamp.exec(head);
	if (!m) return null;
	const ms = m[2] ? m[2].slice(0, 4).padEnd(4, '0') : '';
	const t = Date.parse(`${m[1]}${ms}${m[3]}`);
	return Number.isNaN(t) ? null : t;
}

/** One entry's lines, grouped: a stamped line with the unstamped lines after it. */
interface Group {
	at: number | null;
	bytes: Buffer;
}

/** The longest piece of one line held before it is handed on: the parser keeps only the first 64 KiB of a line anyway. */
const lineHoldBytes = 64 * 1024;
/** A group is handed on once it holds this much, even without the next stamped line. */
const groupHoldBytes = 1024 * 1024;

async function* groups(chunks: AsyncIterable<Buffer>): AsyncGenerator<Group> {
	let carry: Buffer = Buffer.alloc(0);
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	let pendingAt: number | null = null;
	let lastAt: number | null = null;
	/** the next bytes continue a line whose start was already handed on (a line longer than lineHoldBytes) */
	let inLine = false;
	const flush = (): Group => {
		const g = {at: pendingAt, bytes: pending.length === 1 ? pending[0]! : Buffer.concat(pending)};
		pending = [];
		pendingBytes = 0;
		return g;
	};
	const push = (piece: Buffer) => {
		pending.push(piece);
		pendingBytes += piece.length;
	};
	const takeLine = function* (line: Buffer): Generator<Group> {
		if (inLine) {
			// the rest of a long line: its stamp was read from its start
			push(line);
			return;
		}
		const at = lineStamp(line);
		if (at !== null && pending.length > 0) yield flush();
		if (pending.length === 0) pendingAt = at ?? lastAt;
		if (at !== null) lastAt = at;
		push(line);
	};
	for await (const chunk of chunks) {
		const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
		let start = 0;
		for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
			yield* takeLine(data.subarray(start, nl + 1));
			inLine = false;
			start = nl + 1;
		}
		if (data.length - start > lineHoldBytes) {
			// a line with no newline yet, longer than the parser keeps: hand it on in pieces
			// (the line splitter downstream joins and cuts it) instead of growing the carry
			yield* takeLine(data.subarray(start));
			inLine = true;
			carry = Buffer.alloc(0);
		} else carry = Buffer.from(data.subarray(start));
		// a group can hold many unstamped lines (a traceback); hand them on in bounded pieces
		if (pending.length > 4096 || pendingBytes > groupHoldBytes) yield flush();
	}
	if (carry.length) yield* takeLine(carry);
	if (pending.length) yield flush();
}

/**
 * Streams every entry into the pipeline as fast as it can be read. One file after
 * another: parsing is synchronous work on one thread, so reading files side by side
 * would gain nothing and would make the order events reach the reducer vary from
 * run to run (the same logs must give the same snapshot).
 */
async function readAll(entries: LogEntry[], pipeline: Pipeline, opts: ReadOptions): Promise<boolean> {
	let bytesRead = 0;
	let filesDone = 0;
	for (const entry of entries) {
		const sink = pipeline.openStream(entry.pod, 'log');
		const it = decodedChunks(entry, opts.stdin, opts.signal);
		let quiet: NodeJS.Timeout | null = opts.onWaiting ? setTimeout(() => opts.onWaiting?.(waitingFor(entry)), waitingNoticeMs) : null;
		try {
			for (;;) {
				const r = await nextOrAbort(it, opts.signal);
				if (quiet) clearTimeout(quiet);
				quiet = null;
				if (r === 'aborted' || opts.signal?.aborted) return false;
				if (r.done) break;
				sink.write(r.value);
				bytesRead += r.value.length;
			}
		} finally {
			if (quiet) clearTimeout(quiet);
			sink.end();
		}
		filesDone++;
		opts.onProgress?.({filesDone, filesTotal: entries.length, bytesRead, at: null});
	}
	return true;
}

/** Replays every entry merged in timestamp order, each line at (ts - firstTs) / speed after the start. */
async function replay(entries: LogEntry[], pipeline: Pipeline, opts: ReadOptions): Promise<boolean> {
	interface Cursor {
		sink: StreamSink;
		it: AsyncIterator<Group>;
		head: Group | null;
	}
	const cursors: Cursor[] = [];
	const advance = async (c: Cursor) => {
		const r = await nextOrAbort(c.it, opts.signal);
		c.head = r === 'aborted' || r.done ? null : r.value;
		if (!c.head) c.sink.end();
	};
	for (const entry of entries) {
		const c: Cursor = {sink: pipeline.openStream(entry.pod, 'log'), it: groups(decodedChunks(entry, opts.stdin, opts.signal))[Symbol.asyncIterator](), head: null};
		cursors.push(c);
	}
	await Promise.all(cursors.map(advance));
	let t0: number | null = null;
	const startedAt = performance.now();
	let bytesRead = 0;
	let filesDone = cursors.filter(c => !c.head).length;
	let lastProgress = 0;
	for (;;) {
		if (opts.signal?.aborted) {
			for (const c of cursors)
				if (c.head) {
					c.head = null;
					c.sink.end();
					void c.it.return?.(undefined);
				}
			return false;
		}
		// the next group in time across all files; unstamped (null) first
		let next: Cursor | null = null;
		for (const c of cursors) {
			if (!c.head) continue;
			if (!next || (c.head.at ?? -Infinity) < (next.head!.at ?? -Infinity)) next = c;
		}
		if (!next) break;
		const g = next.head!;
		if (g.at !== null) {
			t0 ??= g.at;
			const due = startedAt + (g.at - t0) / opts.speed;
			const wait = due - performance.now();
			if (wait > 1) {
				try {
					await sleep(wait, undefined, {signal: opts.signal});
				} catch {
					continue; // aborted: handled at the top
				}
			}
		}
		next.sink.write(g.bytes);
		bytesRead += g.bytes.length;
		await advance(next);
		if (!next.head) filesDone++;
		const now = performance.now();
		if (opts.onProgress && (now - lastProgress > 100 || !next.head)) {
			lastProgress = now;
			opts.onProgress({filesDone, filesTotal: entries.length, bytesRead, at: g.at});
		}
	}
	return true;
}

/**
 * Streams saved logs into the pipeline, one stream per pod (container `log`), then
 * dispatches `source-ended` and resolves true — unless `signal` stopped it early
 * (false: the logs were not read to the end; a read waiting for bytes is let go at once).
 */
export async function readSavedLogs(entries: LogEntry[], pipeline: Pipeline, opts: ReadOptions): Promise<boolean> {
	const done = opts.speed > 0 ? await replay(entries, pipeline, opts) : await readAll(entries, pipeline, opts);
	if (!done || opts.signal?.aborted) return false;
	pipeline.store.flush();
	pipeline.store.dispatch({type: 'source-ended', at: pipeline.store.getState().lastTs});
	return true;
}
