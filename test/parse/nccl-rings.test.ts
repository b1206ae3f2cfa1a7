/**
 * NCCL's `Init timings`, ring and tree lines (log-formats.md §1.2 "Init timings", §1.4):
 * the line parsers on real corpus lines (NCCL 2.28.9) and on lines built from the
 * documented formats of other versions; then the whole stream parser on the corpus,
 * checked against the raw lines themselves (every line lands on the process, rank and
 * communicator that printed it).
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parseInitTimings, parseRing, parseRingOrder, parseTrees} from '../../source/parse/nccl/rings.js';
import {classifyInfo} from '../../source/parse/nccl/dispatch.js';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import type {LogEvent} from '../../source/parse/log-events.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState} from '../../source/model/state.js';
import {loadScenario, podLogs, scenarioNames} from '../helpers/load-scenario.js';

describe('parseInitTimings', () => {
	it('2.23+ form, real (corpus crash-rank1/pod0.log)', () => {
		const msg = 'Init timings - ncclCommInitRankConfig: rank 0 nranks 4 total 2.05 (kernels 0.34, alloc 0.04, bootstrap 1.63, allgathers 0.00, topo 0.03, graphs 0.00, connections 0.00, rest 0.00)';
		expect(parseInitTimings(msg)).toEqual({
			caller: 'ncclCommInitRankConfig',
			rank: 0,
			nranks: 4,
			timings: {total: 2.05, kernels: 0.34, alloc: 0.04, bootstrap: 1.63, allgathers: 0, topo: 0.03, graphs: 0, connections: 0, rest: 0},
		});
	});

	it('2.22 form (log-formats.md §1.2: no caller, no alloc)', () => {
		// `Init timings: rank %d nranks %d total %.2f (kernels %.2f, bootstrap %.2f, allgathers %.2f, topo %.2f, graphs %.2f, connections %.2f, rest %.2f)`
		const msg = 'Init timings: rank 1 nranks 2 total 0.37 (kernels 0.28, bootstrap 0.00, allgathers 0.00, topo 0.03, graphs 0.00, connections 0.01, rest 0.00)';
		expect(parseInitTimings(msg)).toEqual({
			caller: null,
			rank: 1,
			nranks: 2,
			timings: {total: 0.37, kernels: 0.28, bootstrap: 0, allgathers: 0, topo: 0.03, graphs: 0, connections: 0.01, rest: 0},
		});
	});

	it('a part a later version adds is kept by name; a cut line is not read', () => {
		expect(parseInitTimings('Init timings - ncclCommSplit: rank 0 nranks 2 total 0.05 (kernels 0.00, newpart 0.01, rest 0.01)')?.timings).toEqual({total: 0.05, kernels: 0, newpart: 0.01, rest: 0.01});
		expect(parseInitTimings('Init timings - ncclCommInitRankConfig: rank 0 nranks 4 total 2.05 (kernels 0.34, al')).toBeNull();
	});
});

describe('parseRingOrder (rank 0 ring dump, src/graph/rings.cc)', () => {
	it('2.23+ form, real (corpus tp2x2-two-pods-all/pod0.log)', () => {
		expect(parseRingOrder('Channel 00/02 : 0 1 2 3')).toEqual({channel: 0, nChannels: 2, ranks: [0, 1, 2, 3], truncated: false});
		expect(parseRingOrder('Channel 23/24 : 0 1')).toEqual({channel: 23, nChannels: 24, ranks: [0, 1], truncated: false});
	});

	it('≤2.22 form, real (log-formats.md §1.4: `Channel 00/24 :    0   1`)', () => {
		expect(parseRingOrder('Channel 00/24 :    0   1')).toEqual({channel: 0, nChannels: 24, ranks: [0, 1], truncated: false});
	});

	it('2.23+ cut at 127 characters with "...": the number glued to it may be cut short and is dropped', () => {
		// dumpLine: snprintf into char line[128]; on overflow the last 3 characters become "..."
		const ranks = Array.from({length: 64}, (_, i) => String(i).padStart(2, ' '));
		const full = `Channel 00/02 : ${ranks.join(' ')}`;
		const cut = `${full.slice(0, 124)}...`;
		const r = parseRingOrder(cut)!;
		expect(r.truncated).toBe(true);
		const lastWhole = cut.slice(0, 124).trimEnd().split(/ +/);
		// every rank read is whole and in order
		expect(r.ranks).toEqual(Array.from({length: r.ranks.length}, (_, i) => i));
		expect(r.ranks.length).toBeGreaterThanOrEqual(lastWhole.length - 4 - 1);
		expect(parseRingOrder('Channel 00/02 : 0 1 2 3 4 5 6 7 ...')).toEqual({channel: 0, nChannels: 2, ranks: [0, 1, 2, 3, 4, 5, 6, 7], truncated: true});
		expect(parseRingOrder('Channel 00/02 : 0 1 2 3 4 5 6 7 1...')?.ranks).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
	});

	it('is not a connection line (`Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM`, parsed elsewhere)', () => {
		expect(parseRingOrder('Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM')).toBeNull();
		expect(parseRingOrder('Channel 00/0 : 3[3] -> 0[0] [receive] via NET/Socket/0')).toBeNull();
		// a connection line cut by a colliding write, before " via "
		expect(parseRingOrder('Channel 00/0 : 0[0] -> 1[1')).toBeNull();
		expect(parseRingOrder('Channel 00/02 :')).toBeNull();
		expect(parseRingOrder('Channel 64/65 : 0 1')).toBeNull();
	});
});

describe('parseRing and parseTrees', () => {
	it('`Ring 00 : 3 -> 0 -> 1` (prev -> rank -> next), real', () => {
		expect(parseRing('Ring 00 : 3 -> 0 -> 1')).toEqual({channel: 0, prev: 3, rank: 0, next: 1});
		expect(parseRing('Ring 23 : 0 -> 1 -> 0')).toEqual({channel: 23, prev: 0, rank: 1, next: 0});
		// the TRACE-only connection line is not a ring position (log-formats.md §1.5)
		expect(parseRing('Ring 00 : 0[0] <- 1[1] via P2P/CUMEM')).toBeNull();
	});

	it('`Tree 0 : -1 -> 0 -> 1/2/-1` (up -> rank -> down), real', () => {
		expect(parseTrees('Tree 0 : -1 -> 0 -> 1/2/-1')).toEqual({rank: 0, trees: [{channel: 0, up: null, down: [1, 2]}]});
		expect(parseTrees('Tree 1 : 2 -> 0 -> 1/-1/-1')).toEqual({rank: 0, trees: [{channel: 1, up: 2, down: [1]}]});
	});

	it('`Trees [0] 1/2/-1->0->-1 [1] 1/-1/-1->0->2` (down -> rank -> up), real', () => {
		expect(parseTrees('Trees [0] 1/2/-1->0->-1 [1] 1/-1/-1->0->2')).toEqual({
			rank: 0,
			trees: [
				{channel: 0, up: null, down: [1, 2]},
				{channel: 1, up: 2, down: [1]},
			],
		});
	});

	it('a Trees line cut at 1023 characters keeps only whole entries (connect.cc: char line[1024])', () => {
		// 64 channels of a 1000-rank job: longer than NCCL's buffer
		const entries = Array.from({length: 64}, (_, c) => ` [${c}] 512/513/-1->256->128`);
		const full = entries.join('');
		const cut = `Trees${full.slice(0, 1022)}`;
		const t = parseTrees(cut)!;
		expect(t.rank).toBe(256);
		const whole = Math.floor(1022 / entries[0]!.length);
		// the entry cut mid-number is dropped; all kept entries are exact
		expect(t.trees.length).toBeLessThanOrEqual(whole);
		expect(t.trees.length).toBeGreaterThanOrEqual(whole - 1);
		for (const [i, x] of t.trees.entries()) expect(x).toEqual({channel: i, up: 128, down: [512, 513]});
		// cut inside the last `up`: "…->256->1" must not read as up 1. The first entry's down
		// values (any width) move where the 1022nd character falls.
		let tricky: string | null = null;
		for (let w0 = 1; w0 <= 12 && tricky === null; w0++)
			for (let w1 = 1; w1 <= 12 && tricky === null; w1++)
				for (let w2 = 1; w2 <= 12 && tricky === null; w2++) {
					const first = ` [0] ${'5'.repeat(w0)}/${'6'.repeat(w1)}/${'7'.repeat(w2)}->256->128`;
					const body = (first + entries.slice(1).join('')).slice(0, 1022);
					if (body.endsWith('->1')) tricky = `Trees${body}`;
				}
		expect(tricky).not.toBeNull();
		const parsed = parseTrees(tricky!)!;
		expect(parsed.trees.length).toBeGreaterThan(10);
		expect(parsed.trees.every(x => x.up === 128)).toBe(true);
	});

	it('an entry naming another rank (a colliding write) is skipped; nothing parsable is null', () => {
		expect(parseTrees('Trees [0] 1/-1/-1->0->-1 [1] 1/-1/-1->3->-1')!.trees).toEqual([{channel: 0, up: null, down: [1]}]);
		expect(parseTrees('Trees')).toBeNull();
		expect(parseTrees('Tree 0 : -1 -> 0 -> 1/2')).toBeNull();
	});
});

describe('the one INFO table gives every such line a reader, so the fast path hands it on (classifyInfo)', () => {
	const head = '2026-11-26T22:03:48.189470974Z vm:1462:1462 [0] NCCL INFO ';
	for (const msg of [
		'Init timings - ncclCommInitRankConfig: rank 0 nranks 4 total 2.05 (kernels 0.34, alloc 0.04, bootstrap 1.63, allgathers 0.00, topo 0.03, graphs 0.00, connections 0.00, rest 0.00)',
		'Init timings: rank 1 nranks 2 total 0.37 (kernels 0.28, bootstrap 0.00, allgathers 0.00, topo 0.03, graphs 0.00, connections 0.01, rest 0.00)',
		'Ring 00 : 3 -> 0 -> 1',
		'Trees [0] 1/2/-1->0->-1 [1] 1/-1/-1->0->2',
		'Tree 0 : -1 -> 0 -> 1/2/-1',
		'Channel 00/02 : 0 1 2 3',
	]) {
		it(msg.slice(0, 40), () => expect(classifyInfo(head + msg, head.length, head.length + msg.length)).not.toBeNull());
	}
});

/** One stream, all its events. */
function eventsOf(pod: string, text: string): LogEvent[] {
	const p = createStreamParser({pod});
	return [...p.push(text), ...p.end()];
}

// NCCL head "vm:1462:1462 [0] NCCL INFO " (pid is the 2nd field), with an optional NCCL stamp before it
const HEAD = /(?:^|\s)[^\s:]+:(\d+):\d+ \[\d+\] NCCL INFO (.*)$/;

describe.each(scenarioNames())('corpus %s: every ring/tree/timings line lands on its process, rank and communicator', name => {
	const {state} = loadScenario(name);
	const lines = podLogs(name).flatMap(({pod, file}) =>
		readFileSync(file, 'utf8')
			.split('\n')
			.map(l => HEAD.exec(l))
			.filter((m): m is RegExpExecArray => m !== null)
			.map(m => ({pod, pid: Number(m[1]), msg: m[2]!.trimEnd()})),
	);
	const membersOf = (pod: string, pid: number) =>
		Object.values(state.comms).flatMap(c =>
			Object.values(c.members)
				.filter(m => state.procs[m.proc]?.pod === pod && state.procs[m.proc]?.pid === pid)
				.map(m => ({c, m})),
		);

	it('Init timings: each line is one member (same pod, pid, rank, nranks) holding exactly its numbers', () => {
		const timed = lines.filter(l => l.msg.startsWith('Init timings'));
		let members = 0;
		for (const c of Object.values(state.comms)) for (const m of Object.values(c.members)) if (m.initTimings) members++;
		expect(members).toBe(timed.length);
		for (const l of timed) {
			const t = parseInitTimings(l.msg)!;
			const hit = membersOf(l.pod, l.pid).filter(({c, m}) => m.rank === t.rank && c.nranks === t.nranks && m.initTimings && m.initTimings.total === t.timings.total);
			expect(hit.length, l.msg).toBeGreaterThanOrEqual(1);
			expect(hit.some(({m}) => JSON.stringify(m.initTimings) === JSON.stringify(t.timings))).toBe(true);
		}
	});

	it("each rank's initSeconds is NCCL's total for its largest communicator", () => {
		for (const p of Object.values(state.procs)) {
			const mine = p.comms.map(id => state.comms[id]!).filter(Boolean);
			const largest = mine.length === 0 ? undefined : mine.reduce((a, b) => (b.nranks > a.nranks ? b : a));
			const m = largest && Object.values(largest.members).find(x => x.proc === p.key);
			if (m?.initTimings) {
				expect(p.initSeconds).toBe(m.initTimings.total);
				expect(p.initSecondsFrom).toBe('nccl');
			} else {
				// no Init timings line for it (bad-socket-ifname: no communicator at all): nothing is credited to NCCL
				expect(p.initSecondsFrom, p.key).not.toBe('nccl');
			}
		}
	});

	it('Ring lines: every (pod, pid, channel) has its prev/next on the member of that rank', () => {
		const rings = lines.filter(l => l.msg.startsWith('Ring '));
		for (const l of rings) {
			const r = parseRing(l.msg)!;
			const hit = membersOf(l.pod, l.pid).filter(({m}) => m.rank === r.rank && m.ring?.some(x => x.channel === r.channel && x.prev === r.prev && x.next === r.next));
			expect(hit.length, `${l.pod} ${l.pid} ${l.msg}`).toBeGreaterThanOrEqual(1);
		}
		// and nothing else: one entry per line (each comm's init prints each channel once per rank)
		let entries = 0;
		for (const c of Object.values(state.comms)) for (const m of Object.values(c.members)) entries += m.ring?.length ?? 0;
		expect(entries).toBe(rings.length);
	});

	it('Trees and Tree lines agree, and each rank holds its position on every channel', () => {
		const treeLines = lines.filter(x => x.msg.startsWith('Tree'));
		// tree positions come from those lines only (bad-socket-ifname printed none, and holds none)
		const held = Object.values(state.comms).some(c => Object.values(c.members).some(m => (m.tree?.length ?? 0) > 0));
		expect(held).toBe(treeLines.length > 0);
		for (const l of treeLines) {
			const t = parseTrees(l.msg)!;
			for (const pos of t.trees) {
				const hit = membersOf(l.pod, l.pid).filter(({m}) => m.rank === t.rank && m.tree?.some(x => JSON.stringify(x) === JSON.stringify(pos)));
				expect(hit.length, `${l.pod} ${l.pid} ${l.msg.slice(0, 60)}`).toBeGreaterThanOrEqual(1);
			}
		}
	});

	it('ring orders: rank 0 dumped each channel once, and its order agrees with every rank’s prev/next', () => {
		const dumps = lines.filter(l => /^Channel \d+\/\d+ :[ \d]+$/.test(l.msg));
		let orders = 0;
		for (const c of Object.values(state.comms)) {
			for (const o of c.ringOrders ?? []) {
				orders++;
				expect(o.truncated).toBe(false);
				expect([...o.ranks].sort((a, b) => a - b)).toEqual(Array.from({length: c.nranks}, (_, i) => i));
				for (const m of Object.values(c.members)) {
					const r = m.ring?.find(x => x.channel === o.channel);
					if (!r) continue;
					const i = o.ranks.indexOf(m.rank);
					expect(r.next).toBe(o.ranks[(i + 1) % o.ranks.length]);
					expect(r.prev).toBe(o.ranks[(i + o.ranks.length - 1) % o.ranks.length]);
				}
			}
		}
		expect(orders).toBe(dumps.length);
	});
});

describe('attribution for other versions (formats from log-formats.md)', () => {
	it('2.18 prints no Init START: ring and tree lines go to the unknown comm, which Init COMPLETE names', () => {
		// 2.18 COMPLETE: `comm %p rank %d nranks %d cudaDev %d busId %lx commId 0x%llx - Init COMPLETE` (§1.2 Init START / COMPLETE)
		const log = [
			'n1:100:100 [0] NCCL INFO Channel 00/02 :    0   1',
			'n1:100:100 [0] NCCL INFO Trees [0] 1/-1/-1->0->-1 [1] 1/-1/-1->0->-1',
			'n1:100:100 [0] NCCL INFO Ring 00 : 1 -> 0 -> 1',
			'n1:100:100 [0] NCCL INFO comm 0x5581 rank 0 nranks 2 cudaDev 0 busId 1b000 commId 0xabc - Init COMPLETE',
			'',
		].join('\n');
		const ev = eventsOf('pod0', log);
		const ring = ev.filter(e => e.type === 'comm-ring' || e.type === 'comm-tree' || e.type === 'comm-ring-order');
		expect(ring.map(e => e.type)).toEqual(['comm-ring-order', 'comm-tree', 'comm-ring']);
		for (const e of ring) expect((e as {comm: string}).comm).toBe('pod0|n1|100@unknown comm');
		// then COMPLETE names it: the unknown comm merges into 0xabc before its comm-init
		const merge = ev.findIndex(e => e.type === 'comm-merge');
		expect(ev[merge]).toMatchObject({from: 'pod0|n1|100@unknown comm', into: '0xabc'});
		expect(merge).toBeLessThan(ev.findIndex(e => e.type === 'comm-init'));
		const s = reduceAll(emptyState({kind: 'stdin'}), ev);
		expect(Object.keys(s.comms)).toEqual(['0xabc']);
		const c = s.comms['0xabc']!;
		expect(c.ringOrders?.map(o => o.ranks)).toEqual([[0, 1]]);
		expect(c.members[0]).toMatchObject({state: 'ready', ring: [{channel: 0, prev: 1, next: 1}]});
		expect(c.members[0]!.tree?.map(t => t.channel)).toEqual([0, 1]);
	});

	it('2.22: `Init timings: rank …` after Init COMPLETE goes to that comm, not to an earlier one of the same process', () => {
		// 2.21–2.22 init lines: `ncclCommInitRank comm %p rank … commId 0x%llx - Init START` / COMPLETE (§1.2)
		const log = [
			'n1:100:100 [0] NCCL INFO ncclCommInitRank comm 0x11 rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xaaa - Init START',
			'n1:100:100 [0] NCCL INFO ncclCommInitRank comm 0x11 rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xaaa - Init COMPLETE',
			'n1:100:100 [0] NCCL INFO Init timings: rank 0 nranks 4 total 1.50 (kernels 0.30, bootstrap 1.10, allgathers 0.00, topo 0.05, graphs 0.01, connections 0.04, rest 0.00)',
			'n1:100:100 [0] NCCL INFO ncclCommSplit comm 0x22 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 parent 0x11 color 7 key 0 commId 0xbbb - Init START',
			'n1:100:100 [0] NCCL INFO Ring 00 : 1 -> 0 -> 1',
			'n1:100:100 [0] NCCL INFO ncclCommSplit comm 0x22 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1b000 parent 0x11 color 7 key 0 commId 0xbbb - Init COMPLETE',
			'n1:100:100 [0] NCCL INFO Init timings: rank 0 nranks 2 total 0.04 (kernels 0.00, bootstrap 0.00, allgathers 0.00, topo 0.02, graphs 0.00, connections 0.01, rest 0.01)',
			'',
		].join('\n');
		const ev = eventsOf('pod0', log).filter(e => e.type === 'comm-init-timings' || e.type === 'comm-ring');
		expect(ev.map(e => [e.type, (e as {comm: string}).comm])).toEqual([
			['comm-init-timings', '0xaaa'],
			['comm-ring', '0xbbb'],
			['comm-init-timings', '0xbbb'],
		]);
		expect((ev[0] as {timings: object}).timings).toEqual({total: 1.5, kernels: 0.3, bootstrap: 1.1, allgathers: 0, topo: 0.05, graphs: 0.01, connections: 0.04, rest: 0});
	});

	it('an Init timings line whose rank/nranks fits none of the process’s comms is dropped', () => {
		const log = [
			'n1:100:100 [0] NCCL INFO ncclCommInitRank comm 0x11 rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 1b000 commId 0xaaa - Init COMPLETE',
			'n1:100:100 [0] NCCL INFO Init timings: rank 3 nranks 8 total 1.50 (kernels 0.30, bootstrap 1.10, allgathers 0.00, topo 0.05, graphs 0.01, connections 0.04, rest 0.00)',
			'',
		].join('\n');
		expect(eventsOf('pod0', log).filter(e => e.type === 'comm-init-timings')).toEqual([]);
	});
});
