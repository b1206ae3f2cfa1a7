/**
 * The resume cursor over every way a follow can break, with no server: a container
 * log (many lines per second, some with the very same stamp and text), a run of
 * connections each cut at any byte (mid-line, mid-stamp, mid-UTF-8 character) or
 * ended at a line while the log is still growing, each reopened from the cursor's
 * `sinceTime` as the kubelet serves it (whole seconds), and then a last, clean read
 * after the container stopped. What is handed on is the log, each line once, in
 * order. The end-to-end version over real TLS is resume-property.test.ts.
 */
import {StringDecoder} from 'node:string_decoder';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {ResumeCursor, stampKey} from '../../source/sources/kube/resume-cursor.js';

interface Line {
	/** whole seconds after the base time */
	sec: number;
	nanos: number;
	text: string;
}

const base = Date.UTC(2024, 2, 15, 2, 34, 11);

/** RFC3339NanoFixed, as the kubelet stamps a line with timestamps=true */
const stamp = (l: Line) => `${new Date(base + l.sec * 1000).toISOString().slice(0, 19)}.${String(l.nanos).padStart(9, '0')}Z`;
const render = (l: Line) => `${stamp(l)} ${l.text}\n`;

/** lines in time order: a step of 0 seconds keeps the second, a nano step of 0 repeats the stamp */
const arbLog = (minNanoStep: number) =>
	fc
		.array(
			fc.record({
				dSec: fc.constantFrom(0, 0, 0, 1, 2),
				dNanos: fc.integer({min: minNanoStep, max: 2}),
				// few letters and short lines, so equal texts under one stamp are common
				text: fc.string({unit: fc.constantFrom('a', 'b', ' ', 'é', '漢', '|', 'Z'), maxLength: 4}),
			}),
			{minLength: 1, maxLength: 40},
		)
		.map(steps => {
			let sec = 0;
			let nanos = 0;
			return steps.map(s => {
				if (s.dSec > 0) {
					sec += s.dSec;
					nanos = s.dNanos;
				} else nanos += s.dNanos;
				return {sec, nanos, text: s.text};
			});
		});

/** what the kubelet serves for a read: the lines written so far, from `sinceTime`'s whole second on */
function serve(log: Line[], written: number, sinceTime: string | null, fragment: string): string {
	const fromSec = sinceTime === null ? -Infinity : (Date.parse(sinceTime) - base) / 1000;
	return (
		log
			.slice(0, written)
			.filter(l => l.sec >= fromSec)
			.map(render)
			.join('') + fragment
	);
}

/** one connection: the bytes it delivers, in chunks of these sizes, then an end */
function deliver(cursor: ResumeCursor, bytes: Buffer, chunks: number[]): string {
	const decoder = new StringDecoder('utf8');
	let out = '';
	let at = 0;
	for (let i = 0; at < bytes.length; i++) {
		const n = chunks.length ? chunks[i % chunks.length]! : bytes.length;
		out += cursor.take(decoder.write(bytes.subarray(at, at + n)));
		at += n;
	}
	// a cut mid-character decodes to U+FFFD inside the partial line, which the reopen drops
	const tail = decoder.end();
	if (tail) out += cursor.take(tail);
	return out;
}

const arbConnection = fc.record({
	/** lines the container writes before this connection opens */
	grow: fc.integer({min: 0, max: 10}),
	/** the byte the connection breaks at; null: it ends at a line (an API timeout) */
	cut: fc.option(fc.nat({max: 2000}), {nil: null}),
	chunks: fc.array(fc.integer({min: 1, max: 64}), {maxLength: 5}),
});

describe('resume cursor', () => {
	it('any cut point and any reconnect hand on each line exactly once, in order', () => {
		fc.assert(
			fc.property(arbLog(0), fc.array(arbConnection, {maxLength: 8}), fc.boolean(), fc.array(fc.integer({min: 1, max: 64}), {maxLength: 5}), (log, connections, endsMidLine, lastChunks) => {
				// a stopped container's last line may never have got its newline
				const fragment = endsMidLine ? `${stamp({...log[log.length - 1]!, nanos: 999_999_999})} final without newline` : '';
				const cursor = new ResumeCursor();
				let handed = '';
				let written = 0;
				for (const c of connections) {
					written = Math.min(log.length, written + c.grow);
					const stopped = written === log.length;
					const bytes = Buffer.from(serve(log, written, cursor.reopen(), stopped ? fragment : ''), 'utf8');
					handed += deliver(cursor, c.cut === null ? bytes : bytes.subarray(0, c.cut), c.chunks);
				}
				// the container has stopped: one read to the end, then what is left of a line
				handed += deliver(cursor, Buffer.from(serve(log, log.length, cursor.reopen(), fragment), 'utf8'), lastChunks);
				handed += cursor.flush();
				expect(handed).toBe(log.map(render).join('') + fragment);
			}),
			{numRuns: 5000},
		);
	});

	it('the first open asks for no sinceTime, later ones for the last line’s whole second', () => {
		const cursor = new ResumeCursor();
		expect(cursor.reopen()).toBeNull();
		cursor.take('2024-03-15T02:34:11.123456789Z a\n2024-03-15T02:34:12.5Z b\n2024-03-15T02:34:13');
		expect(cursor.reopen()).toBe('2024-03-15T02:34:12Z');
		// the partial line was dropped with the reopen: the replay brings it whole
		expect(cursor.flush()).toBe('');
	});

	it('a stalled follow is told by a line newer than the last handed on, and only by one', () => {
		fc.assert(
			fc.property(arbLog(1), fc.nat(), (log, k) => {
				const handed = k % (log.length + 1);
				const cursor = new ResumeCursor();
				cursor.take(log.slice(0, handed).map(render).join(''));
				// the check reads from sinceTime without follow; stamps here are all distinct
				const read = serve(log, log.length, cursor.sinceTime, '');
				expect(cursor.hasNewer(read)).toBe(handed < log.length);
			}),
			{numRuns: 2000},
		);
	});

	it('stampKey orders kubelet stamps of any fraction length', () => {
		expect(stampKey('2024-03-15T02:34:11.5Z x')).toBe('2024-03-15T02:34:11.500000000');
		expect(stampKey('2024-03-15T02:34:11Z x')).toBe('2024-03-15T02:34:11.000000000');
		expect(stampKey('2024-03-15T02:34:11.123456789+00:00 x')).toBe('2024-03-15T02:34:11.123456789');
		expect(stampKey('2024-03-15T02:34:11.123456789Z')).toBeNull();
		expect(stampKey('NCCL INFO no stamp')).toBeNull();
	});
});
