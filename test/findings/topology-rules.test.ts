import {describe, expect, it} from 'vitest';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {gdrDisabled} from '../../source/findings/gdr-disabled.js';
import {interNodeOverSocket} from '../../source/findings/inter-node-over-socket.js';
import {lowBandwidth} from '../../source/findings/low-bandwidth.js';
import {nvlinkUnused} from '../../source/findings/nvlink-unused.js';
import {pcieFallback} from '../../source/findings/pcie-fallback.js';
import type {ChannelLink, PatternInfo, RolloutState} from '../../source/model/state.js';
import {addComm, addProc, comm, ids, nvswitchTopology, pcieTopology, proc, s, state} from '../helpers/build.js';

const opts = defaultFindingOptions;
const bus = ['60', '70', '80', '90'];

function link(fromRank: number, toRank: number, transport: string, raw = transport, dir: ChannelLink['dir'] = null): ChannelLink {
	return {fromRank, toRank, transport, raw, dir, channels: 1};
}

function pattern(nChannels: number, bwIntra: number, bwInter: number, type = 'NVL/PIX', p = 4): PatternInfo {
	const [typeIntra, typeInter] = type.split('/') as [string, string];
	return {pattern: p, nChannels, bwIntra, bwInter, typeIntra, typeInter};
}

/** One pod, four GPUs on an NVSwitch, one 4-rank communicator over `transport`. */
function oneNode(transport: string, gpuPath: 'NVL' | 'PHB' = 'NVL', patterns: PatternInfo[] = []): RolloutState {
	const st = state();
	st.topology['pod0'] = nvswitchTopology('pod0', bus, gpuPath);
	const ps = bus.map((b, r) => addProc(st, proc('pod0', r + 1, {busId: b, worldRank: r})));
	addComm(
		st,
		comm(
			'0xe3a3',
			4,
			ps.map((p, r) => ({proc: p, rank: r, startAt: s(0), completeAt: s(1)})),
			{nNodes: 1, transports: [transport], links: [0, 1, 2, 3].map(r => link(r, (r + 1) % 4, transport, transport === 'SHM' ? 'SHM/direct/direct' : transport)), patterns},
		),
	);
	return st;
}

/** Two pods of two GPUs: intra-pod P2P, between pods NET/Socket (tp2x2-two-pods-all's shape). */
function twoNodes(net = 'NET/Socket', raw = 'NET/Socket/0'): RolloutState {
	const st = state();
	st.topology['pod0'] = nvswitchTopology('pod0', ['60', '70']);
	st.topology['pod1'] = nvswitchTopology('pod1', ['80', '90']);
	const ps = bus.map((b, r) => addProc(st, proc(r < 2 ? 'pod0' : 'pod1', r + 1, {busId: b, worldRank: r})));
	addComm(
		st,
		comm(
			'0xc675',
			4,
			ps.map((p, r) => ({proc: p, rank: r, startAt: s(0), completeAt: s(1)})),
			{
				nNodes: 2,
				transports: ['P2P/CUMEM', net],
				links: [link(0, 1, 'P2P/CUMEM'), link(1, 2, net, raw, 'send'), link(2, 3, 'P2P/CUMEM'), link(3, 0, net, raw, 'send')],
				patterns: [pattern(1, 1.2, 1.2, 'NVL/PHB'), pattern(1, 2.4, 1.2, 'NVL/PHB', 1)],
			},
		),
	);
	st.nccl.netPlugin = net.split('/')[1]!;
	st.nccl.netDevices = [{name: 'eth0', port: null, linkLayer: 'Ethernet', speedGbps: 10, pod: 'pod0'}];
	st.nccl.ibDeviceFound = false;
	return st;
}

describe('nvlink-unused', () => {
	it('flags SHM between NVLink-connected GPUs (p2p-disabled-shm: paths PHB, NVL to the NVSwitch) and blames NCCL_P2P_DISABLE', () => {
		const st = oneNode('SHM', 'PHB');
		st.nccl.env['NCCL_P2P_DISABLE'] = '1';
		const f = nvlinkUnused(st, s(2), opts);
		expect(f).toHaveLength(1);
		expect(f[0]!.subject).toBe('pod pod0, GPUs busId 60, 70, 80 and 90');
		expect(f[0]!.message).toContain('via SHM');
		expect(f[0]!.message).toContain('0[60] -> 1[70] via SHM/direct/direct');
		expect(f[0]!.message).toContain('NCCL_P2P_DISABLE=1 is set');
		expect(f[0]!.severity).toBe('warn');
	});

	it('is quiet when the channels use P2P over NVLink', () => {
		expect(nvlinkUnused(oneNode('P2P/CUMEM'), s(2), opts)).toEqual([]);
	});

	it('flags P2P whose path between the GPUs is PCIe although NVLink exists', () => {
		const f = nvlinkUnused(oneNode('P2P/IPC', 'PHB'), s(2), opts);
		expect(f[0]?.message).toContain('P2P/IPC over PHB');
	});

	it('does not fire on a PCIe-only node (that is pcie-fallback)', () => {
		const st = oneNode('SHM');
		st.topology['pod0'] = pcieTopology('pod0', bus);
		expect(nvlinkUnused(st, s(2), opts)).toEqual([]);
		expect(ids(pcieFallback(st, s(2), opts))).toEqual(['pcie-fallback']);
	});

	it('ignores NET between pods: different hosts', () => {
		expect(nvlinkUnused(twoNodes(), s(2), opts)).toEqual([]);
	});
});

describe('pcie-fallback', () => {
	it('names the pod, the GPUs and the PCIe path type', () => {
		const st = oneNode('P2P/CUMEM');
		st.topology['pod0'] = pcieTopology('pod0', bus, 'SYS');
		const f = pcieFallback(st, s(2), opts);
		expect(f[0]!.subject).toBe('pod pod0, GPUs busId 60, 70, 80 and 90');
		expect(f[0]!.message).toContain('60↔70 SYS');
	});

	it('stays quiet with NVLink, even when P2P is disabled and paths show PHB', () => {
		expect(pcieFallback(oneNode('SHM', 'PHB'), s(2), opts)).toEqual([]);
	});
});

describe('inter-node-over-socket', () => {
	it('fires for a 2-node communicator whose NET links are Socket, naming pods and interface', () => {
		const f = interNodeOverSocket(twoNodes(), s(2), opts);
		expect(f).toHaveLength(1);
		expect(f[0]!.subject).toBe('NET/Socket over eth0 between pods pod0 and pod1');
		expect(f[0]!.message).toContain('0xc675 (4 ranks, 2 nodes)');
		expect(f[0]!.message).toContain('no InfiniBand/RoCE device');
	});

	it('is quiet over IB, and for a one-node communicator', () => {
		expect(interNodeOverSocket(twoNodes('NET/IB', 'NET/IB/0/GDRDMA'), s(2), opts)).toEqual([]);
		const st = oneNode('P2P/CUMEM');
		st.nccl.netPlugin = 'Socket';
		expect(interNodeOverSocket(st, s(2), opts)).toEqual([]);
	});
});

describe('gdr-disabled: severity follows the deployment', () => {
	const socketLine = "NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'";

	it('single node: info, evidence is the per-HCA line and TCP, never `GDR 1` from Connected all rings', () => {
		const st = oneNode('P2P/CUMEM');
		st.nccl.netPlugin = 'Socket';
		st.nccl.ibDeviceFound = false;
		st.comms['0xe3a3']!.ringsGdr = 1;
		st.gdr = [{pod: 'pod0', host: 'vm', gpu: '', hca: 'eth0', enabled: false, evidence: socketLine}];
		const f = gdrDisabled(st, s(2), opts);
		expect(f).toHaveLength(1);
		expect(f[0]!.severity).toBe('info');
		expect(f[0]!.message).toContain('not used: the network transport is TCP (NET/Socket)');
		expect(f[0]!.message).toContain(socketLine);
		expect(f[0]!.message).toContain('stays inside the node');
	});

	it('multi node: warn, with the NET channel lines lacking /GDRDMA as evidence', () => {
		const st = twoNodes();
		const f = gdrDisabled(st, s(2), opts);
		expect(f[0]!.severity).toBe('warn');
		expect(f[0]!.message).toContain('2 of 2 NET channel connections without /GDRDMA');
		expect(f[0]!.message).toContain('spans nodes');
	});

	it('IB with /GDRDMA on every NET channel and enabled HCAs: quiet', () => {
		const st = twoNodes('NET/IB', 'NET/IB/0/GDRDMA');
		st.gdr = [{pod: 'pod0', host: 'vm', gpu: '60', hca: 'mlx5_0', enabled: true, evidence: "NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'"}];
		expect(gdrDisabled(st, s(2), opts)).toEqual([]);
	});

	it('IB with GDR disabled for an HCA: warn naming the HCA and the peermem fix', () => {
		const st = twoNodes('NET/IB', 'NET/IB/0');
		st.nccl.netPlugin = 'IB';
		st.gdr = [{pod: 'pod1', host: 'vm', gpu: '80', hca: 'mlx5_0', enabled: false, evidence: "NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'"}];
		const f = gdrDisabled(st, s(2), opts);
		expect(f[0]!.subject).toBe('GPU Direct RDMA HCA mlx5_0 on pod pod1');
		expect(f[0]!.message).toContain('nvidia-peermem');
	});

	it('says nothing without evidence (default NCCL_DEBUG_SUBSYS prints no GDR lines)', () => {
		const st = oneNode('P2P/CUMEM');
		st.nccl.netPlugin = 'Socket';
		expect(gdrDisabled(st, s(2), opts)).toEqual([]);
	});
});

describe('low-bandwidth', () => {
	it("flags tp2x2's inter-node hop: NCCL's own 1.2 GB/s beside the 10 GB/s floor, naming pods and transport", () => {
		const f = lowBandwidth(twoNodes(), s(2), opts);
		expect(f).toHaveLength(1);
		expect(f[0]!.subject).toBe('communicator 0xc675 (4 ranks) between pods pod0 and pod1');
		expect(f[0]!.message).toContain('gives 1.2 GB/s (Pattern 4 ring, type NVL/PHB)');
		expect(f[0]!.message).toContain('below the 10 GB/s floor');
		expect(f[0]!.message).toContain('via NET/Socket');
	});

	it('uses nChannels × bw: 12 channels × 30 GB/s over NVLink is fine', () => {
		expect(lowBandwidth(oneNode('P2P/CUMEM', 'NVL', [pattern(12, 30, 30)]), s(2), opts)).toEqual([]);
	});

	it('flags a one-node NVLink communicator whose graph is below the intra floor', () => {
		const f = lowBandwidth(oneNode('SHM', 'PHB', [pattern(1, 12, 12, 'PHB/PIX')]), s(2), opts);
		expect(f[0]!.message).toContain('12 GB/s');
		expect(f[0]!.message).toContain('below the 20 GB/s floor inside an NVLink node');
		// a higher floor from --min-intra-gbps catches p2p-disabled-shm's 2 × 20 GB/s
		expect(lowBandwidth(oneNode('SHM', 'PHB', [pattern(2, 20, 20, 'PHB/PIX')]), s(2), {...opts, minIntraNodeGBps: 100})[0]?.message).toContain('2 channels × 20 GB/s = 40 GB/s');
	});

	it('does not judge a PCIe-only node by the NVLink floor', () => {
		const st = oneNode('P2P/CUMEM', 'NVL', [pattern(1, 12, 12, 'PHB/PIX')]);
		st.topology['pod0'] = pcieTopology('pod0', bus);
		expect(lowBandwidth(st, s(2), opts)).toEqual([]);
	});
});

describe('computeFindings on the two-pod shape', () => {
	it('gives the corpus expectations for tp2x2-two-pods-all and no error', () => {
		const st = twoNodes();
		st.nccl.externalNetPlugin = false;
		const f = computeFindings(st, s(2), opts);
		expect(ids(f)).toEqual(expect.arrayContaining(['inter-node-over-socket', 'gdr-disabled', 'net-plugin-missing', 'low-bandwidth']));
		expect(f.filter(x => x.severity === 'error')).toEqual([]);
	});
});
