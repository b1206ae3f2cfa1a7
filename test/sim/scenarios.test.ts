import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {scenario, type ScenarioName} from '../../source/sim/scenarios.js';

const corpus = path.resolve(import.meta.dirname, '../fixtures/corpus/nccl-2.28.9-h200x4');
const names: ScenarioName[] = ['healthy', 'straggler', 'crash', 'bad-ifname', 'p2p-disabled'];

function corpusLines(file: string): string[] {
	return readFileSync(path.join(corpus, file), 'utf8')
		.split('\n')
		.filter(l => l !== '')
		.map(l => l.replace(/^\S+Z /, ''));
}

describe('demo scenarios play the recorded logs unchanged', () => {
	it('the embedded logs are the corpus bytes (regenerate with npm run gen:demo-data)', () => {
		// every recorded NCCL line of the healthy leader appears, in order, unchanged
		const played = scenario('healthy')
			.pods[0]!.container.lines.map(l => l.text(new Date(0)))
			.filter(t => t.includes('NCCL'));
		const recorded = corpusLines('tp2x2-two-pods-all/pod0.log').filter(t => t.includes('NCCL'));
		expect(played.length).toBeGreaterThan(100);
		expect(recorded.slice(0, played.length)).toEqual(played);
	});

	it('the crash scenario plays the whole recorded job, including the failure report', () => {
		const s = scenario('crash');
		const texts = s.pods[0]!.container.lines.map(l => l.text(new Date(0)));
		expect(texts).toContain('Root Cause (first observed failure):');
		expect(s.pods[0]!.container.exit?.code).toBe(1);
		expect(s.endpoint.map(e => e.mode)).not.toContain('serving');
	});

	it.each(names)('%s: LeaderWorkerSet labels, lines in time order, vLLM lines carry the NCCL pids', name => {
		const s = scenario(name);
		const leader = s.pods[0]!;
		expect(leader.labels['leaderworkerset.sigs.k8s.io/worker-index']).toBe('0');
		for (const p of s.pods.slice(1)) expect(p.annotations['leaderworkerset.sigs.k8s.io/leader-name']).toBe(leader.name);
		for (const p of s.pods) {
			const at = p.container.lines.map(l => l.at);
			expect([...at].sort((a, b) => a - b)).toEqual(at);
		}
		const texts = leader.container.lines.map(l => l.text(new Date(Date.UTC(2026, 10, 27, 3, 0, 0))));
		expect(texts[0]).toMatch(/^\(APIServer pid=\d+\) INFO 11-27 03:00:00 \[api_server\.py:\d+\] vLLM API server version /);
		const ncclPids = new Set(texts.flatMap(t => /^\S+:(\d+):\d+ \[\d\] NCCL INFO/.exec(t)?.[1] ?? []));
		const workerPids = new Set(texts.flatMap(t => /^\(Worker\S* pid=(\d+)\)/.exec(t)?.[1] ?? []));
		for (const pid of workerPids) expect(ncclPids.has(pid)).toBe(true);
	});

	it('straggler: the worker pod starts 40 s after the leader, whose every GPU process starts init and then waits', () => {
		const s = scenario('straggler');
		expect(s.pods[1]!.pendingMs - s.pods[0]!.pendingMs).toBeGreaterThanOrEqual(40_000);
		const leader = s.pods[0]!.container.lines.map(l => ({at: l.at, text: l.text(new Date(0))}));
		// both local ranks print their world Init START before the wait (the recording has them 1.4 s apart)
		const starts = leader.filter(l => / ncclCommInitRankConfig .* Init START/.test(l.text));
		expect(starts.map(l => /^\S+:(\d+):/.exec(l.text)![1])).toEqual(['964', '966']);
		expect(starts[1]!.at - starts[0]!.at).toBeLessThan(5000);
		// and nothing of theirs completes until the late pod has arrived
		const complete = leader.find(l => l.text.includes('Init COMPLETE'))!;
		expect(complete.at - starts[0]!.at).toBeGreaterThanOrEqual(40_000);
	});
});
