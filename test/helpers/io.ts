/**
 * The Io a command runs with in a test: stdout and stderr collected as text, an
 * empty stdin, an abort signal the test can fire, and a HOME of its own (a fresh
 * temporary folder) so nothing reads or writes the real one.
 */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import type {Io} from '../../source/core/io.js';

export interface TestIo extends Io {
	out(): string;
	err(): string;
	abort(): void;
}

export function testIo(env: Record<string, string | undefined> = {}): TestIo {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	let out = '';
	let err = '';
	stdout.on('data', d => (out += d));
	stderr.on('data', d => (err += d));
	const ac = new AbortController();
	return {
		stdout,
		stderr,
		stdin: new PassThrough(),
		env: {HOME: mkdtempSync(path.join(tmpdir(), 'infertop-home-')), ...env},
		signal: ac.signal,
		out: () => out,
		err: () => err,
		abort: () => ac.abort(),
	};
}
