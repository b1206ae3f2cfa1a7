/**
 * `--save DIR`: every container's raw log, with its kubelet timestamps, written as
 * it streams to `DIR/<pod>.log` (all containers of a pod, previous instances
 * included, complete lines only) so `infertop analyze DIR` reads it back with
 * one pod per file, named by the file.
 *
 * Raw logs hold what the parser redacts (tokens in argument dumps, headers): the
 * folder is created 0700 and the files are written 0600.
 *
 * A folder used before is resumed, never doubled: a pod's file already there is read
 * first, and a line that is in it — the same kubelet stamp (nanoseconds) and the same
 * text, as the live stream's resume skips a replayed line (resume-cursor.ts) — is not
 * written again; a line stamped after the file's last one is new. Lines are compared
 * by a 53-bit hash, so a large save costs a few bytes a line to resume, not its text.
 */
import {chmodSync, closeSync, createWriteStream, mkdirSync, openSync, readSync, statSync, writeSync, type WriteStream} from 'node:fs';
import path from 'node:path';
import {StringDecoder} from 'node:string_decoder';
import {stampKey} from './resume-cursor.js';

export interface LogSaver {
	writer(pod: string): (text: string) => void;
	close(): Promise<void>;
}

/** Two 32-bit FNV-1a variants folded into one 53-bit number: a line's identity in the resume set. */
function lineHash(line: string): number {
	let a = 0x811c9dc5;
	let b = 0x01000193;
	for (let i = 0; i < line.length; i++) {
		const c = line.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193);
		b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
	}
	return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/** What a save already holds: each stamped line (a count per hash), the last stamp, and whether it ends mid-line. */
interface Existing {
	seen: Map<number, number>;
	lastKey: string | null;
	endsMidLine: boolean;
}

function readExisting(file: string): Existing | null {
	let fd: number;
	try {
		fd = openSync(file, 'r');
	} catch {
		return null;
	}
	const seen = new Map<number, number>();
	let lastKey: string | null = null;
	let rest = '';
	try {
		const buf = Buffer.alloc(1 << 20);
		// a character split between two reads is decoded whole (its line's hash must match)
		const decoder = new StringDecoder('utf8');
		for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
			const text = rest + decoder.write(buf.subarray(0, n));
			const parts = text.split('\n');
			rest = parts.pop()!;
			for (const line of parts) {
				const key = stampKey(line);
				if (key !== null && (lastKey === null || key > lastKey)) lastKey = key;
				const h = lineHash(line);
				seen.set(h, (seen.get(h) ?? 0) + 1);
			}
		}
		rest += decoder.end();
	} finally {
		closeSync(fd);
	}
	// a partial last line is not "already there": its whole line is written when it comes
	return {seen, lastKey, endsMidLine: rest.length > 0};
}

export function createLogSaver(dir: string): LogSaver {
	let made = false;
	try {
		made = !statSync(dir).isDirectory();
	} catch {
		made = true;
	}
	mkdirSync(dir, {recursive: true, mode: 0o700});
	// a folder we create is ours: 0700 whatever the umask; one the user chose is left as it is
	if (made) chmodSync(dir, 0o700);
	const files = new Map<string, WriteStream>();
	const resume = new Map<string, Existing | null>();
	return {
		writer(pod) {
			// pod names are DNS labels; keep the file name safe anyway
			const safe = pod.replace(/[^A-Za-z0-9._-]/g, '_');
			const file = path.join(dir, `${safe}.log`);
			/** lines of `text` not already in the file (same stamp and text) */
			const fresh = (text: string, old: Existing): string => {
				const parts = text.split('\n');
				const tail = parts.pop()!;
				const keep: string[] = [];
				for (const line of parts) {
					const key = stampKey(line);
					// stamped after everything saved: new (the common case once a resumed stream catches up)
					if (key !== null && old.lastKey !== null && key > old.lastKey) {
						keep.push(line);
						continue;
					}
					const h = lineHash(line);
					const n = old.seen.get(h) ?? 0;
					if (n > 0) {
						if (n === 1) old.seen.delete(h);
						else old.seen.set(h, n - 1);
						continue;
					}
					keep.push(line);
				}
				return (keep.length ? keep.join('\n') + '\n' : '') + tail;
			};
			return text => {
				let f = files.get(safe);
				if (!f) {
					if (!resume.has(safe)) {
						const old = readExisting(file);
						resume.set(safe, old);
						// a save cut mid-line: what follows starts on a line of its own
						if (old?.endsMidLine) {
							const fd = openSync(file, 'a');
							try {
								writeSync(fd, '\n');
							} finally {
								closeSync(fd);
							}
						}
					}
					f = createWriteStream(file, {flags: 'a', mode: 0o600});
					files.set(safe, f);
					// a file from before (or made under another umask): 0600 too
					try {
						chmodSync(file, 0o600);
					} catch {
						/* the stream reports a file it cannot write */
					}
				}
				const old = resume.get(safe);
				const out = old && old.seen.size > 0 ? fresh(text, old) : text;
				if (out) f.write(out);
			};
		},
		async close() {
			await Promise.all([...files.values()].map(f => new Promise<void>(resolve => f.end(() => resolve()))));
			files.clear();
		},
	};
}
