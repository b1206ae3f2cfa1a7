/**
 * Lines that passed through another tool: real excerpts from public issues (SOURCES.md),
 * and, where no public example was found, a real public line wrapped in the tool's format
 * as read in its source (docs/log-formats/wrappers.md). Expected values were read off the
 * excerpts by a person.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createStreamParser, type RawLine} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {publicDir} from '../helpers/load-scenario.js';

function parse(text: string): {s: RolloutState; lines: RawLine[]} {
	const lines: RawLine[] = [];
	const parser = createStreamParser({pod: 'pod0', container: 'main', onLine: l => lines.push(l)});
	let s = reduceAll(emptyState({kind: 'files', files: []}), parser.push(text));
	s = reduceAll(s, parser.end());
	return {s, lines};
}
const excerpt = (f: string) => readFileSync(path.join(publicDir, f), 'utf8');
const procs = (s: RolloutState) =>
	Object.values(s.procs)
		.map(p => `${p.host}:${p.pid}`)
		.sort();

describe('Ray prefix whose ESC byte was written out as text (vllm-project/vllm#5405)', () => {
	const {s, lines} = parse(excerpt('wrapped-ray-esc-text-vllm-nccl.log'));
	it('knows the driver (pid 291) and the Ray worker (pid 4095) on the same host', () => {
		expect(procs(s)).toEqual(['mwh-deployment-cp2nvtm93l1ljsuft5kg-0:291', 'mwh-deployment-cp2nvtm93l1ljsuft5kg-0:4095']);
		expect(s.nccl.cudaDriverVersion).toBe(12020);
		expect(s.unrecognised).toBe(0);
	});
	it('shows the worker lines with the colour remnants gone and the prefix kept', () => {
		expect(lines[3]!.text).toBe('(RayWorkerVllm pid=4095) mwh-deployment-cp2nvtm93l1ljsuft5kg-0:4095:4095 [1] NCCL INFO cudaDriverVersion 12020');
	});
	it('strips `[36m` (no ESC) but never a `[0]` cudaDev bracket', () => {
		const r = parse('[36m(RayWorkerVllm pid=5085)[0m vm:5085:5085 [0] NCCL INFO cudaDriverVersion 12020\n');
		expect(r.lines[0]!.text).toBe('(RayWorkerVllm pid=5085) vm:5085:5085 [0] NCCL INFO cudaDriverVersion 12020');
		expect(procs(r.s)).toEqual(['vm:5085']);
	});
});

describe("an unknown tool's prefix `[vllm]: ` (akash-network/awesome-akash#543)", () => {
	const {s} = parse(excerpt('wrapped-unknown-akash-vllm-nccl.log'));
	it('reads the NCCL process, its communicator and the raw version line behind the prefix', () => {
		expect(procs(s)).toEqual(['vllm-0:1']);
		const c = s.comms['0xcc23bc81dc75b6ed']!;
		expect(c.nranks).toBe(2);
		expect(c.members[0]!.proc).toBe('pod0|vllm-0|1');
		expect(s.nccl.version).toBe('2.20.5+cuda12.4');
		expect(s.nccl.bootstrapInterface).toBe('eth0');
		expect(s.unrecognised).toBe(0);
	});
});

describe('mpirun --tag-output `[1,0]<stdout>:` after indentation (aws/aws-k8s-tester#464)', () => {
	const {s} = parse(excerpt('wrapped-unknown-mpirun-tag-output-nccl.log'));
	it('sees both ranks of the 2-rank communicator on their two workers, over NET/Socket', () => {
		expect(procs(s)).toEqual(['multi-node-nccl-test-worker-0:22', 'multi-node-nccl-test-worker-1:21']);
		const c = s.comms['0xea078395019732fa']!;
		expect(c.nranks).toBe(2);
		expect(Object.keys(c.members).sort()).toEqual(['0', '1']);
		expect(c.transports).toContain('NET/Socket');
	});
});

describe('kubectl logs --prefix (geerlingguy/ansible-for-kubernetes#75)', () => {
	it('shows the container line without `[pod/…/container] `', () => {
		const {lines} = parse(excerpt('wrapped-kubectl-prefix-nginx.log'));
		expect(lines.map(l => l.text.slice(0, 30))).toEqual(['172.17.0.1 - - [22/Nov/2020:17', '172.17.0.1 - - [22/Nov/2020:17']);
	});
});

// built: a real public watchdog timeout (torch-watchdog-timeout.log, XPixelGroup/BasicSR#737) wrapped per tool
const watchdog = excerpt('torch-watchdog-timeout.log')
	.split('\n')
	.filter(l => l !== '');
const T = '2025-06-26T06:24:44.903881Z';
const T_MS = Date.UTC(2025, 5, 26, 6, 24, 44, 903);
const built: [string, (l: string) => string][] = [
	['docker json-file', l => JSON.stringify({log: `${l}\n`, stream: 'stderr', time: T})],
	['CRI log file', l => `${T} stderr F ${l}`],
	['Fluent Bit', l => `{"date":${T_MS / 1000},"log":${JSON.stringify(l)}}`],
	['Loki logcli jsonl', l => JSON.stringify({labels: {pod: 'train-0'}, line: l, timestamp: T})],
	['journalctl short-iso-precise', l => `2025-06-26T06:24:44.903881+0000 gpu-node-1 python3[1234]: ${l}`],
	['docker compose v2', l => `trainer-1  | ${l}`],
	['stern', l => `train-0 trainer ${l}`],
	['kubectl --prefix', l => `[pod/train-0/trainer] ${l}`],
];

describe('a watchdog timeout behind each wrapper', () => {
	const plain = parse(watchdog.join('\n') + '\n').s.failures.filter(f => f.kind === 'watchdog-timeout');
	it('the plain excerpt has watchdog timeouts for ranks 1, 0 and 2', () => {
		expect(plain.map(f => f.rank)).toEqual([1, 0, 2]);
	});
	for (const [name, wrap] of built) {
		it(`${name}: failure kind watchdog-timeout, ranks 1, 0 and 2${name.startsWith('docker c') || name === 'stern' || name.startsWith('kubectl') ? '' : ", at the wrapper's time"}`, () => {
			const f = parse(watchdog.map(wrap).join('\n') + '\n').s.failures.filter(x => x.kind === 'watchdog-timeout');
			expect(f.map(x => x.rank)).toEqual([1, 0, 2]);
			expect(f.map(x => x.message)).toEqual(plain.map(x => x.message));
			if (!(name.startsWith('docker c') || name === 'stern' || name.startsWith('kubectl'))) expect(f[0]!.at).toBe(T_MS);
		});
	}
});

// built: a real vLLM engine death (vllm-0.14.0rc1-worker-died.log) behind wrappers
describe('an engine death behind each wrapper', () => {
	const log = excerpt('vllm-0.14.0rc1-worker-died.log')
		.split('\n')
		.filter(l => l !== '');
	const plain = parse(log.join('\n') + '\n').s.failures.filter(f => f.kind === 'engine-dead');
	it('the plain excerpt has engine-dead failures', () => expect(plain.length).toBeGreaterThan(0));
	for (const [name, wrap] of built) {
		it(`${name}: the same engine-dead failures`, () => {
			const f = parse(log.map(wrap).join('\n') + '\n').s.failures.filter(x => x.kind === 'engine-dead');
			expect(f.map(x => x.message)).toEqual(plain.map(x => x.message));
		});
	}
});

describe('wrapper times', () => {
	it("a docker json-file line's time is the event's time and the log's span", () => {
		const line = JSON.stringify({log: 'vm:964:964 [0] NCCL INFO cudaDriverVersion 13000\n', stream: 'stderr', time: '2026-11-26T22:05:02.718062268Z'});
		const {s, lines} = parse(`${line}\n`);
		expect(lines[0]!.at).toBe(Date.UTC(2026, 10, 26, 22, 5, 2, 718));
		expect(lines[0]!.text).toBe('vm:964:964 [0] NCCL INFO cudaDriverVersion 13000');
		expect(s.firstTs).toBe(Date.UTC(2026, 10, 26, 22, 5, 2, 718));
	});
	it('a CRI `P` part is joined to the `F` that follows', () => {
		const {s, lines} = parse('2026-11-26T22:05:02.7Z stderr P vm:964:964 [0] NCCL INFO cuda\n2026-11-26T22:05:02.8Z stderr F DriverVersion 13000\n');
		expect(lines.map(l => l.text)).toEqual(['vm:964:964 [0] NCCL INFO cudaDriverVersion 13000']);
		expect(s.nccl.cudaDriverVersion).toBe(13000);
	});
	it('a JSON line that is not a log record stays a line of its own', () => {
		const {lines} = parse('{"model": "Qwen", "tp": 2}\n');
		expect(lines[0]!.text).toBe('{"model": "Qwen", "tp": 2}');
	});
});
