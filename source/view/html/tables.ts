/**
 * The report's tables, from the panes' own view-models so the page says what the screen
 * says: ranks (ranks-model), paths per communicator and the GPU matrix per host
 * (paths-model), GDR (gdr-model), engine (engine-model), endpoint with its latency as an
 * SVG sparkline (endpoint-model), pods, communicators with NCCL's Init timings, NCCL facts.
 */
import {commName} from '../../model/mid-run.js';
import {channelRanges} from '../report.js';
import type {EndpointModel} from '../endpoint-model.js';
import type {EngineModel} from '../engine-model.js';
import type {GdrModel} from '../gdr-model.js';
import type {PathsModel} from '../paths-model.js';
import {shortComm} from '../paths-model.js';
import type {RanksModel} from '../ranks-model.js';
import type {Snapshot} from '../snapshot.js';
import {cls, h, ms, n, plural, secs} from './escape.js';

const MAX_ROWS = 128;

function table(caption: string | null, head: string[], rows: string[][], opts: {cls?: string; more?: number} = {}): string {
	if (rows.length === 0) return '';
	// the caption above the table, not in it: a narrow table would fold a long one into a column
	const cap = caption ? `<p class="tcap">${h(caption)}</p>` : '';
	const body = rows.map(r => `<tr>${r.map(c => `<td>${c}</td>`).join('')}</tr>`).join('');
	const more = opts.more ? `<p class="muted small">and ${opts.more} more row${opts.more === 1 ? '' : 's'} (the snapshot, --json, has them all)</p>` : '';
	return `${cap}<div class="scroll"><table class="grid ${opts.cls ?? ''}"><thead><tr>${head.map(x => `<th>${x ? h(x) : ''}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>${more}`;
}

const tone = (t: string | undefined | null, text: string) => (t ? `<span class="tone-${cls(t)}">${text}</span>` : text);

export function ranksTable(m: RanksModel): string {
	const rows: string[][] = [];
	for (const g of m.groups) {
		for (const r of g.rows) {
			rows.push([
				h(r.globalRank),
				h(r.pod),
				h(r.host),
				`<span class="mono">${h(r.busId)}</span>`,
				tone(r.severity === 'error' ? 'error' : r.severity === 'warn' ? 'warn' : r.severity === 'ok' ? 'ok' : null, h(r.state)),
				h(ms(r.initMs)),
				h(`${r.commsReady}/${r.commsTotal}`),
				tone(r.severity === 'error' ? 'error' : r.severity === 'warn' ? 'warn' : null, h(r.reason ?? '')),
			]);
		}
	}
	if (rows.length === 0) return '<p class="muted">No GPU process seen.</p>';
	return table(`${plural(m.total, 'rank')}, ${m.ready} ready, ${m.problems} standing out`, ['rank', 'pod', 'host', 'bus id', 'state', 'init', 'comms ready', 'why it stands out'], rows.slice(0, MAX_ROWS * 4), {
		more: Math.max(0, rows.length - MAX_ROWS * 4),
	});
}

export function pathsTables(m: PathsModel): string {
	const out: string[] = [];
	for (const host of m.hosts) {
		if (host.gpus.length === 0) continue;
		const head = ['', ...host.gpus.map(g => `GPU ${g}`)];
		const rows = host.gpus.map((g, i) => [
			`<b class="mono">GPU ${h(g)}</b>`,
			...host.matrix[i]!.map(c => (c === null ? '-' : c.type === 'LOC' ? '<span class="muted">·</span>' : `<span class="link-${cls(c.type.toLowerCase())}">${h(c.type)}${c.bw !== null ? ` ${h(c.bw)}` : ''}</span>`)),
		]);
		out.push(table(`${host.pod}${host.host ? ` (host ${host.host})` : ''}: best path between GPUs as NCCL's topology gives it (type, GB/s)${host.nics.length ? `; NICs: ${host.nics.join(', ')}` : ''}`, head, rows, {cls: 'matrix'}));
	}
	for (const c of m.comms) {
		const rows = c.pairs
			.slice(0, MAX_ROWS)
			.map(p => [
				`<span class="mono">${h(p.from)}</span>`,
				`<span class="mono">${h(p.to)}</span>`,
				tone(p.nvlinkUnused ? 'warn' : p.transport.startsWith('NET/Socket') ? 'warn' : null, h(p.transport)),
				h(p.intra === null ? '?' : p.intra ? 'same pod' : 'between pods'),
				h(p.path ?? ''),
				p.nvlinkUnused ? '<span class="tone-warn">NVLink present, not used</span>' : '',
				h(p.channels),
			]);
		out.push(
			table(
				`communicator ${commName(c.id)} (${c.nranks} ranks, ${c.state}): ${c.transports.join(', ') || 'no channel line'}${c.nvlinkUnused ? `; ${c.nvlinkUnused} pair(s) skip NVLink` : ''}`,
				['from', 'to', 'transport', 'where', 'topology path', 'note', 'channels'],
				rows,
				{more: Math.max(0, c.pairs.length - MAX_ROWS)},
			),
		);
	}
	return out.join('') || '<p class="muted">No channel or topology line read (NCCL_DEBUG=INFO prints them).</p>';
}

export function gdrTable(m: GdrModel): string {
	const rows = m.rows.slice(0, MAX_ROWS).map(r => [h(r.where), tone(r.tone, h(r.status)), `<code class="logline">${h(r.evidence)}</code>`]);
	const settings = m.settings.map(s => `<code>${h(s.name)}=${h(s.value)}</code>`).join(' ');
	return `<p>${h(m.summary)}</p>${table(null, ['GPU ↔ HCA', 'GPU Direct RDMA', 'evidence'], rows, {more: Math.max(0, m.rows.length - MAX_ROWS)})}${settings ? `<p class="small">settings: ${settings}</p>` : ''}`;
}

export function engineTable(m: EngineModel): string {
	if (m.waiting) return '<p class="muted">No vLLM line read.</p>';
	return `<dl class="facts">${m.rows.map(r => `<dt>${h(r.label)}</dt><dd>${tone(r.tone, h(r.value))}</dd>`).join('')}</dl>`;
}

function quantile(xs: readonly number[], q: number): number | null {
	if (xs.length === 0) return null;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
}

/** The latency window as an SVG line, min and max written at its side. */
export function sparklineSvg(values: readonly number[], width = 320, height = 48): string {
	if (values.length < 2) return '';
	const max = Math.max(...values);
	const min = Math.min(...values);
	const span = max - min || 1;
	const pts = values.map((v, i) => `${n(4 + (i / (values.length - 1)) * (width - 8))},${n(height - 6 - ((v - min) / span) * (height - 12))}`).join(' ');
	return `<svg class="spark" role="img" aria-label="${h(`probe latency, ${values.length} probes, ${min}–${max} ms`)}" width="${width + 70}" height="${height}" viewBox="0 0 ${width + 70} ${height}" xmlns="http://www.w3.org/2000/svg"><polyline points="${pts}"/><text x="${width + 4}" y="12" class="tick">${h(`${Math.round(max)} ms`)}</text><text x="${width + 4}" y="${height - 4}" class="tick">${h(`${Math.round(min)} ms`)}</text></svg>`;
}

export function endpointTable(m: EndpointModel): string {
	if (!m.configured) return '<p class="muted">No endpoint was probed (--endpoint URL or --service NAME).</p>';
	const p50 = quantile(m.latency, 0.5);
	const p90 = quantile(m.latency, 0.9);
	const p99 = quantile(m.latency, 0.99);
	const rows: [string, string][] = [['url', m.url], ['via', m.via], ['health', m.health + (m.reason ? ` (${m.reason})` : '')], ...m.rows.map(r => [r.label, r.value] as [string, string])];
	if (p50 !== null) rows.push(['probe latency p50 / p90 / p99', `${Math.round(p50)} / ${Math.round(p90!)} / ${Math.round(p99!)} ms over ${plural(m.latency.length, 'probe')}`]);
	return `<dl class="facts">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${k === 'health' ? tone(m.tone, h(v)) : h(v)}</dd>`).join('')}</dl>${sparklineSvg(m.latency)}`;
}

export function podsTable(s: Snapshot, restarts: Record<string, string | null>): string {
	const rows = s.pods
		.slice(0, MAX_ROWS * 4)
		.map(p => [
			`<b>${h(p.name)}</b>`,
			h(p.node),
			h(p.phase),
			h([p.role, p.group !== null ? `group ${p.group}` : null, p.workerIndex !== null ? `worker ${p.workerIndex}` : null].filter(Boolean).join(', ')),
			tone((p.restarts ?? 0) > 0 ? 'warn' : null, h(p.restarts) + (restarts[p.name] ? ` <span class="muted">${h(restarts[p.name])}</span>` : '')),
			tone(p.exitCode !== null && p.exitCode !== 0 ? 'error' : null, h(p.exitCode)),
			h(p.lines),
			tone(p.lagSeconds ? 'warn' : null, h(p.lagSeconds ? secs(p.lagSeconds) : '')),
			tone(p.reconnects ? 'warn' : null, h(p.reconnects)),
		]);
	if (rows.length === 0) return '<p class="muted">No pod.</p>';
	return table(null, ['pod', 'node', 'phase', 'role', 'restarts', 'exit', 'lines', 'lag', 'reconnects'], rows, {more: Math.max(0, s.pods.length - MAX_ROWS * 4)});
}

export function commsTables(s: Snapshot): string {
	if (s.communicators.length === 0) return '<p class="muted">No communicator seen.</p>';
	const rows = s.communicators.slice(0, MAX_ROWS).map(c => [
		`<span class="mono">${h(commName(c.id))}</span>`,
		h(c.nranks),
		h(c.nNodes),
		h(`${c.ranksStarted}/${c.ranksComplete}`),
		tone(c.state === 'failed' ? 'error' : c.state === 'initializing' ? 'warn' : null, h(c.state)),
		h(c.transports.join(', ')),
		h(c.channels ? `coll ${c.channels.coll}, nvls ${c.channels.nvls}, p2p ${c.channels.p2p}` : ''),
		h(
			c.rings
				.slice(0, 2)
				.map(r => `ch ${channelRanges(r.channels)}: ${r.ranks.slice(0, 16).join(' ')}${r.truncated || r.ranks.length > 16 ? ' …' : ''}`)
				.join('; '),
		),
	]);
	const out = [table(null, ['comm', 'ranks', 'nodes', 'started/complete', 'state', 'transports', 'channels', 'rings'], rows, {more: Math.max(0, s.communicators.length - MAX_ROWS)})];
	// NCCL's own Init timings, per rank, for the largest communicators that printed them
	for (const c of s.communicators.filter(x => x.members.some(m => m.initTimings)).slice(0, 4)) {
		const parts: string[] = [];
		for (const m of c.members) for (const k of Object.keys(m.initTimings ?? {})) if (k !== 'total' && !parts.includes(k)) parts.push(k);
		const body = c.members
			.filter(m => m.initTimings)
			.slice(0, MAX_ROWS)
			.map(m => [h(m.rank), h(m.pod), `<span class="mono">${h(m.busId)}</span>`, `<b>${h(m.initTimings!.total.toFixed(2))}</b>`, ...parts.map(p => h(m.initTimings![p]?.toFixed(2) ?? '-'))]);
		out.push(table(`NCCL Init timings of ${shortComm(c.id)} (${c.nranks} ranks), seconds`, ['rank', 'pod', 'bus id', 'total', ...parts], body));
	}
	return out.join('');
}

export function ncclFacts(s: Snapshot): string {
	const nc = s.nccl;
	const rows: [string, string][] = [
		['NCCL', nc.version ?? '-'],
		['CUDA driver', nc.cudaDriverVersion === null ? '-' : String(nc.cudaDriverVersion)],
		[
			'network',
			`${nc.netPlugin ?? '-'}${nc.netPluginFrom === 'transports' ? ' (derived from the channel transports; no "Using network" line)' : ''}${nc.ibInUse ? ` (IB/RoCE in use${nc.ibInUse.linkLayer ? `, ${nc.ibInUse.linkLayer}` : ''})` : ''}`,
		],
		['external net plugin', nc.externalNetPlugin === null ? '-' : nc.externalNetPlugin ? 'found' : 'not found (built-in transports)'],
		['bootstrap interface', nc.bootstrapInterface ?? '-'],
		[
			'net devices',
			nc.netDevices
				.map(d => `${d.name}${d.port !== null ? `:${d.port}` : ''} ${d.linkLayer ?? ''}${d.speedGbps ? ` ${d.speedGbps} Gb/s` : ''}${d.pod ? ` (${d.pod})` : ''}`.trim())
				.slice(0, 32)
				.join(', ') || '-',
		],
	];
	const env = Object.entries(nc.env).map(([k, v]) => {
		const byPod = Object.entries(nc.envByPod).filter(([, vars]) => k in vars);
		const values = new Set(byPod.map(([, vars]) => vars[k]));
		return values.size > 1 ? `<code class="tone-warn">${h(k)}=${byPod.map(([pod, vars]) => `${h(vars[k])} (${h(pod)})`).join(', ')}</code>` : `<code>${h(k)}=${h(v)}</code>`;
	});
	return `<dl class="facts">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}${env.length ? `<dt>environment</dt><dd>${env.join(' ')}</dd>` : ''}</dl>`;
}
