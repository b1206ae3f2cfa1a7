/**
 * Parser throughput: the recorded corpus replayed to ~100 MB (each file copy is
 * its own stream, fed in 64 KiB chunks), parse + reduce into one state, against
 * a raw `indexOf('\n')` line split over the same bytes in the same process.
 * Goals: ≥ 1M lines/s, ratio ≥ 0.5, RSS flat from 25 to 100 MB. Both sides are
 * warmed up once and measured three times, interleaved (the median is printed):
 * a cold baseline would flatter the ratio.
 *
 * Run alone: `npx tsx bench/parse.ts`
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {resourceUsage} from 'node:process';
import {fileURLToPath} from 'node:url';
import {createStreamParser} from '../source/parse/stream-parser.js';
import {reduceAll} from '../source/model/reduce.js';
import {emptyState} from '../source/model/state.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = 100 * 1024 * 1024;
const CHUNK = 64 * 1024;

function corpusFiles(): {name: string; bytes: Buffer}[] {
	const out: {name: string; bytes: Buffer}[] = [];
	const nccl = path.join(root, 'test/fixtures/corpus/nccl-2.28.9-h200x4');
	for (const d of readdirSync(nccl, {withFileTypes: true})) {
		if (!d.isDirectory()) continue;
		for (const f of readdirSync(path.join(nccl, d.name))) if (f.endsWith('.log')) out.push({name: `${d.name}/${f}`, bytes: readFileSync(path.join(nccl, d.name, f))});
	}
	const pub = path.join(root, '../shared/corpus/public-vllm-lws');
	if (existsSync(pub)) for (const f of readdirSync(pub)) if (f.endsWith('.log')) out.push({name: f, bytes: readFileSync(path.join(pub, f))});
	return out;
}

/** Newlines counted in the bytes (memchr speed): printed for context only. */
function byteScan(bytes: Buffer): number {
	let n = 0;
	let i = bytes.indexOf(10);
	while (i !== -1) {
		n++;
		i = bytes.indexOf(10, i + 1);
	}
	return n;
}

/**
 * The baseline: what any line tool must do with the same bytes before it can look at
 * a line — decode UTF-8 in the same chunks (streaming) and cut it into line strings,
 * as split2 does. The ratio says what parsing and reducing cost on top of that.
 */
let sink = 0;
function rawLines(bytes: Buffer): number {
	const decoder = new TextDecoder('utf-8');
	let carry = '';
	let n = 0;
	for (let o = 0; o < bytes.length; o += CHUNK) {
		const s = carry + decoder.decode(bytes.subarray(o, o + CHUNK), {stream: true});
		let start = 0;
		let nl = s.indexOf('\n');
		while (nl !== -1) {
			const line = s.slice(start, nl);
			sink += line.length;
			n++;
			start = nl + 1;
			nl = s.indexOf('\n', start);
		}
		carry = s.slice(start);
	}
	return n;
}

/** CPU time (user+system) in ms: steadier than wall time on a shared machine. */
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const mb = (n: number) => (n / 1024 / 1024).toFixed(0);

interface Run {
	lines: number;
	wallMs: number;
	cpuMs: number;
}

function timed(fn: () => number): Run {
	const t0 = performance.now();
	const c0 = process.cpuUsage();
	const lines = fn();
	return {lines, wallMs: performance.now() - t0, cpuMs: cpuMs(process.cpuUsage(c0))};
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchParse(): Promise<void> {
	const files = corpusFiles();
	const perRound = files.reduce((a, f) => a + f.bytes.length, 0);
	const rounds = Math.max(1, Math.ceil(TARGET / perRound));
	const reps = Number(process.env['BENCH_PARSE_REPS'] ?? 3);
	console.log(
		`parse bench: ${files.length} corpus files (${mb(perRound)} MB) × ${rounds} rounds ≈ ${mb(perRound * rounds)} MB, one stream per file copy, ${CHUNK / 1024} KiB chunks; each measure warmed up once, then ${reps} runs interleaved, median`,
	);

	const raw = () => {
		let n = 0;
		for (let r = 0; r < rounds; r++) for (const f of files) n += rawLines(f.bytes);
		return n;
	};
	// parse only (events dropped): the parser's own cost
	const parseOnly = () => {
		let n = 0;
		for (let r = 0; r < rounds; r++) {
			for (const f of files) {
				const parser = createStreamParser({pod: `${f.name}#${r}`, container: 'main'});
				for (let o = 0; o < f.bytes.length; o += CHUNK) for (const e of parser.push(f.bytes.subarray(o, o + CHUNK))) if (e.type === 'log-progress') n += e.lines;
				for (const e of parser.end()) if (e.type === 'log-progress') n += e.lines;
			}
		}
		return n;
	};
	// parse + reduce: each round is one rollout (its own state: the corpus's streams, one per file)
	let state = emptyState({kind: 'files', files: []});
	const rss: string[] = [];
	const parseReduce = (watchRss: boolean) => () => {
		let lines = 0;
		let bytes = 0;
		let marks = watchRss ? [25, 50, 100] : [];
		for (let r = 0; r < rounds; r++) {
			state = emptyState({kind: 'files', files: []});
			for (const f of files) {
				const parser = createStreamParser({pod: f.name, container: 'main'});
				for (let o = 0; o < f.bytes.length; o += CHUNK) state = reduceAll(state, parser.push(f.bytes.subarray(o, o + CHUNK)));
				state = reduceAll(state, parser.end());
				bytes += f.bytes.length;
				while (marks.length && bytes >= (marks[0]! / 100) * perRound * rounds) {
					rss.push(`${marks[0]} MB: rss ${mb(process.memoryUsage().rss)} MB, maxRSS ${mb(resourceUsage().maxRSS * 1024)} MB`);
					marks = marks.slice(1);
				}
			}
			lines += Object.values(state.pods).reduce((a, p) => a + p.lines, 0);
		}
		return lines;
	};

	// warm-up: the JIT sees every hot path (the baseline's too) before anything is measured
	raw();
	parseReduce(false)();
	const runs = {raw: [] as Run[], parse: [] as Run[], parseReduce: [] as Run[]};
	for (let k = 0; k < reps; k++) {
		runs.raw.push(timed(raw));
		runs.parse.push(timed(parseOnly));
		runs.parseReduce.push(timed(parseReduce(k === 0)));
	}
	const med = (xs: Run[]): Run => ({lines: xs[0]!.lines, wallMs: median(xs.map(x => x.wallMs)), cpuMs: median(xs.map(x => x.cpuMs))});
	const rawRun = med(runs.raw);
	const parseRun = med(runs.parse);
	const prRun = med(runs.parseReduce);
	let scanned = 0;
	const s0 = process.cpuUsage();
	for (let r = 0; r < rounds; r++) for (const f of files) scanned += byteScan(f.bytes);
	const scanCpu = cpuMs(process.cpuUsage(s0));

	const rate = (n: number, ms: number) => `${(n / (ms / 1000) / 1e6).toFixed(2)}M lines/s`;
	const parseRate = prRun.lines / (prRun.cpuMs / 1000);
	const rawRate = rawRun.lines / (rawRun.cpuMs / 1000);
	const ratio = parseRate / rawRate;
	const spread = (xs: Run[]) => `${Math.min(...xs.map(x => x.cpuMs)).toFixed(0)}–${Math.max(...xs.map(x => x.cpuMs)).toFixed(0)}`;
	console.log(`  byte scan     : ${scanned} newlines, cpu ${scanCpu.toFixed(0)} ms (${rate(scanned, scanCpu)}) — memchr only, no strings (context)`);
	console.log(`  raw split     : ${rawRun.lines} lines, wall ${rawRun.wallMs.toFixed(0)} ms (${rate(rawRun.lines, rawRun.wallMs)}), cpu ${rawRun.cpuMs.toFixed(0)} ms (${rate(rawRun.lines, rawRun.cpuMs)}; runs ${spread(runs.raw)} ms)`);
	console.log(
		`  parse only    : ${parseRun.lines} lines, wall ${parseRun.wallMs.toFixed(0)} ms (${rate(parseRun.lines, parseRun.wallMs)}), cpu ${parseRun.cpuMs.toFixed(0)} ms (${rate(parseRun.lines, parseRun.cpuMs)}; runs ${spread(runs.parse)} ms)`,
	);
	console.log(
		`  parse+reduce  : ${prRun.lines} lines, wall ${prRun.wallMs.toFixed(0)} ms (${rate(prRun.lines, prRun.wallMs)}), cpu ${prRun.cpuMs.toFixed(0)} ms (${rate(prRun.lines, prRun.cpuMs)}, ${((perRound * rounds) / 1024 / 1024 / (prRun.cpuMs / 1000)).toFixed(0)} MB/s; runs ${spread(runs.parseReduce)} ms)`,
	);
	console.log(`  ratio parse+reduce/raw (cpu): ${ratio.toFixed(3)}`);
	// Where the time goes, per kind of log: what a ratio of 0.5 would allow a line, against
	// what each kind costs (one stream per file copy, same rounds, warmed up).
	const budgetNs = (rawRun.cpuMs * 1e6) / rawRun.lines / 0.5;
	// the recorded NCCL logs as `kubectl logs` without --timestamps (or a saved file) gives them
	const noStamp = (b: Buffer) => Buffer.from(b.toString('utf8').replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /gm, ''));
	const kinds = [
		{label: 'NCCL INFO/ALL (recorded)', files: files.filter(f => f.name.includes('/'))},
		{label: 'the same, no k8s stamps', extra: true, files: files.filter(f => f.name.includes('/')).map(f => ({name: f.name, bytes: noStamp(f.bytes)}))},
		{label: 'vLLM+Ray, ANSI (public)', files: files.filter(f => !f.name.includes('/'))},
	].filter(k => k.files.length);
	const perKind = (fs: typeof files) => () => {
		let n = 0;
		for (let r = 0; r < rounds; r++) {
			let st = emptyState({kind: 'files', files: []});
			for (const f of fs) {
				const parser = createStreamParser({pod: f.name, container: 'main'});
				for (let o = 0; o < f.bytes.length; o += CHUNK) st = reduceAll(st, parser.push(f.bytes.subarray(o, o + CHUNK)));
				st = reduceAll(st, parser.end());
			}
			n += Object.values(st.pods).reduce((a, p) => a + p.lines, 0);
		}
		return n;
	};
	console.log(`  a ratio of 0.5 allows ${budgetNs.toFixed(0)} ns a line for parse+reduce; by kind of log:`);
	for (const k of kinds) {
		perKind(k.files)();
		const r = timed(perKind(k.files));
		console.log(
			'extra' in k
				? `    ${k.label.padEnd(26)} (not in the mix)      ${((r.cpuMs * 1e6) / r.lines).toFixed(0).padStart(5)} ns a line`
				: `    ${k.label.padEnd(26)} ${((100 * r.lines) / prRun.lines).toFixed(0).padStart(3)}% of lines, ${((r.cpuMs * 1e6) / r.lines).toFixed(0).padStart(5)} ns a line, ${((100 * r.cpuMs) / prRun.cpuMs).toFixed(0).padStart(3)}% of the time`,
		);
	}
	for (const r of rss) console.log(`  ${r}`);
	console.log(`  goal ≥1M lines/s (cpu): ${parseRate >= 1e6 ? 'met' : 'NOT met'} (${(parseRate / 1e6).toFixed(2)}M); goal ratio ≥0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'} (${ratio.toFixed(3)})`);
	if (sink < 0) console.log(sink);
	console.log(`  last rollout's state: ${Object.keys(state.pods).length} pods, ${Object.keys(state.procs).length} procs, ${Object.keys(state.comms).length} comms, ${state.failures.length} failures`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await benchParse();
