/**
 * NCCL lines whose `host:pid:tid ` head was lost on the way into an issue, as users paste them:
 * `[3] NCCL INFO comm 0x… rank 3 nRanks 8 …` (NVIDIA/nccl#2094, NCCL 2.29) or a bare
 * `NCCL INFO …`. Each `[dev]` is a process of its own, with no host and no pid (the log prints
 * neither), and its comm and rank lines build communicators as whole heads do. The two public
 * excerpts are byte copies (rows in test/fixtures/public/SOURCES.md); the expected values were
 * read off them first (the comments quote the lines). Lines built from NCCL's format strings
 * (docs/log-formats/nccl.md §1.12) where no public paste of that form was found say so.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseInto, publicDir} from '../helpers/load-scenario.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {derivePhase} from '../../source/model/phase.js';
import {commName} from '../../source/model/mid-run.js';

function load(file: string): RolloutState {
	const state = parseInto(emptyState({kind: 'files', files: [file]}), 'pod0', [readFileSync(path.join(publicDir, file))]);
	return reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
}

function loadText(text: string): RolloutState {
	const state = parseInto(emptyState({kind: 'files', files: ['paste.log']}), 'pod0', [text]);
	return reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
}

/** rank → cudaDev of each member of the comm, as the Ranks pane lists them */
const devsByRank = (s: RolloutState, commId: string) => Object.fromEntries(Object.values(s.comms[commId]!.members).map(m => [m.rank, s.procs[m.proc]!.cudaDev]));

describe('NCCL 2.29, Init COMPLETE lines with only `[dev]` left of the head (NVIDIA/nccl#2094)', () => {
	const s = load('nccl-2.29-headless-dev-only-init-complete-8rank.log');

	it('builds comm 0xfa356df9cba89de0 of 8 ranks with ranks 2, 3, 4 and 7 complete, each its own process', () => {
		// `[3] NCCL INFO ncclCommInitRankConfig comm 0x563cb890f420 rank 3 nranks 8 cudaDev 3 nvmlDev 3 busId b000 commId 0xfa356df9cba89de0 - Init COMPLETE`
		// and the same for [4] (busId 84000), [2] (a000), [7] (8b000)
		expect(Object.keys(s.comms)).toEqual(['0xfa356df9cba89de0']);
		const c = s.comms['0xfa356df9cba89de0']!;
		expect(c.nranks).toBe(8);
		expect(c.ranksComplete).toBe(4);
		expect(devsByRank(s, '0xfa356df9cba89de0')).toEqual({2: 2, 3: 3, 4: 4, 7: 7});
		const busIds = Object.values(c.members).map(m => s.procs[m.proc]!.busId);
		expect(busIds.sort()).toEqual(['84000', '8b000', 'a000', 'b000']);
		// half of the ranks' lines are not in the paste: the comm is still in its init
		expect(c.state).toBe('initializing');
		expect(derivePhase(s)).toBe('nccl-init');
	});

	it('names no host and no pid the paste does not print', () => {
		const procs = Object.values(s.procs).filter(p => p.pod === 'pod0');
		expect(procs).toHaveLength(4);
		for (const p of procs) {
			expect(p.host).toBeNull();
			expect(p.pid).toBeNull();
		}
	});

	it('takes the `Init timings` line of each rank whose line the paste kept (not rank 7: its line was cut)', () => {
		// `[3] NCCL INFO Init timings - ncclCommInitRankConfig: rank 3 nranks 8 total 3.03 (kernels 1.22, …)`
		const secs = Object.fromEntries(Object.values(s.comms['0xfa356df9cba89de0']!.members).map(m => [m.rank, s.procs[m.proc]!.initSeconds]));
		expect(secs).toEqual({2: 3.03, 3: 3.03, 4: 3.03, 7: null});
	});
});

describe('NCCL 2.29, `comm … nRanks 8 nNodes 1` and Trees lines with only `[dev]` left (NVIDIA/nccl#2094)', () => {
	const s = load('nccl-2.29-headless-dev-only-comm-trees-8rank.log');

	it('places ranks 1 and 3 of an 8-rank, one-node comm, on devices 1 and 3, still initializing', () => {
		// `[3] NCCL INFO comm 0x563cb890f420 rank 3 nRanks 8 nNodes 1 localRanks 8 localRank 3 MNNVL 0`
		// `[1] NCCL INFO comm 0x563cb86a9c40 rank 1 nRanks 8 nNodes 1 localRanks 8 localRank 1 MNNVL 0`
		const comms = Object.values(s.comms);
		expect(comms.length).toBeGreaterThan(0);
		const withRanks = comms.filter(c => Object.values(c.members).some(m => m.rank === 1 || m.rank === 3));
		const ranks = withRanks.flatMap(c => Object.values(c.members).map(m => [m.rank, s.procs[m.proc]!.cudaDev]));
		expect(ranks).toEqual(
			expect.arrayContaining([
				[1, 1],
				[3, 3],
			]),
		);
		for (const c of withRanks) {
			expect(c.nranks).toBe(8);
			expect(c.nNodes).toBe(1);
			expect(c.localRanks).toBe(8);
			expect(c.state).toBe('initializing');
		}
		expect(derivePhase(s)).toBe('nccl-init');
	});

	it('names a comm known only by its pointer after the device that printed it (no pid in a pasted line)', () => {
		const names = Object.keys(s.comms).map(commName);
		expect(names).toContain('ptr 0x563cb86a9c40 in pod0 dev 1');
		expect(names.join('\n')).not.toMatch(/pid\s*$|pid \n/m);
	});

	it('keeps devices 2, 1 and 3 apart: three processes, none with a host', () => {
		const procs = Object.values(s.procs).filter(p => p.pod === 'pod0');
		expect(procs.map(p => p.cudaDev).sort()).toEqual([1, 2, 3]);
		expect(procs.every(p => p.host === null && p.pid === null)).toBe(true);
	});
});

describe('pasted lines built from the format strings (no public paste of these forms found)', () => {
	// src/debug.cc 2.26+: "[%d] NCCL INFO " and "[%d] %s:%d NCCL WARN "; Init lines as §1.2 (2.29 `[Rank N]`), channel lines as §1.5
	const lines = [
		'[0] NCCL INFO [Rank 0] ncclCommInitRankConfig comm 0x55d0a1b2c3d0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x1f2e3d4c5b6a7988 - Init START',
		'[1] NCCL INFO [Rank 1] ncclCommInitRankConfig comm 0x55d0a1b2c4e0 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 2a000 commId 0x1f2e3d4c5b6a7988 - Init START',
		'[0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM',
		'[1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/CUMEM',
		'[0] NCCL INFO ncclCommInitRankConfig comm 0x55d0a1b2c3d0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x1f2e3d4c5b6a7988 - Init COMPLETE',
		'[1] NCCL INFO ncclCommInitRankConfig comm 0x55d0a1b2c4e0 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 2a000 commId 0x1f2e3d4c5b6a7988 - Init COMPLETE',
	];

	it('reads Init START/COMPLETE and P2P channels of two `[dev]` processes into one ready 2-rank comm', () => {
		const s = loadText(`${lines.join('\n')}\n`);
		const c = s.comms['0x1f2e3d4c5b6a7988']!;
		expect(c.nranks).toBe(2);
		expect(c.ranksComplete).toBe(2);
		expect(c.state).toBe('ready');
		expect(c.transports).toEqual(['P2P/CUMEM']);
		expect(devsByRank(s, '0x1f2e3d4c5b6a7988')).toEqual({0: 0, 1: 1});
	});

	it('reads a bare `NCCL INFO` Init line as one process with no device, and a `[dev] file:line NCCL WARN` as that device', () => {
		const s = loadText(
			[
				'NCCL INFO [Rank 0] ncclCommInitRankConfig comm 0x55d0a1b2c3d0 rank 0 nranks 1 cudaDev 0 nvmlDev 0 busId 18000 commId 0x0a0b0c0d0e0f1011 - Init START',
				'NCCL INFO ncclCommInitRankConfig comm 0x55d0a1b2c3d0 rank 0 nranks 1 cudaDev 0 nvmlDev 0 busId 18000 commId 0x0a0b0c0d0e0f1011 - Init COMPLETE',
				'[0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.0.0.2<45123> failed : Software caused connection abort',
				'',
			].join('\n'),
		);
		expect(s.comms['0x0a0b0c0d0e0f1011']!.state).toBe('ready');
		const procs = Object.values(s.procs).filter(p => p.pod === 'pod0');
		expect(procs).toHaveLength(2);
		expect(procs.every(p => p.host === null && p.pid === null)).toBe(true);
		expect(procs.some(p => p.warnings > 0)).toBe(true);
	});

	it('leaves a whole head behind nccl-tests` `[0] ` rank tag to its real host (NVIDIA/nccl#1453 form)', () => {
		// `[0] h100clust-worker-1:227602:227760 [0] NCCL INFO Channel 04/0 : 0[0] -> 7[7] via P2P/CUMEM` (real line, #1453)
		const s = loadText('[0] h100clust-worker-1:227602:227760 [0] NCCL INFO Channel 04/0 : 0[0] -> 7[7] via P2P/CUMEM\n');
		const procs = Object.values(s.procs).filter(p => p.pod === 'pod0');
		expect(procs.map(p => [p.host, p.pid])).toEqual([['h100clust-worker-1', 227602]]);
	});
});
