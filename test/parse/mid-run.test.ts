/**
 * Logs that start mid-run (kubelet's 10 MiB rotation, `--since`/`--tail`, an excerpt in a
 * ticket): every corpus pod log cut at its first channel connection line (`Channel 00/0 :
 * 0[0] -> 1[1] via P2P/CUMEM`), and at random lines after the first Init COMPLETE. What the
 * kept part says is read here with its own small patterns (not the parser's), and the
 * state must hold it: the ranks each process printed, the transports, every comm the
 * kept part names with its size, every Destroy/Abort.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {loadExcerpt, parseInto, podLogs, scenarioNames, loadScenario} from '../helpers/load-scenario.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {derivePhase} from '../../source/model/phase.js';
import {normaliseTransport} from '../../source/parse/nccl/channels.js';

/** What the kept lines say, per process key. */
interface Said {
	ranks: Map<string, Set<number>>;
	transports: Set<string>;
	/** commId → nranks, from Init lines */
	commIds: Map<string, number>;
	/** `proc|rank` of each Destroy/Abort COMPLETE */
	ends: string[];
}

const HEAD = /(\S+):(\d+):\d+ \[\d+\] NCCL INFO (.*)$/;

function said(pod: string, lines: string[]): Said {
	const out: Said = {ranks: new Map(), transports: new Set(), commIds: new Map(), ends: []};
	const rank = (proc: string, r: number) => {
		if (!out.ranks.has(proc)) out.ranks.set(proc, new Set());
		out.ranks.get(proc)!.add(r);
	};
	for (const line of lines) {
		const h = HEAD.exec(line);
		if (!h) continue;
		const proc = `${pod}|${h[1]}|${h[2]}`;
		const msg = h[3]!;
		let m: RegExpExecArray | null;
		if ((m = /^Channel \d+(?:\/\d+)? : (\d+)\[\w+\] -> (\d+)\[\w+\](?: \[(send|receive)\])? via (\S+(?: pointer\/\w+)?)/.exec(msg))) {
			rank(proc, Number(m[3] === 'receive' ? m[2] : m[1]));
			if (m[4]!.includes('/')) out.transports.add(normaliseTransport(m[4]!));
		} else if (/^Channel \d+\/\d+ : +[\d ]+$/.test(msg)) rank(proc, 0);
		else if ((m = /^Trees \[\d+\] -?\d+\/-?\d+\/-?\d+->(\d+)->/.exec(msg))) rank(proc, Number(m[1]));
		else if ((m = /^Ring \d+ : -?\d+ -> (\d+) -> -?\d+/.exec(msg))) rank(proc, Number(m[1]));
		else if ((m = /comm 0x[0-9a-f]+ rank (\d+) n[Rr]anks (\d+) .*- (Destroy|Abort) COMPLETE/.exec(msg))) {
			rank(proc, Number(m[1]));
			out.ends.push(`${proc}|${m[1]}`);
		} else if ((m = /^comm 0x[0-9a-f]+ rank (\d+) nRanks \d+ nNodes/.exec(msg))) rank(proc, Number(m[1]));
		else if ((m = /comm 0x[0-9a-f]+ rank (\d+) nranks (\d+) .*?(?:commId (0x[0-9a-f]+) )?- Init (?:START|COMPLETE)/.exec(msg))) {
			rank(proc, Number(m[1]));
			if (m[3]) out.commIds.set(m[3], Number(m[2]));
		}
	}
	return out;
}

/** Each pod's log from line `cut(pod's lines)` on, read to its end. */
function stateOfCut(name: string, cut: (lines: string[], pod: string) => number): {state: RolloutState; said: Said[]} {
	let state = emptyState({kind: 'files', files: []});
	const saids: Said[] = [];
	for (const {pod, file} of podLogs(name)) {
		const lines = readFileSync(file, 'utf8').split('\n');
		const rest = lines.slice(Math.max(0, cut(lines, pod)));
		saids.push(said(pod, rest));
		state = parseInto(state, pod, [rest.join('\n')]);
	}
	return {state: reduceAll(state, [{type: 'source-ended', at: state.lastTs}]), said: saids};
}

function ranksOf(state: RolloutState): Map<string, Set<number>> {
	const out = new Map<string, Set<number>>();
	for (const c of Object.values(state.comms))
		for (const m of Object.values(c.members)) {
			if (!out.has(m.proc)) out.set(m.proc, new Set());
			out.get(m.proc)!.add(m.rank);
		}
	return out;
}

const sorted = (xs: Iterable<number | string>) => [...xs].sort();
const firstChannel = (lines: string[]) => lines.findIndex(l => l.includes('Channel ') && l.includes(' via '));

/** The kept part's facts are all in the state. */
function expectKept(state: RolloutState, saids: Said[]): void {
	const got = ranksOf(state);
	for (const s of saids) {
		for (const [proc, ranks] of s.ranks) expect(sorted(got.get(proc) ?? []), `ranks of ${proc}`).toEqual(sorted(ranks));
		const transports = new Set<string>();
		for (const c of Object.values(state.comms)) if (Object.values(c.members).some(m => m.proc.startsWith(`${[...s.ranks.keys()][0]?.split('|')[0]}|`))) for (const t of c.transports) transports.add(t);
		for (const t of s.transports) expect(transports.has(t), `transport ${t}`).toBe(true);
		for (const [id, n] of s.commIds) expect(state.comms[id]?.nranks, `comm ${id}`).toBe(n);
		for (const end of s.ends) {
			const [pod, host, pid, rank] = end.split('|');
			const proc = `${pod}|${host}|${pid}`;
			const m = Object.values(state.comms).find(c => c.members[Number(rank)]?.proc === proc && c.members[Number(rank)]!.state === 'destroyed');
			expect(m, `destroyed ${end}`).toBeDefined();
		}
	}
}

const withChannels = scenarioNames().filter(n => podLogs(n).some(p => firstChannel(readFileSync(p.file, 'utf8').split('\n')) !== -1));

describe('a log cut at its first channel connection line', () => {
	it('covers every corpus scenario with channel lines', () => {
		expect(withChannels.length).toBeGreaterThanOrEqual(6);
	});

	for (const name of withChannels) {
		it(`${name}: keeps each process's ranks, its transports, the comms and Destroy lines after the cut`, () => {
			const {state, said: saids} = stateOfCut(name, firstChannel);
			expect(Object.keys(state.comms).length).toBeGreaterThan(0);
			expectKept(state, saids);
			// every process that printed a channel line is a member of some comm
			for (const s of saids) for (const proc of s.ranks.keys()) expect(state.procs[proc]?.comms.length, proc).toBeGreaterThan(0);
		});
	}

	it('tp2-timestamps (cut after the Init COMPLETEs): the lazily connected P2P/CUMEM channels, then four Destroy COMPLETE: completed', () => {
		const {state} = stateOfCut('tp2-timestamps', firstChannel);
		const comms = Object.values(state.comms);
		// no Init line is left: each comm is known by its process's pointer, one member each
		expect(comms.map(c => c.id.split('@')[1]).sort()).toEqual(['0x1b65f9a0', '0x22f3c850', '0x3be6a390', '0x437467a0']);
		for (const c of comms) {
			expect(c.nranks).toBe(2);
			expect(c.state).toBe('destroyed');
		}
		// the channel lines went to the first comm each process destroyed (the split comm, `comm 0x22f3c850 rank 0`)
		const split0 = comms.find(c => c.id.endsWith('@0x22f3c850'))!;
		expect(split0.transports).toEqual(['P2P/CUMEM']);
		expect(split0.members[0]!.proc).toBe('pod0|vm|1652');
		expect(state.procs['pod0|vm|1652']).toMatchObject({busId: '60', cudaDev: 0});
		expect(derivePhase(state)).toBe('completed');
	});

	it('crash-rank1 pod0 (nothing after the cut names a comm): one unknown comm per process, sized by the ranks its channels name', () => {
		const {state} = stateOfCut('crash-rank1', firstChannel);
		const c = state.comms['pod0|vm|1462@unknown comm']!;
		// `3[3] -> 0[0] [receive] via NET/Socket/0`, `0[0] -> 1[1] via P2P/CUMEM`: rank 0, at least 4 ranks
		expect(Object.keys(c.members)).toEqual(['0']);
		expect(c.nranks).toBe(4);
		expect([...c.transports].sort()).toEqual(['NET/Socket', 'P2P/CUMEM']);
		// `1[1] -> 2[2] [send] via NET/Socket/0`: the other process is rank 1 of at least 3
		const d = state.comms['pod0|vm|1464@unknown comm']!;
		expect(Object.keys(d.members)).toEqual(['1']);
		expect(d.nranks).toBe(3);
		// rank 1 crashed in pod1: the rollout failed
		expect(derivePhase(state)).toBe('failed');
	});

	it('tp2x2-two-pods-all (no commId after the cut): each process keeps its comms by pointer, sized and connected as the whole log says', () => {
		const {state} = stateOfCut('tp2x2-two-pods-all', firstChannel);
		const full = Object.values(loadScenario('tp2x2-two-pods-all').state.comms);
		const cut = Object.values(state.comms);
		expect(cut.length).toBeGreaterThan(0);
		for (const c of cut) {
			expect(c.id, 'known by its process and pointer').toMatch(/^pod\d\|vm\|\d+@0x[0-9a-f]+$/);
			const sameSize = full.filter(f => f.nranks === c.nranks);
			expect(sameSize.length, `${c.id}: a comm of ${c.nranks} in the whole log`).toBeGreaterThan(0);
			for (const t of c.transports)
				expect(
					sameSize.flatMap(f => f.transports),
					c.id,
				).toContain(t);
		}
		// the world's four ranks, one per process across both pods
		expect(sorted(cut.filter(c => c.nranks === 4).flatMap(c => Object.keys(c.members)))).toEqual(['0', '1', '2', '3']);
	});
});

/** A small seeded generator (mulberry32): the same cuts every run. */
function rng(seed: number): () => number {
	let a = seed;
	return () => {
		a |= 0;
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('a cut anywhere after the first Init COMPLETE never loses what the rest says', () => {
	for (const name of withChannels) {
		it(`${name}: 6 random cuts per pod log`, () => {
			const next = rng(name.length * 7919);
			for (let k = 0; k < 6; k++) {
				const {state, said: saids} = stateOfCut(name, lines => {
					const first = lines.findIndex(l => l.includes('- Init COMPLETE'));
					return first + 1 + Math.floor(next() * (lines.length - first - 1));
				});
				expectKept(state, saids);
			}
		});
	}
});

describe('public excerpts that hold only the end of a run (SOURCES.md)', () => {
	const load = (file: string) => {
		const s = loadExcerpt(file);
		return reduceAll(s, [{type: 'source-ended', at: s.lastTs}]);
	};

	it('Azure/aks-rdma-infiniband#30: seven Destroy COMPLETE lines of a 16-rank nccl-tests job are seven destroyed ranks of 16, and the run completed', () => {
		const s = load('nccl-azure-aks-16rank-destroy-complete.log');
		const comms = Object.values(s.comms);
		expect(comms.length).toBe(7);
		for (const c of comms) expect([c.nranks, c.state]).toEqual([16, 'destroyed']);
		// `nccl-tests-worker-1:70:224 [7] … comm 0x5556543bb320 rank 15 nranks 16 cudaDev 7 busId e00000 - Destroy COMPLETE`
		const p = s.procs['pod0|nccl-tests-worker-1|70']!;
		expect([p.cudaDev, p.busId]).toEqual([7, 'e00000']);
		expect(s.comms[p.comms[0]!]!.members[15]!.proc).toBe(p.key);
		expect(sorted(comms.flatMap(c => Object.keys(c.members).map(Number)))).toEqual(sorted([15, 1, 13, 14, 6, 5, 7]));
		expect(derivePhase(s)).toBe('completed');
	});

	it('NVIDIA/nccl#1680: the two ranks of a 2-rank comm destroyed on ada6000-02, busIds be000 and 3c000', () => {
		const s = load('nccl-ada6000-2rank-destroy-complete.log');
		const byRank = Object.fromEntries(Object.values(s.comms).map(c => [Object.keys(c.members)[0], s.procs[Object.values(c.members)[0]!.proc]!.busId]));
		expect(byRank).toEqual({0: '3c000', 1: 'be000'});
		expect(derivePhase(s)).toBe('completed');
	});

	it('NVIDIA/nccl#1814: starts at `Connected NVLS tree`; the channel counts wait in the unknown comm and land on 0x5ae77eb5ea4ec1ee at Init COMPLETE', () => {
		const s = load('nccl-nvls-64rank-starts-at-connected-nvls-tree.log');
		expect(Object.keys(s.comms)).toEqual(['0x5ae77eb5ea4ec1ee']);
		const c = s.comms['0x5ae77eb5ea4ec1ee']!;
		expect(c.nranks).toBe(64);
		expect(sorted(Object.keys(c.members).map(Number))).toEqual(sorted([32, 34, 35, 36]));
		expect(c.ranksComplete).toBe(4);
		// `16 coll channels, 0 collnet channels, 16 nvls channels, 16 p2p channels` printed by ranks 35 and 34 before their COMPLETE
		expect(c.channels).toEqual({coll: 16, collnet: 0, nvls: 16, p2p: 16});
	});
});
