/**
 * Parser throughput: the recorded corpus replayed to ~100 MB (each file copy is
 * its own stream, fed in 64 KiB chunks), parse + reduce into one state, against
 * a raw `indexOf('\n')` line split over the same bytes in the same process.
 * Goals: ≥ 1M lines/s, ratio ≥ 0.5, RSS flat from 25 to 100 MB.
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

export async function benchParse(): Promise<void> {
	const files = corpusFiles();
	const perRound = files.reduce((a, f) => a + f.bytes.length, 0);
	const rounds = Math.max(1, Math.ceil(TARGET / perRound));
	console.log(`parse bench: ${files.length} corpus files (${mb(perRound)} MB) × ${rounds} rounds ≈ ${mb(perRound * rounds)} MB, one stream per file copy, ${CHUNK / 1024} KiB chunks`);

	// raw split baseline over the same bytes
	let rawCount = 0;
	let t0 = performance.now();
	const rc0 = process.cpuUsage();
	for (let r = 0; r < rounds; r++) for (const f of files) rawCount += rawLines(f.bytes);
	const rawMs = performance.now() - t0;
	const rawCpu = cpuMs(process.cpuUsage(rc0));
	let scanned = 0;
	const s0 = process.cpuUsage();
	for (let r = 0; r < rounds; r++) for (const f of files) scanned += byteScan(f.bytes);
	const scanCpu = cpuMs(process.cpuUsage(s0));

	// warm-up: one unmeasured rollout so the JIT has seen the hot paths
	{
		let w = emptyState({kind: 'files', files: []});
		for (const f of files) {
			const parser = createStreamParser({pod: f.name});
			w = reduceAll(w, parser.push(f.bytes));
			w = reduceAll(w, parser.end());
		}
	}

	// parse only (events dropped): the parser's own cost
	let parsedLines = 0;
	t0 = performance.now();
	let c0 = process.cpuUsage();
	for (let r = 0; r < rounds; r++) {
		for (const f of files) {
			const parser = createStreamParser({pod: `${f.name}#${r}`, container: 'main'});
			for (let o = 0; o < f.bytes.length; o += CHUNK) for (const e of parser.push(f.bytes.subarray(o, o + CHUNK))) if (e.type === 'log-progress') parsedLines += e.lines;
			for (const e of parser.end()) if (e.type === 'log-progress') parsedLines += e.lines;
		}
	}
	const parseOnlyMs = performance.now() - t0;
	const parseOnlyCpu = cpuMs(process.cpuUsage(c0));

	// parse + reduce: each round is one rollout (its own state: the corpus's streams, one per file)
	let state = emptyState({kind: 'files', files: []});
	let lines = 0;
	let bytes = 0;
	let marks = [25, 50, 100];
	const rss: string[] = [];
	t0 = performance.now();
	c0 = process.cpuUsage();
	for (let r = 0; r < rounds; r++) {
		lines += Object.values(state.pods).reduce((a, p) => a + p.lines, 0);
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
	}
	const parseMs = performance.now() - t0;
	const parseCpu = cpuMs(process.cpuUsage(c0));
	lines += Object.values(state.pods).reduce((a, p) => a + p.lines, 0);
	const rate = (n: number, ms: number) => `${(n / (ms / 1000) / 1e6).toFixed(2)}M lines/s`;
	const parseRate = lines / (parseCpu / 1000);
	const rawRate = rawCount / (rawCpu / 1000);
	const ratio = parseRate / rawRate;
	console.log(`  byte scan     : ${scanned} newlines, cpu ${scanCpu.toFixed(0)} ms (${rate(scanned, scanCpu)}) — memchr only, no strings (context)`);
	console.log(`  raw split     : ${rawCount} lines, wall ${rawMs.toFixed(0)} ms (${rate(rawCount, rawMs)}), cpu ${rawCpu.toFixed(0)} ms (${rate(rawCount, rawCpu)})`);
	console.log(`  parse only    : ${parsedLines} lines, wall ${parseOnlyMs.toFixed(0)} ms (${rate(parsedLines, parseOnlyMs)}), cpu ${parseOnlyCpu.toFixed(0)} ms (${rate(parsedLines, parseOnlyCpu)})`);
	console.log(`  parse+reduce  : ${lines} lines, wall ${parseMs.toFixed(0)} ms (${rate(lines, parseMs)}), cpu ${parseCpu.toFixed(0)} ms (${rate(lines, parseCpu)}, ${(bytes / 1024 / 1024 / (parseCpu / 1000)).toFixed(0)} MB/s)`);
	console.log(`  ratio parse+reduce/raw (cpu): ${ratio.toFixed(3)}`);
	for (const r of rss) console.log(`  ${r}`);
	console.log(`  goal ≥1M lines/s (cpu): ${parseRate >= 1e6 ? 'met' : 'NOT met'} (${(parseRate / 1e6).toFixed(2)}M); goal ratio ≥0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'} (${ratio.toFixed(3)})`);
	if (sink < 0) console.log(sink);
	console.log(`  last rollout's state: ${Object.keys(state.pods).length} pods, ${Object.keys(state.procs).length} procs, ${Object.keys(state.comms).length} comms, ${state.failures.length} failures`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await benchParse();
