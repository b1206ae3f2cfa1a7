/**
 * What the report draws of the topology, per host (a pod is one host in Kubernetes):
 * NCCL's dump as nodes (CPU, PCIe switch, GPU, NIC, NET, NVSwitch) and links with type
 * and bandwidth, which of those links the communicators' channels went over (from the
 * `Channel … via …` lines), and GPU→NIC with GPU Direct RDMA on or off. Between hosts:
 * per communicator, the transport each pair of pods used. Pure: state in, data out.
 */
import type {ChannelLink, CommState, GdrEntry, HostTopology, ProcState, RolloutState} from '../../model/state.js';
import {shownComms} from '../../model/comms.js';
import {normBus} from '../paths-model.js';
import {interNodeComms} from './host-groups.js';
import type {RankRow} from '../ranks-model.js';

export type * from './topology-types.js';
import type {GdrLink, HostView, NodeKind, TopoEdge, TopoNode, TopologyView} from './topology-types.js';

const kindOf = (id: string): NodeKind => {
	const t = id.slice(0, 3);
	return t === 'CPU' ? 'cpu' : t === 'PCI' ? 'pci' : t === 'GPU' ? 'gpu' : t === 'NIC' ? 'nic' : t === 'NET' ? 'net' : t === 'NVS' ? 'nvs' : 'other';
};

/** `NET/0-1` → 1: NCCL's net device index (the `[1]mlx5_1` of `NET/IB : Using`, the `/1` of `via NET/IB/1`). */
const netIndex = (id: string): number => parseInt(id.slice(id.lastIndexOf('-') + 1).replace(/^.*\//, ''), 16);

function transportClass(t: string): 'P2P' | 'SHM' | 'NET' | null {
	if (t.startsWith('P2P')) return 'P2P';
	if (t.startsWith('SHM')) return 'SHM';
	if (t.startsWith('NET')) return 'NET';
	return null;
}

class Graph {
	readonly adj = new Map<string, Set<string>>();
	add(a: string, b: string) {
		if (!this.adj.has(a)) this.adj.set(a, new Set());
		if (!this.adj.has(b)) this.adj.set(b, new Set());
		this.adj.get(a)!.add(b);
		this.adj.get(b)!.add(a);
	}
	/** the shortest path a→b whose inner nodes pass `through` (a list of nodes), or null */
	route(a: string, b: string, through: (id: string) => boolean): string[] | null {
		if (!this.adj.has(a) || !this.adj.has(b)) return null;
		const prev = new Map<string, string>([[a, a]]);
		const queue = [a];
		for (let i = 0; i < queue.length; i++) {
			const x = queue[i]!;
			if (x === b) break;
			for (const y of this.adj.get(x)!) {
				if (prev.has(y) || (y !== b && !through(y))) continue;
				prev.set(y, x);
				queue.push(y);
			}
		}
		if (!prev.has(b)) return null;
		const path = [b];
		while (path[path.length - 1] !== a) path.push(prev.get(path[path.length - 1]!)!);
		return path.reverse();
	}
}

const edgeKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** A channel line as one pod draws it: P2P/SHM between two of its GPUs, or NET from the GPU of the rank that printed it. */
interface PodLink {
	link: ChannelLink;
	cl: 'P2P' | 'SHM' | 'NET';
	a: ProcState;
	b: ProcState | undefined;
}

interface Ctx {
	state: RolloutState;
	rows: Map<string, RankRow>;
	/** per pod, read once for all hosts (at 64 hosts a pass over every link per host cost 0.3 s) */
	procs: Map<string, ProcState[]>;
	links: Map<string, PodLink[]>;
	gdr: Map<string, GdrEntry[]>;
	/** the host drawing a process is on (viewKey) */
	key: (pod: string | null, host: string | null) => string | null;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
	const l = m.get(k);
	if (l) l.push(v);
	else m.set(k, [v]);
}

/**
 * A pod is one host in Kubernetes; a saved log of an mpirun job may hold several hosts in
 * one file (one `pod`): such a pod is drawn as one host per hostname, `pod · host`.
 */
export function viewKeys(state: RolloutState): (pod: string | null, host: string | null) => string | null {
	const hosts = new Map<string, Set<string>>();
	for (const p of Object.values(state.procs)) if (p.pod && p.host) (hosts.get(p.pod) ?? hosts.set(p.pod, new Set()).get(p.pod)!).add(p.host);
	const multi = new Set([...hosts].filter(([, hs]) => hs.size > 1).map(([pod]) => pod));
	return (pod, host) => (pod === null ? null : multi.has(pod) && host ? `${pod} · ${host}` : pod);
}

function indexOf(state: RolloutState, rows: readonly RankRow[]): Ctx {
	const key = viewKeys(state);
	const ctx: Ctx = {state, rows: new Map(rows.map(r => [r.key, r])), procs: new Map(), links: new Map(), gdr: new Map(), key};
	for (const p of Object.values(state.procs)) {
		const k = key(p.pod, p.host);
		if (k) push(ctx.procs, k, p);
	}
	for (const g of state.gdr) {
		const k = key(g.pod, g.host);
		if (k) push(ctx.gdr, k, g);
	}
	const shown = new Set(shownComms(state));
	for (const c of Object.values(state.comms)) {
		for (const l of c.links) {
			const cl = transportClass(l.transport);
			if (!cl || (!shown.has(c) && cl !== 'NET')) continue;
			const pa = procByRank(state, c, l.fromRank);
			const pb = procByRank(state, c, l.toRank);
			if (cl === 'NET') {
				// the rank that printed it: the sender of a [send], the receiver of a [receive]
				const local = l.dir === 'receive' ? pb : pa;
				const k = local ? key(local.pod, local.host) : null;
				if (local && k) push(ctx.links, k, {link: l, cl, a: local, b: undefined});
			} else if (pa && pb && shown.has(c)) {
				const k = key(pa.pod, pa.host);
				if (k && k === key(pb.pod, pb.host)) push(ctx.links, k, {link: l, cl, a: pa, b: pb});
			}
		}
	}
	return ctx;
}

function procByRank(state: RolloutState, c: CommState, rank: number): ProcState | undefined {
	const m = c.members[rank];
	return m ? state.procs[m.proc] : undefined;
}

/** The host drawing of one pod: its dump (if printed), else its GPUs as the processes named them. */
function hostView(ctx: Ctx, view: string, pod: string, topo: HostTopology | undefined): HostView {
	const {state} = ctx;
	const nodes = new Map<string, TopoNode>();
	const edges = new Map<string, TopoEdge>();
	const graph = new Graph();
	const procs = ctx.procs.get(view) ?? [];
	const devs = state.nccl.netDevices.filter(d => d.pod === pod || d.pod === null);
	const gpuNode = new Map<string, string>();
	const addNode = (id: string) => {
		if (nodes.has(id)) return;
		nodes.set(id, {id, kind: kindOf(id), label: id, sub: [], tone: null, note: null, short: null});
	};
	for (const g of topo?.gpus ?? []) {
		addNode(g.node);
		gpuNode.set(normBus(g.busId), g.node);
	}
	for (const l of topo?.links ?? []) {
		addNode(l.from);
		addNode(l.to);
		graph.add(l.from, l.to);
		const k = edgeKey(l.from, l.to);
		if (!edges.has(k)) edges.set(k, {a: l.from, b: l.to, type: l.type, bw: l.bw, used: []});
	}
	for (const nic of topo?.nics ?? []) addNode(nic.id);
	// GPUs a process named that the dump did not (no GRAPH subsystem): drawn bare
	for (const p of procs) {
		const b = normBus(p.busId);
		if (!b || gpuNode.has(b)) continue;
		const id = `GPU/${b}`;
		addNode(id);
		gpuNode.set(b, id);
	}
	// no dump: the NET devices NCCL named stand alone beside the GPUs, so GDR can point at them
	if (!topo) devs.forEach((_, k) => addNode(`NET/${k}`));
	// labels
	let cpu = 0;
	for (const node of [...nodes.values()].sort((x, y) => (x.id < y.id ? -1 : 1))) {
		const local = node.id.slice(node.id.lastIndexOf('-') + 1);
		if (node.kind === 'cpu') node.label = `CPU ${cpu++}`;
		else if (node.kind === 'pci') node.label = `PCIe ${local.replace(/^0+(?=.)/, '')}`;
		else if (node.kind === 'nvs') node.label = 'NVSwitch';
		else if (node.kind === 'gpu') node.label = `GPU ${normBus(node.id)}`;
		else if (node.kind === 'net' || node.kind === 'nic') {
			const speed = topo?.nics.find(x => x.id === node.id)?.speedGbps ?? null;
			node.label = node.kind === 'nic' ? `NIC ${local}` : `NET ${local}`;
			if (node.kind === 'net') {
				const d = devs[netIndex(node.id)];
				if (d) {
					node.label = d.name + (d.port !== null && d.port !== 0 ? `:${d.port}` : '');
					node.sub.push([d.linkLayer ?? 'link ?', d.speedGbps ? `${d.speedGbps} Gb/s` : speed ? `${speed} Gb/s` : null].filter(Boolean).join(' '));
				} else if (speed) node.sub.push(`${speed} Gb/s`);
			}
		}
	}
	// GPUs: the ranks on them, toned as the Ranks pane tones them
	const problems: string[] = [];
	for (const p of procs) {
		const id = gpuNode.get(normBus(p.busId));
		const node = id ? nodes.get(id) : undefined;
		if (!node) continue;
		const row = ctx.rows.get(p.key);
		const rank = row?.globalRank ?? p.worldRank;
		const who = [rank !== null && rank !== undefined ? `rank ${rank}` : null, p.cudaDev !== null ? `cuda ${p.cudaDev}` : null].filter(Boolean).join(' · ');
		if (who && !node.sub.includes(who)) node.sub.push(who);
		if (row && (row.severity === 'error' || row.severity === 'warn') && row.reason) {
			node.tone = row.severity === 'error' || node.tone === 'error' ? 'error' : 'warn';
			node.note = node.note ? `${node.note}; ${row.reason}` : row.reason;
			node.short ??= shortReason(row.reason);
			problems.push(`rank ${rank ?? '?'} ${row.reason}`);
		} else if (row?.state === 'ready' && node.tone === null) node.tone = 'ok';
	}

	// which links the channels went over
	const isGpu = (id: string) => nodes.get(id)?.kind === 'gpu';
	const nvs = (id: string) => nodes.get(id)?.kind === 'nvs';
	const mark = (path: string[] | null, what: string) => {
		if (!path) return;
		for (let i = 1; i < path.length; i++) {
			const e = edges.get(edgeKey(path[i - 1]!, path[i]!));
			if (e && !e.used.includes(what)) e.used.push(what);
		}
	};
	const netNodes = [...nodes.values()].filter(x => x.kind === 'net');
	const netNodeOf = (raw: string): string | null => {
		const m = /^NET\/[^/]+\/(\d+)/.exec(raw);
		const i = m ? Number(m[1]) : 0;
		return (netNodes.find(x => netIndex(x.id) === i) ?? netNodes[0])?.id ?? null;
	};
	const routed = new Set<string>();
	for (const {link: l, cl, a: pa, b: pb} of ctx.links.get(view) ?? []) {
		if (cl === 'NET') {
			const from = gpuNode.get(normBus(pa.busId));
			const to = netNodeOf(l.raw || l.transport);
			const key = `NET|${from}|${to}`;
			if (!from || !to || routed.has(key)) continue;
			routed.add(key);
			mark(
				graph.route(from, to, id => !isGpu(id) && !nvs(id)),
				l.transport,
			);
			continue;
		}
		const a = gpuNode.get(normBus(pa.busId));
		const b = gpuNode.get(normBus(pb?.busId));
		const key = `${cl}|${edgeKey(a ?? '', b ?? '')}`;
		if (!a || !b || a === b || routed.has(key)) continue;
		routed.add(key);
		// P2P goes over NVLink where there is one (a direct link or an NVSwitch), else PCIe; SHM through host memory (the CPU)
		const path = cl === 'P2P' ? (graph.route(a, b, nvs) ?? graph.route(a, b, id => !isGpu(id) && !nvs(id))) : graph.route(a, b, id => !isGpu(id) && !nvs(id));
		mark(path, cl === 'P2P' ? `P2P` : 'SHM');
	}
	const gdr = gdrLinks(
		ctx,
		view,
		gpuNode,
		nodes,
		devs.map(d => d.name),
		netNodes.map(x => x.id),
	);
	for (const g of gdr) {
		const node = nodes.get(g.gpu);
		const hca = (g.nic ? nodes.get(g.nic)?.label : null) ?? (/^\d+$/.test(g.hca) ? `HCA ${g.hca}` : g.hca);
		const line = g.state === 'on' ? `GDR on → ${hca}` : g.state === 'tcp' ? 'TCP: no GDR' : `GDR off → ${hca}`;
		if (node && !node.sub.includes(line)) node.sub.push(line);
	}
	mergeSinglePortNics(nodes, edges, gdr);
	const pods = state.pods[pod];
	const out: HostView = {
		pod: view,
		host: topo?.host ?? procs.find(p => p.host)?.host ?? null,
		node: pods?.node ?? null,
		maxBw: topo?.maxBw ?? null,
		totalBw: topo?.totalBw ?? null,
		dumped: Boolean(topo && topo.links.length),
		nodes: [...nodes.values()],
		edges: [...edges.values()],
		gdr,
		problems,
		signature: '',
	};
	out.signature = signatureOf(out);
	return out;
}

/**
 * A NIC with one NET device under it is drawn as one box named by the device (`mlx5_0`,
 * `IB 400 Gb/s`): the NIC is the PCI function, the NET what NCCL opens, one thing to a
 * reader. A dual-port NIC keeps its NET boxes. Runs after the channels were routed.
 */
function mergeSinglePortNics(nodes: Map<string, TopoNode>, edges: Map<string, TopoEdge>, gdr: GdrLink[]): void {
	for (const nic of [...nodes.values()].filter(x => x.kind === 'nic')) {
		const down = [...edges.values()].filter(e => e.a === nic.id && nodes.get(e.b)?.kind === 'net');
		if (down.length !== 1) continue;
		const e = down[0]!;
		const net = nodes.get(e.b)!;
		nic.label = net.label;
		nic.sub = [...net.sub];
		nodes.delete(net.id);
		edges.delete(edgeKey(e.a, e.b));
		for (const g of gdr) if (g.nic === net.id) g.nic = nic.id;
	}
}

/** A rank's reason in the few words a GPU box has room for. */
export function shortReason(reason: string): string {
	const exit = /^exit -?\d+/.exec(reason)?.[0];
	const s = exit ? `${exit}${reason.includes('first failure') ? ' · 1st failure' : reason.includes('follow-on') ? ' · follow-on' : ''}` : reason;
	return s.length > 22 ? `${s.slice(0, 21)}…` : s;
}

/** GPU→HCA with GPU Direct RDMA on or off: NCCL's `GPU Direct RDMA …` lines, else what the NET channels say (`/GDRDMA`). */
function gdrLinks(ctx: Ctx, pod: string, gpuNode: Map<string, string>, nodes: Map<string, TopoNode>, devNames: string[], netIds: string[]): GdrLink[] {
	const out = new Map<string, GdrLink>();
	const nicFor = (hca: string): string | null => {
		const byName = [...nodes.values()].find(x => x.kind === 'net' && (x.label === hca || x.label.startsWith(`${hca}:`)));
		if (byName) return byName.id;
		const i = /^\d+$/.test(hca) ? Number(hca) : devNames.indexOf(hca);
		return i >= 0 ? (netIds.find(id => netIndex(id) === i) ?? null) : null;
	};
	for (const g of ctx.gdr.get(pod) ?? []) {
		const gpu = gpuNode.get(normBus(g.gpu));
		if (!gpu) continue;
		const tcp = /NET\/Socket/.test(g.evidence);
		out.set(`${gpu}|${g.hca}`, {gpu, nic: nicFor(g.hca), hca: g.hca, state: g.enabled ? 'on' : tcp ? 'tcp' : 'off'});
	}
	const spoken = new Set([...out.values()].map(x => x.gpu));
	for (const {link: l, cl, a: p} of ctx.links.get(pod) ?? []) {
		if (cl !== 'NET' || l.dir === null) continue;
		const gpu = gpuNode.get(normBus(p.busId));
		if (!gpu || spoken.has(gpu)) continue;
		const m = /^NET\/[^/]+\/(\d+)/.exec(l.raw);
		const idx = m ? Number(m[1]) : 0;
		const hca = devNames[idx] ?? `NET ${idx}`;
		const k = `${gpu}|${hca}`;
		// staged through host memory on any channel beats GDRDMA on another: it is what a transfer may pay
		const prev = out.get(k);
		const st = gdrOf(l);
		if (!prev || (prev.state === 'on' && st !== 'on')) out.set(k, {gpu, nic: netIds.find(id => netIndex(id) === idx) ?? null, hca, state: st});
	}
	return [...out.values()];
}

function gdrOf(l: ChannelLink): GdrLink['state'] {
	if (/GDRDMA/.test(l.raw || l.transport)) return 'on';
	return l.transport.startsWith('NET/Socket') ? 'tcp' : 'off';
}

/** Hosts with the same shape, the same links, NICs and GDR, and no rank problem, draw the same. */
function signatureOf(v: HostView): string {
	if (v.problems.length) return `odd:${v.pod}`;
	const kinds = v.nodes.map(x => `${x.kind}:${x.kind === 'net' ? x.label.replace(/\d+$/, '#') + x.sub.join() : ''}`).sort();
	const edges = v.edges.map(e => `${kindOf(e.a)}-${kindOf(e.b)}:${e.type}:${e.bw}:${e.used.length ? 'u' : ''}`).sort();
	const gdr = v.gdr.map(g => g.state).sort();
	return JSON.stringify([v.dumped, kinds, edges, gdr]);
}

const byName = new Intl.Collator('en', {numeric: true});

export function buildTopology(state: RolloutState, rows: readonly RankRow[]): TopologyView {
	const ctx = indexOf(state, rows);
	const views = new Map<string, {pod: string; topo: HostTopology | undefined}>();
	for (const [pod, topo] of Object.entries(state.topology)) views.set(ctx.key(pod, topo.host) ?? pod, {pod, topo});
	for (const p of Object.values(state.procs)) {
		const k = ctx.key(p.pod, p.host);
		if (k && p.pod && !views.has(k)) views.set(k, {pod: p.pod, topo: undefined});
	}
	const hosts = [...views].sort((a, b) => byName.compare(a[0], b[0])).map(([k, v]) => hostView(ctx, k, v.pod, v.topo));
	return {hosts, interNode: interNodeComms(state, ctx.key)};
}
