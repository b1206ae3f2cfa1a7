/**
 * The stream parser's fast path (noise lines decided by fixed-position checks, no
 * regex, no slice) must give exactly what the full path gives: the same events, the
 * same onLine lines, the same state. Real corpus logs, as recorded and with
 * hostile text planted into lines the fast path would otherwise take: escapes,
 * `\r`, C1 and bidi controls, secrets, a glued second NCCL head, a glued k8s stamp,
 * Ray's repeat folding, a glued vLLM head.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createStreamParser, type RawLine} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState} from '../../source/model/state.js';
import {podLogs, scenarioNames} from '../helpers/load-scenario.js';
import {lwsDir, skipWithout} from '../helpers/shared.js';

function run(bytes: Uint8Array, fullPathOnly: boolean, chunk: number): {events: string; lines: RawLine[]; state: string} {
	const lines: RawLine[] = [];
	const parser = createStreamParser({pod: 'pod0', container: 'c', onLine: l => lines.push(l), fullPathOnly});
	const events: unknown[] = [];
	let s = emptyState({kind: 'files', files: []});
	for (let o = 0; o < bytes.length; o += chunk) {
		const ev = parser.push(bytes.subarray(o, o + chunk));
		events.push(...ev);
		s = reduceAll(s, ev);
	}
	const ev = parser.end();
	events.push(...ev);
	s = reduceAll(s, ev);
	return {events: JSON.stringify(events), lines, state: JSON.stringify(s)};
}

/** Events only (no onLine): the fast path then makes no line string at all. */
function eventsOnly(bytes: Uint8Array, fullPathOnly: boolean): string {
	const parser = createStreamParser({pod: 'pod0', container: 'c', fullPathOnly});
	return JSON.stringify([...parser.push(bytes), ...parser.end()]);
}

const files = scenarioNames().flatMap(n => podLogs(n).map(p => ({name: `${n}/${p.pod}`, file: p.file})));

// planted into a line at a random point; each one needs the full path
const PLANTS = [
	'\x1b[31m',
	'\x1b]52;c;ZXZpbA==\x07',
	'\r',
	'\u202e',
	'\u0085',
	'\x00',
	' api_key=sk-PLANTED1 ',
	' Authorization: Bearer PLANTED2 ',
	' --hf-token PLANTED3 ',
	' [repeated 3x across cluster]',
	'2026-11-26T22:05:02.718062268Z vm:964:964 [0] NCCL INFO cudaDriverVersion 13000',
	' vm:964:964 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM',
	'INFO 04-14 16:08:22 [custom_all_reduce_utils.py:206] Disabled the custom all-reduce kernel',
	' NCCL_P2P_LEVEL set by environment to NVL',
	' - Init START',
	'Z ',
	'[0m',
	'[36m',
];

// messages with a handler (log-formats.md §1), put in place of a noise line's message:
// the fast path's noise table must send each of them to the full path
const MESSAGES = [
	'[Rank 1] ncclCommInitRankConfig comm 0x1234 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 70 commId 0xabc - Init START',
	'ncclCommSplit comm 0x77 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 60 parent 0x1234 splitCount 1 color 2 key 0- Init START',
	'comm 0x1234 rank 1 nranks 2 cudaDev 1 busId 70 commId 0xabc - Init COMPLETE',
	'comm 0x1234 rank 0 nRanks 4 nNodes 2 localRanks 2 localRank 0 MNNVL 0',
	'NCCL_P2P_LEVEL set by environment to NVL',
	'NCCL_IB_HCA  set by environment to mlx5_0',
	'CUDA_VISIBLE_DEVICES\tset by environment to 0',
	'X set by environment to 1.',
	'Foo set by environment to 1',
	'2 coll channels, 2 collnet channels, 0 nvls channels, 2 p2p channels, 2 p2p channels per peer',
	'cudaDriverVersion 12080',
	'Using network IB',
	'Bootstrap : Using eth1:10.0.0.1<0>',
	'NET/IB : No device found.',
	"NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'",
	'GPU Direct RDMA Enabled for GPU 81000 / HCA 0 (distance 4 <= 4), read 1',
	'Pattern 4, crossNic 0, nChannels 1, bw 1.200000/1.200000, type NVL/PHB, sameChannels 1',
	'Connected all rings, use ring PXN 0 GDR 1',
	'Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM',
	'NCCL version 2.21.5+cuda12.4',
	'AllReduce: opCount 5 sendbuff 0x1 recvbuff 0x2 count 1 datatype 7 op 0 root 0 comm 0x3 [nranks=2] stream 0x4',
	'Token: opCount 5 sendbuff 0x1',
	'AllR Bearer abc duce: opCount 0 sendbuff 0x1',
	"Re token='aaaaaaaaaaaaaaaaaaaaaaa' x: opCount 5 sendbuff 0x1",
	'=== System : maxBw 24.0 totalBw 24.0 ===',
	// NCCL 2.23+ `Init timings`, ring and tree summaries (log-formats.md §Init timings, rings/trees)
	'Init timings - ncclCommInitRankConfig: rank 1 nranks 4 total 0.48 (kernels 0.39, alloc 0.03, bootstrap 0.02, allgathers 0.00, topo 0.03, graphs 0.00, connections 0.00, rest 0.00)',
	'Init timings: rank 0 nranks 2 total 0.37 (kernels 0.28, bootstrap 0.00, allgathers 0.00, topo 0.03, graphs 0.00, connections 0.01, rest 0.00)',
	'Channel 00/02 : 0 1 2 3',
	'Ring 00 : 3 -> 0 -> 1',
	'Trees [0] 1/-1/-1->0->-1 [1] 1/-1/-1->0->-1',
	'Tree 0 : -1 -> 0 -> 1/-1/-1',
	// NCCL's error back trace (checks.h NCCLCHECK, proxy.cc's progress thread)
	'proxy.cc:878 -> 6 [Progress Thread]',
	'init.cc:126 -> 5',
	'channel.cc:42 -> 2',
	'proxy.cc:878 (progressService) -> 6 [Progress Thread]',
	// a handled message with a secret in it: redaction runs on the full path only
	'Channel 01/0 : 0[0] -> 1[1] via P2P/CUMEM api_key=sk-PLANTED4',
];

/** Both paths give the same events, lines and state, with and without onLine. */
function expectSamePaths(bytes: Uint8Array, chunk: number): void {
	const fast = run(bytes, false, chunk);
	const full = run(bytes, true, chunk);
	expect(fast.events).toBe(full.events);
	expect(fast.lines).toEqual(full.lines);
	expect(fast.state).toBe(full.state);
	expect(eventsOnly(bytes, false)).toBe(eventsOnly(bytes, true));
}

/** The log as `kubectl logs` without --timestamps shows it: each line's k8s stamp cut off. */
function unstamped(text: string): string {
	return text.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) /gm, '');
}

function plant(text: string, picks: [number, number, number][]): Buffer {
	const lines = text.split('\n');
	for (const [li, at, what] of picks) {
		const i = li % lines.length;
		const l = lines[i]!;
		const k = what % (PLANTS.length + MESSAGES.length);
		const m = l.indexOf(' NCCL INFO ');
		if (k >= PLANTS.length && m !== -1) lines[i] = l.slice(0, m + 11) + MESSAGES[k - PLANTS.length];
		else {
			const p = at % (l.length + 1);
			lines[i] = l.slice(0, p) + PLANTS[k % PLANTS.length] + l.slice(p);
		}
	}
	return Buffer.from(lines.join('\n'));
}

describe('fast path = full path', () => {
	for (const {name, file} of files) {
		it(`${name}: as recorded, events/lines/state identical`, () => {
			const bytes = readFileSync(file);
			expectSamePaths(bytes, 64 * 1024);
		});
	}

	// `kubectl logs` without --timestamps, a saved file: the same logs with no k8s stamp
	for (const {name, file} of files) {
		it(`${name}: without its k8s stamps, events/lines/state identical`, () => {
			const bytes = Buffer.from(unstamped(readFileSync(file, 'utf8')));
			expectSamePaths(bytes, 64 * 1024);
		});
	}

	// every public excerpt and recorded wrapper capture (their own hosts, versions and wrappers)
	it('every public excerpt and wrapper capture: identical', () => {
		const dir = path.join(import.meta.dirname, '../fixtures/public');
		const logs = readdirSync(dir).filter(f => f.endsWith('.log'));
		expect(logs.length).toBeGreaterThan(40);
		for (const f of logs) {
			const bytes = readFileSync(path.join(dir, f));
			const fast = run(bytes, false, 4096);
			const full = run(bytes, true, 4096);
			expect([f, fast.events]).toEqual([f, full.events]);
			expect([f, fast.lines]).toEqual([f, full.lines]);
			expect([f, fast.state]).toEqual([f, full.state]);
		}
	});

	const hostile = files.find(f => f.name.startsWith('tp2x2-two-pods-all/pod0'))!;
	for (const [how, text] of [
		['', readFileSync(hostile.file, 'utf8').slice(0, 96 * 1024)],
		[' without k8s stamps', unstamped(readFileSync(hostile.file, 'utf8').slice(0, 96 * 1024))],
	] as const)
		it(`${hostile.name}${how}: planted escapes, secrets, glued heads, handled messages — 40 random plantings`, () => {
			fc.assert(
				fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), {minLength: 1, maxLength: 200}), fc.integer({min: 64, max: 8192}), (picks, chunk) => {
					const bytes = plant(text, picks);
					const fast = run(bytes, false, chunk);
					const full = run(bytes, true, chunk);
					expect(fast.events).toBe(full.events);
					expect(fast.lines).toEqual(full.lines);
					expect(fast.state).toBe(full.state);
					expect(eventsOnly(bytes, false)).toBe(eventsOnly(bytes, true));
					// and what reaches the log pane is clean
					for (const l of fast.lines) {
						expect(l.text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
						expect(l.text).not.toMatch(/PLANTED/);
					}
				}),
				{numRuns: 40},
			);
		});

	it('a planted secret in a noise line never reaches onLine', () => {
		const line = '2026-11-26T22:02:05.364834749Z vm:965:1009 [0] NCCL INFO Allocated shareable buffer 0x7f9719200000 size 10485760 api_key=sk-PLANTED9';
		const head = '2026-11-26T22:02:05.259366674Z vm:965:965 [0] NCCL INFO channel.cc:42 Cuda Alloc Size 1216 pointer 0x7f975c600000';
		const lines: RawLine[] = [];
		const parser = createStreamParser({pod: 'p', onLine: l => lines.push(l)});
		parser.push(`${head}\n${line}\n${line.replace('api_key=', 'Authorization: Bearer ')}\n`);
		expect(lines).toHaveLength(3);
		expect(lines.map(l => l.text).join('\n')).not.toContain('PLANTED9');
	});

	// the fast path reads each line as a range of the decoded chunk: what follows the line
	// (the next line, a `\r` before its `\n`) must never change the decision
	it('a noise line is decided by itself, whatever line follows it', () => {
		const stamp = '2026-11-26T22:02:05.364834749Z vm:965:965 [0] NCCL INFO ';
		const noise = [
			'NCCL_SOCKET_IFNAME set to net1',
			'NCCL_X',
			'0 : 1 2 3',
			'ncclPollProxyResponse Received new opId=0x1',
			'comm config Blocking set to 1',
			'Received and initiated',
			'AllReduce',
			'op ends in Z',
			'op ends in N',
			'op ends in 04-1',
			'x ]',
		];
		const next = [
			'NCCL_P2P_LEVEL set by environment to NVL',
			'2 coll channels, 0 nvls channels, 2 p2p channels, 2 p2p channels per peer',
			'ncclCommInitRank comm 0x1 rank 0 nranks 2 cudaDev 0 busId 60 commId 0xabc - Init START',
			': opCount 5 sendbuff 0x1',
			'CCL INFO x',
			'4 16:08:22 [a.py:1] b',
		];
		const first = '2026-11-26T22:02:05.259366674Z vm:965:965 [0] NCCL INFO cudaDriverVersion 13000';
		for (const n of noise) {
			for (const x of next) {
				for (const eol of ['\n', '\r\n']) {
					const text = `${first}\n${stamp}${n}${eol}${stamp}${x}${eol}${x}${eol}`;
					const bytes = Buffer.from(text);
					expect(eventsOnly(bytes, false)).toBe(eventsOnly(bytes, true));
					const fast = run(bytes, false, 64 * 1024);
					const full = run(bytes, true, 64 * 1024);
					expect(fast.events).toBe(full.events);
					expect(fast.lines).toEqual(full.lines);
				}
			}
		}
	});

	// journald's and compose's heads are looked for on a stream's first 32 lines: the same lines
	// whichever path read them (a fast path that counted only its misses kept looking further)
	it('a compose-like line after the first 32 lines is shown whole, on both paths', () => {
		const first = '2026-11-26T22:02:05.259366674Z vm:965:965 [0] NCCL INFO cudaDriverVersion 13000';
		const noise = '2026-11-26T22:02:05.364834749Z vm:965:965 [0] NCCL INFO proxyProgressAsync opId=0x3eacd780 op.type=1 op.reqBuff=0x7f9700000000';
		const late = '2026-11-26T22:02:06.000000000Z svc-1  | a line that only looks like docker compose wrote it';
		const bytes = Buffer.from(`${first}\n${`${noise}\n`.repeat(40)}${late}\n`);
		const fast = run(bytes, false, 64 * 1024);
		const full = run(bytes, true, 64 * 1024);
		expect(fast.lines.at(-1)!.text).toBe('svc-1  | a line that only looks like docker compose wrote it');
		expect(fast.lines).toEqual(full.lines);
		expect(fast.events).toBe(full.events);
	});

	// a per-collective line is told by its first colon, and redaction may move it: a token shape
	// or an Authorization value before it is read as the full path reads it once redacted
	it('per-collective lines are counted as the full path counts them once redacted', () => {
		const first = '2026-11-26T22:02:05.259366674Z vm:965:965 [0] NCCL INFO cudaDriverVersion 13000';
		const stamp = '2026-11-26T22:02:05.364834749Z vm:965:965 [0] NCCL INFO ';
		const counted = (json: string) => (JSON.parse(json) as {type: string; collectiveLines?: number}[]).reduce((n, e) => n + (e.type === 'log-progress' ? e.collectiveLines! : 0), 0);
		// redacted: "Send <redacted>: opCount 2 …" (a collective), "A Authorization=<redacted> opCount 1 …" (none)
		for (const [msg, collectives] of [
			['Send sk-abcdefghijklmnopqrstu: opCount 2 sendbuff 0x1', 1],
			['A Authorization=x: opCount 1 sendbuff 0x1', 0],
		] as const) {
			const bytes = Buffer.from(`${first}\n${stamp}${msg}\n`);
			expect([msg, counted(eventsOnly(bytes, true))]).toEqual([msg, collectives]);
			expect([msg, counted(eventsOnly(bytes, false))]).toEqual([msg, collectives]);
		}
	});

	it('a glued second head in a noise line is still parsed', () => {
		const head = '2026-11-26T22:02:05.259366674Z vm:965:965 [0] NCCL INFO channel.cc:42 Cuda Alloc Size 1216 pointer 0x7f975c600000';
		const glued = '2026-11-26T22:02:05.364834749Z vm:965:965 [0] NCCL INFO proxyProgressAsync opId=0x3eacd780 donevm:965:965 [0] NCCL INFO cudaDriverVersion 13000';
		const parser = createStreamParser({pod: 'p'});
		const events = [...parser.push(`${head}\n${glued}\n`), ...parser.end()];
		expect(events.some(e => e.type === 'nccl-fact' && e.fact.kind === 'cuda-driver')).toBe(true);
	});

	// third-party: ANSI prefixes, colliding writes, Ray folding (skipped when ../shared is absent)
	const lws = lwsDir;
	it('public-vllm-lws logs: identical', ctx => {
		skipWithout(ctx, lws);
		for (const f of ['04-vllm-0.8.3-lws-ray-2node-tp8-pp2-ib-gdr-serving.log', '05-vllm-0.8.3-lws-ray-2node-tp8-pp2-net-socket-ansi.log', '06-vllm-0.8.3-lws-ray-2node-tp4-pp2-ib-line-collisions.log']) {
			const bytes = readFileSync(path.join(lws, f));
			const fast = run(bytes, false, 4096);
			const full = run(bytes, true, 4096);
			expect(fast.events).toBe(full.events);
			expect(fast.lines).toEqual(full.lines);
			expect(fast.state).toBe(full.state);
		}
	});
});
