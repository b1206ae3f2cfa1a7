/**
 * Wrappers no earlier test had seen, each on real lines copied byte-exact from a public
 * issue (test/fixtures/public/SOURCES.md): Ray's coloured prefix pasted with each ESC shown
 * as a space, and an AWS CloudWatch console table (`  | <stamp> | <message>`). Expected values
 * were read off the excerpts by a person.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {RolloutState} from '../../source/model/state.js';
import {publicDir, readWithLines} from '../helpers/load-scenario.js';

/** the excerpt through the real stream parser and reducer, keeping the lines as shown */
const parse = (file: string) => readWithLines(readFileSync(path.join(publicDir, file)));
const procs = (s: RolloutState) =>
	Object.values(s.procs)
		.map(p => [p.host, p.pid, p.cudaDev])
		.sort((a, b) => Number(a[1]) - Number(b[1]));

describe('Ray worker lines pasted with each ESC shown as a space: ` [36m(RayWorkerVllm pid=5310) [0m …` (vllm-project/vllm#2734)', () => {
	const {s, lines} = parse('wrapped-ray-esc-as-space-vllm-nccl-repeated.log');
	it('finds the Ray worker pid 5310 on GPU 7 beside the driver process pid 1 on GPU 0', () => {
		expect(procs(s)).toEqual([
			['[pod-name]', 1, 0],
			['[pod-name]', 5310, 7],
		]);
	});
	it('gives each worker line to pid 5310 and shows it as Ray printed it, without the colour codes', () => {
		const worker = lines.filter((_, i) => [0, 1, 4, 5].includes(i));
		expect(worker.every(l => l.proc === 'pod0|[pod-name]|5310')).toBe(true);
		expect(worker[3]!.text).toBe('(RayWorkerVllm pid=5310) [pod-name]:5310:5433 [7] NCCL INFO P2P plugin IBext [repeated 6x across cluster]');
	});
	// the first folded line carries Ray's note `(Ray deduplicates logs by default. … for more options.)` after `[repeated 6x across cluster]`
	it('reads the CUDA driver 12010 and the bootstrap interface eth0 through the repeat folding', () => {
		expect(s.nccl.cudaDriverVersion).toBe(12010);
		expect(s.nccl.bootstrapInterface).toBe('eth0');
		expect(s.unrecognised).toBe(0);
		expect(s.failures).toEqual([]);
	});
});

describe('an AWS CloudWatch console table copied as text: `  | 2024-11-28T07:42:11.526Z | algo-1:… NCCL INFO NET/OFI …` (aws/aws-ofi-nccl#715)', () => {
	const {s, lines} = parse('wrapped-cloudwatch-console-table-ofi-nccl.log');
	it('finds the two processes of host algo-1: pid 17775 on GPU 2 and pid 17778 on GPU 5', () => {
		expect(procs(s)).toEqual([
			['algo-1', 17775, 2],
			['algo-1', 17778, 5],
		]);
		expect(s.unrecognised).toBe(0);
	});
	it('takes the table’s time column as each line’s time', () => {
		expect(lines).toHaveLength(11);
		expect(lines.every(l => l.at === Date.parse('2024-11-28T07:42:11.526Z'))).toBe(true);
		expect(s.firstTs).toBe(Date.parse('2024-11-28T07:42:11.526Z'));
	});
	it('shows the NCCL lines without the table’s columns', () => {
		expect(lines[10]!.text).toBe('algo-1:17778:17848 [5] NCCL INFO NET/OFI Initializing aws-ofi-nccl 1.11.0-aws');
	});
});
