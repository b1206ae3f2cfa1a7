/**
 * One host's topology as an inline SVG: CPUs on top, PCIe switches under them, GPUs and
 * NICs in one row, each NIC's NET device under it and the NVSwitch as a bar under the
 * GPUs. Links carry NCCL's type and bandwidth; a link the channels went over is drawn
 * solid and thick, one they did not is thin and dashed; GPU→NET says GDR on or off.
 */
import {cls, h, n} from './escape.js';
import type {HostView, TopoEdge, TopoNode} from './topology-model.js';

const ROW = 92;
const PAD = 14;
const LINE = 12;

/** Box sizes: roomy up to 10 columns, compact past that (8 GPUs and 8 NICs fit a page's width). */
interface Dims {
	slot: number;
	box: number;
	compact: boolean;
}
const roomy: Dims = {slot: 112, box: 102, compact: false};
const compact: Dims = {slot: 72, box: 67, compact: true};

/** The short form of a box's line in a compact drawing. */
function compactText(s: string): string {
	return s
		.replace(/ · cuda \d+$/, '')
		.replace(/^(GDR o(?:n|ff)) → .*$/, '$1')
		.replace(/^TCP: no GDR$/, 'no GDR')
		.replace(/ Gb\/s$/, 'G')
		.replace(/ · 1st failure$/, ' · 1st')
		.replace(/ · follow-on$/, '');
}

interface Placed {
	node: TopoNode;
	x: number;
	y: number;
	w: number;
	hgt: number;
}

const boxHeight = (node: TopoNode) => {
	const lines = Math.min(4, node.sub.length) + (node.short ? 1 : 0);
	return lines ? 25 + LINE * lines : 22;
};

/** Parent → children as the dump's tree (CPU and NVSwitch are never a child: CPUs are roots, the NVSwitch is drawn as a bar). */
function treeOf(v: HostView): {children: Map<string, string[]>; roots: string[]} {
	const kind = new Map(v.nodes.map(x => [x.id, x.kind]));
	const children = new Map<string, string[]>();
	const hasParent = new Set<string>();
	for (const e of v.edges) {
		const kb = kind.get(e.b);
		const ka = kind.get(e.a);
		if (kb === 'cpu' || kb === 'nvs' || ka === 'nvs' || (kb === 'gpu' && ka === 'gpu') || hasParent.has(e.b)) continue;
		if (!children.has(e.a)) children.set(e.a, []);
		children.get(e.a)!.push(e.b);
		hasParent.add(e.b);
	}
	const roots = v.nodes.filter(x => x.kind !== 'nvs' && !hasParent.has(x.id)).map(x => x.id);
	// CPUs first, then anything left over (bare GPUs of a pod with no dump)
	roots.sort((a, b) => Number(kind.get(b) === 'cpu') - Number(kind.get(a) === 'cpu'));
	return {children, roots};
}

/** Leaf columns the drawing needs (a NIC with NET devices under it takes one per device). */
function columns(v: HostView, children: Map<string, string[]>): number {
	const kind = new Map(v.nodes.map(x => [x.id, x.kind]));
	let cols = 0;
	for (const x of v.nodes) {
		if (x.kind === 'cpu' || x.kind === 'nvs' || x.kind === 'net') continue;
		const kids = children.get(x.id) ?? [];
		if (kids.every(c => kind.get(c) === 'net')) cols += Math.max(1, kids.length);
	}
	return cols;
}

export function hostLayout(v: HostView): {placed: Map<string, Placed>; width: number; height: number; dims: Dims} {
	const {children, roots} = treeOf(v);
	const dims = columns(v, children) > 10 ? compact : roomy;
	const SLOT = dims.slot;
	const BOX_W = dims.box;
	const byId = new Map(v.nodes.map(x => [x.id, x]));
	const placed = new Map<string, Placed>();
	// rows: CPU 0, PCIe switches by depth, then devices (GPU/NIC/other), NET, NVSwitch
	let maxPci = 0;
	const depthOf = new Map<string, number>();
	const walkDepth = (id: string, d: number) => {
		if (depthOf.has(id)) return;
		depthOf.set(id, d);
		if (byId.get(id)?.kind === 'pci') maxPci = Math.max(maxPci, d);
		for (const c of children.get(id) ?? []) walkDepth(c, d + 1);
	};
	for (const r of roots) walkDepth(r, byId.get(r)?.kind === 'cpu' ? 0 : 1);
	const hasCpu = v.nodes.some(x => x.kind === 'cpu');
	const top = hasCpu ? 0 : -1;
	const deviceRow = Math.max(1, maxPci + 1) + top;
	const rowY = (r: number) => PAD + r * ROW;
	let col = 0;
	const place = (id: string): [number, number] => {
		const node = byId.get(id)!;
		const kids = (children.get(id) ?? []).filter(c => byId.get(c)?.kind !== 'net');
		const nets = (children.get(id) ?? []).filter(c => byId.get(c)?.kind === 'net');
		let lo: number;
		let hi: number;
		if (kids.length === 0) {
			lo = col;
			col += Math.max(1, nets.length);
			hi = col - 1;
		} else {
			const spans = kids.map(place);
			lo = spans[0]![0];
			hi = spans[spans.length - 1]![1];
			if (nets.length) {
				col += nets.length;
				hi = col - 1;
			}
		}
		const cx = PAD + ((lo + hi + 1) / 2) * SLOT;
		const row = node.kind === 'cpu' ? 0 : node.kind === 'pci' && kids.length ? (depthOf.get(id) ?? 1) + top : deviceRow;
		const hgt = boxHeight(node);
		placed.set(id, {node, x: cx - BOX_W / 2, y: rowY(row), w: BOX_W, hgt});
		nets.forEach((net, i) => {
			const netNode = byId.get(net)!;
			const x = PAD + (hi - nets.length + 1 + i + 0.5) * SLOT - BOX_W / 2;
			placed.set(net, {node: netNode, x, y: rowY(deviceRow + 1), w: BOX_W, hgt: boxHeight(netNode)});
		});
		return [lo, hi];
	};
	for (const r of roots) place(r);
	let height = rowY(deviceRow + 1) + ROW;
	// the NVSwitch: one bar under the GPUs it links (a row lower when NET devices sit under the GPU row)
	for (const x of v.nodes.filter(x => x.kind === 'nvs')) {
		const gpus = v.edges
			.filter(e => e.a === x.id || e.b === x.id)
			.map(e => placed.get(e.a === x.id ? e.b : e.a))
			.filter((p): p is Placed => Boolean(p));
		if (!gpus.length) continue;
		const lo = Math.min(...gpus.map(p => p.x));
		const hi = Math.max(...gpus.map(p => p.x + p.w));
		const netsUnder = [...placed.values()].some(p => p.node.kind === 'net' && p.x < hi && p.x + p.w > lo);
		const y = rowY(deviceRow + (netsUnder ? 2 : 1));
		placed.set(x.id, {node: x, x: lo, y, w: hi - lo, hgt: 22});
		height = Math.max(height, y + 22 + 30);
	}
	// the drawing ends under its lowest box (a pod with no dump is one row of GPUs)
	if (placed.size) height = Math.min(height, Math.max(...[...placed.values()].map(p => p.y + p.hgt)) + PAD + 18);
	const width = Math.max(240, PAD * 2 + col * SLOT);
	return {placed, width, height, dims};
}

const edgeLabel = (e: TopoEdge) => `${e.type}${e.bw === null ? '' : ` ${e.bw >= 1000 ? Math.round(e.bw) : e.bw}`}`;

function edgeSvg(e: TopoEdge, a: Placed, b: Placed, labelled: boolean): string {
	const used = e.used.length > 0;
	const klass = `link ${used ? 'used' : 'unused'} t-${cls(e.type.toLowerCase())}`;
	const tip = `${e.a} – ${e.b}: ${e.type}${e.bw === null ? '' : ` ${e.bw} GB/s`}${used ? `, used by ${e.used.join(', ')}` : ', not used by any channel'}`;
	let d: string;
	let lx: number;
	let ly: number;
	if (b.node.kind === 'nvs' || a.node.kind === 'nvs') {
		const g = a.node.kind === 'nvs' ? b : a;
		const s = a.node.kind === 'nvs' ? a : b;
		const x = g.x + g.w / 2;
		d = `M${n(x)},${n(g.y + g.hgt)} V${n(s.y)}`;
		lx = x + 3;
		ly = g.y + g.hgt + 12;
	} else if (a.node.kind === 'cpu' && b.node.kind === 'cpu') {
		const [l, r] = a.x < b.x ? [a, b] : [b, a];
		const y = l.y + l.hgt / 2;
		d = `M${n(l.x + l.w)},${n(y)} H${n(r.x)}`;
		lx = (l.x + l.w + r.x) / 2 - 14;
		ly = y - 4;
	} else if (a.node.kind === 'gpu' && b.node.kind === 'gpu') {
		// a direct NVLink between two GPUs (no NVSwitch): an arc under the row
		const [l, r] = a.x < b.x ? [a, b] : [b, a];
		const y = l.y + l.hgt;
		const dip = 18 + Math.min(40, (r.x - l.x) / 8);
		d = `M${n(l.x + l.w / 2 + 6)},${n(y)} Q${n((l.x + r.x + r.w) / 2)},${n(y + dip * 2)} ${n(r.x + r.w / 2 - 6)},${n(y)}`;
		lx = (l.x + r.x + r.w) / 2 - 14;
		ly = y + dip + 4;
	} else {
		const [p, c] = a.y <= b.y ? [a, b] : [b, a];
		const x1 = p.x + p.w / 2;
		const x2 = c.x + c.w / 2;
		const y1 = p.y + p.hgt;
		const y2 = c.y;
		const mid = y2 - 16;
		d = `M${n(x1)},${n(y1)} V${n(mid)} H${n(x2)} V${n(y2)}`;
		lx = x2 + 3;
		ly = y2 - 4;
	}
	return `<g class="${klass}"><title>${h(tip)}</title><path d="${d}"/>${labelled ? `<text x="${n(lx)}" y="${n(ly)}" class="elabel">${h(edgeLabel(e))}</text>` : ''}</g>`;
}

function boxSvg(p: Placed, host: HostView, dims: Dims): string {
	const node = p.node;
	const t = (s: string) => (dims.compact ? compactText(s) : s);
	const tone = node.tone ? ` tone-${cls(node.tone)}` : '';
	const tip = [`${node.label} (${node.id}) on pod ${host.pod}`, ...node.sub, node.note].filter(Boolean).join(' · ');
	if (node.kind === 'nvs') {
		return `<g class="node k-nvs"><title>${h(tip)}</title><rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.hgt)}" rx="4"/><text x="${n(p.x + p.w / 2)}" y="${n(p.y + 15)}" class="nlabel" text-anchor="middle">${h(node.label)}</text></g>`;
	}
	const subs = node.sub.slice(0, 4);
	const lines = subs.map((s, i) => `<text x="${n(p.x + p.w / 2)}" y="${n(p.y + 29 + i * LINE)}" class="nsub${/^GDR on/.test(s) ? ' tone-ok' : /^GDR off/.test(s) ? ' tone-error' : ''}" text-anchor="middle">${h(t(s))}</text>`);
	const note = node.short ? `<text x="${n(p.x + p.w / 2)}" y="${n(p.y + 29 + subs.length * LINE)}" class="nnote tone-${cls(node.tone ?? 'warn')}" text-anchor="middle">${h(t(node.short))}</text>` : '';
	return `<g class="node k-${cls(node.kind)}${tone}" data-node="${h(node.id)}"><title>${h(tip)}</title><rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.hgt)}" rx="5"/><text x="${n(p.x + p.w / 2)}" y="${n(p.y + 14)}" class="nlabel" text-anchor="middle">${h(dims.compact ? node.label.replace(/^PCIe /, 'PCI ') : node.label)}</text>${lines.join('')}${note}</g>`;
}

function gdrSvg(host: HostView, placed: Map<string, Placed>): string {
	const out: string[] = [];
	for (const g of host.gdr) {
		const a = placed.get(g.gpu);
		const b = g.nic ? placed.get(g.nic) : undefined;
		if (!a || !b) continue;
		// from right of the GPU's own link down (to the NVSwitch), to left of the NIC's
		const x1 = a.x + a.w / 2 + (b.x > a.x ? 12 : -12);
		const y1 = a.y + a.hgt;
		const x2 = b.x + b.w / 2 + (b.x > a.x ? -10 : 10);
		// a NET in the same row (a pod with no dump): from under the GPU to under the NET
		const sameRow = Math.abs(b.y - a.y) < 10;
		const y2 = sameRow ? b.y + b.hgt : b.y;
		// deep enough to pass under the link labels that sit just below the row
		const cy = Math.max(y1, y2) + (sameRow ? 48 : 10);
		out.push(
			`<g class="gdr gdr-${cls(g.state)}"><title>${h(`${g.gpu} → ${g.hca}: GPU Direct RDMA ${g.state === 'on' ? 'enabled' : g.state === 'tcp' ? 'not used (TCP cannot do RDMA)' : 'disabled'}`)}</title><path d="M${n(x1)},${n(y1)} Q${n((x1 + x2) / 2)},${n(cy)} ${n(x2)},${n(y2)}"/></g>`,
		);
	}
	return out.join('');
}

/** The SVG of one host (its natural size; the page scrolls it sideways on a narrow screen). */
export function hostSvg(host: HostView): string {
	const {placed, width, height: drawn, dims} = hostLayout(host);
	const parts: string[] = [];
	// a label four or more links share is said once, under the drawing, not on each of them
	const counts = new Map<string, number>();
	for (const e of host.edges) counts.set(edgeLabel(e), (counts.get(edgeLabel(e)) ?? 0) + 1);
	const common = [...counts].filter(([, k]) => k >= 4).sort((x, y) => y[1] - x[1]);
	const shared = new Set(common.map(([l]) => l));
	for (const e of host.edges) {
		const a = placed.get(e.a);
		const b = placed.get(e.b);
		if (a && b) parts.push(edgeSvg(e, a, b, !shared.has(edgeLabel(e))));
	}
	let height = drawn;
	if (common.length) {
		parts.push(`<text x="${PAD}" y="${n(drawn - 4)}" class="nsub">${h(`links without a label: ${common.map(([l, k]) => `${l} GB/s ×${k}`).join(' · ')}`)}</text>`);
		height += 4;
	}
	parts.push(gdrSvg(host, placed));
	for (const p of placed.values()) parts.push(boxSvg(p, host, dims));
	const label = `Topology of pod ${host.pod}${host.host ? ` (host ${host.host})` : ''}`;
	return `<svg class="topo" role="img" aria-label="${h(label)}" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" xmlns="http://www.w3.org/2000/svg"><title>${h(label)}</title>${parts.join('')}</svg>`;
}
