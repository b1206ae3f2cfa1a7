/**
 * Real public excerpts of the newest formats (test/fixtures/public, SOURCES.md says where each
 * came from): a docker compose log of vLLM 0.8 V1 workers (`(VllmWorker rank=N pid=P)`), NCCL
 * 2.31.2 under vLLM on a DGX Spark RoCE pair, and an NCCL 2.29+ eight-rank start with the GIN/RMA
 * plugin lines. Each is read through the real stream parser and reducer; every expected value
 * was read off the excerpt by a person, not copied from the parser's output.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createStreamParser, type RawLine} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {computeFindings} from '../../source/findings/index.js';
import {publicDir} from '../helpers/load-scenario.js';

const bytesOf = (file: string) => readFileSync(path.join(publicDir, file));

/** The excerpt (then any `extra` text) as pod0's whole log: the state and every RawLine handed to onLine. */
function read(file: string, extra = ''): {state: RolloutState; lines: RawLine[]} {
	const lines: RawLine[] = [];
	const parser = createStreamParser({pod: 'pod0', container: 'main', onLine: l => lines.push(l)});
	let state = emptyState({kind: 'files', files: [file]});
	state = reduceAll(state, parser.push(bytesOf(file)));
	if (extra) state = reduceAll(state, parser.push(extra));
	state = reduceAll(state, parser.end());
	return {state, lines};
}

const procsOf = (s: RolloutState) => Object.values(s.procs).sort((a, b) => (a.pid ?? 0) - (b.pid ?? 0));
const findingsOf = (s: RolloutState) => computeFindings(s, s.lastTs ?? 0);

describe('docker compose log of vLLM 0.8 V1 TP=4 workers (vllm-project/vllm#16514)', () => {
	const file = 'vllm-0.8-docker-compose-tp4-workers-nccl-found.log';
	const COMPOSE = 'vllm-qwen-72b-instruct  | ';
	const {state, lines} = read(file);

	it('peels `vllm-qwen-72b-instruct  | ` off every line: each RawLine is the line behind it', () => {
		const raw = bytesOf(file)
			.toString('utf8')
			.split('\n')
			.filter(l => l !== '');
		expect(raw.every(l => l.startsWith(COMPOSE))).toBe(true);
		expect(lines.map(l => l.text)).toEqual(raw.map(l => l.slice(COMPOSE.length)));
		expect(lines[2]!.text.startsWith('(VllmWorker rank=3 pid=286) DEBUG 04-11 13:15:00 [parallel_state.py:820] world_size=4')).toBe(true);
	});

	it('reads the NCCL version vLLM reports, `vLLM is using nccl==2.21.5`', () => {
		expect(state.nccl.version).toBe('2.21.5');
	});

	it('counts none of its seven vLLM lines unrecognised', () => {
		expect(state.unrecognised).toBe(0);
	});

	it('keeps the `(VllmWorker rank=N pid=P)` ranks for those pids: the first NCCL line of pid 286, 242 and 262 gets world rank 3, 1 and 2', () => {
		// the excerpt has no NCCL line; these three (same compose column, in NCCL's own head form) probe what is pending
		const later = [`${COMPOSE}c0ffee:286:286 [3] NCCL INFO cudaDriverVersion 12040`, `${COMPOSE}c0ffee:242:242 [1] NCCL INFO cudaDriverVersion 12040`, `${COMPOSE}c0ffee:262:262 [2] NCCL INFO cudaDriverVersion 12040`, ''].join('\n');
		const s = read(file, later).state;
		expect(procsOf(s).map(p => [p.pid, p.worldRank])).toEqual([
			[242, 1],
			[262, 2],
			[286, 3],
		]);
	});

	it('finds nothing wrong in seven healthy startup lines', () => {
		expect(findingsOf(state).filter(f => f.severity !== 'info')).toEqual([]);
	});
});

describe('NCCL 2.31.2 under vLLM on a DGX Spark RoCE pair (eugr/spark-vllm-docker#411)', () => {
	const file = 'nccl-2.31.2-vllm-worker-roce-ib-hca.log';
	const {state, lines} = read(file);

	it('reads the version from `NCCL version 2.31.2+cuda13.0`; the `NCCL git version master nccl4py-…` line after it does not replace it', () => {
		expect(state.nccl.version).toBe('2.31.2+cuda13.0');
	});

	it('reads the driver, the bootstrap interface and that no external net plugin was found', () => {
		expect(state.nccl.cudaDriverVersion).toBe(13000);
		expect(state.nccl.bootstrapInterface).toBe('enp1s0f0np0');
		expect(state.nccl.externalNetPlugin).toBe(false);
	});

	it('records NCCL_IB_HCA (`NCCL_IB_HCA set to roceP2p1s0f0,rocep1s0f0`) and the two set by environment', () => {
		expect(state.nccl.env).toMatchObject({
			NCCL_IB_HCA: 'roceP2p1s0f0,rocep1s0f0',
			NCCL_IB_DISABLE: '0',
			NCCL_SOCKET_IFNAME: 'enp1s0f0np0',
		});
	});

	it("knows the one NCCL process, edgexpert-5ead:454, which is also vLLM's `(Worker pid=454)`", () => {
		expect(procsOf(state).map(p => `${p.host}:${p.pid}`)).toEqual(['edgexpert-5ead:454']);
		const k = procsOf(state)[0]!.key;
		expect(lines.find(l => l.text.startsWith('edgexpert-5ead:454:454 [0] NCCL INFO NCCL version'))!.proc).toBe(k);
	});

	it("counts no line unrecognised: vLLM, NCCL INFO and torch's `[W923 …] [c10d]` warning are all known formats", () => {
		expect(state.unrecognised).toBe(0);
	});

	it('finds only the informational note that NCCL uses its built-in net transport (`NET/Plugin: Could not find: libnccl-net.so`)', () => {
		expect(findingsOf(state).map(f => [f.id, f.severity])).toEqual([['net-plugin-missing', 'info']]);
	});
});

describe('NCCL 2.29+ eight-rank start with GIN/RMA plugins and RAS (NVIDIA-NeMo/Automodel#3032)', () => {
	const file = 'nccl-2.29plus-8rank-gin-rma-plugins-ras.log';
	const {state} = read(file);

	it('reads the network as IB: `Initialized NET plugin IB`, `Assigned NET plugin IB to comm`, `Using network IB`', () => {
		expect(state.nccl.netPlugin).toBe('IB');
	});

	it('lists the four InfiniBand HCAs on port 1 and says the IB transport is in use, from the device line', () => {
		expect(state.nccl.netDevices.map(d => [d.name, d.port, d.linkLayer]).sort()).toEqual([
			['mlx5_0', 1, 'IB'],
			['mlx5_1', 1, 'IB'],
			['mlx5_2', 1, 'IB'],
			['mlx5_3', 1, 'IB'],
		]);
		expect(state.nccl.ibDeviceFound).toBe(true);
		expect(state.nccl.ibInUse).toMatchObject({from: 'devices', linkLayer: 'IB'});
	});

	it('reads the 2.29 `[Rank N] ncclCommInitRankConfig … - Init START`: one comm of 8 ranks, ranks 1, 2, 3 and 5 started', () => {
		const c = state.comms['0x673ba095326ff9de']!;
		expect(c.nranks).toBe(8);
		expect(c.ranksStarted).toBe(4);
		expect(
			Object.values(c.members)
				.map(m => m.rank)
				.sort(),
		).toEqual([1, 2, 3, 5]);
	});

	it('knows the five processes on node-0 (pid 299594 printed only its RAS line)', () => {
		expect(procsOf(state).map(p => `${p.host}:${p.pid}`)).toEqual(['node-0:299591', 'node-0:299592', 'node-0:299593', 'node-0:299594', 'node-0:299595']);
	});

	it('counts no line unrecognised (GIN/RMA plugin lines and the RAS listening line are NCCL INFO lines)', () => {
		expect(state.unrecognised).toBe(0);
	});

	it('makes no finding of the RAS listening socket or of the missing libnccl-gin.so (the built-in GIN_IB_GDAKI was assigned)', () => {
		const fs = findingsOf(state);
		expect(fs.filter(f => f.severity === 'error')).toEqual([]);
		expect(fs.filter(f => /RAS|28028|libnccl-gin|GIN/.test(f.message + f.subject))).toEqual([]);
	});
});
