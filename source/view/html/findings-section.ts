/** The header (where, phase, the gate's verdict, findings by severity) and the findings with their evidence lines. */
import type {Finding} from '../../findings/types.js';
import type {RolloutState, SourceInfo} from '../../model/state.js';
import type {RawLine} from '../../parse/stream-parser.js';
import type {HeaderModel} from '../header-model.js';
import {phaseLabel} from '../header-model.js';
import {cls, cut, h, ms, when} from './escape.js';
import {evidenceFor} from './evidence.js';

export interface HeaderInput {
	header: HeaderModel;
	source: SourceInfo;
	verdict: string;
	findings: readonly Finding[];
	generatedAt: Date;
	firstTs: number | null;
	lastTs: number | null;
}

function sourceFacts(s: SourceInfo): [string, string][] {
	if (s.kind === 'files') return [['source', `saved logs: ${s.files.length > 6 ? `${s.files.slice(0, 6).join(', ')} and ${s.files.length - 6} more` : s.files.join(', ') || '-'}`]];
	if (s.kind === 'stdin') return [['source', 'standard input']];
	const out: [string, string][] = [['source', s.kind === 'demo' ? `demo (scenario ${s.scenario})` : 'kubernetes']];
	if (s.context) out.push(['context', s.context]);
	if (s.namespace) out.push(['namespace', s.namespace]);
	if (s.workload) out.push(['workload', `${s.workload}${s.kind === 'kubernetes' && s.matchedBy ? ` (${s.matchedBy})` : ''}`]);
	if (s.selector) out.push(['selector', s.selector]);
	return out;
}

const verdictTone = (line: string) => (/^check: OK/.test(line) ? 'ok' : /^check: FAIL/.test(line) ? 'error' : 'warn');

export function headerSection(x: HeaderInput): string {
	const count = (sev: Finding['severity']) => x.findings.filter(f => f.severity === sev).length;
	const facts: [string, string][] = [
		...sourceFacts(x.source),
		['phase', phaseLabel[x.header.phase]],
		['pods', `${x.header.podsReady}/${x.header.podsTotal} up`],
		['ranks', `${x.header.ranksReady}/${x.header.ranksTotal ?? '?'} ready`],
		['logs', x.firstTs !== null ? `${when(x.firstTs)} → ${when(x.lastTs)} (${ms(x.header.elapsedMs)})${x.header.ended ? ', read to the end' : ''}` : 'no timestamps'],
		['report written', when(x.generatedAt.getTime())],
	];
	const steps = x.header.steps
		.map(s => `<li class="tone-${cls(s.tone)}${s.current ? ' current' : ''}">${h(s.label)}${s.detail ? ` <span class="muted">${h(s.detail)}</span>` : ''}${s.ms !== null ? ` <span class="muted">${h(ms(s.ms))}</span>` : ''}</li>`)
		.join('');
	return `<header class="top">
<h1>infertop report <span class="muted">${h(x.source.kind === 'files' ? x.header.where.replace(/^replay /, 'saved logs ') : x.header.where)}</span></h1>
<p class="verdict tone-${verdictTone(x.verdict)}"><code>${h(x.verdict)}</code></p>
<p class="counts"><span class="badge sev-error">${count('error')} error</span> <span class="badge sev-warn">${count('warn')} warn</span> <span class="badge sev-info">${count('info')} info</span></p>
${x.header.initNotSeen ? `<p class="notice tone-warn">${h(x.header.initNotSeen)}: the phases before it are not in the log</p>` : ''}
<dl class="facts">${facts.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>
${steps ? `<ol class="steps">${steps}</ol>` : ''}
</header>`;
}

const sevLabel = {error: 'ERROR', warn: 'WARN', info: 'info'} as const;

export function findingsSection(findings: readonly Finding[], state: RolloutState, lines: readonly RawLine[] | null): string {
	if (findings.length === 0) return '<p class="tone-ok">No findings.</p>';
	const cards = findings.map((f, i) => {
		const ev = evidenceFor(f, state, lines);
		const rows = ev.lines
			.map(
				l =>
					`<tr><td class="mono nowrap">${h(when(l.at))}${l.count ? ` <span class="muted">(×${l.count})</span>` : ''}</td><td class="mono">${h(l.pod)}</td><td class="mono">${h(l.container)}</td><td><code class="logline">${h(cut(l.text, 600))}</code></td></tr>`,
			)
			.join('');
		const evidence = ev.lines.length
			? `<div class="scroll"><table class="grid evidence"><caption>evidence</caption><thead><tr><th>time (UTC)</th><th>pod</th><th>container</th><th>log line</th></tr></thead><tbody>${rows}</tbody></table></div>${ev.more ? `<p class="muted small">and ${ev.more} more such line${ev.more === 1 ? '' : 's'}</p>` : ''}${ev.lines.some(l => l.count) ? '<p class="muted small">(×N): the same line read N times (NCCL prints it for each communicator)</p>' : ''}`
			: '<p class="muted small">No log line to quote: this finding is read from the pods\' state or the endpoint\'s answers.</p>';
		return `<article class="finding sev-${cls(f.severity)}" id="finding-${i + 1}"><h3><span class="badge sev-${cls(f.severity)}">${sevLabel[f.severity]}</span> <span class="subject">${h(f.subject)}</span> <span class="muted mono small">${h(f.id)}</span></h3><p class="message">${h(f.message).replace(/\n/g, '<br>')}</p>${evidence}</article>`;
	});
	return cards.join('\n');
}

/** The table of contents, the findings' subjects first: what a reader looks for. */
export function contents(findings: readonly Finding[], sections: readonly [string, string][]): string {
	const fs = findings.slice(0, 12).map((f, i) => `<li><a href="#finding-${i + 1}" class="sev-${cls(f.severity)}">${h(f.subject)}</a></li>`);
	return `<nav class="toc"><ul>${sections.map(([id, title]) => `<li><a href="#${cls(id)}">${h(title)}</a></li>`).join('')}</ul>${fs.length ? `<ul class="small">${fs.join('')}${findings.length > 12 ? `<li class="muted">and ${findings.length - 12} more</li>` : ''}</ul>` : ''}</nav>`;
}
