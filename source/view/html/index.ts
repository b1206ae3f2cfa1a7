/**
 * The shareable report (`--html FILE`): the state, its findings and a clock in, one
 * self-contained HTML string out — inline CSS and SVG, no script, nothing fetched, so it
 * opens offline and air-gapped, prints on A4 and letter and reads in light and dark mode.
 * The sections read the panes' own selectors (view/selectors.ts), so the page agrees with
 * the screen; the verdict line is the one `check` prints, handed in by the command.
 * Pure: no I/O here (commands/html-report.ts writes the file).
 */
import type {Finding} from '../../findings/types.js';
import {defaultFindingOptions, type FindingOptions} from '../../core/finding-options.js';
import {VERSION} from '../../core/version.js';
import {withJoinedComms} from '../../model/comm-join.js';
import type {RolloutState, SourceInfo} from '../../model/state.js';
import type {RawLine} from '../../parse/stream-parser.js';
import type {TuiTitle} from '../header-model.js';
import {createSelectors} from '../selectors.js';
import {toSnapshot} from '../snapshot.js';
import {h, plural} from './escape.js';
import {contents, findingsSection, headerSection} from './findings-section.js';
import {css} from './styles.js';
import {commsTables, endpointTable, engineTable, gdrTable, ncclFacts, pathsTables, podsTable, ranksTable} from './tables.js';
import {buildTimeline} from './timeline-model.js';
import {timelineLegend, timelineSvg} from './timeline-svg.js';
import {buildTopology} from './topology-model.js';
import {topologySection} from './topology-section.js';

export interface HtmlReportInput {
	state: RolloutState;
	/** the findings the command judged by (computeFindings at `now`) */
	findings: readonly Finding[];
	now: number;
	/** the line `check` prints for this state (commands/check-verdict.ts): view/ does not import commands/ */
	verdict: string;
	/** log lines kept for evidence (sanitised and redacted by the parser); none: the state's records stand in */
	lines?: readonly RawLine[] | null;
	generatedAt?: Date;
	findingOptions?: FindingOptions;
	/** how the header names the rollout; derived from the source when absent */
	title?: TuiTitle;
}

/** Saved logs as a short name: the folder they share and their names (`crash-rank1/ pod0.log pod1.log`). */
function filesLabel(files: readonly string[]): string {
	const dirs = new Set(files.map(f => f.slice(0, Math.max(0, f.lastIndexOf('/')))));
	const names = files.map(f => f.slice(f.lastIndexOf('/') + 1));
	const shown = names.length > 4 ? `${names.slice(0, 4).join(' ')} and ${names.length - 4} more` : names.join(' ');
	if (dirs.size !== 1) return shown;
	const dir = [...dirs][0]!;
	return `${dir ? `${dir.slice(dir.lastIndexOf('/') + 1)}/ ` : ''}${shown}`;
}

export function titleOf(source: SourceInfo): TuiTitle {
	if (source.kind === 'files') return {kind: 'files', label: filesLabel(source.files)};
	if (source.kind === 'stdin') return {kind: 'files', label: 'stdin'};
	if (source.kind === 'demo') return {kind: 'demo', label: source.scenario, context: source.context ?? null, namespace: source.namespace ?? null, workload: source.workload ?? null};
	return {kind: 'kubernetes', context: source.context, namespace: source.namespace, workload: source.workload ?? null, matchedBy: source.matchedBy ?? null};
}

function section(id: string, title: string, body: string, note = ''): string {
	return `<section id="${id}"><h2>${h(title)}${note ? ` <span class="muted small">${h(note)}</span>` : ''}</h2>${body}</section>`;
}

export function buildHtmlReport(input: HtmlReportInput): string {
	const raw = input.state;
	const generatedAt = input.generatedAt ?? new Date(input.now);
	const opts = input.findingOptions ?? defaultFindingOptions;
	const sel = createSelectors(input.title ?? titleOf(raw.source), opts);
	// a log read mid-run: per-process views of one communicator read as one (model/comm-join.ts), as the panes read it
	const state = withJoinedComms(raw);
	const header = sel.header(raw, input.now);
	const ranks = sel.ranks(raw, input.now);
	const rows = ranks.groups.flatMap(g => g.rows);
	const snapshot = toSnapshot(raw, input.findings, {now: input.now, generatedAt});
	const topology = buildTopology(state, rows);
	const timeline = buildTimeline(state, rows, input.now);
	const restarts: Record<string, string | null> = {};
	for (const p of Object.values(raw.pods)) {
		const c = p.containers.find(x => x.lastTerminationReason);
		restarts[p.name] = c ? `last: ${c.lastTerminationReason}${c.lastExitCode !== null ? ` (exit ${c.lastExitCode})` : ''}` : null;
	}
	const findings = snapshot.findings;
	const tl = timelineSvg(timeline);
	const sections: [string, string, string, string?][] = [
		['findings', `Findings (${findings.length})`, findingsSection(findings, state, input.lines ?? null)],
		['topology', 'Topology', topologySection(topology), `${plural(topology.hosts.length, 'host')}`],
		[
			'timeline',
			'Init timeline',
			tl
				? `${tl}${timelineLegend}${timeline.folded ? `<p class="muted small">${h(timeline.rows)} ranks: the pods where no rank stood out are one row; a pod with a rank that did is drawn, that rank on its own row (the Ranks table lists every rank).</p>` : ''}`
				: '<p class="muted">The logs carry no timestamps, so no timeline can be drawn; NCCL\'s own Init timings per rank are in the Communicators section.</p>',
			`a row per rank, a bar per communicator`,
		],
		['ranks', 'Ranks', ranksTable(ranks)],
		['paths', 'Paths', pathsTables(sel.paths(raw))],
		['gdr', 'GPU Direct RDMA', gdrTable(sel.gdr(raw))],
		['comms', 'Communicators', commsTables(snapshot)],
		['nccl', 'NCCL', ncclFacts(snapshot)],
		['engine', 'Engine (vLLM)', engineTable(sel.engine(raw))],
		['endpoint', 'Endpoint', endpointTable(sel.endpoint(raw))],
		['pods', `Pods (${snapshot.pods.length})`, podsTable(snapshot, restarts)],
	];
	const body = [
		headerSection({header, source: snapshot.source, verdict: input.verdict, findings, generatedAt, firstTs: raw.firstTs, lastTs: raw.lastTs}),
		contents(
			findings,
			sections.map(([id, title]) => [id, title]),
		),
		...sections.map(([id, title, html, note]) => section(id, title, html, note)),
		`<footer class="muted small"><p>Written by infertop ${h(VERSION)} at ${h(generatedAt.toISOString())}. Log text is shown as infertop read it: control sequences removed, secrets redacted.</p></footer>`,
	].join('\n');
	const title = `infertop report: ${header.where} (${header.phase})`;
	// no script, no external resource: the CSP says so to the browser too
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="infertop ${h(VERSION)}">
<title>${h(title)}</title>
<style>${css}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
