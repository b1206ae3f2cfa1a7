/**
 * Hand-built states shaped like the corpus scenarios (crash-rank1: 2 pods × 2
 * H200, TP2 × 2 nodes, NET/Socket between pods, rank 1 exits with code 3), and
 * a synthetic 512-rank rollout. Values are the corpus's: bus ids 60/70/80/90,
 * NVL 370.8 GB/s, `GPU Direct RDMA Disabled for HCA 0 'eth0'`.
 */
import {emptyPod, emptyState, type CommState, type ProcState, type RolloutState} from '../../source/model/state.js';
import {comm as buildComm, proc as buildProc} from '../helpers/build.js';

const T0 = Date.parse('2026-11-26T22:02:03.337Z');

/** A rank of these scenarios: started init 1 s in, completed it 2 s later, last line at 20 s. */
function proc(pod: string, pid: number, fields: Partial<ProcState>): ProcState {
	return buildProc(pod, pid, {firstSeenAt: T0, lastLineAt: T0 + 20_000, initStartAt: T0 + 1000, initCompleteAt: T0 + 3000, initSeconds: 2, ...fields});
}

/** A ready communicator of `procs` (rank = position) over two nodes of two, with the corpus's comm pointers. */
function comm(id: string, procs: ProcState[], fields: Partial<CommState> = {}): CommState {
	const members = procs.map((p, rank) => ({proc: p, rank, ptr: `0x${(0x2176b7b0 + rank).toString(16)}`}));
	return buildComm(id, procs.length, members, {nNodes: 2, localRanks: 2, channels: {coll: 2, nvls: 0, p2p: 2}, state: 'ready', firstStartAt: T0 + 1000, lastCompleteAt: T0 + 3000, ringsGdr: 0, ...fields});
}

/** crash-rank1: global rank 1 (pod0, bus 70) exits with code 3; rank 3 completed init 25 s after its peers. */
export function crashState(opts: {shm?: boolean} = {}): RolloutState {
	const s = emptyState({kind: 'files', files: ['pod0.log', 'pod1.log']});
	s.pods = {pod0: {...emptyPod('pod0'), lines: 2768, firstLineAt: T0, lastLineAt: T0 + 60_000}, pod1: {...emptyPod('pod1'), lines: 3309, firstLineAt: T0, lastLineAt: T0 + 60_000}};
	const r0 = proc('pod0', 964, {cudaDev: 0, nvmlDev: 0, busId: '60', worldRank: 0, tpRank: 0, ppRank: 0});
	const r1 = proc('pod0', 966, {cudaDev: 1, nvmlDev: 1, busId: '70', worldRank: 1, tpRank: 1, ppRank: 0, state: 'exited', exitCode: 3, failedAt: T0 + 40_000, failure: 'process exited with code 3'});
	const r2 = proc('pod1', 1001, {cudaDev: 0, nvmlDev: 2, busId: '80', worldRank: 2, tpRank: 0, ppRank: 1});
	const r3 = proc('pod1', 1003, {cudaDev: 1, nvmlDev: 3, busId: '90', worldRank: 3, tpRank: 1, ppRank: 1, initCompleteAt: T0 + 28_000, initSeconds: 27, warnings: 2});
	s.procs = Object.fromEntries([r0, r1, r2, r3].map(p => [p.key, p]));
	const intra = opts.shm ? 'SHM' : 'P2P/CUMEM';
	const world = comm('0x9c2d06060b6ee098', [r0, r1, r2, r3], {
		transports: [intra, 'NET/Socket'],
		links: [
			{fromRank: 0, toRank: 1, transport: intra, raw: opts.shm ? 'SHM/direct/direct' : 'P2P/CUMEM/read', dir: 'send', channels: 2},
			{fromRank: 1, toRank: 0, transport: intra, raw: opts.shm ? 'SHM/direct/direct' : 'P2P/CUMEM/read', dir: 'send', channels: 2},
			{fromRank: 2, toRank: 3, transport: intra, raw: opts.shm ? 'SHM/direct/direct' : 'P2P/CUMEM/read', dir: 'send', channels: 2},
			{fromRank: 1, toRank: 2, transport: 'NET/Socket', raw: 'NET/Socket/0', dir: 'send', channels: 2},
			{fromRank: 3, toRank: 0, transport: 'NET/Socket', raw: 'NET/Socket/0', dir: 'receive', channels: 2},
		],
	});
	s.comms = {[world.id]: world};
	const topo = (pod: string, a: string, b: string) => ({
		pod,
		host: 'vm',
		maxBw: 370.8,
		totalBw: 370.8,
		gpus: [
			{busId: a, index: 0, node: `GPU/0-${a}`},
			{busId: b, index: 1, node: `GPU/0-${b}`},
		],
		nics: [{id: 'NET/0-0', name: 'eth0', speedGbps: null}],
		links: [],
		paths: [
			{from: `GPU/0-${a}`, to: `GPU/0-${b}`, type: 'NVL' as const, bw: 370.8, hops: 2},
			{from: `GPU/0-${b}`, to: `GPU/0-${a}`, type: 'NVL' as const, bw: 370.8, hops: 2},
		],
	});
	s.topology = {pod0: topo('pod0', '60', '70'), pod1: topo('pod1', '80', '90')};
	s.gdr = [
		{pod: 'pod0', host: 'vm', gpu: '60', hca: 'eth0', enabled: false, evidence: "vm:964:964 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'"},
		{pod: 'pod1', host: 'vm', gpu: '80', hca: 'eth0', enabled: false, evidence: "vm:1001:1001 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'"},
	];
	s.nccl = {
		version: '2.28.9',
		cudaDriverVersion: 13000,
		netPlugin: 'Socket',
		externalNetPlugin: false,
		bootstrapInterface: 'eth0',
		netDevices: [{name: 'eth0', port: 0, linkLayer: 'Ethernet', speedGbps: null, pod: 'pod0'}],
		env: {NCCL_SOCKET_IFNAME: 'eth0', NCCL_IB_DISABLE: '1'},
		envByPod: {pod0: {NCCL_SOCKET_IFNAME: 'eth0', NCCL_IB_DISABLE: '1'}},
		ibDeviceFound: false,
		collectiveLines: 0,
		torchThreadsReduced: null,
	};
	s.engine = {
		vllmVersion: '0.11.0',
		model: 'meta-llama/Llama-3.1-70B-Instruct',
		servedModelName: 'llama-70b',
		architecture: 'LlamaForCausalLM',
		dtype: 'bfloat16',
		quantization: 'fp8',
		maxSeqLen: 32768,
		tensorParallelSize: 2,
		pipelineParallelSize: 2,
		dataParallelSize: 1,
		chunkedPrefill: true,
		maxNumBatchedTokens: 8192,
		prefixCaching: true,
		kvCacheTokens: 1_234_560,
		gpuBlocks: 77_160,
		maxConcurrency: 37.68,
		weightsLoadSeconds: null,
		graphCaptureSeconds: null,
		config: {},
		weightsShards: {done: 12, total: 30},
		graphCapture: null,
		milestones: {},
		dead: null,
		deprecations: [],
	};
	s.failures = [{kind: 'rank-exit', at: T0 + 40_000, pod: 'pod0', proc: r1.key, rank: 1, message: 'exitcode: 3', remote: false, exitCode: 3}];
	s.firstTs = T0;
	s.lastTs = T0 + 60_000;
	s.ended = true;
	s.revision = 1;
	return s;
}

/** 64 pods × 8 GPUs in 32 LWS groups; rank 317 never completed init, rank 77 is late. */
export function bigState(nPods = 64, perPod = 8): RolloutState {
	const s = emptyState({kind: 'kubernetes', context: 'prod', namespace: 'llm', selector: null, workload: 'ds-r1'});
	const procs: ProcState[] = [];
	for (let p = 0; p < nPods; p++) {
		const name = `ds-r1-${Math.floor(p / 2)}${p % 2 ? '-1' : ''}`;
		s.pods[name] = {...emptyPod(name), node: `gpu-node-${p}`, phase: 'Running', group: Math.floor(p / 2), role: p % 2 ? 'worker' : 'leader', workerIndex: p % 2, lines: 100};
		for (let g = 0; g < perPod; g++) {
			const r = p * perPod + g;
			procs.push(
				proc(name, 100 + g, {
					key: `${name}|node${p}|${100 + g}`,
					host: `node${p}`,
					busId: `${(0x18 + g * 0x10).toString(16)}000`,
					worldRank: r,
					tpRank: g,
					ppRank: p % 2,
					initCompleteAt: r === 317 ? null : r === 77 ? T0 + 45_000 : T0 + 3000,
					initSeconds: r === 317 ? null : r === 77 ? 44 : 2,
					state: r === 317 ? 'initializing' : 'ready',
					lastLineAt: r === 317 ? T0 + 2000 : T0 + 50_000,
				}),
			);
		}
	}
	s.procs = Object.fromEntries(procs.map(p => [p.key, p]));
	const world = comm('0xabcdef0123456789', procs, {nNodes: nPods, localRanks: perPod, state: 'initializing', transports: ['P2P/CUMEM', 'NET/IB/GDRDMA']});
	s.comms = {[world.id]: world};
	s.firstTs = T0;
	s.lastTs = T0 + 60_000;
	s.revision = 1;
	return s;
}

export const T_END = T0 + 60_000;
