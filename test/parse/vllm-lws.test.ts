/**
 * Third-party vLLM 0.8.3 LWS leader logs (../shared/corpus/public-vllm-lws; never
 * copied into the repo). Each `.json` beside a log holds the truth read off it by
 * hand. Ray prefixes are ANSI-coloured, lines collide, Ray folds repeats.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createStreamParser, type RawLine} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {lwsDir, lwsTruthOf, type LwsTruth} from '../helpers/shared.js';

const dir = lwsDir;
const present = existsSync(dir);
if (!present) console.log(`skipping public-vllm-lws tests: ${dir} is absent (third-party logs are not in the repo)`);

function load(name: string): {state: RolloutState; lines: RawLine[]; raw: string; truth: LwsTruth} {
	const raw = readFileSync(path.join(dir, `${name}.log`), 'utf8');
	const truth = lwsTruthOf(name);
	const lines: RawLine[] = [];
	const parser = createStreamParser({pod: 'leader', container: 'vllm', onLine: l => lines.push(l)});
	let state = emptyState({kind: 'files', files: []});
	state = reduceAll(state, parser.push(Buffer.from(raw)));
	state = reduceAll(state, parser.end());
	return {state, lines, raw, truth};
}

const names = present
	? readdirSync(dir)
			.filter(f => f.endsWith('.log'))
			.map(f => f.slice(0, -4))
			.sort()
	: [];

describe.skipIf(!present)('public vLLM 0.8.3 LWS logs', () => {
	describe.each(names)('%s', name => {
		const {state, lines, raw, truth} = load(name);
		const v = truth.vllm;

		it('fills the engine from the V0 engine-config line', () => {
			const e = state.engine!;
			expect(e.vllmVersion).toBe(v.version);
			expect(e.model).toBe(v.model);
			expect(e.dtype).toBe(v.dtype);
			expect(e.quantization).toBe(v.quantization);
			expect(e.maxSeqLen).toBe(v.max_seq_len);
			expect(e.tensorParallelSize).toBe(v.tensor_parallel_size);
			expect(e.pipelineParallelSize).toBe(v.pipeline_parallel_size);
			expect(e.prefixCaching).toBe(v.enable_prefix_caching);
			expect(e.chunkedPrefill).toBe(v.chunked_prefill_enabled);
			expect(e.config.enforce_eager).toBe(v.enforce_eager ? 'True' : 'False');
			expect(e.config.tensor_parallel_size).toBe(String(v.tensor_parallel_size));
			expect(Object.keys(e.config).length).toBeGreaterThan(25);
		});

		it('reads the KV cache blocks and concurrency', () => {
			expect(state.engine!.gpuBlocks).toBe(v.gpu_kv_cache_blocks);
			expect(state.engine!.maxConcurrency).toBe(Number(v.max_concurrency.split('x')[0]));
			expect(state.engine!.kvCacheTokens).toBe(v.gpu_kv_cache_tokens);
		});

		it('reaches serving', () => {
			expect(truth.final_state).toBe('serving');
			expect(state.engine!.milestones.serving).toBeDefined();
			expect(state.engine!.milestones.apiServerStarting).toBeDefined();
			expect(state.engine!.dead).toBeNull();
		});

		it('reads NCCL facts from the Ray-forwarded and the driver NCCL lines', () => {
			expect(state.nccl.version).toBe(truth.nccl_version);
			if (truth.cuda_driver_version) expect(state.nccl.cudaDriverVersion).toBe(truth.cuda_driver_version);
			expect(state.nccl.netPlugin).toBe(truth.using_network);
			expect(state.nccl.externalNetPlugin).toBe(false);
			const transports = new Set(Object.values(state.comms).flatMap(c => c.transports));
			expect(transports).toContain('P2P/IPC');
			expect(transports).toContain(truth.using_network === 'Socket' ? 'NET/Socket' : truth.gdr?.per_channel?.includes('every') ? 'NET/IB/GDRDMA' : 'NET/IB');
			for (const d of truth.net_devices ?? []) {
				const want = d.link_layer ? {name: d.name, port: d.port, linkLayer: d.link_layer} : {name: d.name};
				expect(state.nccl.netDevices).toContainEqual(expect.objectContaining(want));
			}
			expect(Object.keys(state.warnGroups)).toHaveLength(truth.nccl_warn_count);
		});

		it('puts each comm member on its (host, pid) process', () => {
			for (const c of truth.communicators ?? []) {
				if (!c.commId) continue; // a note about lines lost to interleaving
				const comm = state.comms[c.commId]!;
				expect(comm.nranks).toBe(c.nranks);
				for (const r of c.rank_lines_seen) {
					const m = comm.members[r.rank]!;
					expect(m.proc).toBe(`leader|${r.host}|${r.pid}`);
					expect(state.procs[m.proc]!.busId).toBe(r.busId);
				}
			}
		});

		it('strips ANSI, redacts nothing that is not a secret, counts Ray folding', () => {
			expect(truth.lines_with_ansi_escapes ?? 0).toBe(raw.split('\n').filter(l => l.includes('\x1b[')).length);
			expect(lines.some(l => l.text.includes('\x1b'))).toBe(false);
			expect(lines.some(l => l.text.startsWith('(RayWorkerWrapper pid='))).toBe(true);
			const repeated = raw.split('\n').filter(l => /\[repeated \d+x across cluster\]/.test(l)).length;
			expect(state.pods.leader!.rayRepeatedLines).toBe(repeated);
			expect(state.pods.leader!.lines).toBe(raw.split('\n').length - (raw.endsWith('\n') ? 1 : 0));
		});
	});

	it('recovers both halves of collided lines (06)', () => {
		const {state, lines} = load('06-vllm-0.8.3-lws-ray-2node-tp4-pp2-ib-line-collisions');
		// "…Channel 21/24 :    0   1   2   3llama-3-3-70b-instruct-0:5941:5941 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB …"
		const glued = lines.find(l => l.text.includes('3llama-3-3-70b-instruct-0:5941:5941 [0] NCCL INFO NET/IB : Using'));
		expect(glued).toBeDefined();
		expect(state.nccl.netDevices.filter(d => d.name.startsWith('mlx5_')).length).toBe(8);
		// "instruct-0:5941:5941 [0] NCCL INFO Channel 05/0 : 0[0] -> 1[1] via P2P/IPC/read" (head cut by a collision)
		expect(state.procs['leader|instruct-0|5941']).toBeUndefined();
		const world = state.comms['0xd5808c6583735511']!;
		expect(world.links.find(l => l.fromRank === 0 && l.toRank === 1)!.channels).toBeGreaterThanOrEqual(6);
		// the glued vLLM `rank 4 in world size 8` belongs to no known process: it must not relabel the driver
		expect(state.procs['leader|llama-3-3-70b-instruct-0|5941']!.worldRank).toBe(0);
	});

	it('assigns vLLM world/TP/PP ranks by the process prefix pid (04)', () => {
		const {state, truth} = load('04-vllm-0.8.3-lws-ray-2node-tp8-pp2-ib-gdr-serving');
		expect(truth.vllm.pp_tp_rank_assignments_seen).toContain('rank 4 -> PP 0 TP 4');
		const p = state.procs['leader|deepseek-v2-5-0|663']!;
		expect([p.worldRank, p.ppRank, p.tpRank, p.worldRankFrom]).toEqual([4, 0, 4, 'log']);
		const driver = state.procs['leader|deepseek-v2-5-0|5969']!;
		expect([driver.worldRank, driver.ppRank, driver.tpRank]).toEqual([0, 0, 0]);
	});
});
