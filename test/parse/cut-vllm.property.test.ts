/**
 * vLLM/Ray logs cut at any line (a user attaches with `--since`/`--tail`, kubelet rotated the
 * file, an excerpt is pasted into a ticket): every vLLM-bearing public excerpt, and the
 * third-party LWS logs of ../shared when present, cut at random lines (fast-check, fixed seed).
 * What the kept part says is read here with this file's own small patterns, not the parser's:
 * - the vLLM version, model, TP and PP where a line printing them is kept;
 * - a fatal line (a worker or engine core that died, EngineDeadError, EngineCore's fatal error,
 *   CUDA OOM, a watchdog timeout, `Process X (PID: N) died`): the rollout failed, and a failure
 *   names the process (the one the line says died, else the `(Name pid=N)` prefix that wrote it);
 * - a stats line or uvicorn's startup complete with no fatal line: serving; the API server
 *   starting: never `starting`/`unknown`;
 * - the engine's progress with none of its startup lines: init not seen.
 * And a few cuts fed in random chunks give the same state as one push.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {derivePhase} from '../../source/model/phase.js';
import {initNotSeen, initNotSeenText} from '../../source/model/mid-run.js';
import {publicDir} from '../helpers/load-scenario.js';
import {lwsDir} from '../helpers/shared.js';

const blindVllm = [
	'wrapped-ray-nested-bare-pid-prefix-shards-on-next-line.log',
	'wrapped-ray-nested-enginecore-rayworker-load-model-error.log',
	'wrapped-bracket-utc-stamp-vllm-enginecore-rank-lines.log',
	'vllm-ascend-0.18.0-dp2-api-server-died-workers-exit.log',
	'vllm-offline-dp-engine-core-dp1-died-rollout.log',
];
const publicFiles = readdirSync(publicDir)
	.filter(f => f.endsWith('.log') && (/^vllm-|^wrapped-.*vllm|^recorded-wrapper-.*vllm/.test(f) || blindVllm.includes(f)))
	.sort()
	.map(f => ({name: f, file: path.join(publicDir, f)}));
const lwsPresent = existsSync(lwsDir);
const lwsFiles = lwsPresent
	? readdirSync(lwsDir)
			.filter(f => f.endsWith('.log'))
			.sort()
			.map(f => ({name: `public-vllm-lws/${f}`, file: path.join(lwsDir, f)}))
	: [];

/** What the kept lines say, read with this file's own patterns. */
interface Said {
	versions: Set<string>;
	models: Set<string>;
	tp: Set<number>;
	pp: Set<number>;
	/** each fatal line: its index in the kept part, the process it names (null: no name on the line), the line */
	fatal: {at: number; name: string | null; line: string}[];
	/** index of the last stats line / uvicorn startup complete, -1 if none */
	serving: number;
	apiStarting: boolean;
	/** a line vLLM prints while starting: version, config, args, weights, memory profiling */
	startup: boolean;
	/** a line vLLM prints only after its start: KV cache sized, graphs, engine ready, API server, stats */
	progress: boolean;
	destroyed: boolean;
	/** any line with an error's words (a loose net: a failed rollout needs one) */
	errorWords: boolean;
}

// the process prefix (`(EngineCore_DP0 pid=265) `, `(RayWorkerWrapper pid=285, ip=192.168.177.12) `); the last one is the writer
const PREFIX = /\(([A-Za-z][\w-]*(?: [\w-]+)?) pid=(\d+)(?:, ip=[\d.]+)?\)/g;
// a fatal text at the start of a message: after a logger head `] `, a prefix `) `, a wrapper's quote, or an exception type
const AT_MSG = String.raw`(?:^|[\]):] |"(?:log|MESSAGE)":"|Z )(?:[\w.]+(?:Error|Exception): )?`;
// fatal lines whose words name the process that died
const named = (re: string, name: (m: RegExpExecArray) => string): [RegExp, (m: RegExpExecArray) => string] => [new RegExp(AT_MSG + re), name];
const NAMED = [
	named(String.raw`Worker proc (\S+) died unexpectedly`, m => m[1]!),
	named(String.raw`Worker (\S+) pid (\d+) died, exit code`, m => `${m[1]} pid=${m[2]}`),
	named(String.raw`Engine core proc (\S+) died unexpectedly`, m => m[1]!),
	named(String.raw`(?:.*: )?Process (\S+) \(PID: (\d+)\) died with exit code`, m => `${m[1]} pid=${m[2]}`),
	named(String.raw`Engine core initialization failed\. See root cause above\. Failed core proc\(s\): \{'([^']+)'`, m => m[1]!),
];
// fatal lines written by the process that failed (named by its prefix)
const BY_WRITER = new RegExp(
	AT_MSG +
		String.raw`(?:[\w.]*EngineDeadError|EngineCore encountered a fatal error|EngineCore failed to start|WorkerProc hit an exception|WorkerProc failed|WorkerProc initialization failed|Engine core initialization failed|Error executing method '\w+'\. This might cause deadlock|(?:torch\.(?:cuda\.)?)?OutOfMemoryError: CUDA out of memory|CUDA error: out of memory|(?:\[Rank \d+\] )?Watchdog caught collective operation timeout|MulitprocExecutor got fatal signal from worker processes|Got fatal signal from worker processes)`,
);
const STATS = /Avg prompt throughput: [\d.]+ tokens\/s/;
const STARTUP_COMPLETE = /Application startup complete/;
const VERSION = [/vLLM API server version ([0-9][\w.+]*)/, /LLM engine \(v([^)]+)\) with config/, /█ {2}version +([0-9][\w.+]*)/, /Launching vLLM \(v([^)]+)\) headless/];
const MODEL = [/LLM engine \(v[^)]+\) with config: model='([^']+)'/, /█ {2}model +(\S+)/];
const STARTUP =
	/vLLM API server version|args: Namespace\(|LLM engine \(v|█ {2}version|non-default args: \{|Starting to load model|Loading safetensors checkpoint shards: +0%|Loading model weights took|Loading weights took|Model loading took|Memory profiling takes|Available KV cache memory/;
const PROGRESS =
	/Avg prompt throughput|Application startup complete|Starting vLLM (?:API )?server|init engine \(|Core engine process \d+ ready|GPU KV cache size|Maximum concurrency for|# (?:GPU|cuda) blocks|num_gpu_blocks is: |Capturing CUDA graph|Graph capturing finished/;

function said(lines: string[]): Said {
	const out: Said = {versions: new Set(), models: new Set(), tp: new Set(), pp: new Set(), fatal: [], serving: -1, apiStarting: false, startup: false, progress: false, destroyed: false, errorWords: false};
	lines.forEach((line, i) => {
		for (const r of VERSION) {
			const m = r.exec(line);
			if (m) out.versions.add(m[1]!);
		}
		for (const r of MODEL) {
			const m = r.exec(line);
			if (m) out.models.add(m[1]!);
		}
		// `non-default args: {…, 'model': 'X', …}`: every `'model': 'X'` is taken (a nested config names one too)
		if (line.includes('non-default args: {')) for (const m of line.matchAll(/'model': '([^']+)'/g)) out.models.add(m[1]!);
		// `args: Namespace(…, model='X', …, tensor_parallel_size=8, …)` (≤ 0.8's api_server.py `logger.info("args: %s", args)`)
		const ns = /args: Namespace\(.*?\bmodel='([^']+)'/.exec(line);
		if (ns) out.models.add(ns[1]!);
		if (line.includes('LLM engine (v') || line.includes('non-default args: {') || line.includes('args: Namespace(')) {
			for (const m of line.matchAll(/\btensor_parallel_size(?:=|': )(\d+)/g)) out.tp.add(Number(m[1]));
			for (const m of line.matchAll(/\bpipeline_parallel_size(?:=|': )(\d+)/g)) out.pp.add(Number(m[1]));
		}
		if (STATS.test(line) || STARTUP_COMPLETE.test(line)) out.serving = i;
		if (/Starting vLLM (?:API )?server/.test(line)) out.apiStarting = true;
		if (STARTUP.test(line)) out.startup = true;
		if (PROGRESS.test(line)) out.progress = true;
		if (line.includes('Destroy COMPLETE')) out.destroyed = true;
		if (/error|exception|died|exit ?code|out of memory|timeout|killed|failed|fatal/i.test(line)) out.errorWords = true;
		let who: string | null | undefined;
		for (const [r, name] of NAMED) {
			const m = r.exec(line);
			if (m) {
				who = name(m);
				break;
			}
		}
		if (who === undefined && BY_WRITER.test(line)) {
			const prefixes = [...line.matchAll(PREFIX)];
			const last = prefixes[prefixes.length - 1];
			who = last ? `${last[1]} pid=${last[2]}` : null;
		}
		if (who !== undefined) out.fatal.push({at: i, name: who, line});
	});
	return out;
}

function parse(text: string, chunks?: number[]): RolloutState {
	const parser = createStreamParser({pod: 'pod0', container: 'main'});
	const bytes = Buffer.from(text);
	let s = emptyState({kind: 'files', files: []});
	let prev = 0;
	for (const c of [...(chunks ?? [])].sort((a, b) => a - b)) {
		s = reduceAll(s, parser.push(bytes.subarray(prev, c)));
		prev = c;
	}
	s = reduceAll(s, parser.push(bytes.subarray(prev)));
	s = reduceAll(s, parser.end());
	return reduceAll(s, [{type: 'source-ended', at: s.lastTs}]);
}

/** The kept part's facts are in the state (each expect says the cut and what it read). */
function expectKept(state: RolloutState, s: Said, where: string): void {
	const e = state.engine;
	const phase = derivePhase(state);
	expect(phase !== 'failed' || s.errorWords, `${where}: failed with no error in the kept lines (${JSON.stringify(state.failures.map(f => f.message))})`).toBe(true);
	if (s.versions.size) expect([...s.versions], `${where}: version`).toContain(e?.vllmVersion);
	if (s.models.size) expect([...s.models], `${where}: model`).toContain(e?.model);
	if (s.tp.size) expect([...s.tp], `${where}: TP`).toContain(e?.tensorParallelSize);
	if (s.pp.size) expect([...s.pp], `${where}: PP`).toContain(e?.pipelineParallelSize);
	for (const f of s.fatal) {
		expect(phase, `${where}: failed after ${f.line}`).toBe('failed');
		if (f.name !== null) {
			const names = state.failures.map(x => x.procName ?? '');
			expect(
				names.some(n => n === f.name || n.startsWith(`${f.name},`)),
				`${where}: a failure of ${f.name} (${f.line}); failures name ${JSON.stringify(names)}`,
			).toBe(true);
		}
	}
	if (s.fatal.length === 0) {
		if (s.serving !== -1) expect(s.destroyed ? ['serving', 'completed'] : ['serving'], `${where}: serving`).toContain(phase);
		if (s.serving !== -1 || s.apiStarting) expect(['starting', 'unknown'], `${where}: the engine serves`).not.toContain(phase);
	}
	const x = initNotSeen(state);
	if (s.progress && !s.startup) {
		expect(x?.engine, `${where}: init not seen`).toBe(true);
		expect(initNotSeenText(x!)).toMatch(/^init not seen/);
	}
	// and the converse: a kept part with the engine's start in it is not said to lack it
	if (s.startup) expect(x?.engine ?? false, `${where}: the engine's start is in the kept part`).toBe(false);
}

/** A cut: the kept lines from `from` (and, for an excerpt, up to `to`). */
const cutOf = (n: number) => fc.record({from: fc.integer({min: 0, max: Math.max(0, n - 1)}), to: fc.option(fc.integer({min: 1, max: n}), {nil: undefined})});
const endOf = (lines: string[], c: {from: number; to: number | undefined}) => (c.to === undefined || c.to <= c.from ? lines.length : c.to);
const keep = (lines: string[], c: {from: number; to: number | undefined}) => lines.slice(c.from, endOf(lines, c));

const cases = [...publicFiles, ...lwsFiles];

describe('a vLLM log cut at any line keeps what the rest of it says', () => {
	it('covers the vLLM-bearing public excerpts', () => {
		expect(publicFiles.length).toBeGreaterThanOrEqual(30);
	});

	if (!lwsPresent)
		it('public-vllm-lws', ctx => {
			ctx.skip(`${lwsDir} is absent (../shared is not part of a clone)`);
		});

	for (const {name, file} of cases) {
		const lines = readFileSync(file, 'utf8').split('\n');
		// CUT_VLLM_RUNS=2000 to look further than CI does
		const runs = Number(process.env.CUT_VLLM_RUNS ?? 0) || (name.startsWith('public-vllm-lws/') ? 12 : 25);
		it(`${name}: ${runs} random cuts`, () => {
			fc.assert(
				fc.property(cutOf(lines.length), c => {
					const kept = keep(lines, c);
					expectKept(parse(kept.join('\n')), said(kept), `${name} lines ${c.from + 1}..${endOf(lines, c)}`);
				}),
				{numRuns: runs, seed: 20260512, endOnFailure: true},
			);
		});
	}
});

/** The lines that say one of the facts above, by index. */
function factLines(lines: string[]): number[] {
	const out: number[] = [];
	lines.forEach((line, i) => {
		const s = said([line]);
		if (s.versions.size || s.models.size || s.tp.size || s.pp.size || s.fatal.length || s.serving !== -1 || s.apiStarting || s.progress) out.push(i);
	});
	return out;
}

describe('each line that says a fact, as the whole excerpt and as where the log starts', () => {
	for (const {name, file} of cases) {
		const lines = readFileSync(file, 'utf8').split('\n');
		const at = factLines(lines);
		if (at.length === 0) continue;
		it(`${name}: ${at.length} lines`, () => {
			for (const i of at)
				for (const c of [
					{from: i, to: i + 1},
					{from: i, to: undefined},
				]) {
					const kept = keep(lines, c);
					expectKept(parse(kept.join('\n')), said(kept), `${name} lines ${c.from + 1}..${endOf(lines, c)}`);
				}
		});
	}
});

describe('a cut log fed in any chunks gives the state of one push', () => {
	const picks = cases.filter((_, i) => i % 6 === 0);
	for (const {name, file} of picks) {
		const lines = readFileSync(file, 'utf8').split('\n');
		it(`${name}: 8 cuts, each split at random bytes`, () => {
			fc.assert(
				fc.property(cutOf(lines.length), fc.array(fc.nat(), {maxLength: 30}), (c, at) => {
					const text = keep(lines, c).join('\n');
					const n = Buffer.byteLength(text);
					const whole = parse(text);
					const split = parse(
						text,
						at.map(x => x % (n + 1)),
					);
					expect(JSON.stringify({...split, revision: 0})).toBe(JSON.stringify({...whole, revision: 0}));
				}),
				{numRuns: 8, seed: 20260512, endOnFailure: true},
			);
		});
	}
});

describe('a traceback kept without the logger.exception copy before it', () => {
	it("runpod-workers/worker-vllm#276: the raw `Process EngineCore_DP0:` traceback's final line fails the engine core", () => {
		// the excerpt's lines 4–9 (multiprocessing's traceback of the exiting engine core, printed raw), then its final line: the
		// excerpt stops before it, so it is built from the same exception as line 3's logger.exception copy (core.py `raise e`)
		const lines = readFileSync(path.join(publicDir, 'vllm-0.1x-kubelet-stamped-workerproc-init-failed.log'), 'utf8').split('\n').slice(3, 9);
		lines.push('2026-03-11T17:57:32.372390000Z (EngineCore_DP0 pid=269) Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.');
		const state = parse(lines.join('\n'));
		expect(derivePhase(state)).toBe('failed');
		expect(state.failures.find(f => f.kind === 'engine-dead')?.procName).toBe('EngineCore_DP0 pid=269');
	});
});

describe('vLLM 0.8.5 V1, DP=2: a worker signals both engine cores (vllm-project/vllm-ascend#616)', () => {
	const state = parse(readFileSync(path.join(publicDir, 'vllm-0.8.5-dp2-enginecore-got-fatal-signal.log'), 'utf8'));

	it('each `MulitprocExecutor got fatal signal` is a failure of the engine core that logged it, and the front end says it too', () => {
		expect(derivePhase(state)).toBe('failed');
		const dead = state.failures.filter(f => f.kind === 'engine-dead');
		expect(dead.filter(f => f.message.startsWith('MulitprocExecutor')).map(f => f.procName)).toEqual(['EngineCore_1 pid=382867', 'EngineCore_0 pid=382869']);
		// `CRITICAL 04-22 17:08:49 [core_client.py:359] Got fatal signal from worker processes, …`: no prefix, the front end's own words
		expect(dead.some(f => f.message.startsWith('Got fatal signal from worker processes') && !f.procName)).toBe(true);
	});
});

describe("torch's watchdog timeout under a vLLM worker's prefix", () => {
	it('vllm-project/vllm#6042: the older torch head `[E ProcessGroupNCCL.cpp:563]` (no date) fails the rollout, naming the worker', () => {
		// the watchdog line as printed; the V0 worker prefix vLLM puts before a worker's output is added here (built from the
		// `(VllmWorkerProcess pid=N)` format of vllm.md §2.2: the paste lost it), pid 1159 as its `Worker VllmWorkerProcess pid 1159 died`
		const state = parse(
			'(VllmWorkerProcess pid=1159) [rank0]:[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE, NumelIn=134217728, NumelOut=134217728, Timeout(ms)=600000) ran for 600059 milliseconds before timing out.',
		);
		expect(derivePhase(state)).toBe('failed');
		const f = state.failures.find(x => x.kind === 'watchdog-timeout');
		expect([f?.procName, f?.rank, f?.where]).toEqual(['VllmWorkerProcess pid=1159', 0, 'ProcessGroupNCCL.cpp:563']);
	});
});
