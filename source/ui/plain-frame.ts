/**
 * One plain frame for a pipe or a file (no TTY): the same pane lines the TUI
 * draws, as text without colour, every pane in full; and the short summary left
 * in the scrollback when the TUI quits.
 */
import type {Finding, FindingOptions} from '../findings/index.js';
import type {RolloutState} from '../model/state.js';
import {createSelectors, type TuiTitle} from '../view/selectors.js';
import {lineText, type Line} from './components/lines.js';
import {endpointLines} from './panes/endpoint-pane.js';
import {engineLines} from './panes/engine-pane.js';
import {findingsLines} from './panes/findings-pane.js';
import {countFindings} from './panes/findings-pane.js';
import {gdrLines} from './panes/gdr-pane.js';
import {pathsLines} from './panes/paths-pane.js';
import {ranksLines} from './panes/ranks-pane.js';
import {headerLines} from './panes/timeline-pane.js';
import {truncate} from './text.js';
import {drawSafe, stripForTerminal} from '../core/text/terminal.js';
import {createTheme} from './theme.js';

export function plainFrame(state: RolloutState, title: TuiTitle, opts: {ascii: boolean; findings: FindingOptions}, now: number, width = 120): {text: string; findings: Finding[]} {
	const theme = createTheme({color: false, ascii: opts.ascii});
	const sel = createSelectors(title, opts.findings);
	const findings = sel.findings(state, now);
	const header = sel.header(state, now);
	const ranks = sel.ranks(state, now);
	const section = (name: string, lines: Line[]) => [name, ...lines.map(l => '  ' + truncate(lineText(l), width - 2, opts.ascii))];
	const out = [
		...headerLines(header, theme, countFindings(findings), findings.filter(f => f.severity === 'error').length).map(l => truncate(lineText(l), width, opts.ascii)),
		'',
		...section('Findings', findingsLines(findings, width - 2, theme)),
		...section('Ranks', ranksLines(ranks, width - 2, ranks.total + ranks.groups.length + 2, theme, {cursor: null, toggled: new Set()})),
		...section('Paths', pathsLines(sel.paths(state), width - 2, theme)),
		...section('GDR', gdrLines(sel.gdr(state), width - 2, theme)),
		...section('Engine', engineLines(sel.engine(state), theme)),
		...section('Endpoint', endpointLines(sel.endpoint(state), width - 2, theme)),
	];
	// a plain frame goes to a pipe or a file a person may `cat`: no escape from outside in it
	return {text: out.map(l => stripForTerminal(l).trimEnd()).join('\n') + '\n', findings};
}

/** What stays on screen after quitting: where it was, and the findings worth acting on. */
export function quitSummary(state: RolloutState, title: TuiTitle, opts: {ascii: boolean; findings: FindingOptions}, findings: readonly Finding[], now: number, width = 100): string {
	const theme = createTheme({color: false, ascii: opts.ascii});
	const sel = createSelectors(title, opts.findings);
	const h = sel.header(state, now);
	const lines = [
		`infertop: phase ${h.phase} · ranks ${h.ranksReady}/${h.ranksTotal ?? '?'} ready · findings: ${countFindings(findings)} · ${h.where}`,
		...findings.slice(0, 8).map(f => `  ${f.severity.toUpperCase().padEnd(5)} ${f.subject}: ${f.message}`),
		...(findings.length > 8 ? [`  … ${findings.length - 8} more (infertop analyze for all)`] : []),
	];
	void theme;
	// left in the scrollback after the TUI: pod and file names, finding text, sanitised and redacted
	return lines.map(l => truncate(drawSafe(l), width, opts.ascii)).join('\n') + '\n';
}
