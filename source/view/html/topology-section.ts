/**
 * The topology section: the hosts side by side with the links between them (per
 * communicator, the transport its channels used), then each host drawn. Past what fits
 * (more than 8 hosts) the hosts are tiles, the shape most of them share is drawn once and
 * the odd hosts out — another shape, or a rank problem — are drawn one by one.
 */
import {shortComm} from '../paths-model.js';
import {cls, h, n, plural} from './escape.js';
import {groupHosts} from './host-groups.js';
import type {HostView, InterNodeComm, TopologyView} from './topology-model.js';
import {hostSvg} from './topology-svg.js';

const FIT = 8;

function transportTone(ts: readonly string[]): string {
	if (ts.some(t => t.startsWith('NET/Socket'))) return 'warn';
	if (ts.some(t => t.includes('GDRDMA'))) return 'ok';
	return 'accent';
}

/** A name cut to `max` characters keeping its end (pod names differ at the end: `…-0-3`; a split host's hostname). */
function fitName(name: string, max: number): string {
	const part = name.includes(' · ') ? name.slice(name.indexOf(' · ') + 3) : name;
	return part.length <= max ? part : `…${part.slice(part.length - max + 1)}`;
}

/** ≤ 8 hosts: boxes in a row, an arc per communicator between each pair of pods that talked. */
function clusterStrip(hosts: readonly HostView[], comms: readonly InterNodeComm[]): string {
	const W = 176;
	const GAP = 64;
	const arcs: {i: number; j: number; text: string; tone: string; tip: string}[] = [];
	const index = new Map(hosts.map((x, i) => [x.pod, i]));
	for (const c of comms) {
		for (const p of c.pairs) {
			const i = index.get(p.a);
			const j = index.get(p.b);
			if (i === undefined || j === undefined) continue;
			arcs.push({
				i: Math.min(i, j),
				j: Math.max(i, j),
				text: `${shortComm(c.id)}: ${p.transports.join(' + ')}`,
				tone: transportTone(p.transports),
				tip: `communicator ${c.id} (${c.nranks} ranks): ${p.a} ↔ ${p.b} via ${p.transports.join(', ')}, ${plural(p.channels, 'channel connection')}`,
			});
		}
	}
	// arcs between the same pair stack upwards
	const level = new Map<string, number>();
	const lifts = arcs.map(a => {
		const k = `${a.i}|${a.j}`;
		const l = level.get(k) ?? 0;
		level.set(k, l + 1);
		return l + (a.j - a.i - 1);
	});
	const top = 30 + Math.max(0, ...lifts.map(l => (l + 1) * 26));
	const width = Math.max(320, hosts.length * W + (hosts.length - 1) * GAP + 20);
	const boxY = top;
	const parts: string[] = [];
	hosts.forEach((x, i) => {
		const bx = 10 + i * (W + GAP);
		const gpus = x.nodes.filter(k => k.kind === 'gpu').length;
		const nets = x.nodes.filter(k => k.kind === 'net' || (k.kind === 'nic' && !/^NIC /.test(k.label))).map(k => k.label);
		const tone = x.problems.length ? (x.nodes.some(k => k.tone === 'error') ? 'error' : 'warn') : 'plain';
		parts.push(
			`<g class="hostbox tone-${cls(tone)}"><title>${h(`pod ${x.pod}${x.host ? `, host ${x.host}` : ''}${x.node ? `, node ${x.node}` : ''}: ${plural(gpus, 'GPU')}${x.problems.length ? `; ${x.problems.join('; ')}` : ''}`)}</title><rect x="${n(bx)}" y="${n(boxY)}" width="${W}" height="58" rx="6"/><text x="${n(bx + 8)}" y="${n(boxY + 17)}" class="nlabel">${h(fitName(x.pod, 24))}</text><text x="${n(bx + 8)}" y="${n(boxY + 32)}" class="nsub">${h(`${plural(gpus, 'GPU')}${x.host ? ` · ${x.host}` : ''}`)}</text><text x="${n(bx + 8)}" y="${n(boxY + 46)}" class="nsub">${h(nets.length ? nets.slice(0, 3).join(', ') + (nets.length > 3 ? ' …' : '') : 'no NET device printed')}</text></g>`,
		);
	});
	arcs.forEach((a, k) => {
		const x1 = 10 + a.i * (W + GAP) + W / 2;
		const x2 = 10 + a.j * (W + GAP) + W / 2;
		const lift = (lifts[k]! + 1) * 26;
		const y = boxY;
		parts.push(
			`<g class="xlink tone-${cls(a.tone)}"><title>${h(a.tip)}</title><path d="M${n(x1)},${n(y)} C${n(x1)},${n(y - lift)} ${n(x2)},${n(y - lift)} ${n(x2)},${n(y)}"/><text x="${n((x1 + x2) / 2)}" y="${n(y - lift * 0.75 - 3)}" text-anchor="middle" class="elabel">${h(a.text)}</text></g>`,
		);
	});
	return `<div class="scroll"><svg class="cluster" role="img" aria-label="hosts and the links between them" width="${n(width)}" height="${n(boxY + 66)}" viewBox="0 0 ${n(width)} ${n(boxY + 66)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg></div>`;
}

/** > 8 hosts: one tile per host (the odd ones toned), wrapping with the page. */
function clusterTiles(hosts: readonly HostView[], why: ReadonlyMap<string, string>): string {
	const tiles = hosts.map(x => {
		const gpus = x.nodes.filter(k => k.kind === 'gpu').length;
		const odd = why.get(x.pod);
		const tone = x.problems.length ? (x.nodes.some(k => k.tone === 'error') ? 'error' : 'warn') : odd ? 'odd' : 'plain';
		const tip = `${x.pod}${x.host ? ` (host ${x.host})` : ''}: ${plural(gpus, 'GPU')}${x.problems.length ? `; ${x.problems.join('; ')}` : odd ? `; ${odd}` : ''}`;
		return `<li class="tile tone-${cls(tone)}" title="${h(tip)}"><b>${h(x.pod)}</b><span>${h(plural(gpus, 'GPU'))}${odd ? ` · ${h(odd)}` : ''}</span></li>`;
	});
	return `<ul class="tiles">${tiles.join('')}</ul>`;
}

/** Per communicator spanning pods: the transports between them; for many pairs, the usual one and the exceptions. */
function interNodeTable(comms: readonly InterNodeComm[]): string {
	if (comms.length === 0) return '';
	const rows = comms.map(c => {
		const sets = new Map<string, number>();
		for (const p of c.pairs) sets.set(p.transports.join(' + '), (sets.get(p.transports.join(' + ')) ?? 0) + 1);
		const usual = [...sets].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
		let pairs: string;
		if (c.pairs.length === 0) pairs = 'no channel line between pods was printed';
		else if (c.pairs.length <= 6) pairs = c.pairs.map(p => `${h(p.a)} ↔ ${h(p.b)}: <span class="tone-${cls(transportTone(p.transports))}">${h(p.transports.join(' + '))}</span> (${h(plural(p.channels, 'connection'))})`).join('<br>');
		else {
			const odd = c.pairs.filter(p => p.transports.join(' + ') !== usual);
			pairs = `${h(plural(c.pairs.length - odd.length, 'pair'))} of pods via <span class="tone-${cls(transportTone(usual ? [usual] : []))}">${h(usual)}</span>${
				odd.length
					? `; odd: ${odd
							.slice(0, 8)
							.map(p => `${h(p.a)} ↔ ${h(p.b)} via <span class="tone-${cls(transportTone(p.transports))}">${h(p.transports.join(' + '))}</span>`)
							.join(', ')}${odd.length > 8 ? ` and ${odd.length - 8} more` : ''}`
					: ''
			}`;
		}
		return `<tr><td class="mono">${h(shortComm(c.id))}</td><td>${h(c.nranks)}</td><td>${h(c.nNodes)}</td><td>${h(c.transports.join(', '))}</td><td>${pairs}</td></tr>`;
	});
	return `<table class="grid"><caption>Between nodes, per communicator</caption><thead><tr><th>comm</th><th>ranks</th><th>nodes</th><th>transports</th><th>between pods</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function hostFigure(x: HostView, caption?: string): string {
	const facts = [x.host ? `host ${x.host}` : null, x.node ? `node ${x.node}` : null, x.maxBw !== null ? `maxBw ${x.maxBw} GB/s` : null, x.totalBw !== null ? `totalBw ${x.totalBw} GB/s` : null].filter(Boolean);
	const note = x.dumped ? '' : '<p class="muted small">NCCL printed no topology dump for this pod (NCCL_DEBUG_SUBSYS without GRAPH, or a log read mid-run): its GPUs as its processes named them.</p>';
	return `<figure class="host" data-pod="${h(x.pod)}"><figcaption><b>${h(caption ?? x.pod)}</b> <span class="muted">${h(facts.join(' · '))}</span></figcaption>${note}<div class="scroll">${hostSvg(x)}</div></figure>`;
}

const legend = `<p class="legend small"><span class="lg lg-used"></span> link NCCL's channels went over <span class="lg lg-unused"></span> link not used <span class="lg lg-gdr-on"></span> GDR on <span class="lg lg-gdr-off"></span> GDR off <span class="lg lg-gdr-tcp"></span> TCP (no RDMA) · labels: NCCL's link type and GB/s</p>`;

export function topologySection(view: TopologyView): string {
	if (view.hosts.length === 0) return '<p class="muted">NCCL printed no topology and no GPU process was seen.</p>';
	const g = groupHosts(view.hosts, FIT);
	const out: string[] = [];
	if (g.typical) {
		out.push(`<p>${h(plural(view.hosts.length, 'host'))}: ${h(g.typical.pods.length)} share one shape (drawn once below), ${h(view.hosts.length - g.typical.pods.length)} stand out.</p>`);
		out.push(clusterTiles(view.hosts, g.why));
	} else if (view.hosts.length > 1 || view.interNode.length) out.push(clusterStrip(view.hosts, view.interNode));
	out.push(interNodeTable(view.interNode));
	out.push(legend);
	const figs: string[] = [];
	if (g.typical) {
		const shown = g.typical.pods.slice(0, 6).join(', ') + (g.typical.pods.length > 6 ? ` and ${g.typical.pods.length - 6} more` : '');
		figs.push(hostFigure(g.typical.host, `${g.typical.pods.length} hosts look like this (${shown}); drawn: ${g.typical.host.pod}`));
	}
	for (const x of g.drawn) figs.push(hostFigure(x, g.typical ? `${x.pod} — ${x.problems.length ? x.problems.join('; ') : (g.why.get(x.pod) ?? 'unlike most')}` : undefined));
	out.push(`<div class="hosts">${figs.join('')}</div>`);
	if (g.more.length) out.push(`<p class="muted">Also odd, not drawn: ${g.more.map(x => `${h(x.pod)} (${h(g.why.get(x.pod) ?? 'unlike most')})`).join(', ')}.</p>`);
	return out.join('');
}
