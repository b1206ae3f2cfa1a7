/** One rank in depth (Enter on a rank): its communicators, the channels it uses, its last lines. */
import type {CommMember, CommState, RolloutState} from '../model/state.js';
import type {RawLine} from '../parse/stream-parser.js';
import {ringOrdersOf} from '../model/comm-graph.js';

export interface RankDetail {
	key: string;
	title: string;
	facts: {label: string; value: string}[];
	comms: {id: string; rank: number; nranks: number; state: string; initMs: number | null; transports: string[]}[];
	links: {peer: number; transport: string; dir: string; channels: number}[];
	lastLines: RawLine[];
}

export function buildRankDetail(state: RolloutState, key: string, lines: readonly RawLine[], maxLines = 200): RankDetail | null {
	const p = state.procs[key];
	if (!p) return null;
	const comms: RankDetail['comms'] = [];
	const links: RankDetail['links'] = [];
	for (const id of p.comms) {
		const c = state.comms[id];
		if (!c) continue;
		const m = Object.values(c.members).find(x => x.proc === key);
		if (!m) continue;
		// NCCL's own total when it printed one (as the rank's init line says), else START → COMPLETE
		// by the lines' stamps, which starts later than NCCL's clock (the START line is printed after setup)
		const initMs = m.initTimings ? m.initTimings.total * 1000 : m.startAt !== null && m.completeAt !== null ? m.completeAt - m.startAt : null;
		comms.push({id, rank: m.rank, nranks: c.nranks, state: m.state, initMs, transports: c.transports});
		for (const l of c.links) {
			if (l.fromRank !== m.rank && l.toRank !== m.rank) continue;
			links.push({peer: l.fromRank === m.rank ? l.toRank : l.fromRank, transport: l.raw || l.transport, dir: l.dir ?? '', channels: l.channels});
		}
	}
	// NCCL's own view of this rank in its largest communicator: where its init time went, its ring neighbours
	let largest: {c: CommState; m: CommMember} | null = null;
	for (const id of p.comms) {
		const c = state.comms[id];
		const m = c && Object.values(c.members).find(x => x.proc === key);
		if (c && m && (!largest || c.nranks > largest.c.nranks)) largest = {c, m};
	}
	const last: RawLine[] = [];
	for (let i = lines.length - 1; i >= 0 && last.length < maxLines; i--) if (lines[i]!.proc === key) last.push(lines[i]!);
	last.reverse();
	const facts = [
		['pod', p.pod],
		['host', p.host],
		['pid', p.pid],
		['cuda/nvml dev', p.cudaDev !== null || p.nvmlDev !== null ? `${p.cudaDev ?? '?'} / ${p.nvmlDev ?? '?'}` : null],
		['bus id', p.busId],
		// the ring neighbours ride on the world rank's row: the detail pane has few rows to spare at 80x24
		['world rank', p.worldRank !== null ? withRing(String(p.worldRank), largest ? ringText(neighbours(largest.c, largest.m)) : null) : null],
		['tp/pp/dp', p.tpRank !== null || p.ppRank !== null || p.dpRank !== null ? `${p.tpRank ?? '-'}/${p.ppRank ?? '-'}/${p.dpRank ?? '-'}` : null],
		['state', p.state],
		['init', largest?.m.initTimings ? timingsText(largest.m.initTimings, largest.c) : p.initSeconds !== null ? `${p.initSeconds.toFixed(2)}s` : null],
		['exit code', p.exitCode],
		['failure', p.failure],
		['warnings', p.warnings || null],
	]
		.filter(([, v]) => v !== null && v !== undefined)
		.map(([label, value]) => ({label: String(label), value: String(value)}));
	return {key, title: `rank ${p.worldRank ?? '?'} · ${p.pod ?? '?'} · bus ${p.busId ?? '?'}`, facts, comms, links: links.slice(0, 200), lastLines: last};
}

/**
 * "30.47s in 0x3127… (4 ranks): bootstrap 29.88s — waited for its peers, kernels 0.49s, …":
 * the parts that took time, largest first. A rank that arrives on time spends the wait
 * for a late peer in bootstrap, so a bootstrap-heavy init points away from this rank.
 */
function timingsText(t: NonNullable<CommMember['initTimings']>, c: CommState): string {
	const parts = Object.entries(t)
		.filter(([k, v]) => k !== 'total' && v >= 0.01)
		.sort((a, b) => b[1] - a[1])
		.map(([k, v]) => `${k} ${v.toFixed(2)}s${k === 'bootstrap' && t.total >= 1 && v >= t.total / 2 ? ' — waited for its peers' : ''}`);
	return `${t.total.toFixed(2)}s in ${c.id} (${c.nranks} ranks)${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

const withRing = (rank: string, ring: string | null) => (ring ? `${rank} · ring ${ring}` : rank);

/** The member's own `Ring` lines (SUBSYS GRAPH); else its place in rank 0's ring dumps. */
function neighbours(c: CommState, m: CommMember): NonNullable<CommMember['ring']> {
	if (m.ring?.length) return m.ring;
	const out: NonNullable<CommMember['ring']> = [];
	for (const o of ringOrdersOf(c)) {
		const i = o.ranks.indexOf(m.rank);
		// a cut dump has no wrap-around: only a rank inside it has both neighbours
		if (i === -1 || (o.truncated && (i === 0 || i === o.ranks.length - 1))) continue;
		const n = o.ranks.length;
		out.push({channel: o.channel, prev: o.ranks[(i - 1 + n) % n]!, next: o.ranks[(i + 1) % n]!});
	}
	return out;
}

/** "prev 3 → next 1 (ch 0-1)", channels with the same neighbours grouped; null when none is known. */
function ringText(ring: NonNullable<CommMember['ring']>): string | null {
	if (ring.length === 0) return null;
	const groups = new Map<string, number[]>();
	for (const r of ring) {
		const k = `prev ${r.prev} → next ${r.next}`;
		const g = groups.get(k);
		if (g) g.push(r.channel);
		else groups.set(k, [r.channel]);
	}
	return [...groups].map(([k, chs]) => `${k} (ch ${ranges(chs)})`).join('; ');
}

function ranges(xs: number[]): string {
	const out: string[] = [];
	for (let i = 0; i < xs.length; ) {
		let j = i;
		while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
		out.push(j > i ? `${xs[i]}-${xs[j]}` : `${xs[i]}`);
		i = j + 1;
	}
	return out.join(',');
}
