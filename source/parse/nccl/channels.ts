/**
 * How one process's ranks connect, as NCCL prints it while a communicator is set up
 * (docs/log-formats/nccl.md §1.4): channel links (`Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM`), ring
 * orders, `Ring`/`Tree` neighbours, the graph search's `Pattern`, channel counts and
 * `Connected all rings`.
 */
import type {LogEvent, ParsedLink} from '../log-events.js';
import type {AtFn, ProcCtx, StreamCtx} from '../context.js';
import {commForLink, emitCommScoped, initScoped, unknownComm} from './comms.js';
import {parseRing, parseRingOrder, parseTrees} from './rings.js';

// e.g. "Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM", "Channel 00 : 0[0] -> 1[1] via SHM/direct/direct",
//      "Channel 00/0 : 3[3] -> 0[0] [receive] via NET/Socket/0", "Channel 01/0 : 0[1b000] -> 1[1c000] via P2P/direct pointer/read" (2.18)
const CHANNEL_LINK = /^Channel (\d+)(?:\/\d+)? : (\d+)\[[0-9a-fA-Fx]+\] -> (\d+)\[[0-9a-fA-Fx]+\](?: \[(send|receive)\])? via (.+?)\s*$/;

// e.g. "Pattern 4, crossNic 0, nChannels 1, bw 1.200000/1.200000, type NVL/PHB, sameChannels 1"
const PATTERN = /^Pattern (\d+), crossNic \d+, nChannels (\d+), bw ([\d.]+)\/([\d.]+), type (\w+)\/(\w+)/;

// e.g. "2 coll channels, 2 collnet channels, 0 nvls channels, 2 p2p channels, 2 p2p channels per peer" (2.20+)
// e.g. "2 coll channels, 0 nvls channels, 2 p2p channels, 2 p2p channels per peer" (2.18–2.19)
const CHANNEL_COUNTS = /^(\d+) coll channels, (?:(\d+) collnet channels, )?(\d+) nvls channels, (\d+) p2p channels/;

// e.g. "Connected all rings, use ring PXN 0 GDR 1" (2.24+)
const RINGS_GDR = /GDR (\d+)/;

export function normaliseTransport(raw: string): string {
	const parts = raw.split('/');
	const head = parts[0]!;
	if (head === 'NET') return `NET/${parts[1] ?? '?'}${raw.includes('/GDRDMA') ? '/GDRDMA' : ''}`;
	if (head === 'P2P') {
		const kind = (parts[1] ?? '').split(' ')[0]!;
		return `P2P/${kind}`;
	}
	if (head.startsWith('SHM')) return 'SHM';
	return head;
}

/** `Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM` (a link), or the ring order dump `Channel 00/02 : 0 1 2 3`. */
export function channelLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	if (msg.indexOf(' via ') === -1) {
		// ring order dump `Channel 00/02 : 0 1 2 3` (rank 0 only)
		const o = parseRingOrder(msg);
		// printed by rank 0; a whole line lists every rank once
		if (o) initScoped(ctx, proc, {type: 'comm-ring-order', pod: ctx.pod, at: at(), proc: proc.key, comm: '', ...o}, 0, Math.max(...o.ranks) + 1);
		return;
	}
	const m = CHANNEL_LINK.exec(msg);
	if (!m) return;
	const raw = m[5]!;
	// a line cut by a colliding write (`… via P`) names no transport
	if (raw.indexOf('/') === -1) return;
	const link: ParsedLink = {fromRank: Number(m[2]), toRank: Number(m[3]), transport: normaliseTransport(raw), raw, dir: (m[4] as 'send' | 'receive' | undefined) ?? null};
	const comm = commForLink(proc, link.fromRank, link.toRank);
	if (comm) ctx.events.push({type: 'comm-link', pod: ctx.pod, at: at(), proc: proc.key, comm, link});
	else {
		// no comm of this process has both ranks (or it has none): a comm whose Init lines this
		// log does not hold (read from after them), e.g. the world comm's lazily connected NET
		// channels after a split comm's init — the `unknown comm`, placed by the printing rank:
		// the receiver of a `[receive]` line, else the sender (transport/{net,p2p,shm}.cc)
		const ev: LogEvent & {comm: string} = {type: 'comm-link', pod: ctx.pod, at: at(), proc: proc.key, comm: '', link};
		ev.comm = unknownComm(ctx, proc, link.dir === 'receive' ? link.toRank : link.fromRank, Math.max(link.fromRank, link.toRank) + 1, ev.at);
		ctx.events.push(ev);
	}
	if (!ctx.ibChannelSeen && link.transport.startsWith('NET/IB')) {
		ctx.ibChannelSeen = true;
		ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'ib-in-use', from: 'channel', evidence: msg.trim()}});
	}
}

export function ringsConnected(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const g = RINGS_GDR.exec(msg);
	emitCommScoped(ctx, proc, {type: 'comm-rings', pod: ctx.pod, at: at(), proc: proc.key, comm: '', gdr: g ? Number(g[1]) : null});
}

export function patternLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const p = PATTERN.exec(msg);
	if (p)
		emitCommScoped(ctx, proc, {
			type: 'comm-pattern',
			pod: ctx.pod,
			at: at(),
			proc: proc.key,
			comm: '',
			pattern: {pattern: Number(p[1]), nChannels: Number(p[2]), bwIntra: Number(p[3]), bwInter: Number(p[4]), typeIntra: p[5]!, typeInter: p[6]!},
		});
}

export function ringLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const r = parseRing(msg);
	if (r) initScoped(ctx, proc, {type: 'comm-ring', pod: ctx.pod, at: at(), proc: proc.key, comm: '', ...r}, r.rank, Math.max(r.prev, r.rank, r.next) + 1);
}

export function treeLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const t = parseTrees(msg);
	if (t) {
		let size = t.rank + 1;
		for (const x of t.trees) for (const r of x.down) size = Math.max(size, r + 1, (x.up ?? 0) + 1);
		initScoped(ctx, proc, {type: 'comm-tree', pod: ctx.pod, at: at(), proc: proc.key, comm: '', rank: t.rank, trees: t.trees}, t.rank, size);
	}
}

export function channelCounts(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const c = CHANNEL_COUNTS.exec(msg);
	if (c)
		emitCommScoped(ctx, proc, {
			type: 'comm-channels',
			pod: ctx.pod,
			at: at(),
			proc: proc.key,
			comm: '',
			coll: Number(c[1]),
			collnet: c[2] === undefined ? null : Number(c[2]),
			nvls: Number(c[3]),
			p2p: Number(c[4]),
		});
}
