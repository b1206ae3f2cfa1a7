/**
 * The HTML report as text, for every corpus scenario and public excerpt: what a reader
 * looks for is in it (each GPU's bus id, the straggler's rank and pod, the first
 * failure, each finding's subject and its evidence lines), it asks for nothing outside
 * itself, and it stays small. A 64-host rollout (made from NCCL lines, test/html/synthetic.ts)
 * is summarised: the common shape drawn once, the odd hosts out drawn and named why.
 */
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {computeFindings} from '../../source/findings/index.js';
import {h} from '../../source/view/html/escape.js';
import {toSnapshot} from '../../source/view/snapshot.js';
import {publicDir, scenarioDir, scenarioNames} from '../helpers/load-scenario.js';
import {allowedTags, loadWithLines, reportOf, tagNames} from './load.js';
import {podName, syntheticCluster} from './synthetic.js';

const count = (s: string, what: string) => s.split(what).length - 1;

function selfContained(html: string): void {
	expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
	// nothing to fetch: no script, no external reference of any kind
	expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|@import|url\((?!#)/i);
	expect(html).not.toMatch(/\s(src|srcset|action|formaction)=/i);
	for (const m of html.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
	expect([...tagNames(html)].filter(t => !allowedTags.has(t))).toEqual([]);
	expect(count(html, '<svg')).toBe(count(html, '</svg>'));
}

describe('the report of each corpus scenario', () => {
	for (const name of scenarioNames()) {
		it(`${name}: bus ids, findings with evidence, self-contained`, async () => {
			const l = await loadWithLines([scenarioDir(name)]);
			const html = reportOf(l);
			selfContained(html);
			const snap = toSnapshot(l.state, l.findings, {now: l.now, generatedAt: new Date(0)});
			const busIds = snap.ranks.map(r => r.busId).filter((b): b is string => b !== null);
			for (const b of busIds) expect(html).toContain(`>GPU ${b}<`);
			for (const f of l.findings) expect(html).toContain(`<span class="subject">${h(f.subject)}</span>`);
			// a finding built from log lines quotes them, with pod and container
			const cards = html.split('<article class="finding').slice(1);
			expect(cards.length).toBe(l.findings.length);
			const quoted = cards.filter(c => c.includes('<code class="logline">'));
			expect(quoted.length).toBeGreaterThan(0);
			expect(html.length).toBeLessThan(1024 * 1024);
		});
	}

	it('the straggler: its rank and pod in the topology and the timeline, the wait written on its bar', async () => {
		const l = await loadWithLines([scenarioDir('straggler-h200x4')]);
		const html = reportOf(l);
		const gpu = html.slice(html.indexOf('data-node="GPU/90"'));
		expect(gpu.slice(0, 1200)).toContain('rank 3');
		expect(html).toContain('data-pod="pod1"');
		expect(html).toMatch(/<text[^>]*>rank 3 · GPU 90<\/text>/);
		expect(html).toMatch(/class="note halo tone-warn">joined 30s late</);
		expect(html).toContain('bootstrap 29.9 s: waited for rank 3 (pod1)');
	});

	it('crash-rank1: the first failure is marked on the timeline and named', async () => {
		const l = await loadWithLines([scenarioDir('crash-rank1')]);
		const html = reportOf(l);
		expect(html).toContain('class="firstfail"');
		expect(html).toMatch(/first failure 22:03:48\.\d+Z — rank 1 \(pod0\) exit 3/);
		expect(html).toContain('<code>check: FAIL (1 error finding)</code>');
		// the rank's own lines are the rank-exited finding's evidence
		const card = html.slice(html.indexOf('rank-exited'), html.indexOf('</article>', html.indexOf('rank-exited')));
		expect(card).toContain('failed (exitcode: 3)');
	});

	it('a pod that restarted says so on the timeline, with what ended its last run', async () => {
		const l = await loadWithLines([scenarioDir('crash-rank1')]);
		const pod0 = l.state.pods['pod0']!;
		const c = {name: 'main', state: 'running' as const, reason: null, restarts: 2, exitCode: null, lastTerminationReason: 'Error', lastExitCode: 3, startedAt: l.state.firstTs! + 500};
		const state = {...l.state, pods: {...l.state.pods, pod0: {...pod0, restarts: 2, containers: [c]}}};
		const html = reportOf({...l, state});
		expect(html).toContain('↻ restarted 2× (last: Error (exit 3))');
		expect(html).toMatch(/<g class="restart"><title>container of pod0 started again at/);
	});

	it('two builds of the same logs are the same bytes', async () => {
		const l = await loadWithLines([scenarioDir('tp2x2-two-pods-all')]);
		expect(reportOf(l)).toBe(reportOf(l));
	});
});

describe('the report of each public excerpt', () => {
	const files = readdirSync(publicDir).filter(f => /\.(log|txt)$/.test(f));
	it(`${files.length} excerpts: each builds, self-contained, every GPU process drawn`, async () => {
		for (const f of files) {
			const l = await loadWithLines([path.join(publicDir, f)]);
			const html = reportOf(l);
			selfContained(html);
			for (const p of Object.values(l.state.procs)) if (p.busId) expect(html, f).toContain(`>GPU ${p.busId.replace(/^0+(?=.)/, '').toLowerCase()}<`);
		}
	});

	it('a log of several hosts in one file draws one host per hostname', async () => {
		const l = await loadWithLines([path.join(publicDir, 'nccl-azure-aks-16rank-destroy-complete.log')]);
		const html = reportOf(l);
		expect(html).toContain('data-pod="nccl-azure-aks-16rank-destroy-complete · nccl-tests-worker-0"');
		expect(html).toContain('data-pod="nccl-azure-aks-16rank-destroy-complete · nccl-tests-worker-1"');
	});
});

describe('64 hosts of 8 GPUs', () => {
	const state = syntheticCluster({hosts: 64, gpus: 8, odd: {17: 'gdr-off', 42: 'late', 63: 'nics4'}});
	const now = state.lastTs!;
	const findings = computeFindings(state, now);
	const html = reportOf({state, findings, now});

	it('every host is a tile; the common shape is drawn once, the three odd hosts each drawn and named why', () => {
		selfContained(html);
		expect(count(html, '<li class="tile')).toBe(64);
		expect(html).toContain('61 share one shape');
		expect(count(html, '<figure class="host"')).toBe(4);
		expect(html).toContain(`data-pod="${podName(0)}"`);
		expect(html).toContain(`${podName(17)} — GDR off on 8 GPUs`);
		expect(html).toContain(`${podName(42)} — rank 341 joined 40s late`);
		expect(html).toContain(`${podName(63)} — 4 NICs, most have 8`);
	});

	it('the timeline folds the quiet pods into one row and keeps the late rank its own', () => {
		expect(html).toContain('63 pods where no rank stood out');
		expect(html).toMatch(/<text[^>]*>rank 341 · GPU 6b000<\/text>/);
		expect(html).toContain('joined 40s late');
	});

	it('between hosts: the usual transport and the pairs that differ', () => {
		expect(html).toContain('62 pairs of pods via');
		expect(html).toContain(`odd: ${podName(16)} ↔ ${podName(17)}`);
	});

	it('stays under 1 MB', () => {
		expect(html.length).toBeLessThan(1024 * 1024);
	});
});
