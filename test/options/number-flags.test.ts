/**
 * A flag whose value is not what it needs (`--min-intra-gbps abc`, a negative
 * bandwidth floor, `--probe-interval 0`, `-n` with nothing after it) is a usage
 * error: exit 2 and a message naming the flag, before anything runs — never NaN
 * in a finding or a silent default. The CLI runs as a child process, as a user's
 * shell runs it; the pure `toOptions` cases cover the rest of the flags.
 */
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {toOptions} from '../../source/core/options.js';

const root = path.resolve(import.meta.dirname, '../..');
const log = 'test/fixtures/corpus/nccl-2.28.9-h200x4/tp2x2-two-pods-all';

function cli(args: string[]) {
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', KUBECONFIG: '/nonexistent/kubeconfig'};
	delete env['CI'];
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli.tsx', ...args], {cwd: root, env, encoding: 'utf8', timeout: 60_000});
	return {code: r.status, stdout: r.stdout, stderr: r.stderr};
}

describe('the CLI refuses a number flag that is not one (exit 2, the flag named)', () => {
	it.each([
		[['check', '--files', log, '--min-intra-gbps', 'abc'], /^infertop: --min-intra-gbps: "abc" is not a number$/m],
		[['analyze', log, '--min-inter-gbps', '-5'], /^infertop: --min-inter-gbps must be a number >= 0 \(got -5\)$/m],
		[['check', '--files', log, '--endpoint', 'http://127.0.0.1:9', '--probe-interval', '0'], /^infertop: --probe-interval must be more than 0 \(got "0"\)$/m],
		[['analyze', log, '--min-intra-gbps'], /^infertop: --min-intra-gbps needs a value$/m],
		[['check', '-n'], /^infertop: -n\/--namespace needs a value$/m],
		[['-n', '--once'], /^infertop: -n\/--namespace needs a value$/m],
		[['check', '--tail', '2.5'], /^infertop: --tail must be an integer >= 0 \(got 2\.5\)$/m],
	])('infertop %j', (args, message) => {
		const r = cli(args);
		expect(r.stderr).toMatch(message);
		expect(r.stderr).not.toMatch(/NaN/);
		expect(r.stdout).toBe('');
		expect(r.code).toBe(2);
	});
});

describe('toOptions: every number flag is checked', () => {
	const errorsOf = (input: string[], flags: Record<string, unknown>) => {
		const r = toOptions(input, flags as never, {});
		return r.ok ? [] : r.errors;
	};
	it.each([
		[{minIntraGbps: 'abc'}, '--min-intra-gbps: "abc" is not a number'],
		[{minIntraGbps: null}, '--min-intra-gbps: not a number'],
		[{minIntraGbps: Number.NaN}, '--min-intra-gbps: not a number'],
		[{minInterGbps: '-1'}, '--min-inter-gbps must be a number >= 0 (got -1)'],
		[{minInterGbps: 'Infinity'}, '--min-inter-gbps: "Infinity" is not a number'],
		[{qps: '0'}, '--qps must be more than 0 (got 0)'],
		[{qps: '1e999'}, '--qps: "1e999" is not a number'],
		[{maxStreams: '0'}, '--max-streams must be an integer >= 1 (got 0)'],
		[{tail: '-3'}, '--tail must be an integer >= 0 (got -3)'],
		[{speed: 'fast'}, '--speed: "fast" is not a number'],
		[{probeInterval: '0'}, '--probe-interval must be more than 0 (got "0")'],
		[{stallAfter: '0s'}, '--stall-after must be more than 0 (got "0s")'],
		[{timeout: '0'}, '--timeout must be more than 0 (got "0")'],
		[{wait: '0ms'}, '--wait must be more than 0 (got "0ms")'],
		[{stragglerAfter: '0'}, '--straggler-after must be more than 0 (got "0")'],
		[{initStallAfter: '0'}, '--init-stall-after must be more than 0 (got "0")'],
		[{probeInterval: '-2s'}, '--probe-interval: "-2s" is not a duration (use e.g. 500ms, 30s, 5m, 1h, 1m30s)'],
		[{namespace: ''}, '-n/--namespace needs a value'],
		[{selector: ''}, '-l/--selector needs a value'],
		[{endpoint: ''}, '--endpoint needs a value'],
		[{files: ['']}, '--files needs a value'],
	])('%j → %s', (flags, message) => {
		expect(errorsOf(['check'], flags)).toContain(message);
	});

	it('good values pass and are used: numbers as meow gives them (strings or numbers)', () => {
		const r = toOptions(['check'], {minIntraGbps: '12.5', minInterGbps: 0, tail: '10', maxStreams: 4, qps: '20', probeInterval: '250ms'} as never, {});
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.options.findings.minIntraNodeGBps).toBe(12.5);
		expect(r.options.findings.minInterNodeGBps).toBe(0);
		expect(r.options.kube).toMatchObject({tail: 10, maxStreams: 4, qps: 20});
		expect(r.options.endpoint.probeIntervalMs).toBe(250);
	});
});
