/**
 * The HTML report (`--html FILE`): how long the page takes to build from a state that
 * is already read (the part a user waits for after the logs), and how big it is, for
 * the largest corpus scenario (goal: under 1 s and 1 MB) and for a 64-host, 512-rank
 * rollout made from NCCL lines (test/html/synthetic.ts). Warmed up once, then the
 * median of five builds.
 *
 * Run alone: `npx tsx bench/html.ts`
 */
import {readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {scenarioDir, scenarioNames} from '../test/helpers/load-scenario.js';
import {loadWithLines, reportOf} from '../test/html/load.js';
import {syntheticCluster} from '../test/html/synthetic.js';
import {computeFindings} from '../source/findings/index.js';

const bytesOf = (dir: string) => readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);

function measure(label: string, build: () => string): {ms: number; bytes: number} {
	build();
	const times: number[] = [];
	let bytes = 0;
	for (let i = 0; i < 5; i++) {
		const t = performance.now();
		bytes = Buffer.byteLength(build());
		times.push(performance.now() - t);
	}
	const ms = times.sort((a, b) => a - b)[2]!;
	console.log(`  ${label}: built in ${ms.toFixed(0)} ms (median of 5), ${(bytes / 1024).toFixed(0)} KiB`);
	return {ms, bytes};
}

export async function benchHtml(): Promise<void> {
	const largest = scenarioNames().sort((a, b) => bytesOf(scenarioDir(b)) - bytesOf(scenarioDir(a)))[0]!;
	const l = await loadWithLines([scenarioDir(largest)]);
	const corpus = measure(`${largest} (largest corpus scenario, ${l.lines.length} evidence lines)`, () => reportOf(l));
	const state = syntheticCluster({hosts: 64, gpus: 8, odd: {17: 'gdr-off', 42: 'late', 63: 'nics4'}});
	const now = state.lastTs!;
	const findings = computeFindings(state, now);
	measure('64 hosts x 8 GPUs (512 ranks)', () => reportOf({state, findings, now}));
	const ok = corpus.ms < 1000 && corpus.bytes < 1024 * 1024;
	console.log(`  goal (largest corpus scenario under 1 s and 1 MB): ${ok ? 'met' : 'MISSED'}`);
	if (!ok) throw new Error(`the report of ${largest} took ${corpus.ms.toFixed(0)} ms / ${corpus.bytes} bytes`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await benchHtml();
