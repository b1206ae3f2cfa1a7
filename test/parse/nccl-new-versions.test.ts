/**
 * NCCL 2.29–2.32 lines: each format as read from NVIDIA/nccl's source (named by the first tag
 * that has it; 2.31.2 from the stored copy of master at 8898068, docs/log-formats/nccl.md §1.10),
 * and real excerpts (test/fixtures/public, SOURCES.md) of the 2.27+/2.28 lines that 2.29+ keep.
 */
import {describe, expect, it} from 'vitest';
import {ncclHead} from '../../source/parse/prefix.js';
import {gitVersion} from '../../source/parse/nccl/env.js';
import {classifyInfo} from '../../source/parse/nccl/dispatch.js';
import {parseDiag} from '../../source/parse/nccl/diag.js';
import {computeFindings} from '../../source/findings/index.js';
import {ncclDiag} from '../../source/findings/nccl-diag.js';
import {ncclWarn} from '../../source/findings/nccl-warn.js';
import {defaultFindingOptions} from '../../source/findings/types.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {loadExcerpt, parseInto} from '../helpers/load-scenario.js';

const opts = defaultFindingOptions;
const read = (text: string, pod = 'pod0'): RolloutState => parseInto(emptyState({kind: 'files', files: []}), pod, [text]);

describe('the line head (src/debug.cc, src/include/diagnostics_log.h)', () => {
	it('v2.30.7-1: a WARN names its function after file:line, "(func)"; where stays file:line', () => {
		const t = 'node-01:189884:189901 [3] ras/client_support.cc:179 (rasClientInitSocket) NCCL WARN Call to bind failed: Address already in use';
		const h = ncclHead(t, 0)!;
		expect([h.level, h.where, h.pid, h.tid, h.dev]).toEqual(['WARN', 'ras/client_support.cc:179', 189884, 189901, 3]);
		expect(t.slice(h.msgStart)).toBe('Call to bind failed: Address already in use');
	});

	it('v2.29.2-1 … v2.30.4-1: the WARN head without a function, behind the default `[%F %T] ` stamp (read by body())', () => {
		const s = read('[2026-05-05 06:16:47] node-01:189884:189884 [3] plugin/net.cc:334 NCCL WARN Failed to initialize any NET plugin\n');
		expect(Object.values(s.warnGroups).map(g => [g.where, g.message])).toEqual([['plugin/net.cc:334', 'Failed to initialize any NET plugin']]);
	});

	it("2.31.2: a diagnostics line is `host:pid NCCL DIAG …` — no tid, no device; the host is cut at its first dot like NCCL's own", () => {
		const t = 'node01.cluster.local:4242 NCCL DIAG [OK]   p2p: all 56 directed GPU P2P edges verified';
		const h = ncclHead(t, 0)!;
		expect([h.level, t.slice(h.start, h.hostEnd), h.pid, h.tid, h.dev, h.where]).toEqual(['DIAG', 'node01', 4242, -1, null, null]);
		expect(t.slice(h.msgStart)).toBe('[OK]   p2p: all 56 directed GPU P2P edges verified');
		expect(ncclHead('node01:4242 NCCL DIAGNOSTICS x', 0)).toBeNull();
		expect(ncclHead('node01:4242 was here', 0)).toBeNull();
	});
});

describe('Init START / COMPLETE (src/init.cc)', () => {
	it('v2.29.2-1: `[Rank N] <caller> comm … commId 0x… - Init START`; COMPLETE has no `[Rank N]`', () => {
		const s = read(
			[
				'vm:10:11 [0] NCCL INFO [Rank 0] ncclCommInitRankConfig comm 0x55d0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xe5be1de28bddac49 - Init START',
				'vm:10:11 [0] NCCL INFO comm 0x55d0 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0',
				'vm:10:11 [0] NCCL INFO ncclCommInitRankConfig comm 0x55d0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xe5be1de28bddac49 - Init COMPLETE',
				'',
			].join('\n'),
		);
		const c = s.comms['0xe5be1de28bddac49']!;
		expect([c.nranks, c.ranksStarted, c.ranksComplete]).toEqual([2, 1, 1]);
	});

	it('v2.29.2-1: a split prints `parent %p childCount %d color %d key %d- Init START` and, new in 2.29, the same with ` - Init COMPLETE` (no commId)', () => {
		const s = read(
			[
				'vm:10:11 [0] NCCL INFO [Rank 0] ncclCommInitRank comm 0x1000 rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xaaaa - Init START',
				'vm:10:11 [0] NCCL INFO ncclCommInitRank comm 0x1000 rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xaaaa - Init COMPLETE',
				'vm:10:12 [0] NCCL INFO ncclCommSplit comm 0x2000 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 parent 0x1000 childCount 1 color 7 key 0- Init START',
				'vm:10:12 [0] NCCL INFO ncclCommSplit comm 0x2000 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 parent 0x1000 childCount 1 color 7 key 0 - Init COMPLETE',
				'vm:10:13 [0] NCCL INFO ncclCommShrink comm 0x3000 rank 0 nranks 3 cudaDev 0 nvmlDev 0 busId 1b000 parent 0x1000 childCount 2 color 0 key 0- Init START',
				'',
			].join('\n'),
		);
		const split = Object.values(s.comms).find(c => c.nranks === 2)!;
		expect([split.ranksStarted, split.ranksComplete]).toEqual([1, 1]);
		expect(Object.values(s.comms).find(c => c.nranks === 3)!.ranksStarted).toBe(1);
	});

	it('v2.29.2-1: ncclCommGrow starts with `[Rank N] ncclCommGrow … commId` and completes with `parent … childCount …`', () => {
		const s = read(
			[
				'vm:10:11 [0] NCCL INFO [Rank 0] ncclCommInitRank comm 0x1000 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xaaaa - Init START',
				'vm:10:11 [0] NCCL INFO ncclCommInitRank comm 0x1000 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xaaaa - Init COMPLETE',
				'vm:10:12 [0] NCCL INFO [Rank 0] ncclCommGrow comm 0x4000 rank 0 nranks 3 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xbbbb - Init START',
				'vm:10:12 [0] NCCL INFO ncclCommGrow comm 0x4000 rank 0 nranks 3 cudaDev 0 nvmlDev 0 busId 1b000 parent 0x1000 childCount 1 color 0 key 0 - Init COMPLETE',
				'',
			].join('\n'),
		);
		const grown = Object.values(s.comms).find(c => c.nranks === 3)!;
		expect([grown.ranksStarted, grown.ranksComplete]).toEqual([1, 1]);
	});
});

describe('version lines (src/init.cc showVersion, src/misc/git_version.cc)', () => {
	it('v2.29.2-1: "NCCL git version <branch> <git describe>" is a version only on an exact release tag', () => {
		expect(gitVersion('NCCL git version HEAD v2.30.7-1')).toBe('2.30.7');
		expect(gitVersion('NCCL git version HEAD v2.29.2-1-dirty')).toBe('2.29.2');
		expect(gitVersion('NCCL git version master be4d833-dirty')).toBeNull();
		expect(gitVersion('NCCL git version HEAD v2.29.2-1-5-g3e9b1a4c')).toBeNull();
		expect(gitVersion('NCCL git version unknown unknown')).toBeNull();
	});

	it('the version line wins over the git line (it names the CUDA build too)', () => {
		const s = read('vm:10:10 [0] NCCL INFO NCCL version 2.30.7+cuda13.0\nvm:10:10 [0] NCCL INFO NCCL git version HEAD v2.30.7-1\n');
		expect(s.nccl.version).toBe('2.30.7+cuda13.0');
		expect(read('vm:10:10 [0] NCCL INFO NCCL git version HEAD v2.31.2-1\n').nccl.version).toBe('2.31.2');
	});
});

describe('network plugin and devices (src/plugin/net.cc, src/transport/net_ib/init.cc)', () => {
	it('v2.27.3-1 → 2.31: "Assigned NET plugin %s to comm" names the network; an external plugin counts as found', () => {
		const s = read('vm:10:11 [0] NCCL INFO Initialized NET plugin AWS Libfabric\nvm:10:11 [0] NCCL INFO Assigned NET plugin AWS Libfabric to comm\n');
		expect([s.nccl.netPlugin, s.nccl.externalNetPlugin]).toEqual(['AWS Libfabric', true]);
		const ib = read('vm:10:11 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so\nvm:10:11 [0] NCCL INFO Initialized NET plugin IB\nvm:10:11 [0] NCCL INFO Assigned NET plugin IB to comm\n');
		expect([ib.nccl.netPlugin, ib.nccl.externalNetPlugin]).toEqual(['IB', false]);
	});

	it('v2.27.3-1: "Failed to initialize NET plugin IB" (INFO) means no usable IB device', () => {
		const s = read('vm:10:11 [0] NCCL INFO Failed to initialize NET plugin IB\nvm:10:11 [0] NCCL INFO Initialized NET plugin Socket\nvm:10:11 [0] NCCL INFO Assigned NET plugin Socket to comm\n');
		expect([s.nccl.ibDeviceFound, s.nccl.netPlugin]).toEqual([false, 'Socket']);
	});

	it('v2.30.7-1: a device entry may carry `:rail` and/or `:plane` after the port ("[1]mlx5_1:1::0/RoCE" has a plane and no rail)', () => {
		const s = read('vm:10:11 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1:2/IB [1]mlx5_1:1::0/RoCE [2]mlx5_2:1:3:1/IB [RO]; OOB eth0:10.0.0.1<0>\n');
		expect(s.nccl.netDevices.map(d => [d.name, d.port, d.linkLayer])).toEqual([
			['mlx5_0', 1, 'IB'],
			['mlx5_1', 1, 'RoCE'],
			['mlx5_2', 1, 'IB'],
		]);
	});

	it('the one INFO table reads each new prefix (fast and full path alike), the GIN line is noise', () => {
		for (const m of ['Assigned NET plugin IB to comm', 'Initialized NET plugin IB', 'Failed to initialize NET plugin IB', 'NCCL git version HEAD v2.30.7-1']) expect([m, classifyInfo(m, 0, m.length) !== null]).toEqual([m, true]);
		expect(classifyInfo('Assigned GIN plugin GIN_IB_GDAKI to comm', 0, 40)).toBeNull();
	});
});

describe('RAS client port (src/ras/client_support.cc rasClientInitSocket, 2.24 → 2.32)', () => {
	const ras = (where: string) => read(`\nvm:10:12 [0] ${where} NCCL WARN Call to bind failed: Address already in use\nvm:10:12 [0] NCCL INFO RAS failed to establish a client listening socket at localhost:28028\n`);

	it('v2.30.7-1 wording (with the function): kept as a WARN, never a failure; the finding is info', () => {
		const s = ras('ras/client_support.cc:179 (rasClientInitSocket)');
		expect(Object.values(s.warnGroups).map(g => g.where)).toEqual(['ras/client_support.cc:179']);
		expect(s.failures).toEqual([]);
		const f = ncclWarn(s, 0, opts);
		expect(f.map(x => x.severity)).toEqual(['info']);
		expect(f[0]!.message).toContain("RAS does not carry the job's traffic");
		expect(computeFindings(s, 0).filter(x => x.severity === 'error')).toEqual([]);
	});

	it('v2.29.2-1 wording (no function) reads the same', () => {
		const s = ras('ras/client_support.cc:181');
		expect(s.failures).toEqual([]);
		expect(ncclWarn(s, 0, opts)[0]!.severity).toBe('info');
	});

	it('a bind failure elsewhere is still a warning and a failure record (misc/socket.cc: port shortage)', () => {
		const s = ras('misc/socket.cc:137 (ncclSocketListen)');
		expect(s.failures.map(f => f.kind)).toEqual(['nccl-warn']);
		expect(ncclWarn(s, 0, opts)[0]!.severity).toBe('warn');
	});
});

describe('NCCL_RUN_DIAGNOSTICS / NCCL_RUN_RAS_DIAGNOSTICS reports (2.31.2: src/diagnostics.cc, src/diagnostics/p2p.cc, src/ras/diagnostics*.cc)', () => {
	it('reads the tag, the check and whether it failed', () => {
		expect(parseDiag('=== NCCL Diagnostics ===')).toMatchObject({report: 'active', kind: 'header', problem: false});
		expect(parseDiag('[OK]   p2p: all 56 directed GPU P2P edges verified')).toMatchObject({kind: 'ok', check: 'p2p', report: 'active', problem: false});
		expect(parseDiag('[INFO] p2p: 54/56 directed GPU P2P edges verified')).toMatchObject({kind: 'info', check: 'p2p', problem: true});
		expect(parseDiag('[INFO] ECC: unavailable via NVML for 8 ranks in comm 0x5fa31c27a9e0d1b4')).toMatchObject({kind: 'info', check: 'ECC', report: 'ras', problem: false});
		expect(parseDiag('[INFO] NCCL environment: diagnostics incomplete, gathered 7/8 ranks in comm 0x1/0x2/0x3 (RAS overlay may not be ready)')).toMatchObject({problem: false});
		expect(parseDiag('[INFO] transport detect returned 3')).toMatchObject({kind: 'info', check: null, problem: true});
		expect(parseDiag('NCCL diagnostics completed in 12.3 ms across 8 ranks')).toMatchObject({kind: 'done', report: 'active', ms: 12.3, ranks: 8});
		expect(parseDiag('RAS diagnostics completed in 38.4 ms across 16 RAS peers')).toMatchObject({kind: 'done', report: 'ras', ranks: 16});
	});

	it('a report where every check passed is one info finding', () => {
		const s = read(
			[
				'node01:4242 NCCL DIAG === NCCL Diagnostics ===',
				'node01:4242 NCCL DIAG [OK]   p2p: all 56 directed GPU P2P edges verified',
				'node01:4242 NCCL DIAG NCCL diagnostics completed in 12.3 ms across 8 ranks',
				'node01:4242 NCCL DIAG === RAS Diagnostics ===',
				'node01:4242 NCCL DIAG [OK]   ECC: no uncorrected volatile errors across 8 ranks in comm 0x5fa31c27a9e0d1b4',
				'node01:4242 NCCL DIAG RAS diagnostics completed in 38.4 ms across 8 ranks',
				'',
			].join('\n'),
		);
		expect(s.ncclDiag).toHaveLength(6);
		expect(ncclDiag(s, 0, opts)).toEqual([{id: 'nccl-diag', severity: 'info', subject: 'NCCL diagnostics on pod pod0', message: expect.stringContaining('every check passed (p2p and ECC)')}]);
	});

	it("a GPU pair that failed the active p2p check is an error with its line and NCCL's own advice", () => {
		const line =
			"[INFO] p2p: write mismatch srcRank=0 srcCudaDev=0 srcNvmlDev=0 dstRank=1 dstCudaDev=1 dstNvmlDev=1 path=NVL handle=CUMEM_POSIX_FD expected=0x0000000100000001 got=0x0000000000000000 verify=0x0000000000000000; check the single-node NVLink topology and peer-access state with 'nvidia-smi topo -m' and 'nvidia-smi topo -p2p n'";
		const s = read(`node01:4242 NCCL DIAG === NCCL Diagnostics ===\nnode01:4242 NCCL DIAG [INFO] p2p: 54/56 directed GPU P2P edges verified\nnode01:4242 NCCL DIAG ${line}\n`);
		const f = ncclDiag(s, 0, opts);
		expect(f).toHaveLength(1);
		expect(f[0]).toMatchObject({severity: 'error', subject: 'NCCL diagnostics: p2p on pod pod0'});
		expect(f[0]!.message).toMatch(/^"\[INFO\] p2p: 54\/56 directed GPU P2P edges verified" \(\+1 more, e\.g\. "\[INFO\] p2p: write mismatch srcRank=0/);
		expect(computeFindings(s, 0).some(x => x.id === 'nccl-diag' && x.severity === 'error')).toBe(true);
		// the DIAG line belongs to the process NCCL's own head names (same host, same pid)
		const s2 = read(`node01:4242:4250 [0] NCCL INFO cudaDriverVersion 12080\nnode01.example.com:4242 NCCL DIAG [INFO] p2p: 54/56 directed GPU P2P edges verified\n`);
		expect(Object.keys(s2.procs)).toHaveLength(1);
		expect(s2.ncclDiag[0]!.proc).toBe(Object.keys(s2.procs)[0]);
	});

	it('RAS: ranks with different NCCL_* values are a warning grouped by check; "unavailable" is not', () => {
		const s = read(
			[
				'node01:4242 NCCL DIAG [INFO] NCCL environment: mismatch across 16 ranks in comm 0x5fa31c27a9e0d1b4 for NCCL_BUFFSIZE',
				'node01:4242 NCCL DIAG [INFO] NCCL environment: NCCL_BUFFSIZE=(unset) on rank(s) {0,1,2,3,4,5,6,7}',
				'node01:4242 NCCL DIAG [INFO] ECC: unavailable via NVML for 16 ranks in comm 0x5fa31c27a9e0d1b4',
				'',
			].join('\n'),
		);
		const f = ncclDiag(s, 0, opts);
		expect(f.map(x => [x.severity, x.subject])).toEqual([['warn', 'NCCL diagnostics: NCCL environment on pod pod0']]);
		expect(f[0]!.message).toContain('for NCCL_BUFFSIZE');
		expect(f[0]!.message).toContain('same NCCL env');
	});
});

describe('NCCL 2.28 on IB hosts: the plugin lines 2.29+ keep (NVIDIA/nccl#1925)', () => {
	it('reads the assigned network, the IB HCA and the missing external plugin', () => {
		const s = loadExcerpt('nccl-2.28-ib-net-plugin-assigned.log');
		expect([s.nccl.netPlugin, s.nccl.externalNetPlugin, s.nccl.ibDeviceFound]).toEqual(['IB', false, true]);
		expect([...new Set(s.nccl.netDevices.map(d => `${d.name}:${d.port}/${d.linkLayer}`))]).toEqual(['mlx5_0:1/IB']);
		expect(s.nccl.env.NCCL_IB_HCA).toBe('mlx5_0');
		const c = s.comms['0x2f24707b1170cb7f']!;
		expect([c.nranks, c.ranksStarted, c.ranksComplete]).toEqual([8, 1, 0]);
	});

	it('three ranks of the 8-rank comm start on two hosts; the RAS listening lines are no warning', () => {
		const s = loadExcerpt('nccl-2.28-ras-listening-init-start.log');
		const c = s.comms['0x2f24707b1170cb7f']!;
		expect([c.nranks, c.ranksStarted]).toEqual([8, 3]);
		expect(
			Object.keys(c.members)
				.map(Number)
				.sort((a, b) => a - b),
		).toEqual([1, 2, 6]);
		expect([Object.keys(s.warnGroups).length, s.failures.length]).toEqual([0, 0]);
		expect(s.nccl.netPlugin).toBe('IB');
	});
});
