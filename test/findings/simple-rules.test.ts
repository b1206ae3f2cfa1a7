import {describe, expect, it} from 'vitest';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {cudaOom} from '../../source/findings/cuda-oom.js';
import {deprecatedFlag} from '../../source/findings/deprecated-flag.js';
import {engineDead} from '../../source/findings/engine-dead.js';
import {ibDisabled} from '../../source/findings/ib-disabled.js';
import {ncclWarn} from '../../source/findings/nccl-warn.js';
import {netPluginMissing} from '../../source/findings/net-plugin-missing.js';
import {podRestarting} from '../../source/findings/pod-restarting.js';
import {socketIfnameNoMatch} from '../../source/findings/socket-ifname-no-match.js';
import {torchThreads} from '../../source/findings/torch-threads.js';
import type {EngineState} from '../../source/model/state.js';
import {loadExcerpt} from '../helpers/load-scenario.js';
import {addPod, addProc, failure, proc, s, state} from '../helpers/build.js';

const opts = defaultFindingOptions;

function engine(o: Partial<EngineState> = {}): EngineState {
	return {
		vllmVersion: '0.11.0',
		model: 'Qwen/Qwen3-8B',
		servedModelName: null,
		architecture: null,
		dtype: null,
		quantization: null,
		maxSeqLen: null,
		tensorParallelSize: 2,
		pipelineParallelSize: 1,
		dataParallelSize: 1,
		chunkedPrefill: null,
		maxNumBatchedTokens: null,
		prefixCaching: null,
		kvCacheTokens: null,
		gpuBlocks: null,
		maxConcurrency: null,
		weightsLoadSeconds: null,
		graphCaptureSeconds: null,
		config: {},
		weightsShards: null,
		graphCapture: null,
		milestones: {},
		dead: null,
		deprecations: [],
		...o,
	};
}

describe('socket-ifname-no-match', () => {
	it('puts the NCCL_SOCKET_IFNAME value in subject and message (bad-socket-ifname)', () => {
		const st = state();
		st.nccl.env['NCCL_SOCKET_IFNAME'] = 'net1';
		st.warnGroups['x'] = {message: 'Bootstrap : no socket interface found', where: 'bootstrap.cc:114', count: 1, firstAt: s(0), pods: ['pod0']};
		const f = socketIfnameNoMatch(st, s(1), opts);
		expect(f).toHaveLength(1);
		expect(f[0]).toMatchObject({severity: 'error', subject: 'NCCL_SOCKET_IFNAME=net1 on pod pod0'});
		expect(f[0]!.message).toMatch(/^NCCL_SOCKET_IFNAME=net1 matches no interface: "Bootstrap : no socket interface found"/);
	});

	it('also reads a socket-ifname failure record, and suggests the interface NCCL used elsewhere', () => {
		const st = state();
		st.nccl.env['NCCL_SOCKET_IFNAME'] = '=ib0';
		st.nccl.bootstrapInterface = 'eth0:10.0.0.2<0>';
		failure(st, {kind: 'socket-ifname', at: s(0), pod: 'pod1', message: 'NET/Socket : No usable listening interface found'});
		const f = socketIfnameNoMatch(st, s(1), opts);
		expect(f[0]!.message).toContain('NCCL used eth0 elsewhere');
	});

	it('is quiet when NCCL found its interface', () => {
		const st = state();
		st.nccl.env['NCCL_SOCKET_IFNAME'] = 'eth0';
		expect(socketIfnameNoMatch(st, s(1), opts)).toEqual([]);
	});
});

describe('nccl-warn', () => {
	it('one finding per message group, with count, where and pods', () => {
		const st = state();
		st.warnGroups['a'] = {message: 'socketProgress: Connection closed by remote peer', where: 'misc/socket.cc:72', count: 3, firstAt: s(5), pods: ['pod1']};
		st.warnGroups['b'] = {message: 'Cuda failure 2 out of memory', where: null, count: 1, firstAt: s(1), pods: ['pod0', 'pod1']};
		const f = ncclWarn(st, s(6), opts);
		expect(f.map(x => x.subject)).toEqual(['NCCL WARN on pod pod0 and pod1', 'NCCL WARN misc/socket.cc:72 on pod pod1']);
		expect(f[1]!.message).toMatch(/^3× "socketProgress: Connection closed by remote peer"/);
		expect(f[1]!.message).toContain('see rank-exited');
	});

	it('says what an IB completion error means, from a real log (NVIDIA/nccl#1737, HPC-X plugin, NCCL 2.21.5)', () => {
		const st = loadExcerpt('nccl-2.21.5-ib-completion-warn-node1.log', 'node1');
		const f = ncclWarn(st, 0, opts).find(x => x.subject.includes('ib_plugin.c:1007'))!;
		expect(f.message).toMatch(/^4× "NET\/IB : Got completion from peer 10\.1\.32\.3<54891> with error 5/);
		expect(f.message).toContain('IBV_WC_WR_FLUSH_ERR');
		expect(f.message).toContain('follow an earlier failure');
	});

	it('tells a harmless RAS bind failure from a port shortage (vllm-project/vllm#19204, NCCL 2.26)', () => {
		const st = loadExcerpt('nccl-2.26-vllm-ras-bind-warn.log', 'paula09');
		const ras = ncclWarn(st, 0, opts).find(x => x.subject.includes('ras/client_support.cc:160'))!;
		expect(ras.message).toContain("RAS does not carry the job's traffic");
		const st2 = state();
		st2.warnGroups['a'] = {message: 'Call to bind failed: Address already in use', where: 'misc/socket.cc:409', count: 3, firstAt: s(1), pods: ['pod0']};
		expect(ncclWarn(st2, s(2), opts)[0]!.message).toContain('ip_local_port_range');
	});

	it('names the retry-exceeded and access errors of an IB completion', () => {
		const st = state();
		st.warnGroups['a'] = {message: 'NET/IB : Got completion from peer 10.0.0.2<41234> with error 12, opcode 1, len 0, vendor err 129', where: 'transport/net_ib.cc:1295', count: 1, firstAt: s(1), pods: ['pod0']};
		st.warnGroups['b'] = {message: 'NET/IB : Got completion from peer 10.0.0.3<41234> with error 4, opcode 0, len 0, vendor err 81', where: 'transport/net_ib.cc:1295', count: 1, firstAt: s(2), pods: ['pod1']};
		const [retry, prot] = ncclWarn(st, s(3), opts);
		expect(retry!.message).toContain('IBV_WC_RETRY_EXC_ERR');
		expect(retry!.message).toContain('NCCL_IB_GID_INDEX');
		expect(prot!.message).toContain('IBV_WC_LOC_PROT_ERR');
		expect(prot!.message).toContain('nvidia-peermem');
	});
});

describe('cuda-oom, engine-dead, pod-restarting', () => {
	it('cuda-oom names the rank', () => {
		const st = state();
		const p = addProc(st, proc('vllm-0', 7, {busId: '1b000', worldRank: 1}));
		failure(st, {kind: 'cuda-oom', at: s(3), pod: 'vllm-0', proc: p.key, rank: 1, message: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB'});
		const f = cudaOom(st, s(4), opts);
		expect(f[0]).toMatchObject({id: 'cuda-oom', severity: 'error', subject: 'rank 1 (vllm-0, GPU busId 1b000)'});
		expect(f[0]!.message).toContain('Tried to allocate 2.00 GiB');
	});

	it('engine-dead from engine.dead', () => {
		const st = state();
		st.engine = engine({dead: {at: s(9), message: 'EngineCore encountered a fatal error.'}});
		const f = engineDead(st, s(10), opts);
		expect(f[0]).toMatchObject({severity: 'error', subject: 'vLLM engine Qwen/Qwen3-8B'});
		expect(engineDead({...st, engine: engine()}, s(10), opts)).toEqual([]);
	});

	it('pod-restarting on restarts > 0 or CrashLoopBackOff, with the last termination', () => {
		const st = state();
		addPod(st, 'vllm-0');
		addPod(st, 'vllm-0-1');
		st.pods['vllm-0-1']!.restarts = 2;
		st.pods['vllm-0-1']!.containers = [{name: 'vllm', state: 'waiting', reason: 'CrashLoopBackOff', restarts: 2, exitCode: null, lastTerminationReason: 'Error', lastExitCode: 1, startedAt: null}];
		const f = podRestarting(st, s(1), opts);
		expect(f).toHaveLength(1);
		expect(f[0]!.subject).toBe('pod vllm-0-1');
		expect(f[0]!.message).toContain('CrashLoopBackOff (vllm), 2 restarts (container vllm last ended: Error, exit code 1)');
		expect(f[0]!.severity).toBe('warn');
	});
});

describe('configuration notes', () => {
	it('net-plugin-missing only when NCCL said it was not found', () => {
		const st = state();
		expect(netPluginMissing(st, s(0), opts)).toEqual([]);
		st.nccl.externalNetPlugin = false;
		st.nccl.netPlugin = 'Socket';
		const f = netPluginMissing(st, s(0), opts);
		expect(f[0]).toMatchObject({severity: 'info', subject: 'NCCL net plugin libnccl-net.so'});
		expect(f[0]!.message).toContain('built-in Socket transport');
	});

	it('ib-disabled needs both NCCL_IB_DISABLE=1 and an IB/RoCE device', () => {
		const st = state();
		st.nccl.env['NCCL_IB_DISABLE'] = '1';
		expect(ibDisabled(st, s(0), opts)).toEqual([]);
		st.nccl.netDevices = [{name: 'mlx5_0', port: 1, linkLayer: 'RoCE', speedGbps: 200, pod: 'pod0'}];
		const f = ibDisabled(st, s(0), opts);
		expect(f[0]).toMatchObject({severity: 'warn', subject: 'NCCL_IB_DISABLE=1'});
		expect(f[0]!.message).toContain('mlx5_0:1/RoCE');
		st.nccl.env['NCCL_IB_DISABLE'] = '0';
		expect(ibDisabled(st, s(0), opts)).toEqual([]);
	});

	it('deprecated-flag names the flag, once per warning', () => {
		const st = state();
		const w = 'The `--disable-log-requests` flag is deprecated and will be removed in v0.12; use --enable-log-requests';
		st.engine = engine({deprecations: [w, w]});
		const f = deprecatedFlag(st, s(0), opts);
		expect(f).toHaveLength(1);
		expect(f[0]).toMatchObject({severity: 'info', subject: 'vLLM option --disable-log-requests'});
	});

	it('torch-threads is info', () => {
		const st = state();
		st.nccl.torchThreadsReduced = 'Reducing Torch parallelism from 64 threads to 1 to avoid unnecessary CPU contention.';
		expect(torchThreads(st, s(0), opts)[0]).toMatchObject({id: 'torch-threads', severity: 'info'});
	});
});

describe('computeFindings', () => {
	it('sorts most severe first and keeps rule order within a severity', () => {
		const st = state();
		st.nccl.externalNetPlugin = false;
		st.nccl.torchThreadsReduced = 'Reducing Torch parallelism';
		st.warnGroups['a'] = {message: 'x', where: null, count: 1, firstAt: s(0), pods: ['p']};
		st.engine = engine({dead: {at: s(1), message: 'dead'}});
		const f = computeFindings(st, s(2), opts);
		expect(f.map(x => `${x.severity}:${x.id}`)).toEqual(['error:engine-dead', 'warn:nccl-warn', 'info:net-plugin-missing', 'info:torch-threads']);
		// pure: the same state and clock give the same answer
		expect(computeFindings(st, s(2), opts)).toEqual(f);
	});

	it('an empty state has no findings', () => {
		expect(computeFindings(state(), s(0), opts)).toEqual([]);
	});
});
