/**
 * Log excerpts quoted in public GitHub issues, for NCCL and vLLM versions and hosts
 * the recorded corpus (NCCL 2.28.9, one H200 host, no IB) does not cover: NCCL 2.18–2.27,
 * InfiniBand and RoCE hosts, GPU Direct RDMA, vLLM 0.7 (V0) and 0.9 (V1) startup lines.
 * Each file in test/fixtures/public/ is named in SOURCES.md beside it (issue URL,
 * versions, caveats). Every expected value below was read off the excerpt by a person,
 * not copied from the parser's output.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseInto, publicDir} from '../helpers/load-scenario.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {derivePhase} from '../../source/model/phase.js';

const dir = publicDir;

/** Each `[pod, file]` read as that pod's whole log, then the source ended. */
function load(...logs: [pod: string, file: string][]): RolloutState {
	let state = emptyState({kind: 'files', files: logs.map(l => l[1])});
	for (const [pod, file] of logs) state = parseInto(state, pod, [readFileSync(path.join(dir, file))]);
	return reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
}

const procsOf = (s: RolloutState) => Object.values(s.procs);
const devices = (s: RolloutState) => s.nccl.netDevices.map(d => ({name: d.name, port: d.port, linkLayer: d.linkLayer})).sort((a, b) => a.name.localeCompare(b.name));
const uniq = <T>(xs: T[]) => [...new Set(xs.map(x => JSON.stringify(x)))].map(x => JSON.parse(x) as T);

describe('NCCL 2.18.5 on a RoCE host (NVIDIA/nccl#1052)', () => {
	const s = load(['pod0', 'nccl-2.18.5-roce-startup.log']);

	it('reads the raw (unprefixed) version line, driver, bootstrap interface and missing net plugin', () => {
		expect(s.nccl.version).toBe('2.18.5+cuda12.0');
		expect(s.nccl.cudaDriverVersion).toBe(12020);
		expect(s.nccl.bootstrapInterface).toBe('enp24s0np0');
		// 2.18 "NET/Plugin : Plugin load (libnccl-net.so) returned 2 : …" then "No plugin found, using internal implementation"
		expect(s.nccl.externalNetPlugin).toBe(false);
		expect(s.nccl.netPlugin).toBe('IB');
	});

	it('sees the one RoCE HCA both hosts use, port 1', () => {
		expect(uniq(devices(s))).toEqual([{name: 'mlx5_4', port: 1, linkLayer: 'RoCE'}]);
		expect(s.nccl.ibDeviceFound).toBe(true);
	});

	it('records NCCL_IB_HCA, which NCCL reports only as "NCCL_IB_HCA set to …"', () => {
		expect(s.nccl.env.NCCL_IB_HCA).toBe('mlx5_4');
	});

	it('knows the two processes by host and pid', () => {
		expect(
			procsOf(s)
				.map(p => `${p.host}:${p.pid}`)
				.sort(),
		).toEqual(['node2:14159', 'node4:565139']);
	});
});

describe('NCCL 2.19/2.20 on a RoCE host with GPU Direct RDMA disabled (NVIDIA/nccl#1537)', () => {
	const s = load(['pod0', 'nccl-2.19-roce-gdr-disabled.log']);

	it('lists both RoCE HCAs', () => {
		expect(devices(s)).toEqual([
			{name: 'mlx5_0', port: 1, linkLayer: 'RoCE'},
			{name: 'mlx5_1', port: 1, linkLayer: 'RoCE'},
		]);
		expect(s.nccl.netPlugin).toBe('IB');
	});

	it('reads the caller-less Init START of 2.19–2.20 (nvmlDev, commId)', () => {
		const c = s.comms['0x65e0bd6ee7449db4']!;
		expect(c.nranks).toBe(16);
		expect(c.ranksStarted).toBe(1);
		expect(c.state).toBe('initializing');
		const p = procsOf(s)[0]!;
		expect([p.host, p.pid, p.busId, p.cudaDev, p.nvmlDev]).toEqual(['hostname1', 25668, '1c000', 0, 0]);
		expect(c.members[0]!.proc).toBe(p.key);
	});

	it('has GDR disabled for GPU 1c000 with each HCA', () => {
		const g = s.gdr.map(e => ({host: e.host, gpu: e.gpu, hca: e.hca, enabled: e.enabled})).sort((a, b) => a.hca.localeCompare(b.hca));
		expect(g).toEqual([
			{host: 'hostname1', gpu: '1c000', hca: 'mlx5_0', enabled: false},
			{host: 'hostname1', gpu: '1c000', hca: 'mlx5_1', enabled: false},
		]);
	});
});

describe('NCCL 2.21.5, 2 nodes over IB with the HPC-X SHARP plugin, then IB completion errors (NVIDIA/nccl#1737)', () => {
	const s = load(['gh-3714u06', 'nccl-2.21.5-ib-sharp-roce-node0.log'], ['gh-3714u15', 'nccl-2.21.5-ib-completion-warn-node1.log']);

	it('reads version, driver, bootstrap interface and the external plugin network', () => {
		expect(s.nccl.version).toBe('2.21.5+cuda12.4');
		expect(s.nccl.cudaDriverVersion).toBe(12040);
		expect(s.nccl.bootstrapInterface).toBe('ib0.0065');
		expect(s.nccl.netPlugin).toBe('IBext_v8');
		// HPC-X's libnccl-net.so was loaded ("Plugin Path : /opt/hpcx/…/libnccl-net.so", "Using network IBext_v8")
		expect(s.nccl.externalNetPlugin).toBe(true);
	});

	it('lists four IB HCAs (`/IB/SHARP`) and one RoCE HCA', () => {
		expect(devices(s)).toEqual([
			{name: 'mlx5_0', port: 1, linkLayer: 'IB'},
			{name: 'mlx5_1', port: 1, linkLayer: 'IB'},
			{name: 'mlx5_2', port: 1, linkLayer: 'RoCE'},
			{name: 'mlx5_4', port: 1, linkLayer: 'IB'},
			{name: 'mlx5_5', port: 1, linkLayer: 'IB'},
		]);
	});

	it('has a 2-rank communicator over 2 nodes, one rank per node, rank 0 on busId 19000', () => {
		const c = s.comms['0xb458bb774b113b3a']!;
		expect([c.nranks, c.nNodes, c.localRanks]).toEqual([2, 2, 1]);
		expect(c.state).toBe('initializing');
		const p = s.procs[c.members[0]!.proc]!;
		expect([p.pod, p.host, p.pid, p.busId]).toEqual(['gh-3714u06', 'gh-3714u06', 4197, '19000']);
		expect(c.ringOrders?.map(o => o.ranks)).toEqual([
			[0, 1],
			[0, 1],
		]);
	});

	it('keeps the IB completion WARNs with their file:line on the other node', () => {
		const warns = s.failures.filter(f => f.kind === 'nccl-warn');
		expect(warns.length).toBeGreaterThan(0);
		for (const w of warns) {
			expect(w.pod).toBe('gh-3714u15');
			expect(w.where).toBe('ib_plugin.c:1007');
			expect(w.message).toMatch(/^NET\/IB : Got completion from peer 10\.1\.32\.3<\d+> with error 5, opcode 0, len 0, vendor err 249$/);
		}
		const groups = Object.values(s.warnGroups).filter(g => g.where === 'ib_plugin.c:1007');
		expect(groups.reduce((n, g) => n + g.count, 0)).toBe(4);
	});
});

describe('NCCL 2.22, one process driving 8 GPUs of a 16-rank IB job (NVIDIA/nccl#1412)', () => {
	const s = load(['pod0', 'nccl-2.22-ib-channels-init-timings.log']);
	const c = s.comms['0x49bbd7790311d5eb']!;

	it('completes ranks 0, 1, 4, 5, 6 of 16 with their bus ids; rank 7 of the same process is known from its channel line only', () => {
		expect(c.nranks).toBe(16);
		expect(c.ranksComplete).toBe(5);
		const done = Object.values(c.members).filter(m => m.state === 'ready');
		expect(done.map(m => m.rank).sort((a, b) => a - b)).toEqual([0, 1, 4, 5, 6]);
		// `swat1-04:2017630:2017697 [7] … Channel 00/0 : 7[7] -> 6[6] via P2P/direct pointer/read`: printed by rank 7, whose COMPLETE is not in the excerpt
		expect(c.members[7]).toMatchObject({proc: 'pod0|swat1-04|2017630', state: 'initializing'});
		// the channel lines came before any Init line: no second, unnamed comm is left over
		expect(Object.keys(s.comms)).toEqual(['0x49bbd7790311d5eb']);
	});

	it('says the IB transport is used, from the `[send] via NET/IB/3` channel (no `Using network IB` in the excerpt)', () => {
		expect(s.nccl.ibInUse).toMatchObject({from: 'channel', evidence: 'Channel 03/0 : 5[5] -> 12[4] [send] via NET/IB/3'});
	});

	it('reads the 2.22 `Init timings: rank …` (no caller, no alloc) of ranks 0 and 6', () => {
		expect(c.members[0]!.initTimings).toMatchObject({total: 1.08, kernels: 0.51, bootstrap: 0.22, topo: 0.28});
		expect(c.members[6]!.initTimings).toMatchObject({total: 1.08, kernels: 0.5});
		expect(c.members[0]!.initTimings!.alloc).toBeUndefined();
	});

	it('sees IB without GDR between nodes and P2P direct pointers inside the process', () => {
		expect([...c.transports].sort()).toEqual(['NET/IB', 'P2P/direct']);
		const net = c.links.filter(l => l.transport === 'NET/IB').map(l => `${l.fromRank}->${l.toRank} ${l.dir} ${l.raw}`);
		expect(uniq(net).sort()).toEqual(['13->4 receive NET/IB/3', '5->12 send NET/IB/3']);
	});

	// 2017630 is one pid with cudaDev 0,1,4,5,6 (nccl-tests `-g 8` style): each GPU is a rank
	it('shows one rank per GPU of that one process: ranks 0, 1, 4, 5, 6 on busIds 7000, b000, 88000, 8b000, c8000, each ready', () => {
		const rows = Object.values(s.procs)
			.filter(p => p.pid === 2017630)
			.map(p => [p.worldRank, p.cudaDev, p.busId, p.state])
			.sort((a, b) => (a[0] as number) - (b[0] as number));
		expect(rows).toEqual([
			[0, 0, '7000', 'ready'],
			[1, 1, 'b000', 'ready'],
			[4, 4, '88000', 'ready'],
			[5, 5, '8b000', 'ready'],
			[6, 6, 'c8000', 'ready'],
		]);
	});
});

describe('NCCL 2.24+ in a vLLM worker: IB with GPU Direct RDMA, lazy channel setup (vllm-project/vllm#27521)', () => {
	const s = load(['pod0', 'nccl-2.24plus-vllm-ib-gdrdma.log']);
	const c = s.comms['0x94943da86deb14a3']!;

	it('completes rank 0 of 4 on busId 75000 with 2.23+ `Init timings - ncclCommInitRank:` (alloc included)', () => {
		expect(c.nranks).toBe(4);
		expect(c.ranksComplete).toBe(1);
		expect(s.procs[c.members[0]!.proc]!.busId).toBe('75000');
		expect(c.members[0]!.initTimings).toMatchObject({total: 0.17, alloc: 0, topo: 0.15, allgathers: 0.02});
	});

	it('puts the NET/IB/9/GDRDMA channels printed after Init COMPLETE on that comm', () => {
		expect(c.transports).toEqual(['NET/IB/GDRDMA']);
		const l = c.links.map(x => `${x.fromRank}->${x.toRank} ${x.dir} ${x.raw}`).sort();
		expect(uniq(l)).toEqual(['0->1 send NET/IB/9/GDRDMA', '0->2 send NET/IB/9/GDRDMA', '1->0 receive NET/IB/9/GDRDMA', '2->0 receive NET/IB/9/GDRDMA']);
	});

	it('says the IB transport is used, from its first NET/IB channel', () => {
		expect(s.nccl.ibInUse).toMatchObject({from: 'channel', evidence: 'Channel 01/0 : 0[2] -> 1[2] [send] via NET/IB/9/GDRDMA'});
	});

	it('records the IB tuning variables without their trailing dot', () => {
		expect(s.nccl.env).toMatchObject({NCCL_IB_GID_INDEX: '3', NCCL_IB_TC: '128', NCCL_IB_TIMEOUT: '18', NCCL_IB_RETRY_CNT: '15'});
	});
});

describe('NCCL 2.26 in a vLLM worker: a timestamped WARN (vllm-project/vllm#19204)', () => {
	const s = load(['pod0', 'nccl-2.26-vllm-ras-bind-warn.log']);

	it('reads the WARN behind its `[date time]` stamp with file:line', () => {
		const w = Object.values(s.warnGroups);
		expect(w.map(g => [g.where, g.message])).toEqual([['ras/client_support.cc:160', 'Call to bind failed: Address already in use']]);
		// a second process per host failing to bind the RAS port is noise, not a failure
		expect(s.failures.filter(f => f.kind === 'nccl-warn')).toEqual([]);
		const p = procsOf(s).find(x => x.warnings > 0)!;
		expect([p.host, p.pid]).toEqual(['paula09', 2528104]);
		// 2.26 stamps are local time with no zone (log-formats.md §1.1): the day is certain
		expect(new Date(s.firstTs!).toISOString().slice(0, 10)).toBe('2025-06-05');
	});

	it('records NCCL_CUMEM_ENABLE=0 and NCCL_P2P_DISABLE=1', () => {
		expect(s.nccl.env).toMatchObject({NCCL_CUMEM_ENABLE: '0', NCCL_P2P_DISABLE: '1'});
	});

	it('keeps a comm seen only from its summary line (`comm 0xe3cacf0 rank 1 nRanks 2 nNodes 1`): a log that starts after Init START', () => {
		// no Init line names a commId: the comm is this process's pointer
		const p = procsOf(s)[0]!;
		expect(Object.keys(s.comms)).toEqual([`${p.key}@0xe3cacf0`]);
		const c = s.comms[`${p.key}@0xe3cacf0`]!;
		expect([c.nranks, c.nNodes, c.localRanks]).toEqual([2, 1, 2]);
		expect(c.members[1]).toMatchObject({proc: p.key, ptr: '0xe3cacf0', state: 'initializing'});
		expect(p.comms).toEqual([c.id]);
		// `Trees [0] -1/-1/-1->1->0 [1] -1/-1/-1->1->0`: rank 1 is a leaf under rank 0 on both channels
		expect(c.members[1]!.tree).toEqual([
			{channel: 0, up: 0, down: []},
			{channel: 1, up: 0, down: []},
		]);
		// `Channel 00 : 1[1] -> 0[0] via SHM/direct/direct` twice (NCCL_P2P_DISABLE=1), then `Connected all rings … GDR 1`
		expect(c.transports).toEqual(['SHM']);
		expect(c.links.map(l => [l.fromRank, l.toRank, l.raw, l.channels])).toEqual([[1, 0, 'SHM/direct/direct', 2]]);
		expect(c.ringsGdr).toBe(1);
		// rank 0 and the COMPLETE are not in the excerpt: still setting up
		expect([c.state, c.ranksStarted, c.ranksComplete]).toEqual(['initializing', 1, 0]);
	});
});

describe('NCCL 2.27.6, two hosts (NVIDIA/nccl#1866)', () => {
	const s = load(['pod0', 'nccl-2.27.6-bootstrap.log']);

	it('reads the INFO-level version line, 2.24+ `Bootstrap: Using`, and the socket interface', () => {
		expect(s.nccl.version).toBe('2.27.6+cuda13.0');
		expect(s.nccl.cudaDriverVersion).toBe(13000);
		expect(s.nccl.bootstrapInterface).toBe('enp9s0np0');
		expect(s.nccl.env.NCCL_SOCKET_IFNAME).toBe('enp9s0np0');
		// 2.26+ "NET/Plugin: Could not find: libnccl-net.so."
		expect(s.nccl.externalNetPlugin).toBe(false);
		expect(
			procsOf(s)
				.map(p => `${p.host}:${p.pid}`)
				.sort(),
		).toEqual(['cl4-gpu03-vm:1134070', 'cl4-gpu04-vm:67905']);
	});
});

describe('PyTorch ProcessGroupNCCL watchdog timeouts (XPixelGroup/BasicSR#737)', () => {
	const s = load(['pod0', 'torch-watchdog-timeout.log']);

	it('records one collective timeout per rank, with where and the collective', () => {
		const t = s.failures.filter(f => f.kind === 'watchdog-timeout');
		expect(t.map(f => f.rank)).toEqual([1, 0, 2]);
		for (const f of t) {
			expect(f.where).toBe('ProcessGroupNCCL.cpp:616');
			expect(f.message).toContain('WorkNCCL(SeqNum=808, OpType=ALLREDUCE');
			expect(f.message).toContain('Timeout(ms)=600000');
		}
		expect(derivePhase(s)).toBe('failed');
	});
});

describe('vLLM 0.7.1 V0 engine, TP=2 over NCCL sockets (vllm-project/vllm#12663, #12664)', () => {
	it('reads the V0 engine config', () => {
		const e = load(['pod0', 'vllm-0.7.1-v0-engine-config.log']).engine!;
		expect(e.vllmVersion).toBe('0.7.1');
		expect(e.model).toBe('/home/bruce/Downloads/models/Qwen2.5-32B-Instruct');
		expect(e.servedModelName).toBe('/home/bruce/Downloads/models/Qwen2.5-32B-Instruct');
		expect([e.tensorParallelSize, e.pipelineParallelSize, e.maxSeqLen]).toEqual([2, 1, 12288]);
		expect(e.dtype).toBe('torch.bfloat16');
		expect(e.quantization).toBeNull();
		expect([e.prefixCaching, e.chunkedPrefill]).toEqual([false, false]);
		expect(e.config).toMatchObject({enforce_eager: 'True', kv_cache_dtype: 'auto', device_config: 'cuda', load_format: 'LoadFormat.AUTO', use_cached_outputs: 'True'});
	});

	it('ties the worker prefix pid to its NCCL rank and sees the 2-rank comm on one node', () => {
		const s = load(['pod0', 'vllm-0.7.1-v0-tp2-nccl-socket.log']);
		expect(s.nccl.netPlugin).toBe('Socket');
		const c = s.comms['0x80266707970df6f7']!;
		expect([c.nranks, c.nNodes, c.localRanks, c.ranksStarted]).toEqual([2, 1, 2, 2]);
		const byRank = (r: number) => s.procs[c.members[r]!.proc]!;
		expect([byRank(0).pid, byRank(0).busId, byRank(0).cudaDev]).toEqual([105927, '18000', 0]);
		expect([byRank(1).pid, byRank(1).busId, byRank(1).cudaDev]).toEqual([106022, '51000', 1]);
		expect(s.engine!.milestones.weightsDone).not.toBeUndefined();
	});
});

describe('vLLM V1 startup: 0.9.1 config, KV cache, CUDA graphs, API server (PrimeIntellect-ai/verifiers#139, #78; LMCache/LMCache#1088)', () => {
	it('reads the 0.9.1 V1 config even though the quoted line is cut inside compilation_config', () => {
		const e = load(['pod0', 'vllm-0.9.1-v1-engine-config.log']).engine!;
		expect(e.vllmVersion).toBe('0.9.1');
		expect([e.model, e.servedModelName]).toEqual(['Qwen/Qwen2.5-1.5B-Instruct', 'Qwen/Qwen2.5-1.5B-Instruct']);
		expect([e.tensorParallelSize, e.pipelineParallelSize, e.maxSeqLen]).toEqual([1, 1, 32768]);
		expect(e.dtype).toBe('torch.bfloat16');
		expect([e.prefixCaching, e.chunkedPrefill]).toEqual([true, true]);
	});

	it('reads KV cache size, concurrency, graph capture and `Application startup complete.` among third-party lines', () => {
		const s = load(['pod0', 'vllm-v1-kv-cache-graphs-startup.log']);
		const e = s.engine!;
		expect(e.kvCacheTokens).toBe(1_745_264);
		expect(e.maxConcurrency).toBe(340.87);
		expect(e.graphCaptureSeconds).toBe(21);
		for (const m of ['kvCacheSized', 'graphsDone', 'serving'] as const) expect(e.milestones[m], m).not.toBeUndefined();
		expect(derivePhase(s)).toBe('serving');
	});

	it('reads the tqdm graph-capture bar and each TP worker finishing capture', () => {
		const e = load(['pod0', 'vllm-v1-tp2-graph-capture.log']).engine!;
		expect(e.graphCapture).toEqual({done: 67, total: 67});
		expect(e.graphCaptureSeconds).toBe(15);
		expect(e.milestones.graphsDone).not.toBeUndefined();
	});
});
