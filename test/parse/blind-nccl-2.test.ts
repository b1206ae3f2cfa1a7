/**
 * A second blind reading of public NCCL logs, on shapes the first round (blind-nccl.test.ts) did
 * not have: nccl-tests' own device table and summary lines (`#  Rank  0 Group  0 Pid …`,
 * `# Avg bus bandwidth`), one process driving several GPUs, a gdb session's `[New Thread …]`
 * lines between NCCL lines, an IPv6 bootstrap address, a 2.20–2.22 `bootstrapSplit` before its
 * Init START, NVLS head lines. nccl-tests' device table places each rank on its process and GPU
 * (parse/nccl/tests.ts ncclTestsLine, through the stream router). Each file in test/fixtures/public/ has its row in SOURCES.md; each
 * expected value was read off the excerpt first (the comment quotes the line).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseInto, publicDir} from '../helpers/load-scenario.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {withJoinedComms} from '../../source/model/comm-join.js';
import {derivePhase} from '../../source/model/phase.js';
import {readNcclTestsLine, testsPciToBusId, type NcclTestsRank} from '../../source/parse/nccl/tests.js';

function load(pod: string, file: string): RolloutState {
	const state = parseInto(emptyState({kind: 'files', files: [file]}), pod, [readFileSync(path.join(publicDir, file))]);
	return reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
}
const lines = (file: string) => readFileSync(path.join(publicDir, file), 'utf8').split('\n');
const ranksOf = (file: string): NcclTestsRank[] =>
	lines(file)
		.map(readNcclTestsLine)
		.flatMap(r => (r?.kind === 'rank' ? [r.rank] : []));
const rankOf = (s: RolloutState, commId: string) => Object.fromEntries(Object.values(s.comms[commId]!.members).map(m => [m.proc, m.rank]));

describe('NCCL 2.20–2.22 `bootstrapSplit: comm … rank R nranks N` before a split comm’s Init START (NVIDIA/nccl#1609)', () => {
	// the per-process pointer views are one comm at read time (model/comm-join.ts), as the report shows it
	const s = withJoinedComms(load('pod0', 'nccl-2.2x-split-socket-h800-bootstrapsplit-init-start.log'));

	it('places the three processes whose Init START the excerpt cut at their ranks of the 4-rank comm', () => {
		// `tj5-sc-ai-h800r-dev01:532:1764 [1] NCCL INFO bootstrapSplit: comm 0x7f8298e6e1d0 parent 0x5575f8179cf0 rank 1 nranks 4 color 116666945 key 1 prev 0 next 2 - DONE`
		// (and 534 → rank 3, 533 → rank 2); only 531's `comm 0x7f5d10e6e7d0 rank 0 nranks 4 … commId 0xdf334f4a507dd4c1 - Init START` names the comm
		expect(Object.keys(s.comms)).toEqual(['0xdf334f4a507dd4c1']);
		expect(s.comms['0xdf334f4a507dd4c1']!.nranks).toBe(4);
		expect(rankOf(s, '0xdf334f4a507dd4c1')).toEqual({
			'pod0|tj5-sc-ai-h800r-dev01|531': 0,
			'pod0|tj5-sc-ai-h800r-dev01|532': 1,
			'pod0|tj5-sc-ai-h800r-dev01|533': 2,
			'pod0|tj5-sc-ai-h800r-dev01|534': 3,
		});
		// `Using network Socket` ×4
		expect(s.nccl.netPlugin).toBe('Socket');
	});
});

describe('nccl-tests’ `# Using devices` table (readNcclTestsLine)', () => {
	it('reads 16 one-GPU ranks on two hosts with the v2.14+ `[dddd:bb:dd]` address (NVIDIA/nccl-tests#294)', () => {
		const r = ranksOf('nccl-tests-16rank-two-hosts-domain-bus-ids.log');
		// ranks 0–11 (the excerpt cuts rank 12)
		expect(r.map(x => x.rank)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
		// `#  Rank  0 Group  0 Pid 895544 on     h100-2 device  0 [0002:00:01] NVIDIA H100 80GB HBM3`
		expect(r[0]).toEqual({rank: 0, group: 0, pid: 895544, host: 'h100-2', cudaDev: 0, busId: '200010', pci: '0002:00:01', gpu: 'NVIDIA H100 80GB HBM3'});
		// `#  Rank  7 Group  0 Pid 895552 on     h100-2 device  7 [0003:00:04] …` (pid 895551 skipped)
		expect(r[7]).toMatchObject({pid: 895552, host: 'h100-2', cudaDev: 7, pci: '0003:00:04'});
		// `#  Rank  8 Group  0 Pid 739786 on     h100-4 device  0 [0002:00:01] …`
		expect(r[8]).toMatchObject({pid: 739786, host: 'h100-4', cudaDev: 0});
		expect(new Set(r.map(x => x.host))).toEqual(new Set(['h100-2', 'h100-4']));
	});

	it('reads 8 ranks of one process (-g 8) with the ≤v2.13 `[0x16]` bus-only address (NVIDIA/nccl#1530)', () => {
		const r = ranksOf('nccl-tests-8rank-one-pid-rtx4090-tree-table-header.log');
		// `#  Rank  0 Group  0 Pid  28307 on      gpu59 device  0 [0x16] NVIDIA GeForce RTX 4090` … `#  Rank  7 … device  7 [0xd8] …`
		expect(r.map(x => [x.rank, x.pid, x.cudaDev, x.busId])).toEqual([
			[0, 28307, 0, '16000'],
			[1, 28307, 1, '27000'],
			[2, 28307, 2, '38000'],
			[3, 28307, 3, '5a000'],
			[4, 28307, 4, '98000'],
			[5, 28307, 5, 'a8000'],
			[6, 28307, 6, 'b8000'],
			[7, 28307, 7, 'd8000'],
		]);
		expect(r[0]!.gpu).toBe('NVIDIA GeForce RTX 4090');
		// the table header `#       size         count      type …` is no rank line
		expect(
			lines('nccl-tests-8rank-one-pid-rtx4090-tree-table-header.log')
				.map(readNcclTestsLine)
				.filter(x => x !== null),
		).toHaveLength(8);
	});

	it('reads the rank between gdb’s `[New Thread …]` lines (NVIDIA/nccl-tests#273)', () => {
		// `[New Thread 0x7fffe742d000 (LWP 7625)]` then `#  Rank  0 Group  0 Pid   7622 on dc02-p21-t208-n012 device  0 [0x18] NVIDIA L40S`
		const r = ranksOf('nccl-tests-gdb-new-thread-lines-l40s-ipv6-bootstrap.log');
		expect(r).toHaveLength(8);
		expect(r[0]).toMatchObject({rank: 0, pid: 7622, host: 'dc02-p21-t208-n012', cudaDev: 0, busId: '18000', gpu: 'NVIDIA L40S'});
	});

	it('reads a GB200 NVL72 rank, the out-of-bounds check and the average bus bandwidth (coreweave/nccl-tests#43)', () => {
		const got = lines('nccl-tests-gb200-nvl72-rank71-table-avg-bus-bandwidth.log')
			.map(readNcclTestsLine)
			.filter(x => x !== null);
		expect(got).toEqual([
			// `#  Rank 71 Group  0 Pid  14840 on slurm-gb200-207-171 device  3 [0x01] NVIDIA Graphics Device`
			{kind: 'rank', rank: {rank: 71, group: 0, pid: 14840, host: 'slurm-gb200-207-171', cudaDev: 3, busId: '1000', pci: '0x01', gpu: 'NVIDIA Graphics Device'}},
			// `# Out of bounds values : 0 OK`
			{kind: 'out-of-bounds', errors: 0, ok: true},
			// `# Avg bus bandwidth    : 745.53 `
			{kind: 'avg-bus-bandwidth', gbps: 745.53},
		]);
	});

	it('turns the `dddd:bb:dd` address into NCCL’s busId (src/misc/utils.cc busIdToInt64, `%lx`)', () => {
		// NVIDIA/nccl#1609 prints `busId 9a000` for the GPU at 0000:9a:00.0
		expect(testsPciToBusId('0000:9a:00')).toBe('9a000');
		expect(testsPciToBusId('0000:00:00')).toBe('0');
		// ≤v2.13 prints the bus only (`[0x16]`): NCCL's form for device 0 on that bus
		expect(testsPciToBusId('0x16')).toBe('16000');
		expect(testsPciToBusId('0x01')).toBe('1000');
	});

	it('a pure nccl-tests log (no NCCL_DEBUG) shows each rank on its host, process and GPU: 8 rows of pid 28307, one per device (NVIDIA/nccl#1530)', () => {
		const s = load('pod0', 'nccl-tests-8rank-one-pid-rtx4090-tree-table-header.log');
		const rows = Object.values(s.procs)
			.map(p => [p.worldRank, p.host, p.pid, p.cudaDev, p.busId] as const)
			.sort((a, b) => a[0]! - b[0]!);
		expect(rows).toEqual([
			[0, 'gpu59', 28307, 0, '16000'],
			[1, 'gpu59', 28307, 1, '27000'],
			[2, 'gpu59', 28307, 2, '38000'],
			[3, 'gpu59', 28307, 3, '5a000'],
			[4, 'gpu59', 28307, 4, '98000'],
			[5, 'gpu59', 28307, 5, 'a8000'],
			[6, 'gpu59', 28307, 6, 'b8000'],
			[7, 'gpu59', 28307, 7, 'd8000'],
		]);
	});

	it('16 one-GPU processes on two hosts: ranks 0–11 of the excerpt on h100-2 and h100-4, with NCCL’s bus ids (NVIDIA/nccl-tests#294)', () => {
		const s = load('pod0', 'nccl-tests-16rank-two-hosts-domain-bus-ids.log');
		const byRank = Object.fromEntries(Object.values(s.procs).map(p => [p.worldRank, `${p.host}:${p.pid} dev ${p.cudaDev} ${p.busId}`]));
		expect(
			Object.keys(byRank)
				.map(Number)
				.sort((a, b) => a - b),
		).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
		expect(byRank[0]).toBe('h100-2:895544 dev 0 200010');
		expect(byRank[8]).toBe('h100-4:739786 dev 0 200010');
	});

	it('a run that printed its summary ended: `# Avg bus bandwidth    : 745.53` makes the GB200 excerpt `completed`, with the bandwidth kept (coreweave/nccl-tests#43)', () => {
		const s = load('pod0', 'nccl-tests-gb200-nvl72-rank71-table-avg-bus-bandwidth.log');
		expect(s.nccl.testsAvgBusBandwidthGBs).toBe(745.53);
		expect(s.failures).toEqual([]);
		expect(derivePhase(s)).toBe('completed');
		// a table that stops before its summary is a run still going
		const cut = lines('nccl-tests-gb200-nvl72-rank71-table-avg-bus-bandwidth.log').filter(l => !l.startsWith('# Avg bus bandwidth'));
		const st = parseInto(emptyState({kind: 'files', files: []}), 'pod0', [Buffer.from(cut.join('\n'))]);
		expect(derivePhase(st)).not.toBe('completed');
	});

	it('`# Out of bounds values : N FAILED` is a failure (wrong results); `0 OK` is none', () => {
		const read = (text: string) => {
			const st = parseInto(emptyState({kind: 'files', files: []}), 'pod0', [Buffer.from(text)]);
			return st.failures.map(f => `${f.kind} ${f.message}`);
		};
		expect(read('# Out of bounds values : 12 FAILED\n# Avg bus bandwidth    : 1.2 \n')).toEqual(['nccl-error nccl-tests: 12 out-of-bounds values (wrong results)']);
		expect(read('# Out of bounds values : 0 OK\n')).toEqual([]);
	});
});

describe('readings already right on the new shapes', () => {
	it('IPv6 bootstrap address `eth0:fdbd:dc02:21:208::12<0>` gives the interface (NVIDIA/nccl-tests#273)', () => {
		const s = load('pod0', 'nccl-tests-gdb-new-thread-lines-l40s-ipv6-bootstrap.log');
		// `dc02-p21-t208-n012:7622:7622 [0] NCCL INFO Bootstrap : Using eth0:fdbd:dc02:21:208::12<0>`
		expect(s.nccl.bootstrapInterface).toBe('eth0');
		// `cudaDriverVersion 12040`
		expect(s.nccl.cudaDriverVersion).toBe(12040);
	});

	it('2.23.4 `-g 4` desktop: version, no IB device, Socket (tinygrad/open-gpu-kernel-modules#22)', () => {
		const s = load('pod0', 'nccl-2.23.4-tests-g4-one-pid-ib-no-device-socket.log');
		// `NCCL version 2.23.4+cuda12.6`, `NET/IB : No device found.`, `Using network Socket`
		expect(s.nccl.version).toBe('2.23.4+cuda12.6');
		expect(s.nccl.netPlugin).toBe('Socket');
	});

	it.todo('a comm seen only through channel lines (`Channel 01/0 : 0[0] -> 2[0] [receive] via NET/Socket/0`, NVIDIA/nccl-tests#179) shows nranks=3 from the ranks it names: the size is unknown (≥3), not 3');
});
