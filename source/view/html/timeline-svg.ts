/**
 * The init timeline as an inline SVG: the rollout's phases on top, then per pod its
 * ranks, a bar per communicator (NCCL's `Init timings` parts inside it), the wait
 * written on the straggler's bar and its peers', the missing rank as an empty dashed
 * bar, ✕ where a rank failed, a red line at the first failure, ↻ at a restart.
 * Init takes seconds and a log may run on for an hour after it: the time after the last
 * start (of a bar or a phase) is squeezed into the right fifth, past a break in the axis.
 */
import {clock, cls, h, n, secs} from './escape.js';
import type {Bar, Row, TimelineModel} from './timeline-model.js';
import {shortReason} from './topology-model.js';

const W = 980;
const LABEL = 190;
const PLOT = W - LABEL - 12;
const LANE = 15;
const FOCUS = 0.8;
const GAP = 14;

const STEPS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

function lanes(bars: readonly Bar[]): Bar[][] {
	const out: Bar[][] = [];
	for (const b of bars) {
		const lane = out.find(l => l[l.length - 1]!.end <= b.start);
		if (lane) lane.push(b);
		else out.push([b]);
	}
	return out.length ? out : [[]];
}

/** Approximate text width at the drawing's 10.5px font (no layout engine here: a conservative 6.2 px a character). */
const textW = (s: string) => s.length * 6.2;

interface Scale {
	x(t: number): number;
	ticks: {t: number; label: string}[];
	/** x of the axis break, null when the axis is one piece */
	breakAt: number | null;
}

const tickLabel = (s: number, step: number) => (step < 1 ? `+${s.toFixed(2)}s` : s < 120 ? `+${Math.round(s)}s` : s < 7200 ? `+${Math.round(s / 60)}m` : `+${(s / 3600).toFixed(1)}h`);

function ticksFor(t0: number, from: number, to: number, count: number): {t: number; label: string}[] {
	const span = (to - from) / 1000;
	const step = STEPS.find(s => span / s <= count) ?? STEPS[STEPS.length - 1]!;
	const out: {t: number; label: string}[] = [];
	const first = Math.ceil(((from - t0) / 1000 - 1e-9) / step) * step;
	for (let s = first; t0 + s * 1000 <= to + 1e-6; s += step) out.push({t: t0 + s * 1000, label: tickLabel(s, step)});
	return out;
}

function scaleOf(m: TimelineModel): Scale {
	const t0 = m.t0!;
	const t1 = Math.max(m.t1!, t0 + 1);
	const starts = [...m.groups.flatMap(g => g.rows.flatMap(r => r.bars.flatMap(b => (b.open ? [b.start] : [b.start, b.end])))), ...m.phases.map(p => p.start), ...(m.firstFailure ? [m.firstFailure.at] : [])];
	const last = starts.length ? Math.max(...starts) : t1;
	const focusEnd = Math.min(t1, last + Math.max(200, (last - t0) * 0.06));
	if (t1 - focusEnd <= (focusEnd - t0) * 0.5) {
		const x = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * PLOT;
		return {x, ticks: ticksFor(t0, t0, t1, 8), breakAt: null};
	}
	const split = LABEL + PLOT * FOCUS;
	const x = (t: number) => (t <= focusEnd ? LABEL + ((t - t0) / (focusEnd - t0)) * PLOT * FOCUS : split + GAP + ((t - focusEnd) / (t1 - focusEnd)) * (PLOT * (1 - FOCUS) - GAP));
	return {x, ticks: [...ticksFor(t0, t0, focusEnd, 7), ...ticksFor(t0, focusEnd + (t1 - focusEnd) * 0.3, t1, 2)], breakAt: split + GAP / 2};
}

/** Texts of one row, placed left to right so none covers another; one that has no room is left to the tooltip. */
class Line {
	private end = 0;
	constructor(private readonly parts: string[]) {}
	/** `left`: where the text may end instead, when it has no room to the right (a bar at the drawing's end) */
	put(x: number, text: string, klass: string, y: number, anchor: 'start' | 'end' = 'start', left?: number): void {
		const w = textW(text);
		let start = anchor === 'start' ? x : x - w;
		if (start < this.end + 4) start = this.end + 4;
		if (start + w > W - 2 && left !== undefined && left - w >= Math.max(LABEL, this.end + 4)) start = left - w;
		if (start + w > W - 2) return;
		this.end = start + w;
		this.parts.push(`<text x="${n(start)}" y="${n(y)}" class="${klass}">${h(text)}</text>`);
	}
}

export function timelineSvg(m: TimelineModel): string {
	if (m.t0 === null || m.t1 === null) return '';
	const t0 = m.t0;
	const sc = scaleOf(m);
	const x = sc.x;
	const parts: string[] = [];
	let y = 8;
	parts.push(`<text x="4" y="${y + 14}" class="rlabel">rollout phase</text>`);
	for (const p of m.phases) {
		const x1 = x(p.start);
		const w = Math.max(2, x(p.end) - x1);
		const tip = `${p.label}: ${clock(p.start)} → ${clock(p.end)} (${secs((p.end - p.start) / 1000)})`;
		parts.push(
			`<g class="phase ph-${cls(p.phase)}"><title>${h(tip)}</title><rect x="${n(x1)}" y="${y + 2}" width="${n(w)}" height="16" rx="2"/>${w > textW(p.label) + 6 ? `<text x="${n(x1 + 3)}" y="${y + 14}" class="inbar">${h(p.label)}</text>` : ''}</g>`,
		);
	}
	y += 40;
	const axisY = y;
	parts.push(`<line x1="${LABEL}" y1="${axisY}" x2="${LABEL + PLOT}" y2="${axisY}" class="axis"/>`);
	parts.push(`<text x="4" y="${axisY + 4}" class="rlabel muted">${m.relative ? 'no timestamps: durations' : `t0 ${h(clock(t0))}`}</text>`);
	for (const t of sc.ticks) parts.push(`<line x1="${n(x(t.t))}" y1="${axisY - 3}" x2="${n(x(t.t))}" y2="${axisY + 3}" class="axis"/><text x="${n(x(t.t))}" y="${axisY - 6}" text-anchor="middle" class="tick">${h(t.label)}</text>`);
	if (sc.breakAt !== null)
		parts.push(
			`<g class="axisbreak"><title>time squeezed from here on</title><rect x="${n(sc.breakAt - 5)}" y="${axisY - 6}" width="10" height="12" class="breakbg"/><text x="${n(sc.breakAt)}" y="${axisY + 4}" text-anchor="middle" class="tick">≈</text></g>`,
		);
	y += 10;
	const gridTop = y;
	for (const g of m.groups) {
		y += 4;
		const line = new Line(parts);
		line.put(4, g.label, 'glabel-pod', y + 12);
		if (g.restarts) line.put(4 + textW(g.label) + 10, `↻ restarted ${g.restarts.count}×${g.restarts.reason ? ` (last: ${g.restarts.reason})` : ''}`, 'tone-warn small-svg', y + 12);
		if (g.restarts?.at !== null && g.restarts?.at !== undefined && g.restarts.at >= t0 && g.restarts.at <= m.t1) {
			parts.push(`<g class="restart"><title>${h(`container of ${g.pod} started again at ${clock(g.restarts.at)}`)}</title><text x="${n(x(g.restarts.at))}" y="${y + 12}" text-anchor="middle" class="tone-warn">↻</text></g>`);
		}
		y += 18;
		for (const r of g.rows) y = rowSvg(parts, r, y, x, t0, m.t1);
		parts.push(`<line x1="0" y1="${y + 2}" x2="${W}" y2="${y + 2}" class="sep"/>`);
	}
	if (m.firstFailure) {
		const fx = x(m.firstFailure.at);
		const label = `first failure ${clock(m.firstFailure.at)}${m.firstFailure.text ? ` — ${m.firstFailure.text}` : ''}`;
		const anchor = fx + textW(label) > W ? 'end' : 'start';
		parts.push(
			`<g class="firstfail"><title>${h(label)}</title><line x1="${n(fx)}" y1="${gridTop - 6}" x2="${n(fx)}" y2="${y + 2}"/><text x="${n(anchor === 'end' ? Math.max(textW(label), fx - 4) : fx + 4)}" y="${y + 16}" text-anchor="${anchor}" class="tone-error">${h(label)}</text></g>`,
		);
		y += 18;
	}
	const height = y + 10;
	return `<div class="scroll"><svg class="timeline" role="img" aria-label="init timeline per rank" width="${W}" height="${n(height)}" viewBox="0 0 ${W} ${n(height)}" xmlns="http://www.w3.org/2000/svg"><defs><pattern id="open" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" class="hatch"/></pattern></defs>${parts.join('')}</svg></div>`;
}

interface Text {
	x: number;
	text: string;
	klass: string;
	y: number;
	anchor: 'start' | 'end';
	left?: number;
}

const failShort = (r: Row) => (r.reason ? shortReason(r.reason) : 'failed');

function rowSvg(parts: string[], r: Row, y: number, x: (t: number) => number, t0: number, t1: number): number {
	const ls = lanes(r.bars);
	const height = 6 + ls.length * LANE;
	const tone = r.severity === 'error' ? 'error' : r.severity === 'warn' ? 'warn' : 'plain';
	parts.push(`<g class="row tone-${cls(tone)}" data-rank="${h(r.rank)}"><title>${h(`${r.title}${r.pod ? ` on ${r.pod}` : ''}${r.reason ? `: ${r.reason}` : ''}`)}</title><text x="14" y="${y + 13}" class="rlabel">${h(r.title)}</text></g>`);
	if (r.unseen) {
		const x1 = x(t0);
		parts.push(
			`<g class="bar missing"><title>${h(r.reason ?? 'never seen')}</title><rect x="${n(x1)}" y="${y + 3}" width="${n(x(t1) - x1)}" height="${LANE - 3}" rx="2"/><text x="${n(x1 + 6)}" y="${y + 13}">${h(`rank ${r.rank ?? '?'} ${r.reason ?? 'never seen'}`)}</text></g>`,
		);
		return y + height;
	}
	const texts: Text[] = [];
	ls.forEach((lane, li) => {
		const ly = y + 3 + li * LANE;
		for (const b of lane) parts.push(barSvg(b, ly, x, texts));
	});
	if (r.failedAt !== null) {
		const fx = x(r.failedAt);
		const ftone = tone === 'plain' ? 'warn' : tone;
		parts.push(
			`<g class="fail tone-${cls(ftone)}"><title>${h(`failed at ${clock(r.failedAt)}${r.failure ? `: ${r.failure}` : ''}${r.reason ? ` (${r.reason})` : ''}`)}</title><text x="${n(fx)}" y="${y + 14}" text-anchor="middle" class="mark">✕</text></g>`,
		);
		const label = failShort(r);
		texts.push(fx + 8 + textW(label) > W ? {x: fx - 8, text: label, klass: `note tone-${ftone}`, y: y + 13, anchor: 'end'} : {x: fx + 8, text: label, klass: `note tone-${ftone}`, y: y + 13, anchor: 'start'});
	}
	// one text line per lane: texts of one lane never cover each other
	const byLane = new Map<number, Line>();
	for (const t of texts.sort((a, b) => (a.anchor === 'end' ? a.x - textW(a.text) : a.x) - (b.anchor === 'end' ? b.x - textW(b.text) : b.x))) {
		let l = byLane.get(t.y);
		if (!l) byLane.set(t.y, (l = new Line(parts)));
		l.put(t.x, t.text, t.klass, t.y, t.anchor, t.left);
	}
	return y + height;
}

function barSvg(b: Bar, y: number, x: (t: number) => number, texts: Text[]): string {
	const x1 = x(b.start);
	const w = Math.max(2, x(b.end) - x1);
	const dur = (b.end - b.start) / 1000;
	const tip = [
		`${b.label}: Init START ${clock(b.start)} → ${b.open ? 'no COMPLETE' : `COMPLETE ${clock(b.end)}`} (${secs(dur)})`,
		b.parts && b.total !== null ? `NCCL Init timings total ${secs(b.total)}: ${b.parts.map(p => `${p.name} ${p.seconds.toFixed(2)} s`).join(', ')}` : null,
		b.note,
	]
		.filter(Boolean)
		.join('\n');
	const segs: string[] = [];
	if (b.parts && b.total && b.parts.length) {
		// NCCL's own split, in the order it prints it, scaled to the bar
		const sum = b.parts.reduce((s, p) => s + p.seconds, 0) || 1;
		let at = x1;
		for (const p of b.parts) {
			const pw = (p.seconds / sum) * w;
			if (pw >= 0.5) segs.push(`<rect x="${n(at)}" y="${y}" width="${n(pw)}" height="${LANE - 3}" class="part p-${cls(p.name)}"><title>${h(`${p.name} ${p.seconds.toFixed(2)} s`)}</title></rect>`);
			at += pw;
		}
	}
	let inside = '';
	let wait = '';
	if (b.lateFrom !== null && b.lateFrom !== undefined && b.lateFrom < b.start) {
		// the wait its peers had: from their start to this rank's, the note written along it
		const wx = x(b.lateFrom);
		wait = `<line x1="${n(wx)}" y1="${y + 6}" x2="${n(x1)}" y2="${y + 6}" class="wait"/><line x1="${n(wx)}" y1="${y + 1}" x2="${n(wx)}" y2="${y + 11}" class="wait"/>`;
		if (b.note && x1 - wx > textW(b.note) + 12) {
			inside = `<text x="${n((wx + x1) / 2)}" y="${y + 10}" text-anchor="middle" class="note halo tone-warn">${h(b.note)}</text>`;
			b = {...b, note: null};
		}
	}
	if (b.note) {
		if (w > textW(b.note) + 10) inside = `<text x="${n(x1 + 5)}" y="${y + 10}" class="inbar">${h(b.note)}</text>`;
		else texts.push({x: x1 + w + 4, text: b.note, klass: `note tone-${cls(b.tone)}`, y: y + 10, anchor: 'start', left: x1 - 4});
	}
	return `<g class="bar tone-${cls(b.tone)}${b.open ? ' open' : ''}"><title>${h(tip)}</title>${wait}<rect x="${n(x1)}" y="${y}" width="${n(w)}" height="${LANE - 3}" rx="2" class="base"/>${segs.join('')}${b.open ? `<rect x="${n(x1)}" y="${y}" width="${n(w)}" height="${LANE - 3}" fill="url(#open)"/>` : ''}${inside}</g>`;
}

/** The legend of NCCL's `Init timings` parts, as the bars colour them. */
export const timelineLegend = `<p class="legend small">${['kernels', 'alloc', 'bootstrap', 'allgathers', 'topo', 'graphs', 'connections', 'rest'].map(p => `<span class="lg p-${p}"></span> ${p}`).join(' ')} · <span class="lg lg-open"></span> no Init COMPLETE · ✕ failed · ↻ restart · <span class="lg lg-fail"></span> first failure · ≈ time squeezed</p>`;
