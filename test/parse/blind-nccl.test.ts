/**
 * A blind reading of NCCL logs the parser's rules were not written from: nine excerpts from
 * public threads (NCCL 2.18 … 2.30.4; RoCE and IB across two hosts, an HPC-X IB plugin, AWS EFA
 * through aws-ofi-nccl, a GB200 box, single-GPU and one-process-two-GPU desktops), some cut
 * mid-init, some failing. Each file in test/fixtures/public/ has its row in SOURCES.md. What each
 * test expects was read off the excerpt by a person first (the comment quotes the line), then the
 * parser was run on it.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseInto, publicDir} from '../helpers/load-scenario.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {derivePhase} from '../../source/model/phase.js';
import {computeFindings} from '../../source/findings/index.js';

/** Each `[pod, file]` read as that pod's whole log, then the source ended. */
function load(...logs: [pod: string, file: string][]): RolloutState {
	let state = emptyState({kind: 'files', files: logs.map(l => l[1])});
	for (const [pod, file] of logs) state = parseInto(state, pod, [readFileSync(path.join(publicDir, file))]);
	return reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
}

/** Several runs of one post read as one stream of one pod, in order (one parser: the pointers it learnt carry over). */
function loadRuns(pod: string, ...files: string[]): RolloutState {
	const state = parseInto(
		emptyState({kind: 'files', files}),
		pod,
		files.map(f => readFileSync(path.join(publicDir, f))),
	);
	return reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
}

const commIds = (s: RolloutState) => Object.keys(s.comms).sort();
const rankOf = (s: RolloutState, commId: string) => Object.fromEntries(Object.values(s.comms[commId]!.members).map(m => [m.proc, m.rank]));

describe('NCCL 2.30.4, 4 ranks on two RoCE hosts, `[Rank N]` Init STARTs and the RAS port taken (NVIDIA/nccl#2397)', () => {
	const s = load(['pod0', 'nccl-2.30.4-roce-two-hosts-rank-init-ras-bind-warn.log']);

	it('puts ranks 0–3 of comm 0xef3a13f82ff54f6a on ubuntu2 (0, 1) and ubuntu4 (2, 3), still initializing', () => {
		// `ubuntu2:321049:321049 [0] NCCL INFO [Rank 0] ncclCommInitRank comm 0x5612d31d6590 rank 0 nranks 4 … busId 69000 commId 0xef3a13f82ff54f6a - Init START`
		expect(commIds(s)).toEqual(['0xef3a13f82ff54f6a']);
		expect(rankOf(s, '0xef3a13f82ff54f6a')).toEqual({'pod0|ubuntu2|321049': 0, 'pod0|ubuntu2|321050': 1, 'pod0|ubuntu4|251907': 2, 'pod0|ubuntu4|251908': 3});
		expect(s.procs['pod0|ubuntu4|251908']!.busId).toBe('b1000');
		expect(derivePhase(s)).toBe('nccl-init');
	});

	it('reads the IB plugin over RoCE HCAs, and the four timestamped RAS bind WARNs as no failure', () => {
		// `NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB ens16f1:…`, `Initialized NET plugin IB`, `Using network IB`
		expect(s.nccl.netPlugin).toBe('IB');
		expect(s.nccl.ibInUse?.linkLayer).toBe('RoCE');
		// `[2026-09-09 11:29:56] ubuntu2:321049:321049 [0] ras/client_support.cc:181 NCCL WARN Call to bind failed: Address already in use` ×4
		expect(s.failures).toEqual([]);
		const ras = computeFindings(s, s.lastTs ?? 0).filter(f => f.id === 'nccl-warn');
		expect(ras.map(f => f.severity)).toEqual(['info']);
	});
});

describe('NCCL 2.30.4, two ncclCommShrink children (`parent … childCount 0 color 0`) of that comm (NVIDIA/nccl#2397)', () => {
	it('joins them into one 2-rank comm under the parent commId when the parents’ Init lines are read first', () => {
		// run 1: `[Rank 2] ncclCommInitRank comm 0x56461d4d4c10 … commId 0xef3a13f82ff54f6a`, `[Rank 3] … comm 0x560a4f522ae0 …`;
		// run 2: `ncclCommShrink comm 0x564621c3e210 rank 0 nranks 2 … parent 0x56461d4d4c10 childCount 0 color 0 key 2- Init START`
		//        `ncclCommShrink comm 0x560a53c8c740 rank 1 nranks 2 … parent 0x560a4f522ae0 childCount 0 color 0 key 3- Init START`
		const s = loadRuns('pod0', 'nccl-2.30.4-roce-two-hosts-rank-init-ras-bind-warn.log', 'nccl-2.30.4-roce-shrink-children-init-start.log');
		expect(commIds(s)).toEqual(['0xef3a13f82ff54f6a', '0xef3a13f82ff54f6a/0']);
		const child = s.comms['0xef3a13f82ff54f6a/0']!;
		expect(child.nranks).toBe(2);
		// `comm 0x564621c3e210 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0`
		expect(child.nNodes).toBe(1);
		expect(rankOf(s, '0xef3a13f82ff54f6a/0')).toEqual({'pod0|ubuntu4|251907': 0, 'pod0|ubuntu4|251908': 1});
	});

	it('on its own (the parents not in the log) keeps each child under its process’s parent pointer', () => {
		const s = load(['pod0', 'nccl-2.30.4-roce-shrink-children-init-start.log']);
		expect(Object.values(s.comms).map(c => c.nranks)).toEqual([2, 2]);
		expect(derivePhase(s)).toBe('nccl-init');
	});
});

describe('NCCL 2.29.7, one RTX 5090, no IB device, Socket (eunomia-bpf/nccl-eBPF docs/tmp/phase0-results.md)', () => {
	const s = load(['pod0', 'nccl-2.29.7-single-gpu-socket-ib-no-device.log']);

	it('reads version, driver, the 1-rank comm and the Socket network', () => {
		// `NCCL version 2.29.7+cuda12.9`, `cudaDriverVersion 12090`, `[Rank 0] ncclCommInitRankConfig comm 0x5967f7993f30 rank 0 nranks 1 … busId 2000 commId 0x9557dc94fa58b484 - Init START`
		expect(s.nccl.version).toBe('2.29.7+cuda12.9');
		expect(s.nccl.cudaDriverVersion).toBe(12090);
		expect(commIds(s)).toEqual(['0x9557dc94fa58b484']);
		expect(s.comms['0x9557dc94fa58b484']!.nranks).toBe(1);
		expect(s.nccl.netPlugin).toBe('Socket');
		expect(s.nccl.bootstrapInterface).toBe('enp129s0');
	});

	it('does not call IB in use from `NET/IB : Using [RO]; OOB …` with no device before `[RO]`', () => {
		// `NET/IB : No device found.` then `NET/IB : Using [RO]; OOB enp129s0:…` and `Failed to initialize NET plugin IB`
		expect(s.nccl.ibInUse ?? null).toBeNull();
		expect(s.nccl.netDevices.filter(d => d.linkLayer === 'IB' || d.linkLayer === 'RoCE')).toEqual([]);
	});
});

describe('NCCL 2.21–2.22, an ncclCommSplit child over the HPC-X IBext_v8 plugin with GDR (NVIDIA/nccl#1605)', () => {
	const s = load(['pod0', 'nccl-2.21-split-comm-ibext-gdrdma-collnet.log']);

	it('names the child by its commId, rank 0 of 2 on 2 nodes, and its NET/IBext_v8/GDRDMA link', () => {
		// `ncclCommSplit comm 0x595122703ca0 rank 0 nranks 2 … busId 1a000 parent 0x5951213c0f90 color 1684518034 key 0 commId 0x5a16c3838ce6f1f8 - Init START`
		expect(commIds(s)).toEqual(['0x5a16c3838ce6f1f8']);
		const c = s.comms['0x5a16c3838ce6f1f8']!;
		expect(c.nranks).toBe(2);
		expect(c.nNodes).toBe(2);
		expect(c.members[0]!.proc).toBe('pod0|myhost|2261199');
		// `Channel 00/0 : 1[0] -> 0[0] [receive] via NET/IBext_v8/0/GDRDMA`
		expect(c.links.map(l => `${l.fromRank}->${l.toRank} ${l.dir} ${l.raw}`)).toEqual(['1->0 receive NET/IBext_v8/0/GDRDMA']);
		expect(s.nccl.ibInUse?.from).toBe('channel');
		// `NCCL_COLLNET_ENABLE set by environment to 1.`
		expect(s.nccl.env['NCCL_COLLNET_ENABLE']).toBe('1');
	});
});

describe('NCCL 2.23+, a GB200 log that starts at rank 0’s ring order (NVIDIA/nccl#1769)', () => {
	const s = load(['pod0', 'nccl-2.23plus-gb200-starts-at-ring-order.log']);

	it('knows a 4-rank comm with rank 0 in pid 2101742, and that the log ends inside its init', () => {
		// `gb200a-04:2101742:2101799 [0] NCCL INFO Channel 17/32 : 0 1 2 3` … `Channel 31/32 : 0 1 2 3`: printed only inside ncclCommInitRank
		const cs = Object.values(s.comms);
		expect(cs.map(c => c.nranks)).toEqual([4]);
		expect(cs[0]!.members[0]!.proc).toBe('pod0|gb200a-04|2101742');
		expect(derivePhase(s)).toBe('nccl-init');
	});
});

describe('NCCL 2.26–2.27 on AWS EFA through aws-ofi-nccl (NVIDIA/nccl#1597)', () => {
	const s = load(['pod0', 'nccl-2.26-efa-ofi-libfabric-two-hosts.log']);

	it('reads `Using network Libfabric` on two hosts, with the external plugin loaded and no socket fallback', () => {
		// `8h200-2:6831:6840 [0] NCCL INFO Using network Libfabric`, `8h200-3:6310:6318 [0] NCCL INFO NET/OFI Selected Provider is efa (found 16 nics)`
		expect(s.nccl.netPlugin).toBe('Libfabric');
		expect(s.nccl.externalNetPlugin).toBe(true);
		expect(
			Object.values(s.procs)
				.map(p => p.host)
				.sort(),
		).toEqual(['8h200-2', '8h200-3']);
		const ids = computeFindings(s, s.lastTs ?? 0).map(f => f.id);
		expect(ids).not.toContain('net-plugin-missing');
		expect(ids).not.toContain('inter-node-over-socket');
	});
});

describe('NCCL 2.21+ with HPC-X’s IB plugin: an IB completion error on one of two hosts (NVIDIA/nccl-tests#252)', () => {
	const s = load(['pod0', 'nccl-2.21plus-hpcx-ib-completion-error-two-hosts.log']);

	it('places ranks 0, 1 on kolyoz1 and 4–7 on kolyoz2 in comm 0x996ee6f117cb8e1e', () => {
		// `kolyoz2:25146:25827 [0] NCCL INFO ncclCommInitRank comm 0x559d5aa8ca00 rank 4 nranks 8 … busId 42000 commId 0x996ee6f117cb8e1e - Init START`
		expect(rankOf(s, '0x996ee6f117cb8e1e')).toEqual({
			'pod0|kolyoz1|27255': 0,
			'pod0|kolyoz1|27223': 1,
			'pod0|kolyoz2|25146': 4,
			'pod0|kolyoz2|25172': 5,
			'pod0|kolyoz2|25169': 6,
			'pod0|kolyoz2|25148': 7,
		});
	});

	it('says IB is in use from the plugin’s own `NET/IB : Got completion …` WARN (file ib_plugin.c, not transport/net_ib.cc)', () => {
		// `kolyoz2:25146:25854 [0] ib_plugin.c:1105 NCCL WARN NET/IB : Got completion from peer 10.0.35.1<49189> with error 4, opcode 5327, len 5327, vendor err 81 (Send)`
		expect(s.nccl.ibInUse).toMatchObject({from: 'warn'});
		expect(s.nccl.ibInUse!.evidence).toMatch(/^NET\/IB : Got completion from peer 10\.0\.35\.1<49189> with error 4/);
		const w = computeFindings(s, s.lastTs ?? 0).find(f => f.id === 'nccl-warn');
		expect(w?.message).toMatch(/IBV_WC_LOC_PROT_ERR/);
	});

	it('fails pid 25146 there: the transport returns ncclRemoteError and `-> 6 [Progress Thread]` makes it the comm’s async error', () => {
		// `kolyoz2:25146:25854 [0] NCCL INFO proxy.cc:878 -> 6 [Progress Thread]` (src/proxy.cc: proxyState->asyncResult)
		const err = s.failures.filter(f => f.kind === 'nccl-error');
		expect(err.map(f => [f.proc, f.remote])).toEqual([['pod0|kolyoz2|25146', false]]);
		expect(err[0]!.message).toContain('peer 10.0.35.1<49189>');
		expect(s.procs['pod0|kolyoz2|25146']!.state).toBe('failed');
		expect(derivePhase(s)).toBe('failed');
	});

	it('pid 27255 on kolyoz1 printed no WARN, only `proxy.cc:878 -> 6 [Progress Thread]`: ncclRemoteError, a peer’s failure, not the root cause', () => {
		// `kolyoz1:27255:27934 [0] NCCL INFO proxy.cc:698 -> 6`, then `… proxy.cc:878 -> 6 [Progress Thread]`
		const mine = s.failures.filter(f => f.proc === 'pod0|kolyoz1|27255');
		expect(mine.map(f => [f.kind, f.remote, f.rank, f.message])).toEqual([['remote-error', true, 0, 'ncclRemoteError (6) at proxy.cc:878 [Progress Thread]']]);
		// the process whose IB completion failed is still the first failure of its own
		expect(s.failures.find(f => !f.remote)?.proc).toBe('pod0|kolyoz2|25146');
	});
});

describe('NCCL 2.18-era: CUDA out of memory in one process, “Connection closed by remote peer” in its neighbour (NVIDIA/nccl#1235)', () => {
	const s = load(['pod0', 'nccl-2.1x-cuda-oom-then-connection-closed.log']);

	it('records the OOM of pid 3063028 as a failure of that process, and the failed phase', () => {
		// `ng30903:3063028:3066152 [3] include/alloc.h:178 NCCL WARN Cuda failure 'out of memory'`, then `Failed to CUDA calloc 6291456 bytes`
		const oom = s.failures.filter(f => f.kind === 'cuda-oom');
		expect(oom.map(f => [f.proc, f.message])).toEqual([['pod0|ng30903|3063028', "Cuda failure 'out of memory'"]]);
		expect(derivePhase(s)).toBe('failed');
	});

	it('names the OOM process as the one that failed first, and the closed connection as its follow-on', () => {
		// `ng30903:3063025:3066048 [0] misc/socket.cc:49 NCCL WARN socketProgress: Connection closed by remote peer ng30903-ib…<51159>`
		const fs = computeFindings(s, s.lastTs ?? 0);
		expect(fs.find(f => f.id === 'cuda-oom')).toMatchObject({severity: 'error', subject: expect.stringContaining('3063028')});
		const first = fs.find(f => f.id === 'rank-exited' && f.severity === 'error');
		expect(first?.subject).toContain('3063028');
		expect(first?.message).toMatch(/first failure/);
	});
});

describe('NCCL 2.26.2, ncclCommInitAll: one process drives both ranks on two RTX 5090 (tinygrad/open-gpu-kernel-modules#35)', () => {
	const s = load(['pod0', 'nccl-2.26.2-one-process-two-gpus-initall-socket.log']);

	it('reads both Init STARTs of comm 0x5ff11f9dc5c16162 from pid 28273, version and Socket', () => {
		// `lam-MU72-SU0-00:28273:28337 [0] NCCL INFO ncclCommInitAll comm 0x62fb8090ffb0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId c3000 commId 0x5ff11f9dc5c16162 - Init START`
		// `lam-MU72-SU0-00:28273:28338 [1] NCCL INFO ncclCommInitAll comm 0x62fb809979a0 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId ca000 commId 0x5ff11f9dc5c16162 - Init START`
		expect(commIds(s)).toEqual(['0x5ff11f9dc5c16162']);
		expect(s.comms['0x5ff11f9dc5c16162']!.ranksStarted).toBe(2);
		expect(s.nccl.version).toBe('2.26.2+cuda12.8');
		expect(s.nccl.netPlugin).toBe('Socket');
		expect(s.nccl.ibInUse ?? null).toBeNull();
	});

	// one row per GPU (model/procs.ts gpuProcKey): each Init line names its own rank, cudaDev and bus id
	it('shows two ranks of pid 28273: rank 0 busId c3000 cudaDev 0 and rank 1 busId ca000 cudaDev 1', () => {
		const rows = Object.values(s.procs)
			.map(p => `${p.host}:${p.pid} rank ${p.worldRank} cudaDev ${p.cudaDev} busId ${p.busId}`)
			.sort();
		expect(rows).toEqual(['lam-MU72-SU0-00:28273 rank 0 cudaDev 0 busId c3000', 'lam-MU72-SU0-00:28273 rank 1 cudaDev 1 busId ca000']);
	});
});
