/**
 * Edge cases and hand-written lines for NCCL/vLLM versions the recorded corpus
 * does not cover. Each hand-written line names the log-formats.md section its
 * format comes from.
 */
import {describe, expect, it} from 'vitest';
import {createStreamParser, type RawLine} from '../../source/parse/stream-parser.js';
import type {LogEvent} from '../../source/parse/log-events.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';

function parse(chunks: (string | Uint8Array)[], maxLineBytes?: number): {state: RolloutState; lines: RawLine[]; events: LogEvent[]} {
	const lines: RawLine[] = [];
	const events: LogEvent[] = [];
	const p = createStreamParser({pod: 'pod0', container: 'c', onLine: l => lines.push(l), ...(maxLineBytes ? {maxLineBytes} : {})});
	let state = emptyState({kind: 'files', files: []});
	for (const c of chunks) {
		const ev = p.push(c);
		events.push(...ev);
		state = reduceAll(state, ev);
	}
	const ev = p.end();
	events.push(...ev);
	state = reduceAll(state, ev);
	return {state, lines, events};
}

const text = (lines: string[]) => [lines.join('\n') + '\n'];

describe('line splitting', () => {
	it('cuts a 10 MB line once with a marker, counts it once, and keeps going', () => {
		const big = 'x'.repeat(10 * 1024 * 1024);
		const chunks: string[] = [];
		for (let i = 0; i < big.length; i += 65_536) chunks.push(big.slice(i, i + 65_536));
		const {state, lines} = parse(['before\n', ...chunks, '\nafter\n']);
		expect(lines.map(l => l.text.length)).toEqual([6, 65_536 + `…[cut ${10 * 1024 * 1024 - 65_536} bytes]`.length, 5]);
		expect(lines[1]!.text.startsWith('x'.repeat(65_536))).toBe(true);
		expect(lines[1]!.text.endsWith(`…[cut ${10 * 1024 * 1024 - 65_536} bytes]`)).toBe(true);
		expect(state.pods.pod0!.lines).toBe(3);
	});

	it('joins a CRLF split across chunks and a UTF-8 sequence split across chunks', () => {
		const bytes = Buffer.from('héllo wörld\r\nnext\r\n');
		const {lines} = parse([bytes.subarray(0, 2), bytes.subarray(2, 12), bytes.subarray(12, 13), bytes.subarray(13)]);
		expect(lines.map(l => l.text)).toEqual(['héllo wörld', 'next']);
	});

	it('flushes a final line without newline at end()', () => {
		const {lines, state} = parse(['a\nb']);
		expect(lines.map(l => l.text)).toEqual(['a', 'b']);
		expect(state.pods.pod0!.lines).toBe(2);
	});
});

describe('hostile bytes never throw and never reach the screen', () => {
	it('removes NUL, invalid UTF-8, ANSI, OSC 52 and bidi overrides', () => {
		const bad = Buffer.concat([
			Buffer.from([0x61, 0x00, 0x62, 0xff, 0xfe, 0x20, 0x63, 0x0a]),
			Buffer.from('\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07paste \x1b]0;title\x1b\\ok\n'),
			Buffer.from('safe \u202Eevil\u202C text \u2066x\u2069\n'),
			Buffer.from('\x9b31mC1 \x07bell\x08\n'),
		]);
		const {lines} = parse([bad]);
		for (const l of lines) expect(l.text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
		expect(lines.map(l => l.text)).toEqual(['ab\uFFFD\uFFFD c', 'red paste ok', 'safe evil text x', 'C1 bell']);
	});

	it('keeps the last tqdm segment and the vLLM process prefix (log-formats.md §2.2)', () => {
		const {lines, state} = parse(text(['(EngineCore_DP0 pid=590168) \rLoading safetensors checkpoint shards:   0% Completed | 0/4 [00:00<?, ?it/s]\rLoading safetensors checkpoint shards:  50% Completed | 2/4 [00:01<00:01,  1.2it/s]\r']));
		expect(lines[0]!.text).toBe('(EngineCore_DP0 pid=590168) Loading safetensors checkpoint shards:  50% Completed | 2/4 [00:01<00:01,  1.2it/s]');
		expect(state.engine!.weightsShards).toEqual({done: 2, total: 4});
	});
});

describe('secrets', () => {
	it('redacts api_key in a Namespace line, --api-key, HF_TOKEN and Authorization before events, state or onLine', () => {
		const {lines, state, events} = parse(
			text([
				"INFO 04-14 16:07:56 [api_server.py:1035] args: Namespace(host=None, port=8000, api_key='sk-SECRET1', hf_token='hf_SECRET2', tokenizer=None, max_num_batched_tokens=8192)",
				'+ vllm serve m --api-key sk-SECRET3 --hf-token hf_SECRET4',
				'HF_TOKEN=hf_SECRET5 python3 -m vllm.entrypoints.openai.api_server',
				'127.0.0.1 - "GET /v1/models" Authorization: Bearer eySECRET6',
				'ERROR 04-14 16:07:56 [x.py:1] request failed: token=SECRET7',
				// vLLM v0.11+ `non-default args: %s` prints a dict (log-formats.md §2.3)
				"(APIServer pid=412) INFO 11-27 03:27:14 [utils.py:233] non-default args: {'model_tag': 'm', 'api_key': ['sk-SECRET8'], 'hf_token': 'hf_SECRET9', 'port': 8000}",
			]),
		);
		const all = JSON.stringify({lines, state, events});
		expect(all).not.toMatch(/SECRET/);
		expect(lines[0]!.text).toContain("api_key='<redacted>'");
		expect(lines[0]!.text).toContain('max_num_batched_tokens=8192');
		expect(lines[3]!.text).toContain('Bearer <redacted>');
		expect(lines[5]!.text).toContain("'api_key': ['<redacted>']");
		expect(lines[5]!.text).toContain("'port': 8000");
	});
});

describe('stamps', () => {
	it('uses the Kubernetes stamp, else the NCCL stamp, else null', () => {
		const {lines} = parse(
			text(['2026-11-26T22:05:13.242688999Z [2026-11-26 22:05:10] vm:1:1 [0] bootstrap.cc:114 NCCL WARN Bootstrap : no socket interface found', '[2026-11-26 22:05:10] vm:1:1 [0] bootstrap.cc:114 NCCL WARN x', 'vm:1:1 [0] NCCL INFO y']),
		);
		expect(lines.map(l => l.at)).toEqual([Date.UTC(2026, 10, 26, 22, 5, 13, 242), Date.UTC(2026, 10, 26, 22, 5, 10), null]);
		expect(lines[0]!.text.startsWith('[2026-11-26 22:05:10] vm:1:1')).toBe(true);
		expect(lines[0]!.proc).toBe('pod0|vm|1');
	});
});

describe('NCCL lines of other versions', () => {
	it('2.18: Init COMPLETE without START, channel lines with busIds, raw version line (§1.1, §1.2, §1.5)', () => {
		const {state} = parse(
			text(['NCCL version 2.18.3+cuda12.2', 'n1:10:10 [0] NCCL INFO Channel 00/02 : 0[1b000] -> 1[1c000] via P2P/direct pointer/read', 'n1:10:10 [0] NCCL INFO comm 0x55 rank 0 nranks 2 cudaDev 0 busId 1b000 commId 0xabc - Init COMPLETE']),
		);
		expect(state.nccl.version).toBe('2.18.3+cuda12.2');
		const c = state.comms['0xabc']!;
		expect(c.members[0]).toMatchObject({proc: 'pod0|n1|10', completeAt: null, state: 'ready'});
		expect(c.transports).toEqual(['P2P/direct']);
		expect(state.procs['pod0|n1|10']!.busId).toBe('1b000');
	});

	it('2.21 NET/Plugin wording and 2.24+ IB device list with RoCE (§1.2)', () => {
		const {state} = parse(
			text([
				'n1:10:10 [0] NCCL INFO NET/Plugin: No plugin found (libnccl-net.so)',
				'n1:10:10 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.0.0.1<0>',
				'n1:10:10 [0] NCCL INFO Using network IB',
				'n1:10:10 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>',
			]),
		);
		expect(state.nccl.externalNetPlugin).toBe(false);
		expect(state.nccl.netPlugin).toBe('IB');
		expect(state.nccl.bootstrapInterface).toBe('eth0');
		expect(state.nccl.ibDeviceFound).toBe(true);
		expect(state.nccl.netDevices.map(d => [d.name, d.port, d.linkLayer])).toEqual([
			['mlx5_0', 1, 'IB'],
			['mlx5_1', 1, 'RoCE'],
		]);
	});

	it('a loaded external plugin (§1.2 "Plugin loaded")', () => {
		const {state} = parse(text(['n1:10:10 [0] NCCL INFO NET/Plugin: Loaded net plugin NCCL RDMA Plugin v8 (v8)', 'n1:10:10 [0] NCCL INFO Using network IBext_v8']));
		expect(state.nccl.externalNetPlugin).toBe(true);
		expect(state.nccl.netPlugin).toBe('IBext_v8');
	});

	it('GDR forms 2.18–2.29 (§1.2 "GDR per GPU/HCA", "GDR per HCA")', () => {
		const {state} = parse(
			text([
				'n1:10:10 [0] NCCL INFO GPU Direct RDMA Enabled for GPU 81000 / HCA 0 (distance 4 <= 4), read 1',
				'n1:10:10 [0] NCCL INFO GPU Direct RDMA Disabled for GPU 82000 / HCA 1 (distance 5 > 4)',
				'n1:10:10 [0] NCCL INFO GPU Direct RDMA Enabled for GPU 3 / HCA 0 (distance 4 <= 4), read 1 mode Default',
				'n1:10:10 [0] NCCL INFO GPU Direct RDMA Enabled for GPU/0-1b000 (rank 0) - NET/0-c (distance 3 <= 4, read 1, mode Default)',
				"n1:10:10 [0] NCCL INFO NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'",
				'n1:10:10 [0] NCCL INFO Connected all rings, use ring PXN 0 GDR 1',
			]),
		);
		expect(state.gdr.map(g => [g.gpu, g.hca, g.enabled])).toEqual([
			['81000', '0', true],
			['82000', '1', false],
			['3', '0', true],
			['1b000', 'NET/0-c', true],
			['?', 'mlx5_0', true],
		]);
		expect(state.gdr.every(g => g.evidence.includes('GPU Direct RDMA'))).toBe(true);
	});

	it('2.29+ `[Rank N]` START and 2.24+ split START/COMPLETE resolve split ids per process (§1.2 Init table)', () => {
		const {state} = parse(
			text([
				'h:1:1 [0] NCCL INFO [Rank 0] ncclCommInitRankConfig comm 0xa1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xfeed - Init START',
				'h:2:2 [1] NCCL INFO [Rank 1] ncclCommInitRankConfig comm 0xb2 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 1c000 commId 0xfeed - Init START',
				'h:1:1 [0] NCCL INFO ncclCommInitRankConfig comm 0xa1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xfeed - Init COMPLETE',
				'h:2:2 [1] NCCL INFO ncclCommInitRankConfig comm 0xb2 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 1c000 commId 0xfeed - Init COMPLETE',
				'h:1:1 [0] NCCL INFO [Rank 0] ncclCommSplit comm 0xc3 rank 0 nranks 1 cudaDev 0 nvmlDev 0 busId 1b000 parent 0xa1 childCount 1 color 7 key 0- Init START',
				'h:2:2 [1] NCCL INFO ncclCommSplit comm 0xd4 rank 0 nranks 1 cudaDev 1 nvmlDev 1 busId 1c000 parent 0xb2 splitCount 1 color 9 key 0- Init START',
				'h:1:1 [0] NCCL INFO ncclCommSplit comm 0xc3 rank 0 nranks 1 cudaDev 0 nvmlDev 0 busId 1b000 parent 0xa1 splitCount 1 color 7 key 0 - Init COMPLETE',
				'h:1:1 [0] NCCL INFO comm 0xc3 rank 0 nranks 1 cudaDev 0 busId 1b000 - Destroy COMPLETE',
			]),
		);
		expect(state.comms['0xfeed']!.state).toBe('ready');
		expect(state.comms['0xfeed/7']!.state).toBe('destroyed');
		expect(state.comms['0xfeed/9']!.members[0]!.proc).toBe('pod0|h|2');
		expect(state.procs['pod0|h|2']!.worldRank).toBe(1);
		expect(state.procs['pod0|h|2']!.state).toBe('initializing');
		expect(state.procs['pod0|h|1']!.state).toBe('ready');
	});

	it('groups two processes topology dumps interleaved line by line (§1.3, 2.24+ ids)', () => {
		const a = 'node_2:4254:4327 [0] NCCL INFO ';
		const b = 'node_2:4255:4328 [1] NCCL INFO ';
		const {state} = parse(
			text([
				`${a}=== System : maxBw 48.0 totalBw 370.8 ===`,
				`${b}=== System : maxBw 48.0 totalBw 370.8 ===`,
				`${a}CPU/0-0 (1/1/4)`,
				`${b}CPU/0-0 (1/1/4)`,
				`${a}+ PCI[48.0] - NIC/0-67000`,
				`${b}+ PCI[48.0] - NIC/0-67000`,
				`${a}              + NET[50.0] - NET/0-c (0/d4f9fc0003ae6d94/1/50.000000)`,
				`${b}              + NET[50.0] - NET/0-c (0/d4f9fc0003ae6d94/1/50.000000)`,
				`${a}+ PCI[48.0] - GPU/0-68000 (8)`,
				`${b}+ PCI[48.0] - GPU/0-68000 (8)`,
				`${a}              + NVL[370.8] - NVS/0-0`,
				`${b}              + NVL[370.8] - NVS/0-0`,
				`${a}==========================================`,
				`${b}==========================================`,
				`${a}GPU/0-68000 :GPU/0-68000 (0/5000.0/LOC) NVS/0-0 (1/370.8/NVL) NET/0-c (2/48.0/PIX)`,
				`${b}GPU/0-68000 :GPU/0-68000 (0/5000.0/LOC) NVS/0-0 (1/370.8/NVL) NET/0-c (2/48.0/PIX)`,
				`${a}Pattern 4, crossNic 0, nChannels 2, bw 48.000000/48.000000, type NVL/PIX, sameChannels 1`,
			]),
		);
		const t = state.topology.pod0!;
		expect(t.maxBw).toBe(48);
		expect(t.gpus).toEqual([{busId: '68000', index: 8, node: 'GPU/0-68000'}]);
		expect(t.nics).toContainEqual({id: 'NET/0-c', name: null, speedGbps: 400});
		expect(t.links).toEqual([
			{from: 'CPU/0-0', to: 'NIC/0-67000', type: 'PCI', bw: 48},
			{from: 'NIC/0-67000', to: 'NET/0-c', type: 'NET', bw: 50},
			{from: 'CPU/0-0', to: 'GPU/0-68000', type: 'PCI', bw: 48},
			{from: 'GPU/0-68000', to: 'NVS/0-0', type: 'NVL', bw: 370.8},
		]);
		expect(t.paths).toContainEqual({from: 'GPU/0-68000', to: 'NET/0-c', type: 'PIX', bw: 48, hops: 2});
	});

	it('recovers both writes of a merged line: glued NCCL heads and a mid-line k8s stamp (§3.2)', () => {
		const {state, lines} = parse(
			text([
				'h:2:2 [1] NCCL INFO cudaDriverVersion 12040',
				// a known process's head glued after a digit: `1h:2:2` is `h:2:2`
				'h:1:1 [0] NCCL INFO Channel 21/24 :    0   1h:2:2 [1] NCCL INFO NCCL_P2P_LEVEL set by environment to NVL',
				'2026-11-26T22:05:02.000000000Z h:1:1 [0] NCCL INFO cudaDriverVersion 12040 2026-11-26T22:05:03.000000000Z h:2:2 [1] NCCL INFO Using network Socket',
			]),
		);
		expect(state.nccl.env.NCCL_P2P_LEVEL).toBe('NVL');
		expect(Object.keys(state.procs).sort()).toEqual(['pod0|h|1', 'pod0|h|2']);
		expect(state.nccl.cudaDriverVersion).toBe(12040);
		expect(state.nccl.netPlugin).toBe('Socket');
		expect(lines.map(l => l.at)).toEqual([null, null, Date.UTC(2026, 10, 26, 22, 5, 2), Date.UTC(2026, 10, 26, 22, 5, 3)]);
		expect(state.pods.pod0!.lines).toBe(3);
	});

	it('WARNs: grouped by message with count and pods; remote ones flagged (§1.8)', () => {
		const {state} = parse(
			text([
				'',
				'[2026-11-26 22:03:48] vm:1463:1517 [0] misc/socket.cc:72 NCCL WARN socketProgress: Connection closed by remote peer vm<35678>',
				'',
				'[2026-11-26 22:03:48] vm:1463:1517 [0] misc/socket.cc:72 NCCL WARN socketProgress: Connection closed by remote peer vm<35678>',
				'node-01:9:9 [3] transport/net_ib.cc:1000 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<1234> with status=12 opcode=0 len=0 vendor err 129 (Send)',
			]),
		);
		const groups = Object.values(state.warnGroups);
		expect(groups.map(g => [g.count, g.where, g.pods])).toEqual([
			[2, 'misc/socket.cc:72', ['pod0']],
			[1, 'transport/net_ib.cc:1000', ['pod0']],
		]);
		// an IB completion error fails the comm (NCCL returns ncclRemoteError from the progress thread): an nccl-error of that process
		expect(state.failures.map(f => [f.kind, f.remote])).toEqual([
			['remote-error', true],
			['nccl-warn', false],
			['nccl-error', false],
		]);
	});
});

describe('vLLM forms', () => {
	it('V0 ≤0.7 engine line without bracket, and the v0.6.4 missing-comma quirk (§2.1, §2.3)', () => {
		const {state} = parse(
			text([
				"INFO 01-13 11:35:20 llm_engine.py:237] Initializing an LLM engine (v0.6.4) with config: model='facebook/opt-125m', speculative_config=None, tokenizer='facebook/opt-125m', dtype=torch.float16, max_seq_len=2048, tensor_parallel_size=2, pipeline_parallel_size=1, quantization=None, served_model_name=facebook/opt-125m, chunked_prefill_enabled=False multi_step_stream_outputs=True, enable_prefix_caching=False, mm_processor_kwargs=None",
				'INFO 01-13 11:35:23 worker.py:241] # GPU blocks: 27029, # CPU blocks: 7281',
				'INFO 01-13 11:35:23 worker.py:241] Maximum concurrency for 2048 tokens per request: 211.16x',
			]),
		);
		const e = state.engine!;
		expect([e.vllmVersion, e.model, e.dtype, e.maxSeqLen, e.tensorParallelSize, e.chunkedPrefill, e.prefixCaching]).toEqual(['0.6.4', 'facebook/opt-125m', 'torch.float16', 2048, 2, false, false]);
		expect(e.config.multi_step_stream_outputs).toBe('True');
		expect(e.gpuBlocks).toBe(27029);
		expect(e.maxConcurrency).toBe(211.16);
	});

	it('V1 0.13 and 2026 forms: nested config values, KV line, weights, graphs, serving (§2.3, §2.4)', () => {
		const {state} = parse(
			text([
				"(EngineCore_DP0 pid=590168) INFO 01-16 14:20:09 [core.py:93] Initializing a V1 LLM engine (v0.13.0) with config: model='Qwen/Qwen3-0.6B', speculative_config=None, tokenizer='Qwen/Qwen3-0.6B', dtype=torch.bfloat16, max_seq_len=40960, tensor_parallel_size=1, pipeline_parallel_size=1, data_parallel_size=2, quantization=fp8, served_model_name=qwen, enable_prefix_caching=True, enable_chunked_prefill=True, compilation_config={'level': None, 'mode': <CompilationMode.VLLM_COMPILE: 3>, 'cudagraph_capture_sizes': [1, 2, 4], 'x': \"a, b\"}",
				'(EngineCore_DP0 pid=590168) INFO 01-16 14:20:10 [gpu_model_runner.py:3000] Model loading took 1.9148 GiB memory and 1.283947 seconds',
				'(EngineCore pid=112825) INFO 08-28 16:49:33 [kv_cache_utils.py:1879] GPU KV cache size: 29,056 tokens, Maximum concurrency for 2,048 tokens per request: 14.19x',
				'(EngineCore_DP0 pid=590168) Capturing CUDA graphs (decode, FULL): 100%|██████████| 51/51 [00:03<00:00, 14.2it/s]',
				'(EngineCore_DP0 pid=590168) INFO 01-16 14:20:30 [gpu_model_runner.py:4000] Graph capturing finished in 3 secs, took -0.22 GiB',
				'(APIServer pid=1) INFO 01-16 14:20:31 [api_server.py:617] Starting vLLM server on http://0.0.0.0:8000',
				'(APIServer pid=1) INFO:     Application startup complete.',
				'(APIServer pid=1) WARNING 01-16 14:20:31 [x.py:1] The `--foo` flag is deprecated and will be removed in v0.15.',
			]),
		);
		const e = state.engine!;
		expect([e.vllmVersion, e.servedModelName, e.quantization, e.dataParallelSize, e.chunkedPrefill, e.prefixCaching]).toEqual(['0.13.0', 'qwen', 'fp8', 2, true, true]);
		expect(e.config.compilation_config).toBe("{'level': None, 'mode': <CompilationMode.VLLM_COMPILE: 3>, 'cudagraph_capture_sizes': [1, 2, 4], 'x': \"a, b\"}");
		expect([e.weightsLoadSeconds, e.kvCacheTokens, e.maxConcurrency, e.graphCaptureSeconds]).toEqual([1.283947, 29056, 14.19, 3]);
		expect(e.graphCapture).toEqual({done: 51, total: 51});
		expect(Object.keys(e.milestones).sort()).toEqual(['apiServerStarting', 'configSeen', 'graphsDone', 'graphsStart', 'kvCacheSized', 'serving', 'weightsDone']);
		expect(e.deprecations).toHaveLength(1);
	});

	it('assigns TP/PP/DP ranks to the NCCL process of the same pid, whichever comes first (§2.5)', () => {
		const {state} = parse(
			text([
				'(VllmWorker rank=1 pid=77) INFO 03-19 08:39:17 [parallel_state.py:957] rank 1 in world size 2 is assigned as DP rank 0, PP rank 0, TP rank 1',
				'host-a:77:77 [1] NCCL INFO ncclCommInitRank comm 0x9 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 2000 commId 0x1 - Init START',
				'host-a:78:78 [0] NCCL INFO ncclCommInitRank comm 0x8 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0x1 - Init START',
				'(Worker_TP0 pid=78) INFO 03-19 08:39:17 [parallel_state.py:957] rank 0 in world size 2 is assigned as DP rank 0, PP rank 0, PCP rank 0, TP rank 0, EP rank 0',
			]),
		);
		expect(state.procs['pod0|host-a|77']).toMatchObject({worldRank: 1, tpRank: 1, ppRank: 0, dpRank: 0});
		expect(state.procs['pod0|host-a|78']).toMatchObject({worldRank: 0, tpRank: 0});
	});

	it('engine death and its failure (§2.6)', () => {
		const {state} = parse(text(['ERROR 01-16 14:30:00 [core_client.py:564] Engine core proc EngineCore_DP0 died unexpectedly, shutting down client.']));
		expect(state.engine!.dead!.message).toMatch(/died unexpectedly/);
		expect(state.failures[0]!.kind).toBe('engine-dead');
	});
});

describe('torch and launcher', () => {
	it('watchdog timeouts are remote, OOM is not; elastic reports end processes (§1.8, §2.6)', () => {
		const {state} = parse(
			text([
				'vm:1622:1622 [0] NCCL INFO ncclCommInitRankConfig comm 0x1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 60 commId 0x5 - Init START',
				'[rank1]:[E810 03:04:11.061727749 ProcessGroupNCCL.cpp:683] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=78, OpType=BROADCAST, NumelIn=80, NumelOut=80, Timeout(ms)=600000) ran for 600096 milliseconds before timing out.',
				'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 324.00 MiB. GPU 0 has a total capacity of 7.63 GiB of which 91.25 MiB is free.',
				'E1126 22:05:13.813000 1609 torch/distributed/elastic/multiprocessing/api.py:986] failed (exitcode: 1) local_rank: 0 (pid: 1622) of binary: /opt/torch/.venv/bin/python3',
			]),
		);
		expect(state.failures.map(f => [f.kind, f.rank, f.remote])).toEqual([
			['watchdog-timeout', 1, true],
			['cuda-oom', null, false],
		]);
		expect(state.procs['pod0|vm|1622']).toMatchObject({state: 'failed', exitCode: 1});
	});

	it('keeps a Python traceback as one block and records its final line', () => {
		const {state} = parse(text(['Traceback (most recent call last):', '  File "x.py", line 1, in <module>', '    main()', 'ValueError: boom', 'next line']));
		expect(state.failures).toEqual([expect.objectContaining({kind: 'traceback', message: 'ValueError: boom'})]);
	});
});
