/**
 * The readable report `infertop analyze` prints without `--json`: the snapshot as
 * plain, greppable text (one fact per line, tables with fixed columns). Colour only
 * when asked (the caller honours NO_COLOR / --no-color / not a TTY). All text comes
 * from the sanitised state, and is sanitised and redacted once more here (text-safety.ts):
 * a file name or a server's string may reach the snapshot by a road the parser never saw.
 */
import {commName} from '../model/mid-run.js';
import {scrubDeep} from '../core/text-safety.js';
import type {Snapshot, SnapshotCommunicator, SnapshotTopology} from './snapshot.js';

export interface ReportOptions {
	color: boolean;
	/** no box drawing or typographic characters */
	ascii: boolean;
}

type Paint = (s: string) => string;

/** A tiny ANSI helper: semantic tokens, identity without colour. */
function palette(color: boolean): {ok: Paint; warn: Paint; error: Paint; muted: Paint; accent: Paint; bold: Paint} {
	const sgr = (open: number, close: number): Paint => (color ? s => `\u001B[${open}m${s}\u001B[${close}m` : s => s);
	return {ok: sgr(32, 39), warn: sgr(33, 39), error: sgr(31, 39), muted: sgr(2, 22), accent: sgr(36, 39), bold: sgr(1, 22)};
}

const show = (v: unknown): string => (v === null || v === undefined || v === '' ? '-' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

/** The NET transports of the communicators, each with whether GDR is in use on that path: `/GDRDMA` yes, NET/Socket TCP (null), else staged. */
function gdrFromChannels(comms: SnapshotCommunicator[]): {transport: string; comms: string[]; gdr: boolean | null}[] {
	const by = new Map<string, string[]>();
	for (const m of comms) for (const t of m.transports) if (t.startsWith('NET/')) by.set(t, [...(by.get(t) ?? []), commName(m.id)]);
	return [...by].map(([transport, ids]) => ({transport, comms: ids, gdr: transport.includes('/GDRDMA') ? true : transport.startsWith('NET/Socket') ? null : false}));
}

/** Fixed-width columns; the last column is not padded (no trailing spaces). */
function table(header: string[], rows: string[][], paint?: (row: number, col: number, padded: string) => string): string[] {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)));
	// paint after padding so escape codes never skew the columns
	const line = (cells: string[], row: number) =>
		cells
			.map((c, i) => {
				const padded = i === cells.length - 1 ? c : c.padEnd(widths[i]!);
				return row >= 0 && paint ? paint(row, i, padded) : padded;
			})
			.join('  ')
			.replace(/ +$/, '');
	return [line(header, -1), ...rows.map((r, i) => line(r, i))];
}

const outcomes: Record<string, string> = {
	completed: 'completed (the job ended cleanly)',
	failed: 'failed (a rank, communicator, engine or pod failed)',
	serving: "serving (the API server reported startup complete, or vLLM's stats lines show it serving)",
	unknown: 'unknown (nothing recognisable in the logs)',
};

function phaseLine(s: Snapshot, c: ReturnType<typeof palette>): string {
	const text = outcomes[s.phase] ?? `${s.phase} (the logs end before the rollout was serving or done)`;
	const paint = s.phase === 'failed' ? c.error : s.phase === 'completed' || s.phase === 'serving' ? c.ok : c.warn;
	// a log that starts mid-run says so where the phase is read
	const mid = s.initNotSeen ? `\n${c.warn(`${s.initNotSeen.text} (its start is not in it)`)}` : '';
	return `phase: ${paint(text)}${mid}`;
}

function sourceLine(s: Snapshot): string {
	const src = s.source;
	if (src.kind === 'files') return `source: files ${src.files.join(', ')}`;
	if (src.kind === 'kubernetes') return `source: kubernetes context=${show(src.context)} namespace=${src.namespace} selector=${show(src.selector)}`;
	if (src.kind === 'demo') return `source: demo scenario=${src.scenario}`;
	return 'source: stdin';
}

/** GPU↔GPU pairs of one pod's topology, each unordered pair once: `60 <-> 70  NVL 370.8 GB/s`. */
function gpuPairs(t: SnapshotTopology, arrow: string): string[] {
	const busIds = new Set(t.gpus.map(g => g.busId));
	// NCCL names a GPU `GPU/<domain>-<busId>` in its dumps (2.28: `GPU/0-60`); a bare busId is one too
	const gpu = (id: string): string | null => (id.startsWith('GPU/') ? id.replace(/^GPU\/(\w+-)?/, '') : busIds.has(id) ? id : null);
	const seen = new Set<string>();
	const out: string[] = [];
	for (const l of t.links) {
		const a = gpu(l.from);
		const b = gpu(l.to);
		if (a === null || b === null || a === b) continue;
		const key = [a, b].sort().join('|');
		if (seen.has(key)) continue;
		seen.add(key);
		out.push(`    ${a} ${arrow} ${b}  ${l.type}${l.bw === null ? '' : ` ${l.bw} GB/s`}`);
	}
	return out;
}

/** Channel lists as ranges: [0,1,2,3,12,13] → `0-3,12-13`. */
export function channelRanges(channels: readonly number[]): string {
	const out: string[] = [];
	for (let i = 0; i < channels.length; ) {
		let j = i;
		while (j + 1 < channels.length && channels[j + 1] === channels[j]! + 1) j++;
		out.push(j === i ? String(channels[i]) : `${channels[i]}-${channels[j]}`);
		i = j + 1;
	}
	return out.join(',');
}

/** Each channel's tree as its edges `up->rank` (and the root), channels with the same tree grouped. */
function treeLines(m: SnapshotCommunicator): string[] {
	const perChannel = new Map<number, {edges: string[]; roots: number[]}>();
	for (const r of m.members) {
		for (const t of r.tree) {
			for (const ch of t.channels) {
				let c = perChannel.get(ch);
				if (!c) perChannel.set(ch, (c = {edges: [], roots: []}));
				if (t.up === null) c.roots.push(r.rank);
				else c.edges.push(`${t.up}->${r.rank}`);
			}
		}
	}
	const groups = new Map<string, number[]>();
	for (const ch of [...perChannel.keys()].sort((a, b) => a - b)) {
		const c = perChannel.get(ch)!;
		const text = `root ${c.roots.join(',') || '-'}${c.edges.length ? `  ${c.edges.join(' ')}` : ''}`;
		const g = groups.get(text);
		if (g) g.push(ch);
		else groups.set(text, [ch]);
	}
	return [...groups].map(([text, chs]) => `    tree ch ${channelRanges(chs)}: ${text}`);
}

/** Per-rank `Init timings` of one communicator as a table (seconds), when NCCL printed them. */
function timingsTable(m: SnapshotCommunicator): string[] {
	const rows = m.members.filter(r => r.initTimings !== null);
	if (rows.length === 0) return [];
	const parts: string[] = [];
	for (const r of rows) for (const k of Object.keys(r.initTimings!)) if (k !== 'total' && !parts.includes(k)) parts.push(k);
	const header = ['RANK', 'POD', 'BUSID', 'TOTAL', ...parts.map(p => p.toUpperCase())];
	const sec = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));
	const body = rows.map(r => [String(r.rank), show(r.pod), show(r.busId), sec(r.initTimings!.total), ...parts.map(p => sec(r.initTimings![p]))]);
	return ['    init timings (s, NCCL):', ...table(header, body).map(l => `      ${l}`)];
}

export function formatReport(snapshot: Snapshot, opts: ReportOptions): string {
	// every string of the snapshot (file names, pod names, a server's model ids, log text)
	// through the one list before it is printed: no escape from outside reaches the terminal
	const s = scrubDeep(snapshot);
	const c = palette(opts.color);
	const rule = opts.ascii ? '-' : '─';
	const arrow = opts.ascii ? '<->' : '↔';
	const heading = (title: string) => ['', c.bold(title), c.muted(rule.repeat(title.length))];
	const out: string[] = [];

	out.push(c.bold('infertop report'), sourceLine(s), phaseLine(s, c));
	const errors = s.findings.filter(f => f.severity === 'error').length;
	const warns = s.findings.filter(f => f.severity === 'warn').length;
	out.push(`findings: ${errors} error, ${warns} warn, ${s.findings.length - errors - warns} info`);

	out.push(...heading(`Pods (${s.pods.length})`));
	if (s.pods.length === 0) out.push('  none');
	else
		out.push(
			...table(
				['POD', 'NODE', 'PHASE', 'LINES', 'RESTARTS', 'LAG'],
				s.pods.map(p => [p.name, show(p.node), show(p.phase), String(p.lines), show(p.restarts), p.lagSeconds ? `${p.lagSeconds}s` : '-']),
			).map(l => `  ${l}`),
		);

	out.push(...heading(`Ranks (${s.ranks.length})`));
	if (s.ranks.length === 0) out.push('  none seen');
	else {
		const paintState = (st: string) => (st === 'failed' || st === 'unseen' ? c.error(st) : st === 'ready' ? c.ok(st) : st === 'exited' ? c.muted(st) : c.warn(st));
		const rows = s.ranks.map(r => [show(r.pod), show(r.host), show(r.globalRank), show(r.busId), show(r.cudaDev), show(r.pid), r.state, r.initSeconds === null ? '-' : `${r.initSeconds.toFixed(2)}s`, show(r.exitCode)]);
		const header = ['POD', 'HOST', 'RANK', 'BUSID', 'CUDADEV', 'PID', 'STATE', 'INIT', 'EXIT'];
		const stateCol = header.indexOf('STATE');
		for (const l of table(header, rows, (_r, col, padded) => (col === stateCol ? padded.replace(/\S+/, paintState) : padded))) out.push(`  ${l}`);
	}

	out.push(...heading(`Communicators (${s.communicators.length})`));
	if (s.communicators.length === 0) out.push('  none seen');
	for (const m of s.communicators) {
		const ch = m.channels ? `channels coll=${m.channels.coll} nvls=${m.channels.nvls} p2p=${m.channels.p2p}` : 'channels -';
		const st = m.state === 'failed' ? c.error(m.state) : m.state === 'initializing' ? c.warn(m.state) : m.state;
		out.push(`  ${commName(m.id)}  nranks=${m.nranks} nNodes=${show(m.nNodes)} localRanks=${show(m.localRanks)} started=${m.ranksStarted} complete=${m.ranksComplete} state=${st}`);
		out.push(`    transports: ${m.transports.length ? m.transports.join(', ') : '-'}  ${ch}`);
		for (const r of m.rings ?? []) {
			const note = [r.truncated ? 'cut' : null, r.from === 'ranks' ? 'from Ring lines' : null].filter(Boolean).join(', ');
			out.push(`    ring ch ${channelRanges(r.channels)}: ${r.ranks.join(' ')}${r.truncated ? ' ...' : ''}${note ? `  (${note})` : ''}`);
		}
		if (m.members) {
			out.push(...treeLines(m));
			out.push(...timingsTable(m));
		}
	}

	const n = s.nccl;
	out.push(...heading('NCCL'));
	out.push(`  version: ${show(n.version)}`);
	out.push(`  cuda driver: ${show(n.cudaDriverVersion)}`);
	// no `Using network X` line: read off the channel transports (snapshot.ts), and said so
	const netTransports = [...new Set(s.communicators.flatMap(m => m.transports).filter(t => t.startsWith('NET/')))];
	const derived = n.netPluginFrom === 'transports' ? ` (derived from channel transports ${netTransports.join(', ')}; no "Using network" line)` : '';
	out.push(`  net: ${show(n.netPlugin)}${derived}${n.ibInUse ? `  (IB/RoCE in use${n.ibInUse.linkLayer ? `, ${n.ibInUse.linkLayer}` : ''}: ${n.ibInUse.evidence.slice(0, 100)})` : ''}`);
	out.push(`  external net plugin (libnccl-net.so): ${n.externalNetPlugin === null ? '-' : n.externalNetPlugin ? 'found' : 'not found'}`);
	out.push(`  bootstrap interface: ${show(n.bootstrapInterface)}`);
	if (n.netDevices.length === 0) out.push('  net devices: -');
	for (const d of n.netDevices) {
		const parts = [`${d.name}${d.port === null ? '' : `:${d.port}`}`, show(d.linkLayer), d.speedGbps === null ? null : `${d.speedGbps} Gb/s`, d.pod ? `(${d.pod})` : null];
		out.push(`  net device: ${parts.filter(Boolean).join(' ')}`);
	}
	for (const d of n.diag ?? []) if (d.problem || d.kind === 'header' || d.kind === 'done') out.push(`  diag${d.problem ? ' (problem)' : ''}: ${d.text.slice(0, 160)}${d.pod ? ` (${d.pod})` : ''}`);
	const env = Object.entries(n.env);
	if (env.length === 0) out.push('  env: -');
	for (const [k, v] of env) {
		// pods that disagree are all shown: `NCCL_HOSTID=node0 (pod0), node1 (pod1)`
		const byPod = Object.entries(n.envByPod ?? {}).filter(([, vars]) => k in vars);
		const values = new Set(byPod.map(([, vars]) => vars[k]));
		out.push(values.size > 1 ? `  env: ${k}=${byPod.map(([pod, vars]) => `${vars[k]} (${pod})`).join(', ')}` : `  env: ${k}=${v}`);
	}

	out.push(...heading('Topology'));
	if (s.topology.length === 0) out.push('  not printed (NCCL_DEBUG_SUBSYS without GRAPH?)');
	for (const t of s.topology) {
		out.push(`  ${show(t.pod)} host=${show(t.host)} maxBw=${show(t.maxBw)} totalBw=${show(t.totalBw)} gpus=${t.gpus.map(g => g.busId).join(',') || '-'} nics=${t.nics.length}`);
		const pairs = gpuPairs(t, arrow);
		out.push(...(pairs.length ? pairs : ['    no GPU pairs printed']));
	}

	out.push(...heading('GPU Direct RDMA'));
	for (const g of s.gdr) out.push(`  ${show(g.pod)} host=${show(g.host)} gpu=${g.gpu} hca=${g.hca} ${g.enabled ? c.ok('enabled') : c.warn('disabled')}`);
	// no `GPU Direct RDMA …` line (printed once per GPU/HCA at NET setup; a log that starts later lacks it): a NET channel
	// connection says it, `via NET/IB/0/GDRDMA` (RDMA straight from GPU memory) or `via NET/IB/0` (staged through host memory)
	const paths = s.gdr.length ? [] : gdrFromChannels(s.communicators);
	for (const p of paths) {
		const status = p.gdr === true ? c.ok('enabled') : p.gdr === false ? c.warn('disabled (staged through host memory)') : c.muted('not used (TCP)');
		const ids = p.comms.length > 4 ? `${p.comms.slice(0, 4).join(', ')} +${p.comms.length - 4} more` : p.comms.join(', ');
		out.push(`  channels via ${p.transport}: ${status}  (communicator${p.comms.length === 1 ? '' : 's'} ${ids}; no GPU Direct RDMA line read)`);
	}
	if (s.gdr.length === 0 && paths.length === 0) out.push('  not reported');

	out.push(...heading('Engine (vLLM)'));
	if (!s.engine) out.push('  not seen');
	else for (const [k, v] of Object.entries(s.engine)) if (v !== null) out.push(`  ${k}: ${show(v)}`);

	if (s.endpoint) {
		const e = s.endpoint;
		out.push(...heading('Endpoint'));
		out.push(`  url: ${e.url}`, `  health: ${show(e.health)}`, `  last status: ${show(e.lastStatus)}`, `  latency: ${e.latencyMs === null ? '-' : `${e.latencyMs} ms`}`);
		out.push(`  models: ${e.models.join(', ') || '-'}`, `  version: ${show(e.version)}`);
	}

	out.push(...heading(`Findings (${s.findings.length})`));
	if (s.findings.length === 0) out.push('  none');
	for (const f of s.findings) {
		const sev = f.severity === 'error' ? c.error('ERROR') : f.severity === 'warn' ? c.warn('WARN ') : c.accent('INFO ');
		out.push(`  ${sev} ${f.id}: ${f.subject}`);
		for (const l of f.message.split('\n')) out.push(`        ${l}`);
	}
	return `${out.join('\n')}\n`;
}
