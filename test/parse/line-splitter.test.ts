/**
 * The line splitter decodes chunks of whole UTF-8 sequences in one shot (cheaper) and
 * everything else with the streaming decoder: the lines must be exactly those of
 * always decoding with one streaming TextDecoder — BOMs at the start and mid-stream,
 * sequences split across chunks, invalid bytes, string chunks in between.
 */
import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createLineSplitter} from '../../source/parse/line-splitter.js';
import {podLogs} from '../helpers/load-scenario.js';

/** The plain reading: one streaming decoder (flushed by a string chunk), split at `\n`, `\r` stripped. */
function reference(chunks: (Uint8Array | string)[]): string[] {
	const decoder = new TextDecoder('utf-8');
	let pending = false;
	let text = '';
	for (const c of chunks) {
		if (typeof c === 'string') {
			text += (pending ? decoder.decode() : '') + c;
			pending = false;
		} else {
			text += decoder.decode(c, {stream: true});
			pending = true;
		}
	}
	text += pending ? decoder.decode() : '';
	const lines = text.split('\n');
	const last = lines.pop()!;
	if (last.length) lines.push(last);
	return lines.map(l => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function split(chunks: (Uint8Array | string)[]): string[] {
	const s = createLineSplitter();
	const out: string[] = [];
	for (const c of chunks) out.push(...s.push(c));
	out.push(...s.end());
	return out;
}

// bytes that exercise the decoder: BOM, 2/3/4-byte sequences, lone continuation and lead bytes, surrogates
const PIECES = [[0xef, 0xbb, 0xbf], [0xc3, 0xa9], [0xe2, 0x96, 0x88], [0xf0, 0x9f, 0x98, 0x80], [0x80], [0xc3], [0xe2, 0x96], [0xed, 0xa0, 0x80], [0x0a], [0x0d, 0x0a], [0x41], [0x20, 0x42, 0x43]];

describe('line splitter = one streaming decoder', () => {
	it('random bytes, random cuts, string chunks in between', () => {
		fc.assert(
			fc.property(fc.array(fc.nat(PIECES.length - 1), {maxLength: 80}), fc.array(fc.nat(), {maxLength: 12}), fc.array(fc.nat(), {maxLength: 3}), (picks, cuts, strings) => {
				const bytes = Uint8Array.from(picks.flatMap(i => PIECES[i]!));
				const at = [...new Set(cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b);
				const chunks: (Uint8Array | string)[] = [];
				let prev = 0;
				for (const c of at) {
					chunks.push(bytes.subarray(prev, c));
					prev = c;
				}
				chunks.push(bytes.subarray(prev));
				for (const s of strings) chunks.splice(s % (chunks.length + 1), 0, `s${s}\n`);
				expect(split(chunks)).toEqual(reference(chunks));
			}),
			{numRuns: 2000},
		);
	});

	it('a corpus log in 64 KiB and odd-sized chunks', () => {
		const bytes = readFileSync(podLogs('tp2x2-two-pods-all')[0]!.file);
		for (const size of [65536, 4093, 7]) {
			const chunks: Uint8Array[] = [];
			for (let o = 0; o < bytes.length; o += size) chunks.push(bytes.subarray(o, o + size));
			expect(split(chunks)).toEqual(reference(chunks));
		}
	});
});

/** scan(): each line as a range of a string; collected as strings. */
function scanSplit(chunks: (Uint8Array | string)[], max?: number): string[] {
	const s = createLineSplitter(max);
	const out: string[] = [];
	for (const c of chunks) s.scan(c, (text, start, end) => out.push(text.slice(start, end)));
	out.push(...s.end());
	return out;
}

function pushSplit(chunks: (Uint8Array | string)[], max?: number): string[] {
	const s = createLineSplitter(max);
	const out: string[] = [];
	for (const c of chunks) out.push(...s.push(c));
	out.push(...s.end());
	return out;
}

describe('scan() hands out the lines push() gives', () => {
	it('random bytes, random cuts, string chunks, `\\r\\n`, lines over a small cap (with their marker)', () => {
		fc.assert(
			fc.property(fc.array(fc.nat(PIECES.length - 1), {maxLength: 80}), fc.array(fc.nat(), {maxLength: 12}), fc.array(fc.nat(), {maxLength: 3}), fc.integer({min: 1, max: 12}), (picks, cuts, strings, max) => {
				const bytes = Uint8Array.from(picks.flatMap(i => PIECES[i]!));
				const at = [...new Set(cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b);
				const chunks: (Uint8Array | string)[] = [];
				let prev = 0;
				for (const c of at) {
					chunks.push(bytes.subarray(prev, c));
					prev = c;
				}
				chunks.push(bytes.subarray(prev));
				for (const s of strings) chunks.splice(s % (chunks.length + 1), 0, `s${s}\r\n`);
				expect(scanSplit(chunks)).toEqual(reference(chunks));
				expect(scanSplit(chunks, max)).toEqual(pushSplit(chunks, max));
			}),
			{numRuns: 2000},
		);
	});

	it('a corpus log in 64 KiB and odd-sized chunks', () => {
		const bytes = readFileSync(podLogs('tp2x2-two-pods-all')[0]!.file);
		for (const size of [65536, 4093, 7]) {
			const chunks: Uint8Array[] = [];
			for (let o = 0; o < bytes.length; o += size) chunks.push(bytes.subarray(o, o + size));
			expect(scanSplit(chunks)).toEqual(reference(chunks));
			expect(scanSplit(chunks, 100)).toEqual(pushSplit(chunks, 100));
		}
	});
});
