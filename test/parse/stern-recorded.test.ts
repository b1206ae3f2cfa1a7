/**
 * Real stern output (stern 1.24.0, built here: SOURCES.md `recorded-wrapper-stern-*`) of
 * `infertop demo --serve-only`: `stern vllm --no-follow` over the bad-ifname scenario (one pod)
 * and the crash scenario (pods vllm-0 and vllm-0-1, in one file), plain, `--timestamps` and
 * `--color always`, and a follow-mode file of the healthy scenario. Each is checked against what
 * a person reads in it: the pod's own lines without stern's `POD CONTAINER ` head or its colour
 * codes, the same processes, ranks and failures as the lines unwrapped, and the times from
 * stern's stamp when it printed one.
 *
 * A stern file names each line's pod: parse/demux.ts reads each pod's lines as that pod's
 * stream, as it does a `kubectl logs --prefix` file (the same lines rewritten in that form
 * give the same pods, processes and failures).
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createStreamParser, type RawLine} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {corpusDir, publicDir, stateOfPaths} from '../helpers/load-scenario.js';
import {runCli} from '../helpers/run-cli.js';

function parseBytes(buf: Buffer | string): {s: RolloutState; lines: RawLine[]} {
	const lines: RawLine[] = [];
	const parser = createStreamParser({pod: 'pod0', container: 'main', onLine: l => lines.push(l)});
	let s = reduceAll(emptyState({kind: 'files', files: []}), parser.push(buf));
	s = reduceAll(s, parser.end());
	return {s, lines};
}
const fixture = (what: string) => path.join(publicDir, `recorded-wrapper-stern-${what}.log`);
const read = (what: string) => readFileSync(fixture(what), 'utf8');
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const failures = (s: RolloutState) => s.failures.map(f => `${f.kind} rank=${f.rank} remote=${f.remote} ${f.message}`);
const podFailures = (s: RolloutState) => s.failures.map(f => `${f.pod} ${f.kind} rank=${f.rank} ${f.message}`).sort();
const procs = (s: RolloutState) =>
	Object.values(s.procs)
		.map(p => `${p.pod} ${p.host}:${p.pid}`)
		.sort();
const comms = (s: RolloutState) =>
	Object.values(s.comms)
		.map(c => `${c.nranks} ranks ${c.state} [${[...c.transports].sort().join(',')}] members ${Object.keys(c.members).join(',')}`)
		.sort();

/** One line of a stern file, taken apart by hand: stern's default template `POD CONTAINER MESSAGE`, each name maybe coloured, `--timestamps` before the message. */
interface SternLine {
	pod: string;
	container: string;
	stamp: string | null;
	message: string;
}
// `ESC[92mvllm-0ESC[0m ESC[32mvllmESC[0m ` or `vllm-0 vllm `; a stamp `2026-12-02T03:06:38.273000000Z `
const HEAD = /^(?:\x1b\[[0-9;]*m)?([a-z0-9.-]+)(?:\x1b\[0m)? (?:\x1b\[[0-9;]*m)?([a-z0-9.-]+)(?:\x1b\[0m)? /;
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) /;
function sternLines(text: string, stamped: boolean): SternLine[] {
	return text
		.split('\n')
		.slice(0, -1)
		.map(l => {
			const h = HEAD.exec(l);
			if (!h) throw new Error(`not a stern line: ${JSON.stringify(l.slice(0, 80))}`);
			let rest = l.slice(h[0].length);
			const t = stamped ? STAMP.exec(rest) : null;
			if (stamped && !t) throw new Error(`no stamp: ${JSON.stringify(l.slice(0, 80))}`);
			if (t) rest = rest.slice(t[0].length);
			return {pod: h[1]!, container: h[2]!, stamp: t ? t[1]! : null, message: rest};
		});
}
/** what each line should read as: the message as the pod printed it, less the demo's fake API key (parse/redact.ts hides keys) */
const messages = (ls: SternLine[]) => ls.map(l => l.message.replaceAll("'sk-demo-not-a-real-key'", "'<redacted>'"));
/** stern's stamp (UTC, 9 digits) in epoch ms */
const stampMs = (stamp: string) => Date.parse(stamp.slice(0, 23) + 'Z');
/** The same lines as `kubectl logs --prefix` writes them: how a demuxed stern file should read. */
function asKubectlPrefix(ls: SternLine[]): string {
	return ls.map(l => `[pod/${l.pod}/${l.container}] ${l.stamp === null ? '' : l.stamp + ' '}${l.message}\n`).join('');
}

const variants = [
	{name: 'plain (--color never)', file: '', stamped: false},
	{name: '--timestamps', file: 'timestamps-', stamped: true},
	{name: '--color always', file: 'color-', stamped: false},
];

describe('stern vllm --no-follow over `infertop demo --scenario bad-ifname` (one pod vllm-0)', () => {
	const corpus = parseBytes(readFileSync(path.join(corpusDir, 'bad-socket-ifname', 'pod0.log'))).s;
	const plainTexts = parseBytes(read('bad-ifname')).lines.map(l => l.text);
	for (const v of variants) {
		describe(v.name, () => {
			const raw = read(`${v.file}bad-ifname`);
			const ls = sternLines(raw, v.stamped);
			const {s, lines} = parseBytes(raw);
			it('shows each of the 72 lines as the pod printed it: no `vllm-0 vllm ` head, no colour code, no stamp', () => {
				expect(ls.every(l => l.pod === 'vllm-0' && l.container === 'vllm')).toBe(true);
				expect(lines.map(l => l.text)).toEqual(messages(ls));
				expect(lines).toHaveLength(72);
				expect(lines.filter(l => l.text.includes('\x1b') || l.text.startsWith('vllm-0 '))).toEqual([]);
				expect(lines.filter(l => l.text.includes('sk-demo-not-a-real-key'))).toEqual([]);
				expect(lines[0]!.text).toBe('(APIServer pid=412) INFO 12-02 03:06:38 [api_server.py:1839] vLLM API server version 0.11.0');
				expect(lines.map(l => l.text)).toEqual(plainTexts);
			});
			it('reads the vLLM API server, NCCL process vm:1622 and the corpus log’s failures: no interface for NCCL_SOCKET_IFNAME, rank 0 exit 1, rank 1 SIGTERM', () => {
				expect(s.engine?.apiServer).toBe(true);
				expect(procs(s)).toEqual(['pod0 vm:1622']);
				expect(s.nccl.version).toBe('2.28.9');
				expect(failures(s)).toEqual(failures(corpus));
				expect(failures(s).filter(f => f.startsWith('socket-ifname') || f.startsWith('rank-exit'))).toEqual([
					'socket-ifname rank=null remote=false Bootstrap : no socket interface found',
					'rank-exit rank=1 remote=true rank 1 (pid 1623) signal 15',
					'rank-exit rank=0 remote=false rank 0 (pid 1622) exit code 1',
				]);
				expect(s.unrecognised).toBe(corpus.unrecognised);
			});
		});
	}
	it('--timestamps: every line is at stern’s stamp, the ifname failure at 03:06:39.772 of the demo run', () => {
		const raw = read('timestamps-bad-ifname');
		const {s, lines} = parseBytes(raw);
		expect(lines.map(l => iso(l.at))).toEqual(sternLines(raw, true).map(l => iso(stampMs(l.stamp!))));
		expect(iso(s.firstTs)).toBe('2026-12-02T03:06:38.273Z');
		expect(iso(s.failures.find(f => f.kind === 'socket-ifname')?.at)).toBe('2026-12-02T03:06:39.772Z');
	});
	it('without --timestamps: nothing to date lines by but the NCCL WARN line’s own [2026-11-26 22:05:13]', () => {
		const {s} = parseBytes(read('color-bad-ifname'));
		expect(iso(s.firstTs)).toBe('2026-11-26T22:05:13.000Z');
		expect(iso(s.lastTs)).toBe('2026-11-26T22:05:13.000Z');
	});
	it('`infertop analyze` of the coloured file reports the NCCL_SOCKET_IFNAME=net1 error and prints no colour code of stern’s', async () => {
		const {code, out} = await runCli(['analyze', fixture('color-bad-ifname')]);
		expect(code).toBe(1);
		expect(out).not.toContain('\x1b');
		expect(out).toContain('ERROR socket-ifname-no-match: NCCL_SOCKET_IFNAME=net1');
		expect(out).toContain('"Bootstrap : no socket interface found" at 22:05:13.000Z');
	});
	it('`infertop analyze` of the --timestamps file dates the failure by stern’s stamp', async () => {
		const {out} = await runCli(['analyze', fixture('timestamps-bad-ifname')]);
		expect(out).toContain('"Bootstrap : no socket interface found" at 03:06:39.772Z');
	});
	// needs stern demux: the pod is named in every line, yet the file is read as pod `recorded-wrapper-stern-bad-ifname`
	it('`infertop analyze` puts process vm:1622 and its failures on pod vllm-0', async () => {
		const a = await stateOfPaths([fixture('bad-ifname')]);
		expect(Object.keys(a.pods)).toEqual(['vllm-0']);
		expect(procs(a)).toEqual(['vllm-0 vm:1622']);
		expect(a.failures.every(f => f.pod === 'vllm-0')).toBe(true);
	});
});

describe('stern vllm --no-follow --tail 620 over `infertop demo --scenario crash` (pods vllm-0, vllm-0-1 in one file)', () => {
	const plain = parseBytes(read('tail-crash'));
	for (const v of variants) {
		describe(v.name, () => {
			const raw = read(`tail-${v.file}crash`);
			const ls = sternLines(raw, v.stamped);
			const {s, lines} = parseBytes(raw);
			it('shows the 620 last lines of each pod without stern’s head, colour or stamp', () => {
				expect(ls.filter(l => l.pod === 'vllm-0')).toHaveLength(620);
				expect(ls.filter(l => l.pod === 'vllm-0-1')).toHaveLength(620);
				expect(lines.map(l => l.text)).toEqual(messages(ls));
				expect(lines.filter(l => l.text.includes('\x1b') || /^vllm-0(-1)? /.test(l.text))).toEqual([]);
			});
			it('finds rank 1 exiting with code 3 first, ranks 0, 2, 3 going down after it, and the peers’ remote errors', () => {
				const exit1 = s.failures.find(f => f.kind === 'rank-exit' && f.rank === 1);
				expect(exit1?.message).toBe('rank 1 (pid 1464) exit code 3');
				expect(exit1?.remote).toBe(false);
				expect(
					s.failures
						.filter(f => f.kind === 'rank-exit')
						.map(f => f.message)
						.sort(),
				).toEqual(['rank 0 (pid 1462) signal 15', 'rank 1 (pid 1464) exit code 3', 'rank 2 (pid 1463) signal 6', 'rank 3 (pid 1465) signal 15']);
				expect(s.failures.filter(f => f.kind === 'remote-error').map(f => f.rank)).toEqual([null, 2, null, null, 2]);
				expect(s.failures.find(f => f.kind === 'watchdog-timeout')?.rank).toBe(3);
				// the pods came in another order in each run: the same failures all the same
				expect(failures(s).sort()).toEqual(failures(plain.s).sort());
				expect(s.unrecognised).toBe(plain.s.unrecognised);
			});
			it('reads the four processes 1462, 1464 (vllm-0) and 1463, 1465 (vllm-0-1), all on host vm', () => {
				expect(
					Object.values(s.procs)
						.map(p => `${p.host}:${p.pid}`)
						.sort(),
				).toEqual(['vm:1462', 'vm:1463', 'vm:1464', 'vm:1465']);
			});
		});
	}
	it('--timestamps: every line is at stern’s stamp; rank 1’s exit at 03:07:28.628, rank 2’s remote error at 03:07:26.547', () => {
		const raw = read('tail-timestamps-crash');
		const {s, lines} = parseBytes(raw);
		expect(lines.map(l => iso(l.at))).toEqual(sternLines(raw, true).map(l => iso(stampMs(l.stamp!))));
		expect(iso(s.failures.find(f => f.kind === 'rank-exit' && f.rank === 1)?.at)).toBe('2026-12-02T03:07:28.628Z');
		expect(iso(s.failures.find(f => f.kind === 'remote-error' && f.rank === 2)?.at)).toBe('2026-12-02T03:07:26.547Z');
	});
	// needs stern demux: read as one pod, both pods' torchrun `ChildFailedError` tracebacks fold into one
	// (11 failures, not 12), and every process and failure is on the file's pod
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'stern-as-kubectl-'));
	const rewritten = path.join(tmp, 'all.log');
	writeFileSync(rewritten, asKubectlPrefix(sternLines(read('tail-timestamps-crash'), true)));
	const asKubectl = stateOfPaths([rewritten]).finally(() => rmSync(tmp, {recursive: true, force: true}));
	it('the same lines as `kubectl logs --prefix` writes them read as two pods: the reference the stern file should match', async () => {
		const k = await asKubectl;
		expect(procs(k)).toEqual(['vllm-0 vm:1462', 'vllm-0 vm:1464', 'vllm-0-1 vm:1463', 'vllm-0-1 vm:1465']);
		expect(k.failures.filter(f => f.kind === 'traceback').map(f => f.pod)).toEqual(['vllm-0-1', 'vllm-0']);
	});
	it('`infertop analyze` puts processes 1462, 1464 on pod vllm-0 and 1463, 1465 on vllm-0-1', async () => {
		const a = await stateOfPaths([fixture('tail-crash')]);
		expect(Object.keys(a.pods).sort()).toEqual(['vllm-0', 'vllm-0-1']);
		expect(procs(a)).toEqual(['vllm-0 vm:1462', 'vllm-0 vm:1464', 'vllm-0-1 vm:1463', 'vllm-0-1 vm:1465']);
	});
	it('each pod’s failures on its pod, torchrun’s ChildFailedError on both, as the kubectl-prefix form of the same lines', async () => {
		const [a, k] = await Promise.all([stateOfPaths([fixture('tail-timestamps-crash')]), asKubectl]);
		expect(a.failures.filter(f => f.kind === 'traceback')).toHaveLength(2);
		expect(podFailures(a)).toEqual(podFailures(k));
		expect(comms(a)).toEqual(comms(k));
	});
});

describe('stern vllm --no-follow over the crash scenario, the whole output cut to its first 1978 lines (NCCL init of both pods)', () => {
	const raw = read('crash-cut');
	const ls = sternLines(raw, false);
	const {s, lines} = parseBytes(raw);
	it('holds 1247 lines of vllm-0-1, then 731 of vllm-0, each read without its head', () => {
		expect(ls.slice(0, 1247).every(l => l.pod === 'vllm-0-1')).toBe(true);
		expect(ls.slice(1247).every(l => l.pod === 'vllm-0')).toBe(true);
		expect(ls).toHaveLength(1978);
		expect(lines.map(l => l.text)).toEqual(messages(ls));
	});
	it('reads ranks 0-3 in the 4-rank communicator over NET/Socket + P2P/CUMEM, ready, and no failure yet', () => {
		expect(
			Object.values(s.procs)
				.map(p => `${p.host}:${p.pid}`)
				.sort(),
		).toEqual(['vm:1462', 'vm:1463', 'vm:1464', 'vm:1465']);
		expect(comms(s)).toContain('4 ranks ready [NET/Socket,P2P/CUMEM] members 0,1,2,3');
		expect(s.nccl.version).toBe('2.28.9+cuda13.0');
		expect(s.failures).toEqual([]);
		expect(s.unrecognised).toBe(0);
	});
	// needs stern demux: one pod's NCCL_HOSTID hides the other's (node1 and node0 are two hosts to NCCL)
	it('NCCL_HOSTID is node0 on pod vllm-0 and node1 on pod vllm-0-1', async () => {
		const a = await stateOfPaths([fixture('crash-cut')]);
		expect(a.nccl.envByPod['vllm-0']?.['NCCL_HOSTID']).toBe('node0');
		expect(a.nccl.envByPod['vllm-0-1']?.['NCCL_HOSTID']).toBe('node1');
	});
});

describe('stern vllm (follow) over the healthy scenario from its start, cut to its first 1993 lines', () => {
	const raw = read('follow-healthy-cut');
	const ls = sternLines(raw, false);
	const {s, lines} = parseBytes(raw);
	it('interleaves the pods as their lines came (4, 18, 18, then vllm-0-1) and reads each line without its head', () => {
		const runs: {pod: string; n: number}[] = [];
		for (const l of ls) {
			const last = runs.at(-1);
			if (last?.pod === l.pod) last.n++;
			else runs.push({pod: l.pod, n: 1});
		}
		expect(runs.map(r => `${r.pod} ${r.n}`)).toEqual(['vllm-0 4', 'vllm-0-1 18', 'vllm-0 18', 'vllm-0-1 1953']);
		expect(lines.map(l => l.text)).toEqual(messages(ls));
	});
	it('reads the vLLM API server starting and ranks 0, 2, 3 of the 4-rank world (rank 1 is past the cut)', () => {
		expect(s.engine?.apiServer).toBe(true);
		expect(
			Object.values(s.procs)
				.map(p => `${p.host}:${p.pid}`)
				.sort(),
		).toEqual(['vm:964', 'vm:965', 'vm:967']);
		expect(comms(s)).toContain('4 ranks initializing [NET/Socket,P2P/CUMEM] members 0,2,3');
		expect(s.failures).toEqual([]);
	});
	it('process 964 on pod vllm-0, 965 and 967 on vllm-0-1', async () => {
		const a = await stateOfPaths([fixture('follow-healthy-cut')]);
		expect(procs(a)).toEqual(['vllm-0 vm:964', 'vllm-0-1 vm:965', 'vllm-0-1 vm:967']);
	});
});
