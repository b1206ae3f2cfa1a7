/** One rank in depth (Enter on a rank): its communicators, the channels it uses, its last lines. */
import type {RolloutState} from '../model/state.js';
import type {RawLine} from '../parse/stream-parser.js';

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
		comms.push({id, rank: m.rank, nranks: c.nranks, state: m.state, initMs: m.startAt !== null && m.completeAt !== null ? m.completeAt - m.startAt : null, transports: c.transports});
		for (const l of c.links) {
			if (l.fromRank !== m.rank && l.toRank !== m.rank) continue;
			links.push({peer: l.fromRank === m.rank ? l.toRank : l.fromRank, transport: l.raw || l.transport, dir: l.dir ?? '', channels: l.channels});
		}
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
		['world rank', p.worldRank],
		['tp/pp/dp', p.tpRank !== null || p.ppRank !== null || p.dpRank !== null ? `${p.tpRank ?? '-'}/${p.ppRank ?? '-'}/${p.dpRank ?? '-'}` : null],
		['state', p.state],
		['init', p.initSeconds !== null ? `${p.initSeconds.toFixed(2)}s` : null],
		['exit code', p.exitCode],
		['failure', p.failure],
		['warnings', p.warnings || null],
	]
		.filter(([, v]) => v !== null && v !== undefined)
		.map(([label, value]) => ({label: String(label), value: String(value)}));
	return {key, title: `rank ${p.worldRank ?? '?'} · ${p.pod ?? '?'} · bus ${p.busId ?? '?'}`, facts, comms, links: links.slice(0, 200), lastLines: last};
}
