/**
 * A large rollout made the way a real one reaches infertop: NCCL 2.28 log lines, one
 * log per pod (8 GPU processes each, interleaved), read by the real parser and folded
 * by the reducer. Each host: 2 CPUs, a PCIe switch per GPU with an IB NIC beside it,
 * an NVSwitch, GPU Direct RDMA; one world communicator over all ranks (P2P inside a host, NET/IB/GDRDMA between hosts). `odd` makes hosts stand out:
 * `gdr-off` (RDMA staged through host memory), `late` (a rank joins 40 s late),
 * `nics4` (half the NICs).
 */
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {reduceAll} from '../../source/model/reduce.js';
import {parseInto} from '../helpers/load-scenario.js';

export type Oddity = 'gdr-off' | 'late' | 'nics4';

export interface ClusterSpec {
	hosts: number;
	gpus: number;
	odd?: Record<number, Oddity>;
	/** where the first host's first line is stamped */
	t0?: number;
}

const busOf = (i: number) => (0x1b + i * 0x10).toString(16) + '000';

export function podName(h: number): string {
	return `llama-405b-${Math.floor(h / 8)}-${h % 8}`;
}

/** One pod's log text. */
export function hostLog(spec: ClusterSpec, hIdx: number): string {
	const {gpus} = spec;
	const n = spec.hosts * gpus;
	const odd = spec.odd?.[hIdx];
	const nics = odd === 'nics4' ? gpus / 2 : gpus;
	const t0 = (spec.t0 ?? Date.UTC(2026, 10, 26, 22, 0, 0)) + hIdx * 7;
	const host = `gpu-node-${hIdx.toString().padStart(2, '0')}`;
	const lines: [number, string][] = [];
	const at = (ms: number, pid: number, dev: number, text: string) => lines.push([t0 + ms, `${host}:${pid}:${pid} [${dev}] NCCL INFO ${text}`]);
	// init is collective: every rank completes once the late one joined, wherever it is
	const late = Object.values(spec.odd ?? {}).includes('late') ? 40_000 : 0;
	const lateHere = odd === 'late';
	for (let i = 0; i < gpus; i++) {
		const pid = 4000 + i;
		const rank = hIdx * gpus + i;
		const start = 1000 + i * 3 + (lateHere && i === 5 ? late : 0);
		const nic = Math.floor((i * nics) / gpus);
		at(10, pid, i, 'NCCL version 2.28.9+cuda13.0');
		at(20, pid, i, `NET/IB : Using ${Array.from({length: nics}, (_, k) => `[${k}]mlx5_${k}:1/IB`).join(' ')} [RO]; OOB eth0:10.1.${hIdx}.1<0>`);
		at(21, pid, i, 'Using network IB');
		at(start, pid, i, `ncclCommInitRankConfig comm 0x${(0x5500 + rank).toString(16)}00 rank ${rank} nranks ${n} cudaDev ${i} nvmlDev ${i} busId ${busOf(i)} commId 0x7d3f2a19c4e5b601 - Init START`);
		at(start + 50, pid, i, `GPU Direct RDMA ${odd === 'gdr-off' ? 'Disabled' : 'Enabled'} for GPU ${busOf(i)} / HCA ${nic} (distance 3 <= 4), read 1 mode Default`);
	}
	// the dump, as local rank 0 prints it
	const pid0 = 4000;
	let ms = 1200;
	const dump = (text: string) => at(ms++, pid0, 0, text);
	dump('=== System : maxBw 50.0 totalBw 480.0 ===');
	for (let cpu = 0; cpu < 2; cpu++) {
		dump(`CPU/0-${cpu} (1/2/-1)`);
		if (cpu === 0) dump('+ SYS[40.0] - CPU/0-1');
		// a PCIe switch per GPU, with its NIC beside it (half the switches have none on a `nics4` host)
		for (let i = cpu * (gpus / 2); i < (cpu + 1) * (gpus / 2); i++) {
			dump(`+ PCI[48.0] - PCI/0-${(0x10 + i).toString(16)}000 (1000c0101${i}000000)`);
			dump(`              + PCI[48.0] - GPU/0-${busOf(i)} (${i})`);
			dump('                            + NVL[480.0] - NVS/0-0');
			const k = Math.floor((i * nics) / gpus);
			if (nics === gpus || i % 2 === 0) {
				dump(`              + PCI[48.0] - NIC/0-${(0x1c + i * 0x10).toString(16)}000`);
				dump(`                            + NET[50.0] - NET/0-${k} (0/0/${k}/50.000000)`);
			}
		}
	}
	dump('==========================================');
	for (let i = 0; i < gpus; i++) {
		const peers = Array.from({length: gpus}, (_, j) => `GPU/0-${busOf(j)} (${i === j ? '0/5000.0/LOC' : '2/480.0/NVL'})`).join(' ');
		dump(`GPU/0-${busOf(i)} :${peers} NVS/0-0 (1/480.0/NVL) NET/0-${Math.floor((i * nics) / gpus)} (2/48.0/PXB)`);
	}
	for (let i = 0; i < gpus; i++) {
		const pid = 4000 + i;
		const rank = hIdx * gpus + i;
		const done = 1000 + late + 3000 + i;
		const next = (rank + 1) % n;
		const prev = (rank - 1 + n) % n;
		const nic = Math.floor((i * nics) / gpus);
		const gdr = odd === 'gdr-off' ? '' : '/GDRDMA';
		at(done - 100, pid, i, `comm 0x${(0x5500 + rank).toString(16)}00 rank ${rank} nRanks ${n} nNodes ${spec.hosts} localRanks ${gpus} localRank ${i} MNNVL 0`);
		if (i < gpus - 1) at(done - 50, pid, i, `Channel 00/0 : ${rank}[${i}] -> ${next}[${i + 1}] via P2P/CUMEM/read`);
		else at(done - 50, pid, i, `Channel 00/0 : ${rank}[${i}] -> ${next}[0] [send] via NET/IB/${nic}${gdr}`);
		if (i === 0) at(done - 49, pid, i, `Channel 00/0 : ${prev}[${gpus - 1}] -> ${rank}[0] [receive] via NET/IB/${nic}${gdr}`);
		at(done, pid, i, `ncclCommInitRankConfig comm 0x${(0x5500 + rank).toString(16)}00 rank ${rank} nranks ${n} cudaDev ${i} nvmlDev ${i} busId ${busOf(i)} commId 0x7d3f2a19c4e5b601 - Init COMPLETE`);
		const boot = (done - (1000 + i * 3 + (lateHere && i === 5 ? late : 0))) / 1000 - 2.2;
		at(
			done + 1,
			pid,
			i,
			`Init timings - ncclCommInitRankConfig: rank ${rank} nranks ${n} total ${(boot + 2.2).toFixed(2)} (kernels 0.40, alloc 0.05, bootstrap ${Math.max(0, boot).toFixed(2)}, allgathers 0.20, topo 0.30, graphs 0.25, connections 1.00, rest 0.00)`,
		);
	}
	lines.sort((a, b) => a[0] - b[0]);
	return lines.map(([t, text]) => `${new Date(t).toISOString()} ${text}\n`).join('');
}

/** The whole cluster's state, each pod's log through the parser and reducer, the source ended. */
export function syntheticCluster(spec: ClusterSpec): RolloutState {
	const files = Array.from({length: spec.hosts}, (_, i) => `${podName(i)}.log`);
	let state = emptyState({kind: 'files', files});
	for (let i = 0; i < spec.hosts; i++) state = parseInto(state, podName(i), [hostLog(spec, i)]);
	return reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
}
