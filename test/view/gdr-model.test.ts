/**
 * The GDR view in plain words: NCCL's own `GPU Direct RDMA …` lines first, and for GPUs
 * no such line spoke for, their NET channel connections (`via NET/IB/9/GDRDMA`: RDMA
 * from GPU memory; `via NET/IB/3`: staged through host memory). Real logs: the recorded
 * corpus and public-issue excerpts (test/fixtures/public/SOURCES.md).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState} from '../../source/model/state.js';
import {buildGdr} from '../../source/view/gdr-model.js';
import {loadExcerpt, loadScenario, parseInto, publicDir} from '../helpers/load-scenario.js';

const excerpt = (file: string) => {
	const s = loadExcerpt(file);
	return reduceAll(s, [{type: 'source-ended', at: s.lastTs}]);
};

describe('GDR view', () => {
	it('NCCL 2.24+ over IB (vllm-project/vllm#27521): channels via NET/IB/9/GDRDMA say enabled', () => {
		const m = buildGdr(excerpt('nccl-2.24plus-vllm-ib-gdrdma.log'));
		expect(m.rows).toEqual([{where: 'pod0 GPU 75000 ↔ NET', status: 'enabled', tone: 'ok', evidence: 'channels via NET/IB/9/GDRDMA (4 connections)'}]);
		expect(m.summary).toBe('GPU Direct RDMA enabled (1 GPU/HCA pair)');
	});

	it('NCCL 2.22 over IB without GDR (NVIDIA/nccl#1412): channels via NET/IB/3 say disabled', () => {
		const m = buildGdr(excerpt('nccl-2.22-ib-channels-init-timings.log'));
		expect(m.rows.length).toBeGreaterThan(0);
		expect(m.rows.every(r => r.status === 'disabled' && /via NET\/IB\/3\b/.test(r.evidence))).toBe(true);
		expect(m.summary).toMatch(/^GPU Direct RDMA disabled for/);
	});

	it('the recorded corpus over TCP: one row per GPU from NCCL’s own lines, none added from channels', () => {
		const m = buildGdr(loadScenario('tp2x2-two-pods-all').state);
		expect(m.rows.map(r => `${r.where} ${r.status}`)).toEqual(['pod0 GPU 60 ↔ eth0 not used (TCP)', 'pod0 GPU 70 ↔ eth0 not used (TCP)', 'pod1 GPU 80 ↔ eth0 not used (TCP)', 'pod1 GPU 90 ↔ eth0 not used (TCP)']);
	});
});

describe('GDR selector', () => {
	it('is rebuilt when only channel connections arrive (its rows read comms and procs too)', async () => {
		const {createSelectors} = await import('../../source/view/selectors.js');
		const {defaultFindingOptions} = await import('../../source/findings/index.js');
		const text = readFileSync(path.join(publicDir, 'nccl-2.24plus-vllm-ib-gdrdma.log'), 'utf8');
		const lines = text.split('\n');
		const upTo = lines.findIndex(l => l.includes('[Proxy Progress]'));
		const before = parseInto(emptyState({kind: 'files', files: []}), 'pod0', [lines.slice(0, upTo).join('\n') + '\n']);
		const after = parseInto(emptyState({kind: 'files', files: []}), 'pod0', [text]);
		// the same GDR lines and NCCL facts (the same objects), only the channels differ
		const later = {...after, gdr: before.gdr, nccl: before.nccl};
		const sel = createSelectors({kind: 'files', label: 'x'} as never, defaultFindingOptions);
		expect(sel.gdr(before).rows).toEqual([]);
		expect(sel.gdr(later).rows.map(r => r.status)).toEqual(['enabled']);
	});
});
