import {describe, expect, it} from 'vitest';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {formatReport} from '../../source/view/report.js';
import {toSnapshot} from '../../source/view/snapshot.js';
import {comm, engine, pod, proc, withComms, withPods, withProcs} from '../helpers/build.js';
import {loadScenarioSnapshot} from './corpus.js';

function crashed(): RolloutState {
	const a = proc('pod0', 11, {busId: '60', cudaDev: 0, host: 'vm', state: 'ready', initSeconds: 1.5});
	const b = proc('pod0', 12, {busId: '70', cudaDev: 1, host: 'vm', state: 'exited', exitCode: 3});
	let s = withProcs(withPods(emptyState({kind: 'files', files: ['logs/pod0.log']}), pod('pod0', {lines: 120})), a, b);
	s = withComms(
		s,
		comm(
			'0x9c2d',
			4,
			[
				{proc: a, rank: 0},
				{proc: b, rank: 1},
			],
			{state: 'ready', nNodes: 2, transports: ['P2P/CUMEM', 'NET/Socket'], channels: {coll: 2, nvls: 0, p2p: 4}},
		),
	);
	return {
		...s,
		nccl: {...s.nccl, version: '2.28.9+cuda13.0', cudaDriverVersion: 13000, netPlugin: 'Socket', externalNetPlugin: false, bootstrapInterface: 'eth0', env: {NCCL_DEBUG: 'INFO'}},
		gdr: [{pod: 'pod0', host: 'vm', gpu: '0', hca: 'eth0', enabled: false, evidence: 'x'}],
		engine: engine({model: 'meta-llama/Llama-3.3-70B', tensorParallelSize: 2}),
	};
}

const findings = [
	{id: 'gdr-disabled', severity: 'warn' as const, subject: 'pod0 GPU 0 / eth0', message: 'GPU Direct RDMA is disabled.\nCheck nvidia-peermem.'},
	{id: 'rank-exited', severity: 'error' as const, subject: 'rank 1 (pod0, busId 70)', message: 'exited with code 3'},
];

describe('formatReport', () => {
	const snap = toSnapshot(crashed(), findings, {now: 0, generatedAt: new Date(0)});
	const text = formatReport(snap, {color: false, ascii: true});

	it('says the phase, the ranks, communicators, NCCL facts, GDR, engine and findings in greppable lines', () => {
		expect(text).toMatch(/^phase: failed/m);
		expect(text).toMatch(/^ {2}POD +HOST +RANK +BUSID +CUDADEV +PID +STATE +INIT +EXIT$/m);
		expect(text).toMatch(/^ {2}pod0 +vm +0 +60 +0 +11 +ready +1\.50s +-$/m);
		expect(text).toMatch(/^ {2}pod0 +vm +1 +70 +1 +12 +exited +- +3$/m);
		expect(text).toMatch(/^ {2}- +- +2 +- +- +- +unseen/m);
		expect(text).toMatch(/0x9c2d +nranks=4 nNodes=2 .*state=ready/);
		expect(text).toMatch(/transports: NET\/Socket, P2P\/CUMEM +channels coll=2 nvls=0 p2p=4/);
		expect(text).toContain('version: 2.28.9+cuda13.0');
		expect(text).toContain('bootstrap interface: eth0');
		expect(text).toContain('external net plugin (libnccl-net.so): not found');
		expect(text).toContain('env: NCCL_DEBUG=INFO');
		expect(text).toMatch(/pod0 host=vm gpu=0 hca=eth0 disabled/);
		expect(text).toContain('model: meta-llama/Llama-3.3-70B');
		expect(text).toContain('findings: 1 error, 1 warn, 0 info');
	});

	it('lists findings most severe first, with their advice', () => {
		const err = text.indexOf('ERROR rank-exited: rank 1 (pod0, busId 70)');
		const warn = text.indexOf('WARN  gdr-disabled: pod0 GPU 0 / eth0');
		expect(err).toBeGreaterThan(0);
		expect(warn).toBeGreaterThan(err);
		expect(text).toContain('        Check nvidia-peermem.');
	});

	it('no escape codes without colour; ASCII only with --ascii; no trailing spaces', () => {
		expect(text).not.toContain('\u001B[');
		expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
		expect(text.split('\n').filter(l => / $/.test(l))).toEqual([]);
	});

	it('colours states and severities when asked, keeping the columns', () => {
		const coloured = formatReport(snap, {color: true, ascii: false});
		expect(coloured).toContain('\u001B[31mERROR\u001B[39m');
		expect(coloured).toContain('\u001B[31mfailed');
		// eslint-disable-next-line no-control-regex
		expect(coloured.replace(/\u001B\[\d+m/g, '').replace(/─/g, '-')).toBe(text);
	});

	it("summarises each pod's topology as GPU pairs with their link type", () => {
		const s: RolloutState = {
			...emptyState({kind: 'stdin'}),
			topology: {
				pod0: {
					pod: 'pod0',
					host: 'vm',
					maxBw: 370.8,
					totalBw: 370.8,
					gpus: [
						{busId: '60', index: 0, node: '0'},
						{busId: '70', index: 1, node: '0'},
					],
					nics: [],
					links: [],
					paths: [
						{from: 'GPU/0-60', to: 'GPU/0-70', type: 'NVL', bw: 370.8, hops: 2},
						{from: 'GPU/0-70', to: 'GPU/0-60', type: 'NVL', bw: 370.8, hops: 2},
						{from: 'GPU/0-60', to: 'NET/0-0', type: 'PHB', bw: 1.2, hops: 3},
					],
				},
			},
		};
		const t = formatReport(toSnapshot(s, [], {now: 0, generatedAt: new Date(0)}), {color: false, ascii: true});
		expect(t).toMatch(/^ {2}pod0 host=vm maxBw=370.8 totalBw=370.8 gpus=60,70 nics=0$/m);
		expect(t.match(/60 <-> 70 +NVL 370.8 GB\/s/g)).toHaveLength(1);
		expect(t).not.toContain('NET/0-0');
		expect(formatReport(toSnapshot(s, [], {now: 0, generatedAt: new Date(0)}), {color: false, ascii: false})).toContain('60 ↔ 70');
	});

	it('reads a real corpus scenario without throwing and names its pods', async () => {
		const s = await loadScenarioSnapshot('tp2x2-two-pods-all');
		const t = formatReport(s, {color: false, ascii: true});
		expect(t).toMatch(/^ {2}pod0 /m);
		expect(t).toMatch(/^ {2}pod1 /m);
	});
});
