/**
 * Wrappers recorded here by running the real tool over real lines (SOURCES.md `recorded-wrapper-*`):
 * journald 252 (`systemd-cat` in, `journalctl -o short|short-iso|short-precise|json` out) around the
 * corpus bad-socket-ifname NCCL log (k8s stamp stripped), the public torch watchdog and vLLM 0.14
 * worker-died excerpts; kubectl 1.31 `logs --prefix [--timestamps]` of `infertop demo --serve-only`
 * (which serves the corpus crash-rank1 / bad-socket-ifname NCCL logs). Each is checked against what
 * the unwrapped input gives a person: the same processes, communicators, ranks, transports and
 * failures, and the time from the wrapper where the input line had no k8s stamp.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {RolloutState} from '../../source/model/state.js';
import {corpusDir, loadScenario, publicDir, readWithLines} from '../helpers/load-scenario.js';
import {stateOfPaths} from '../helpers/load-scenario.js';

const parseBytes = (buf: Buffer | string) => readWithLines(buf);
const parse = (file: string) => parseBytes(readFileSync(path.join(publicDir, file)));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** what a person reads of each failure: kind, rank, whether a peer died, the message */
const failures = (s: RolloutState) => s.failures.map(f => `${f.kind} rank=${f.rank} remote=${f.remote} ${f.message}`);
const procs = (s: RolloutState) =>
	Object.values(s.procs)
		.map(p => `${p.pod} ${p.host}:${p.pid}`)
		.sort();
const comms = (s: RolloutState) =>
	Object.values(s.comms)
		.map(c => `${c.nranks} ranks ${c.state} [${[...c.transports].sort().join(',')}] members ${Object.keys(c.members).join(',')}`)
		.sort();

// the input journald was fed: the corpus log without its kubelet stamp (`<stamp> <line>`)
const ncclCorpus = path.join(corpusDir, 'bad-socket-ifname', 'pod0.log');
const ncclInput = readFileSync(ncclCorpus, 'utf8')
	.split('\n')
	.slice(0, -1)
	.map(l => l.slice(l.indexOf(' ') + 1));
const plain = parseBytes(ncclInput.map(l => l + '\n').join(''));
// journald keeps no empty line and strips trailing whitespace (journald-stream.c); the parser shows lines trimmed too
const journaled = (lines: string[]) => lines.map(l => l.trimEnd()).filter(l => l !== '');

describe('journalctl of the corpus bad-socket-ifname NCCL log, fed by systemd-cat -t nccl (journald 252)', () => {
	for (const mode of ['short', 'short-iso', 'short-precise', 'json']) {
		describe(`-o ${mode}`, () => {
			const {s, lines} = parse(`recorded-wrapper-journald-${mode}-nccl-bad-ifname.log`);
			it('shows every line as NCCL/torchrun printed it, without the journal head', () => {
				expect(lines.map(l => l.text)).toEqual(journaled(ncclInput));
				expect(lines[0]!.text).toBe('vm:1622:1622 [0] NCCL INFO ENV/Plugin: Could not find: libnccl-env.so');
			});
			it('reads the same as the unwrapped log: process vm:1622, NCCL 2.28.9, no communicator, the ifname failure and both rank exits', () => {
				expect(procs(s)).toEqual(['pod0 vm:1622']);
				expect(s.nccl.version).toBe('2.28.9');
				expect(comms(s)).toEqual([]);
				expect(failures(s)).toEqual(failures(plain.s));
				expect(failures(s).filter(f => f.startsWith('socket-ifname') || f.startsWith('rank-exit'))).toEqual([
					'socket-ifname rank=null remote=false Bootstrap : no socket interface found',
					'rank-exit rank=1 remote=true rank 1 (pid 1623) signal 15',
					'rank-exit rank=0 remote=false rank 0 (pid 1622) exit code 1',
				]);
				expect(s.unrecognised).toBe(plain.s.unrecognised);
			});
		});
	}
	it('-o short-iso: every line is at the journal time 2026-12-01T23:44:22+0000', () => {
		const {s, lines} = parse('recorded-wrapper-journald-short-iso-nccl-bad-ifname.log');
		expect(new Set(lines.map(l => iso(l.at)))).toEqual(new Set(['2026-12-01T23:44:22.000Z']));
		expect(s.failures.every(f => iso(f.at) === '2026-12-01T23:44:22.000Z')).toBe(true);
	});
	it('-o json: each line at its __REALTIME_TIMESTAMP (µs), the first 1796168662561842', () => {
		const {s, lines} = parse('recorded-wrapper-journald-json-nccl-bad-ifname.log');
		expect(iso(lines[0]!.at)).toBe('2026-12-01T23:44:22.561Z');
		expect(iso(s.firstTs)).toBe('2026-12-01T23:44:22.561Z');
		expect(iso(s.lastTs)).toBe('2026-12-01T23:44:22.565Z');
	});
	// `Dec 01 23:44:22 vm nccl[10202]: [2026-11-26 22:05:13] vm:1622:1622 [0] bootstrap.cc:114 NCCL WARN …`:
	// the unwrapped line dates the failure by its own NCCL stamp, and so does the wrapped one: its full date beats the yearless head
	for (const mode of ['short', 'short-precise']) {
		it(`-o ${mode}: the ifname failure keeps the time its own NCCL stamp gives (2026-11-26 22:05:13), as unwrapped: a full stamp in the line beats the yearless journald head`, () => {
			expect(iso(plain.s.failures.find(f => f.kind === 'socket-ifname')!.at)).toBe('2026-11-26T22:05:13.000Z');
			const {s} = parse(`recorded-wrapper-journald-${mode}-nccl-bad-ifname.log`);
			expect(iso(s.failures.find(f => f.kind === 'socket-ifname')!.at)).toBe('2026-11-26T22:05:13.000Z');
		});
	}
});

describe('journalctl -o short-precise of the public torch watchdog excerpt (systemd-cat -t torch)', () => {
	const input = readFileSync(path.join(publicDir, 'torch-watchdog-timeout.log'), 'utf8').split('\n').slice(0, -1);
	const {s, lines} = parse('recorded-wrapper-journald-short-precise-torch-watchdog.log');
	it('finds the watchdog timeouts of ranks 1, 0 and 2 in ProcessGroupNCCL.cpp:616, as unwrapped', () => {
		expect(s.failures.map(f => `${f.kind} ${f.rank} ${f.where}`)).toEqual(['watchdog-timeout 1 ProcessGroupNCCL.cpp:616', 'watchdog-timeout 0 ProcessGroupNCCL.cpp:616', 'watchdog-timeout 2 ProcessGroupNCCL.cpp:616']);
		expect(failures(s)).toEqual(failures(parseBytes(input.map(l => l + '\n').join('')).s));
		expect(s.unrecognised).toBe(0);
	});
	it('shows each line from its `[rankN]:` head, without `Dec 01 23:44:22.… vm torch[10203]: `', () => {
		expect(lines.map(l => l.text)).toEqual(journaled(input));
	});
});

describe('journalctl of the public vLLM 0.14 worker-died excerpt (systemd-cat -t vllm)', () => {
	const input = readFileSync(path.join(publicDir, 'vllm-0.14.0rc1-worker-died.log'), 'utf8').split('\n').slice(0, -1);
	const unwrapped = parseBytes(input.map(l => l + '\n').join('')).s;
	const at: Record<string, string | null> = {short: null, 'short-iso': '2026-12-01T23:44:22.000Z', json: '2026-12-01T23:44:22.664Z'};
	for (const mode of ['short', 'short-iso', 'json']) {
		describe(`-o ${mode}`, () => {
			const {s, lines} = parse(`recorded-wrapper-journald-${mode}-vllm-worker-died.log`);
			it('reads an API server whose engine died: `Worker proc VllmWorker-0 died unexpectedly`, as unwrapped', () => {
				expect(s.engine?.apiServer).toBe(true);
				expect(s.engine?.dead?.message).toBe('Worker proc VllmWorker-0 died unexpectedly, shutting down executor.');
				expect(failures(s)).toEqual(failures(unwrapped));
				expect(s.unrecognised).toBe(0);
			});
			it('shows the lines as vLLM printed them', () => {
				expect(lines.map(l => l.text)).toEqual(journaled(input));
				expect(lines[1]!.text).toBe('(EngineCore_DP0 pid=265) ERROR 02-27 10:31:24 [multiproc_executor.py:231] Worker proc VllmWorker-0 died unexpectedly, shutting down executor.');
			});
			it(`dates the death by the journal (${at[mode] ?? 'no year in `short`: no time'}), not by vLLM's yearless 02-27`, () => {
				expect(iso(s.engine!.dead!.at)).toBe(at[mode]);
			});
		});
	}
});

describe('kubectl logs --prefix of `infertop demo --scenario bad-ifname` (kubectl 1.31, one pod vllm-0)', () => {
	const {s, lines} = parse('recorded-wrapper-kubectl-prefix-demo-bad-ifname.log');
	const corpus = parseBytes(readFileSync(ncclCorpus)).s;
	it('shows each line without `[pod/vllm-0/vllm] `', () => {
		expect(lines).toHaveLength(72);
		expect(lines.some(l => l.text.startsWith('[pod/'))).toBe(false);
		expect(lines[0]!.text).toBe('(APIServer pid=412) INFO 12-01 23:45:06 [api_server.py:1839] vLLM API server version 0.11.0');
	});
	it('reads the same NCCL process and failures as the corpus log it serves', () => {
		expect(procs(s)).toEqual(['pod0 vm:1622']);
		expect(failures(s)).toEqual(failures(corpus));
		expect(s.unrecognised).toBe(corpus.unrecognised);
	});
	it('has no stamp to date lines by without --timestamps: only the NCCL WARN line’s own one', () => {
		expect(iso(s.firstTs)).toBe('2026-11-26T22:05:13.000Z');
		expect(iso(s.lastTs)).toBe('2026-11-26T22:05:13.000Z');
	});
});

describe('kubectl logs --prefix --timestamps -l app=vllm of `infertop demo --scenario crash` (pods vllm-0, vllm-0-1)', () => {
	const {s, lines} = parse('recorded-wrapper-kubectl-prefix-timestamps-demo-crash.log');
	const corpus = loadScenario('crash-rank1').state;
	it('shows each line without `[pod/…/vllm] <stamp> ` and dates it by kubectl’s stamp', () => {
		expect(lines).toHaveLength(6081);
		expect(lines.some(l => l.text.startsWith('[pod/') || l.text.startsWith('2026-'))).toBe(false);
		expect(iso(s.firstTs)).toBe('2026-12-01T23:43:00.299Z');
		expect(iso(s.lastTs)).toBe('2026-12-01T23:44:08.626Z');
	});
	it('reads the 4-rank communicator over NET/Socket + P2P/CUMEM and its two 2-rank splits, all ready, as the corpus', () => {
		expect(comms(s)).toEqual(comms(corpus));
		expect(comms(s)).toEqual(['2 ranks ready [P2P/CUMEM] members 0,1', '2 ranks ready [P2P/CUMEM] members 0,1', '4 ranks ready [NET/Socket,P2P/CUMEM] members 0,1,2,3']);
	});
	it('finds rank 1 exiting with code 3 and its peers failing with remote errors, dated by kubectl', () => {
		const exit1 = s.failures.find(f => f.kind === 'rank-exit' && f.rank === 1)!;
		expect(exit1.message).toBe('rank 1 (pid 1464) exit code 3');
		expect(exit1.remote).toBe(false);
		expect(s.failures.filter(f => f.kind === 'remote-error').map(f => f.rank)).toEqual([2, 2, null, 3, 2]);
		expect(iso(s.failures.find(f => f.kind === 'remote-error')!.at)).toBe('2026-12-01T23:43:02.506Z');
		expect(s.unrecognised).toBe(corpus.unrecognised);
	});
	// kubectl names each line's pod in its prefix; the corpus reads ranks 0,1 on one pod and 2,3 on the
	// other. Read as `infertop analyze FILE` reads it (files source → pipeline: parse/demux.ts splits the
	// file by that prefix), each pod is a stream of its own.
	const analyzed = stateOfPaths([path.join(publicDir, 'recorded-wrapper-kubectl-prefix-timestamps-demo-crash.log')]);
	it('puts processes 1462, 1464 on pod vllm-0 and 1463, 1465 on vllm-0-1, as the two corpus pods', async () => {
		const a = await analyzed;
		expect(procs(a)).toEqual(['vllm-0 vm:1462', 'vllm-0 vm:1464', 'vllm-0-1 vm:1463', 'vllm-0-1 vm:1465']);
		expect(Object.keys(a.pods).sort()).toEqual(['vllm-0', 'vllm-0-1']);
	});
	it('finds all 12 failures of the corpus, pod vllm-0-1’s torchrun ChildFailedError too', async () => {
		const a = await analyzed;
		expect(failures(a).sort()).toEqual(failures(corpus).sort());
	});
});
