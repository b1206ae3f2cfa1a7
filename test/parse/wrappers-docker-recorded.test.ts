/**
 * docker's json-file log driver, recorded here (SOURCES.md `recorded-wrapper-docker-json-file-*`):
 * Debian 12's docker.io 20.10.24 ran a busybox container (an image imported from busybox-static,
 * no registry) that `cat` each input to stdout or stderr, with and without `-t`; the files are
 * /var/lib/docker/containers/<id>/<id>-json.log as dockerd wrote them (what kubelet read under
 * dockershim, and what `docker logs` reads). Each is checked against what the input gives a
 * person unwrapped: the same lines, processes, failures, and the time from the record.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {RolloutState} from '../../source/model/state.js';
import {corpusDir, publicDir, readWithLines} from '../helpers/load-scenario.js';

const parseBytes = readWithLines;
const file = (name: string) => readFileSync(path.join(publicDir, `recorded-wrapper-docker-json-file-${name}.log`));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const failures = (s: RolloutState) => s.failures.map(f => `${f.kind} rank=${f.rank} remote=${f.remote} ${f.message}`);
const inputLines = (text: string) => text.split('\n').slice(0, -1);

describe('docker json-file around the corpus bad-socket-ifname NCCL log (stdout, kubelet stamps cut)', () => {
	const input = inputLines(readFileSync(path.join(corpusDir, 'bad-socket-ifname', 'pod0.log'), 'utf8')).map(l => l.slice(l.indexOf(' ') + 1));
	const plain = parseBytes(input.map(l => `${l}\n`).join(''));
	const {s, lines} = parseBytes(file('nccl-bad-ifname'));
	it('shows every line as NCCL and torchrun printed it, the empty one too (docker keeps it), without the JSON', () => {
		// docker keeps what journald dropped: the empty line, and `ChildFailedError: `'s trailing space
		expect(lines.map(l => l.text)).toEqual(input);
		expect(lines[0]!.text).toBe('vm:1622:1622 [0] NCCL INFO ENV/Plugin: Could not find: libnccl-env.so');
	});
	it('reads as the unwrapped log: vm:1622, NCCL 2.28.9, the ifname failure and both rank exits', () => {
		expect(Object.values(s.procs).map(p => `${p.host}:${p.pid}`)).toEqual(['vm:1622']);
		expect(s.nccl.version).toBe('2.28.9');
		expect(failures(s)).toEqual(failures(plain.s));
		expect(failures(s).filter(f => f.startsWith('socket-ifname') || f.startsWith('rank-exit'))).toEqual([
			'socket-ifname rank=null remote=false Bootstrap : no socket interface found',
			'rank-exit rank=1 remote=true rank 1 (pid 1623) signal 15',
			'rank-exit rank=0 remote=false rank 0 (pid 1622) exit code 1',
		]);
		expect(s.unrecognised).toBe(plain.s.unrecognised);
	});
	it("takes each line's time from the record (`time`, RFC3339Nano): the first at 2026-12-02T06:46:52.655Z", () => {
		expect(iso(lines[0]!.at)).toBe('2026-12-02T06:46:52.655Z');
		expect(iso(s.firstTs)).toBe('2026-12-02T06:46:52.655Z');
	});
	it('reads the same in any chunking (a record cut between pushes)', () => {
		for (const chunk of [7, 100, 4096]) expect(failures(parseBytes(file('nccl-bad-ifname'), chunk).s)).toEqual(failures(s));
	});
});

describe('docker json-file around the public vLLM 0.14 worker-died excerpt (stderr; and with -t, where the tty ends lines in \\r\\n)', () => {
	const input = inputLines(readFileSync(path.join(publicDir, 'vllm-0.14.0rc1-worker-died.log'), 'utf8'));
	const unwrapped = parseBytes(input.map(l => `${l}\n`).join('')).s;
	for (const name of ['vllm-worker-died', 'tty-vllm-worker-died']) {
		it(`${name}: an API server whose engine died (Worker proc VllmWorker-0 died unexpectedly), as unwrapped, each line shown as vLLM printed it`, () => {
			const {s, lines} = parseBytes(file(name));
			expect(s.engine?.apiServer).toBe(true);
			expect(s.engine?.dead?.message).toBe('Worker proc VllmWorker-0 died unexpectedly, shutting down executor.');
			expect(failures(s)).toEqual(failures(unwrapped));
			expect(lines.map(l => l.text)).toEqual(input);
			expect(lines.some(l => l.text.includes('\r'))).toBe(false);
		});
	}
	it("dates the death by the record (2026-12-02T06:46:53), not by vLLM's yearless 02-27", () => {
		const {s} = parseBytes(file('vllm-worker-died'));
		expect(iso(s.engine!.dead!.at)?.slice(0, 19)).toBe('2026-12-02T06:46:53');
	});
});

describe('docker json-file around the public torch watchdog excerpt (stderr)', () => {
	it('finds the watchdog timeouts of ranks 1, 0 and 2, as unwrapped', () => {
		const input = inputLines(readFileSync(path.join(publicDir, 'torch-watchdog-timeout.log'), 'utf8'));
		const {s} = parseBytes(file('torch-watchdog'));
		expect(s.failures.map(f => `${f.kind} ${f.rank} ${f.where}`)).toEqual(['watchdog-timeout 1 ProcessGroupNCCL.cpp:616', 'watchdog-timeout 0 ProcessGroupNCCL.cpp:616', 'watchdog-timeout 2 ProcessGroupNCCL.cpp:616']);
		expect(failures(s)).toEqual(failures(parseBytes(input.map(l => `${l}\n`).join('')).s));
	});
});

// the input: one 42,836-character vLLM-like `args: Namespace(…)` line, then a short one; docker wrote the
// long one as three records of 16,384 + 16,384 + 10,069 characters, only the last ending in `\n`
describe('docker json-file of a line over 16 KiB: three partial records are one line', () => {
	const raw = file('long-line-split-16k');
	it('the recording is as docker writes a long line: records without `\\n` until the last part', () => {
		const logs = inputLines(raw.toString('utf8')).map(l => (JSON.parse(l) as {log: string}).log);
		expect(logs.map(l => l.length)).toEqual([16384, 16384, 10069, 61]);
		expect(logs.map(l => l.endsWith('\n'))).toEqual([false, false, true, true]);
	});
	it('shows two lines: the whole Namespace line (…arg_2999=2999)) and the line after it, each at its first record time', () => {
		for (const chunk of [1 << 20, 4096, 333]) {
			const {lines} = parseBytes(raw, chunk);
			expect(lines.map(l => l.text.length)).toEqual([16384 + 16384 + 10069 - 1, 60]);
			expect(lines[0]!.text.startsWith('INFO 12-02 06:50:00 [api_server.py:1035] args: Namespace(arg_0=0, ')).toBe(true);
			expect(lines[0]!.text.endsWith('arg_2999=2999)')).toBe(true);
			expect(lines[1]!.text).toBe('INFO 12-02 06:50:01 [api_server.py:1036] after the long line');
			expect(iso(lines[0]!.at)).toBe(iso(Date.parse((JSON.parse(inputLines(raw.toString('utf8'))[0]!) as {time: string}).time)));
		}
	});
	it('a stream that ends inside a long line shows what came of it', () => {
		const firstTwo = inputLines(raw.toString('utf8')).slice(0, 2).join('\n') + '\n';
		const {lines} = parseBytes(firstTwo);
		expect(lines.map(l => l.text.length)).toEqual([32768]);
	});
	it('records of another JSON shipper without `\\n` (no docker `stream`) stay lines of their own', () => {
		const {lines} = parseBytes('{"line":"first part","ts":"2026-12-02T06:50:00Z"}\n{"line":"second line","ts":"2026-12-02T06:50:01Z"}\n');
		expect(lines.map(l => l.text)).toEqual(['first part', 'second line']);
	});
});

describe('parts said by a shipper', () => {
	it("Fluent Bit's CRI parser: `logtag` P parts are joined to the F record; F records alone stay lines", () => {
		const rec = (log: string, tag: string) => `${JSON.stringify({date: 1764658200.5, stream: 'stderr', logtag: tag, log})}\n`;
		const {lines} = parseBytes(rec('vm:1:1 [0] NCCL INFO Using net', 'P') + rec('work IB', 'F') + rec('vm:1:1 [0] NCCL INFO cudaDriverVersion 12080', 'F'));
		expect(lines.map(l => l.text)).toEqual(['vm:1:1 [0] NCCL INFO Using network IB', 'vm:1:1 [0] NCCL INFO cudaDriverVersion 12080']);
	});
});

// docker-compose 1.29.2 over the same daemon: two services, `vllm-head` cats the vLLM worker-died
// excerpt, `nccl` (a second later) the bad-ifname NCCL log; `up --no-color` and `logs --no-color -t`
describe('docker-compose v1 of two services (vLLM worker-died, NCCL bad-ifname)', () => {
	const vllm = inputLines(readFileSync(path.join(publicDir, 'vllm-0.14.0rc1-worker-died.log'), 'utf8'));
	const nccl = inputLines(readFileSync(path.join(corpusDir, 'bad-socket-ifname', 'pod0.log'), 'utf8')).map(l => l.slice(l.indexOf(' ') + 1));
	const alone = [...failures(parseBytes(vllm.map(l => `${l}\n`).join('')).s), ...failures(parseBytes(nccl.map(l => `${l}\n`).join('')).s)];
	for (const name of ['up-two-services', 'logs-timestamps-two-services']) {
		it(`${name}: each service's lines shown without the \`name_1  | \` column, and both services' failures, as each read alone`, () => {
			const {s, lines} = parseBytes(readFileSync(path.join(publicDir, `recorded-wrapper-compose-v1-${name}.log`)));
			const texts = lines.map(l => l.text);
			// compose's own lines stay as they are
			expect(texts[0]).toBe('Attaching to rec_vllm-head_1, rec_nccl_1');
			expect(texts.filter(t => vllm.includes(t))).toEqual(vllm);
			expect(texts.filter(t => nccl.includes(t) && !vllm.includes(t)).length).toBe(nccl.filter(t => !vllm.includes(t)).length);
			expect([...failures(s)].sort()).toEqual([...alone].sort());
			expect(s.engine?.dead?.message).toBe('Worker proc VllmWorker-0 died unexpectedly, shutting down executor.');
		});
	}
	it('logs -t: each line at the stamp compose put after its column (the first NCCL line at 2026-12-02T06:51:58.699Z)', () => {
		const {lines} = parseBytes(readFileSync(path.join(publicDir, 'recorded-wrapper-compose-v1-logs-timestamps-two-services.log')));
		expect(iso(lines.find(l => l.text.startsWith('vm:1622:1622 [0] NCCL INFO ENV/Plugin'))!.at)).toBe('2026-12-02T06:51:58.699Z');
	});
});
