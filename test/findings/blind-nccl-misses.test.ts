/**
 * Four things a blind reading of public NCCL logs (test/parse/blind-nccl.test.ts) found the
 * output getting wrong, checked where a person reads them: `infertop analyze` (its text and
 * `--json`) and the GDR pane. What each test expects was read off the log first (the comment
 * quotes the line); the logs are in test/fixtures/public/ with their rows in SOURCES.md.
 */
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {computeFindings} from '../../source/findings/index.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState} from '../../source/model/state.js';
import {createSelectors} from '../../source/view/selectors.js';
import {defaultFindingOptions} from '../../source/findings/types.js';
import {gdrPane} from '../../source/ui/panes/gdr-pane.js';
import {createTheme} from '../../source/ui/theme.js';
import type {Line} from '../../source/ui/components/lines.js';
import {parseInto, publicDir} from '../helpers/load-scenario.js';
import {snapshotValidator} from '../view/schema.js';

const root = path.resolve(import.meta.dirname, '../..');
const validate = snapshotValidator();

interface Snap {
	phase: string;
	ranks: {host: string | null; pid: number | null; globalRank: number | null; state: string}[];
	nccl: {netPlugin: string | null; netPluginFrom?: string | null};
	findings: {id: string; severity: string; subject: string; message: string}[];
}

const runs = new Map<string, {text: string; json: Snap; code: number | null}>();

/** `infertop analyze FILE` and `infertop analyze FILE --json`, as a user runs them (no CI, no colour), once per file. */
function analyze(file: string): {text: string; json: Snap; code: number | null} {
	const hit = runs.get(file);
	if (hit) return hit;
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'};
	delete env['CI'];
	const rel = path.join('test/fixtures/public', file);
	const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'cli.tsx', 'analyze', ...args], {cwd: root, env, encoding: 'utf8', timeout: 60_000});
	const t = run([rel]);
	const j = run([rel, '--json']);
	expect(j.stderr).toBe('');
	const json = JSON.parse(j.stdout) as Snap;
	expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
	const r = {text: t.stdout, json, code: j.status};
	runs.set(file, r);
	return r;
}

/** The report's section under `title` (to the next heading). */
function section(text: string, title: string): string {
	const lines = text.split('\n');
	const i = lines.indexOf(title);
	expect(i).toBeGreaterThan(-1);
	const end = lines.findIndex((_l, k) => k > i + 1 && /^─+$/.test(lines[k + 1] ?? ''));
	return lines.slice(i + 2, end === -1 ? undefined : end).join('\n');
}

const theme = createTheme({color: false, ascii: false});
const text = (lines: Line[]) => lines.map(l => l.map(s => s.text).join('')).join('\n');

/** The GDR pane as it draws the log, read whole. */
function gdrPaneText(file: string): string {
	let s = parseInto(emptyState({kind: 'files', files: [file]}), 'pod0', [readFileSync(path.join(publicDir, file))]);
	s = reduceAll(s, [{type: 'source-ended', at: s.lastTs}]);
	return text(gdrPane(createSelectors({kind: 'files', label: 'blind'}, defaultFindingOptions).gdr(s), {width: 120, height: 40}, theme, 0).lines);
}

describe('an IB completion error fails its process (HPC-X IB plugin, NVIDIA/nccl-tests#252)', () => {
	const file = 'nccl-2.21plus-hpcx-ib-completion-error-two-hosts.log';

	it('puts the rollout in `failed`, with rank 4 (kolyoz2 pid 25146) failed', () => {
		// `kolyoz2:25146:25854 [0] ib_plugin.c:1105 NCCL WARN NET/IB : Got completion from peer 10.0.35.1<49189> with error 4, …`
		// `kolyoz2:25146:25854 [0] NCCL INFO proxy.cc:878 -> 6 [Progress Thread]`: ncclRemoteError, the comm's async error
		const {text, json, code} = analyze(file);
		expect(json.phase).toBe('failed');
		expect(text).toMatch(/^phase: failed/m);
		// an error-severity finding: exit 1 (contract/cli.md)
		expect(code).toBe(1);
		expect(json.ranks.find(r => r.pid === 25146)).toMatchObject({host: 'kolyoz2', globalRank: 4, state: 'failed'});
	});

	it('names rank 4 as the root cause, with the peer address, and the IB error as an nccl-error', () => {
		const {text, json} = analyze(file);
		const root = json.findings.find(f => f.id === 'rank-exited');
		expect(root).toMatchObject({severity: 'error', subject: expect.stringMatching(/^rank 4 \(.*GPU busId 42000\)$/)});
		expect(root!.message).toContain('10.0.35.1<49189>');
		expect(root!.message).toContain('This is the first failure');
		const err = json.findings.find(f => f.id === 'nccl-error');
		expect(err).toMatchObject({severity: 'error', subject: expect.stringContaining('IB completion error 4')});
		expect(err!.message).toContain('IBV_WC_LOC_PROT_ERR');
		expect(text).toMatch(/ERROR rank-exited: rank 4 /);
	});

	it('a flush error (5) alone is a follow-on: the log does not hold the failure that broke the queue pair (NVIDIA/nccl#1737)', () => {
		// `gh-3714u15:7038:7053 [0] ib_plugin.c:1007 NCCL WARN NET/IB : Got completion from peer 10.1.32.3<54891> with error 5, opcode 0, len 0, vendor err 249` ×4
		const {json} = analyze('nccl-2.21.5-ib-completion-warn-node1.log');
		expect(json.phase).toBe('failed');
		const root = json.findings.find(f => f.id === 'rank-exited');
		expect(root?.message).toContain('the rank that failed first is not in the logs read');
	});
});

it('reads 2.28+’s `status=NAME(N)` wording the same way (src/transport/net_ib/p2p.cc ncclIbLogCompletionWithError)', () => {
	// the format: "NET/IB: Got completion from peer %s with status=%s(%d) opcode=%s(%d) vendor_err=%u %s%s%s%s hca %s"
	const line = 'node-1:71:90 [2] transport/net_ib/p2p.cc:688 NCCL WARN NET/IB: Got completion from peer 10.0.0.2<41234> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_SEND(0) vendor_err=129  hca mlx5_0\n';
	let s = parseInto(emptyState({kind: 'files', files: []}), 'pod0', [line]);
	s = reduceAll(s, [{type: 'source-ended', at: s.lastTs}]);
	expect(s.failures.filter(f => f.kind === 'nccl-error').map(f => f.proc)).toEqual(['pod0|node-1|71']);
	const fs = computeFindings(s, 0);
	expect(fs.find(f => f.id === 'nccl-error')?.subject).toContain('IB completion error 12');
	expect(fs.find(f => f.id === 'nccl-warn')?.message).toContain('NCCL_IB_TIMEOUT');
});

describe('a CUDA OOM inside NCCL gets NCCL advice, vLLM’s keeps vLLM’s', () => {
	it('NCCL’s `Cuda failure … out of memory` points at other processes on that GPU and NCCL’s buffers (NVIDIA/nccl#1235)', () => {
		// `ng30903:3063028:3066152 [3] include/alloc.h:178 NCCL WARN Cuda failure 'out of memory'`, `include/alloc.h:185 … Failed to CUDA calloc 6291456 bytes`
		const {text, json} = analyze('nccl-2.1x-cuda-oom-then-connection-closed.log');
		const oom = json.findings.find(f => f.id === 'cuda-oom')!;
		expect(oom.subject).toContain('3063028');
		expect(oom.message).toContain('another process on the same GPU');
		expect(oom.message).toContain('NCCL_BUFFSIZE');
		expect(oom.message).toContain('NCCL_MAX_NCHANNELS');
		expect(oom.message).not.toContain('--gpu-memory-utilization');
		expect(section(text, 'Findings (7)')).toContain('CUDA out of memory inside NCCL');
	});

	it('vLLM’s own `torch.OutOfMemoryError` still says --gpu-memory-utilization (club-3090#16)', () => {
		// `(EngineCore pid=112) ERROR 05-01 14:39:06 [core.py:1131] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 50.00 MiB. …`
		const {json} = analyze('vllm-0.2x-enginecore-cuda-oom-while-serving.log');
		const oom = json.findings.find(f => f.id === 'cuda-oom')!;
		expect(oom.message).toContain('--gpu-memory-utilization');
		expect(oom.message).not.toContain('NCCL_BUFFSIZE');
	});
});

describe('GPU Direct RDMA shown from a `/GDRDMA` channel alone (ncclCommSplit over IBext_v8, NVIDIA/nccl#1605)', () => {
	const file = 'nccl-2.21-split-comm-ibext-gdrdma-collnet.log';

	it('the report says GDR is enabled on that path, not "not reported"', () => {
		// `myhost:2261199:2261301 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [receive] via NET/IBext_v8/0/GDRDMA`, and no `GPU Direct RDMA …` line
		const gdr = section(analyze(file).text, 'GPU Direct RDMA');
		expect(gdr).not.toContain('not reported');
		expect(gdr).toMatch(/channels via NET\/IBext_v8\/GDRDMA: enabled .*0x5a16c3838ce6f1f8/);
	});

	it('a NET/IB channel without /GDRDMA is staged through host memory (NVIDIA/nccl#1412)', () => {
		// `swat1-04:2017630:2017699 [5] NCCL INFO Channel 03/0 : 5[5] -> 12[4] [send] via NET/IB/3`
		expect(section(analyze('nccl-2.22-ib-channels-init-timings.log').text, 'GPU Direct RDMA')).toMatch(/channels via NET\/IB: disabled \(staged through host memory\)/);
	});

	it('the GDR pane says it too, for the receiving GPU 1a000', () => {
		const pane = gdrPaneText(file);
		expect(pane).toContain('GPU Direct RDMA enabled');
		expect(pane).toMatch(/pod0 GPU 1a000 ↔ NET\s+enabled/);
	});
});

describe('the network named from the transports when no `Using network` line says it', () => {
	it('IBext_v8 from `via NET/IBext_v8/0/GDRDMA`, said to be derived (NVIDIA/nccl#1605)', () => {
		const {text, json} = analyze('nccl-2.21-split-comm-ibext-gdrdma-collnet.log');
		expect(json.nccl).toMatchObject({netPlugin: 'IBext_v8', netPluginFrom: 'transports'});
		expect(text).toMatch(/^ {2}net: IBext_v8 \(derived from channel transports NET\/IBext_v8\/GDRDMA; no "Using network" line\)/m);
		expect(gdrPaneText('nccl-2.21-split-comm-ibext-gdrdma-collnet.log')).toMatch(/net plugin\s+IBext_v8 \(derived from channels via NET\/IBext_v8\/GDRDMA\)/);
	});

	it('Socket from `via NET/Socket/0` on two hosts (NVIDIA/nccl-tests#166)', () => {
		// `ubuntu:9621:9685 [0] NCCL INFO Channel 16/0 : 0[0] -> 8[0] [receive] via NET/Socket/0`
		const {json} = analyze('nccl-2.18plus-two-hosts-named-ubuntu-net-socket.log');
		expect(json.nccl).toMatchObject({netPlugin: 'Socket', netPluginFrom: 'transports'});
	});

	it('a `Using network Libfabric` line is what names it, and says so (NVIDIA/nccl#1597)', () => {
		// `8h200-2:6831:6840 [0] NCCL INFO Using network Libfabric`
		const {text, json} = analyze('nccl-2.26-efa-ofi-libfabric-two-hosts.log');
		expect(json.nccl).toMatchObject({netPlugin: 'Libfabric', netPluginFrom: 'line'});
		expect(text).toMatch(/^ {2}net: Libfabric$/m);
	});
});
