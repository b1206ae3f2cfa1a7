/**
 * The NCCL topology dump, kept per process because two ranks print theirs
 * interleaved line by line (corpus tp2x2-two-pods-all). docs/log-formats/nccl.md §1.3:
 *   === System : maxBw 1.2 totalBw 370.8 ===
 *   CPU/0-ffffffffffffff (1/1/4)
 *   + PCI[48.0] - GPU/0-60 (0)
 *                 + NVL[370.8] - NVS/0-0
 *   ==========================================
 *   GPU/0-60 :GPU/0-60 (0/5000.0/LOC) GPU/0-70 (2/370.8/NVL) …
 * Node ids: `GPU/%lX` ≤2.20, `GPU/%lx-%lx` 2.21+.
 */
import type {LinkTypeName, ParsedTopology} from '../event-values.js';
import type {AtFn, ProcCtx, StreamCtx, TopoAcc} from '../context.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Space = 32,
}

// e.g. "=== System : maxBw 24.0 totalBw 24.0 ==="
const SYSTEM_HEADER = /^=== System : maxBw ([\d.]+) totalBw ([\d.]+) ===/;

// e.g. "+ PCI[48.0] - GPU/0-60 (0)", "+ NET[25.0] - NET/1 (7a852d0003f6ceb8/1/25.000000)", "+ SYS[5000.0] - CPU/0"
const LINK_LINE = /^\+ ([A-Z0-9]*)\[([\d.]+)\] - ([A-Z]{3})\/([0-9a-fA-F-]+)(?: \(([^)]*)\))?/;

// e.g. "CPU/0-ffffffffffffff (1/1/4)", "GPU/81000 (0)"
const NODE_LINE = /^([A-Z]{3})\/([0-9a-fA-F-]+)(?: \(([^)]*)\))?\s*$/;

// e.g. "GPU/0-60 :GPU/0-60 (0/5000.0/LOC) GPU/0-70 (2/370.8/NVL)"
const PATH_HEAD = /^([A-Z]{3})\/([0-9a-fA-F-]+) :/;
// e.g. " GPU/0-70 (2/370.8/NVL)"
const PATH_ENTRY = /([A-Z]{3})\/([0-9a-fA-F-]+) \((\d+)\/([\d.]+)\/([A-Z0-9]+)\)/g;

const LINK_TYPES = new Set(['LOC', 'NVL', 'C2C', 'PIX', 'PXB', 'PXN', 'P2C', 'PHB', 'SYS', 'NET', 'DIS', 'PCI', 'NVB']);

function linkType(t: string): LinkTypeName {
	return (LINK_TYPES.has(t) ? t : t === '' ? 'NVB' : 'SYS') as LinkTypeName;
}

/** `0-60` (2.21+ systemId-localId) or `81000` (≤2.20) → the bus id as Init lines print it (`busId 60`). */
export function busIdOf(id: string): string {
	const dash = id.lastIndexOf('-');
	return (dash === -1 ? id : id.slice(dash + 1)).toLowerCase();
}

export function startTopology(msg: string, pod: string, host: string): TopoAcc | null {
	const m = SYSTEM_HEADER.exec(msg);
	if (!m) return null;
	const topology: ParsedTopology = {pod, host, maxBw: Number(m[1]), totalBw: Number(m[2]), gpus: [], nics: [], links: [], paths: []};
	return {phase: 'nodes', topology, stack: []};
}

function addNode(acc: TopoAcc, type: string, id: string, extra: string | undefined): string {
	const node = `${type}/${id}`;
	const t = acc.topology;
	if (type === 'GPU') {
		if (!t.gpus.some(g => g.node === node)) t.gpus.push({busId: busIdOf(id), index: extra !== undefined && /^\d+$/.test(extra) ? Number(extra) : null, node});
	} else if (type === 'NET' || type === 'NIC') {
		let speedGbps: number | null = null;
		if (type === 'NET' && extra) {
			// (collSupport/asic/port/bw) 2.24+ or (asic/port/bw) earlier: bw in GB/s
			const bw = Number(extra.split('/').pop());
			if (Number.isFinite(bw)) speedGbps = Math.round(bw * 8 * 100) / 100;
		}
		if (!t.nics.some(n => n.id === node)) t.nics.push({id: node, name: null, speedGbps});
	}
	return node;
}

/**
 * Feed one message of this process while a dump is open. Returns false when the
 * line is not part of the dump (the caller then finishes it).
 */
export function feedTopology(acc: TopoAcc, msg: string): boolean {
	if (acc.phase === 'nodes') {
		if (msg.startsWith('=====')) {
			acc.phase = 'paths';
			return true;
		}
		let indent = 0;
		while (msg.charCodeAt(indent) === Ch.Space) indent++;
		const body = indent ? msg.slice(indent) : msg;
		const link = LINK_LINE.exec(body);
		if (link) {
			while (acc.stack.length && acc.stack[acc.stack.length - 1]!.indent >= indent) acc.stack.pop();
			const child = addNode(acc, link[3]!, link[4]!, link[5]);
			const parent = acc.stack[acc.stack.length - 1];
			if (parent) acc.topology.links.push({from: parent.node, to: child, type: linkType(link[1]!), bw: Number(link[2])});
			acc.stack.push({indent, node: child});
			return true;
		}
		const node = NODE_LINE.exec(body);
		if (node) {
			const n = addNode(acc, node[1]!, node[2]!, node[3]);
			acc.stack = [{indent: -1, node: n}];
			return true;
		}
		return false;
	}
	const head = PATH_HEAD.exec(msg);
	if (!head) return false;
	const from = `${head[1]}/${head[2]}`;
	PATH_ENTRY.lastIndex = head[0].length;
	let m: RegExpExecArray | null;
	while ((m = PATH_ENTRY.exec(msg))) {
		const to = `${m[1]}/${m[2]}`;
		if (to === from) continue;
		acc.topology.paths.push({from, to, type: linkType(m[5]!), bw: Number(m[4]), hops: Number(m[3])});
	}
	return true;
}

/** `=== System : maxBw 24.0 totalBw 24.0 ===` opens this process's dump: its next lines go to feedTopology. */
export function topologyStart(ctx: StreamCtx, proc: ProcCtx, msg: string): void {
	proc.topo = startTopology(msg, ctx.pod, proc.host);
}

/** The dump ended (a line that is not part of it, or the stream's end): one topology event. */
export function finishTopology(ctx: StreamCtx, proc: ProcCtx, at: AtFn): void {
	const acc = proc.topo;
	if (!acc) return;
	proc.topo = null;
	const key = proc.remote ? `${ctx.pod}/${proc.host}` : ctx.pod;
	ctx.events.push({type: 'topology', pod: ctx.pod, at: at(), proc: proc.key, key, topology: acc.topology});
}

/** End any open multi-line block of this process (end of stream). */
export function flushProc(ctx: StreamCtx, proc: ProcCtx): void {
	finishTopology(ctx, proc, () => null);
}
