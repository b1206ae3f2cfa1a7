/**
 * `infertop replay` without a TTY (a pipe, a CI log): one plain frame (or the
 * snapshot with --json) once the files are read, and the contract's exit code.
 */
import {describe, expect, it} from 'vitest';
import {run} from '../../source/commands/replay.js';
import {UserError} from '../../source/core/io.js';
import {toOptions, type RawFlags} from '../../source/core/options.js';
import {testIo} from '../helpers/io.js';

const corpus = 'test/fixtures/corpus/nccl-2.28.9-h200x4';

function options(args: string[], flags: RawFlags = {}) {
	const parsed = toOptions(['replay', ...args], {speed: 0, ...flags}, {LANG: 'C.UTF-8'});
	if (!parsed.ok) throw new Error(parsed.errors.join('; '));
	return parsed.options;
}

describe('infertop replay, not a TTY', () => {
	it('prints one plain frame naming the crashed rank and exits 1 (an error finding)', async () => {
		const io = testIo();
		const out = io.out;
		const code = await run(options([`${corpus}/crash-rank1`]), io);
		const text = out();
		expect(code).toBe(1);
		expect(text).not.toContain('\x1b');
		expect(text).toMatch(/!\s+1 pod0\s+.*70\s+FAILED.*exit 3/);
		expect(text).toContain('rank 1 (pod0, GPU busId 70)');
		expect(text).toMatch(/P2P\/CUMEM/);
		expect(text).toMatch(/NET\/Socket/);
	});

	it('a completed run with warnings only exits 0; --json prints the snapshot', async () => {
		const io = testIo();
		const out = io.out;
		const code = await run(options([`${corpus}/tp2x2-two-pods-all`], {json: true}), io);
		const snap = JSON.parse(out()) as {schema: string; ranks: unknown[]; findings: {severity: string}[]};
		expect(snap.schema).toBe('infertop.snapshot/v1');
		expect(snap.ranks.length).toBe(4);
		expect(code).toBe(snap.findings.some(f => f.severity === 'error') ? 1 : 0);
	});

	it('--ascii frames draw no box or arrow characters', async () => {
		const io = testIo();
		const out = io.out;
		await run(options([`${corpus}/p2p-disabled-shm`], {ascii: true}), io);
		expect(out()).not.toMatch(/[╭│▾▸◀▶…›↔→]/);
		expect(out()).toContain('SHM');
	});

	it('a missing path is a one-paragraph user error before anything is drawn', async () => {
		const io = testIo();
		const out = io.out;
		await expect(run(options(['no/such/dir']), io)).rejects.toBeInstanceOf(UserError);
		expect(out()).toBe('');
	});
});
