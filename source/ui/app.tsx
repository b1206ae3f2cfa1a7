/**
 * The TUI: header, panes laid out for the terminal's size, a key bar. Panes are
 * pure functions of view-models; this component owns only UI state (focus,
 * cursors, filter) and reads the store through a throttled subscription.
 */
import {Box, useInput} from 'ink';
import {useEffect, useMemo, useRef, useState} from 'react';
import type {Finding, FindingOptions} from '../findings/index.js';
import type {Store} from '../store/store.js';
import {buildRankDetail} from '../view/rank-detail-model.js';
import {createSelectors, type TuiTitle} from '../view/selectors.js';
import type {LogView} from '../view/logs-model.js';
import {Lines, sameShown, seg, type Line} from './components/lines.js';
import {footerLine, handleKey, initialUi, type UiState} from './keys.js';
import {sameContent, usePaneCache} from './pane-cache.js';
import {contentSize, PaneFrame} from './components/pane-frame.js';
import {useClock, type ClockGate} from './hooks/use-clock.js';
import type {FrameBudget} from './hooks/frame-budget.js';
import {useStoreView} from './hooks/use-store.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {computeLayout, type Placement} from './layout.js';
import {endpointPane} from './panes/endpoint-pane.js';
import {enginePane} from './panes/engine-pane.js';
import {countFindings, findingLine, findingsPane} from './panes/findings-pane.js';
import {gdrPane} from './panes/gdr-pane.js';
import {helpPane} from './panes/help-pane.js';
import {logsPane} from './panes/logs-pane.js';
import {paneOrder, type PaneContent, type PaneId} from './panes/pane.js';
import {pathsPane} from './panes/paths-pane.js';
import {rankDetailPane} from './panes/rank-detail-pane.js';
import {defaultCursor, rankItems, ranksPane, type RankItem} from './panes/ranks-pane.js';
import {headerLines, timelinePane} from './panes/timeline-pane.js';
import {createTheme} from './theme.js';

export interface AppProps {
	store: Store;
	title: TuiTitle;
	color: boolean;
	ascii: boolean;
	findingOptions: FindingOptions;
	/** live sources tick a clock; replays use the replayed clock (state.lastTs) */
	live: boolean;
	stdout: NodeJS.WritableStream & {columns?: number; rows?: number};
	/** called with the findings at the moment the user quits */
	onQuit: (findings: Finding[]) => void;
	/** render throttle (ms); 100 = at most 10 renders/s */
	intervalMs?: number;
	/** adaptive pacing from measured frame cost (overrides intervalMs) */
	budget?: FrameBudget;
	/** recompute findings at most this often while the state churns (they are the costly view) */
	findingsEveryMs?: number;
	/** rebuild the ranks, paths and GDR views at most this often while the state churns */
	modelsEveryMs?: number;
	/** keys are read (stdin is a TTY); false in a pipe */
	interactive?: boolean;
	/** `w`: write the HTML report of what is on screen; resolves to the path written (commands/html-report.ts) */
	writeReport?: (findings: Finding[]) => Promise<string>;
}

export function App(props: AppProps) {
	const started = performance.now();
	const {store, title} = props;
	const theme = useMemo(() => createTheme({color: props.color, ascii: props.ascii}), [props.color, props.ascii]);
	const selectors = useMemo(
		() => createSelectors(title, props.findingOptions, {findingsEveryMs: props.findingsEveryMs ?? 1000, modelsEveryMs: props.modelsEveryMs ?? 500, clock: Date.now}),
		[title, props.findingOptions, props.findingsEveryMs, props.modelsEveryMs],
	);
	const pace = useMemo(() => (props.budget ? () => props.budget!.interval() : (props.intervalMs ?? 100)), [props.budget, props.intervalMs]);
	const {state, logRevision} = useStoreView(store, pace);
	// Ticks once a second while the rollout moves (init timers, ages); once it is serving,
	// completed or failed and the source is quiet, every 5 s: a dashboard left open on a
	// bastion for hours should cost ~nothing.
	const [clockPeriod, setClockPeriod] = useState(1000);
	// A tick redraws only when a shown time would read differently (see clockLines below).
	const clockChanged = useRef<ClockGate | null>(null);
	const clock = useClock(props.live, clockPeriod, clockChanged);
	// Live: the time of this render, also when the store (not the clock) caused it — a tick
	// that changed nothing shown did not redraw, so the last tick's time can be old.
	const now = props.live ? Date.now() : (state.lastTs ?? clock);
	const {cols, rows} = useTerminalSize(props.stdout);
	const [ui, setUi] = useState<UiState>(initialUi);

	const findings = selectors.findings(state, now);
	const header = selectors.header(state, now);
	// the logs start mid-run: the panes built from them say so (model/mid-run.ts)
	const notSeen = header.initNotSeen;
	const settled = header.phase === 'serving' || header.phase === 'completed' || header.phase === 'failed';
	useEffect(() => setClockPeriod(settled ? 5000 : 1000), [settled]);
	// Views served from the throttle (findings, ranks, paths, GDR): redraw once more when they
	// are due, so the last state gets its own.
	const [, setFindingsTick] = useState(0);
	const due = selectors.viewsDue();
	useEffect(() => {
		if (!due) return;
		// +150 ms: while a storm renders every 100 ms this timer is reset before it fires (no extra
		// renders); once the source goes quiet it fires and the final state gets its findings.
		const t = setTimeout(() => setFindingsTick(x => x + 1), due + 150);
		return () => clearTimeout(t);
	}, [due, state]);
	const ranks = selectors.ranks(state, now);
	const layout = computeLayout(cols, rows, ui.focus, findings.length);
	const errors = findings.filter(f => f.severity === 'error').length;

	const frozen = useRef<LogView | null>(null);
	const liveLogs = selectors.logs(() => store.logs.toArray(), logRevision, {filter: ui.logs.filter, proc: ui.logs.proc}, store.logs.dropped);
	const logView = ui.logs.paused && frozen.current ? frozen.current : liveLogs;
	if (!ui.logs.paused) frozen.current = liveLogs;

	// Rank rows as the ranks pane shows them, for cursor moves and `n`.
	const ranksPlacement = layout.rows.flatMap(r => r.cells.flatMap(c => c.stack)).find(p => p.pane === 'ranks');
	const ranksInner = ranksPlacement ? contentSize(ranksPlacement.width, ranksPlacement.height, layout.border) : {width: cols, height: rows};
	const ranksRows = Math.max(1, ranksInner.height - 1);
	const items = rankItems(ranks, ranksRows, ui.toggled);
	const itemsRef = useRef<RankItem[]>(items);
	itemsRef.current = items;
	const logCountRef = useRef(0);
	logCountRef.current = logView.lines.length;
	const findingsRef = useRef<Finding[]>(findings);
	findingsRef.current = findings;

	// `w` writes the HTML report; the key bar says where (or why not) for 20 s
	const [notice, setNotice] = useState<{text: string; tone: 'ok' | 'error' | 'muted'} | null>(null);
	const uiRef = useRef(ui);
	uiRef.current = ui;
	useEffect(() => {
		if (!notice || notice.tone === 'muted') return;
		const t = setTimeout(() => setNotice(null), 20_000);
		return () => clearTimeout(t);
	}, [notice]);
	useInput(
		(input, key) => {
			if (key.ctrl && input === 'c') return props.onQuit(findingsRef.current);
			if (input === 'w' && !uiRef.current.logs.editing && !uiRef.current.help) {
				const write = props.writeReport;
				if (!write) return setNotice({text: 'w: no HTML report from this view', tone: 'error'});
				setNotice({text: 'writing the HTML report…', tone: 'muted'});
				write(findingsRef.current).then(
					file => setNotice({text: `HTML report written to ${file}`, tone: 'ok'}),
					(error: unknown) => setNotice({text: error instanceof Error ? error.message : String(error), tone: 'error'}),
				);
				return;
			}
			setUi(prev => handleKey(prev, input, key, itemsRef.current, () => props.onQuit(findingsRef.current), logCountRef.current));
		},
		{isActive: props.interactive ?? true},
	);

	const procLabel = ui.logs.proc ? (state.procs[ui.logs.proc] ? `${state.procs[ui.logs.proc]!.worldRank ?? '?'} ${state.procs[ui.logs.proc]!.pod ?? ''}` : ui.logs.proc) : null;

	// Pane content is a pure function of (view-model, size, pane UI state): rebuilt only
	// when one of those changed (a clock tick leaves most alone).
	const cached = usePaneCache();
	// Everything on screen that depends on the clock: the header, the ranks pane (init
	// timers, line ages, late notes), the timeline, and findings (re-evaluated every 10 s).
	// A tick asks clockChanged(t) first: these lines at t, against the ones on screen.
	const ranksContent = (m: typeof ranks): PaneContent => {
		const its = m === ranks ? items : rankItems(m, ranksRows, ui.toggled);
		return ranksPane(m, ranksInner, theme, {cursor: ui.focus === 'ranks' ? (ui.rankCursor ?? defaultCursor(its)) : null, toggled: ui.toggled}, notSeen);
	};
	const timelinePlacement = layout.rows.flatMap(r => r.cells.flatMap(c => c.stack)).find(p => p.pane === 'timeline');
	const timelineWidth = timelinePlacement ? contentSize(timelinePlacement.width, timelinePlacement.height, layout.border).width : 0;
	const clockFacing = (t: number, h: typeof header, m: typeof ranks, ranksC: PaneContent | null) => ({
		header: headerLines(h, theme, countFindings(findings), errors, layout.width),
		ranks: ranksPlacement && !ui.detail ? (ranksC ?? ranksContent(m)) : null,
		timeline: timelinePlacement ? timelinePane(h, ranksInner, theme) : null,
		findingsBucket: Math.floor(t / 10_000),
	});
	const shown = clockFacing(now, header, ranks, ranksPlacement && !ui.detail ? cached('ranks', [ranks, ranksInner.width, ranksInner.height, theme, ui.focus, ui.rankCursor, ui.toggled, notSeen], () => ranksContent(ranks)) : null);
	clockChanged.current = t => {
		const next = clockFacing(t, selectors.header(state, t), selectors.ranks(state, t), null);
		// Compared as drawn (cut to the pane's width): a note's hidden tail may tick on its own.
		return (
			next.findingsBucket !== shown.findingsBucket ||
			!sameShown(next.header, shown.header, layout.width, theme) ||
			!sameContent(next.ranks, shown.ranks, ranksInner.width, theme) ||
			!sameContent(next.timeline, shown.timeline, timelineWidth, theme)
		);
	};

	const content = (p: Placement): PaneContent => {
		const size = contentSize(p.width, p.height, layout.border);
		const scroll = ui.scroll[p.pane] ?? 0;
		const base = [p.width, p.height, layout.border, theme, scroll];
		switch (p.pane) {
			case 'paths': {
				const m = selectors.paths(state);
				return cached('paths', [...base, m, notSeen], () => pathsPane(m, size, theme, scroll, notSeen));
			}
			case 'gdr': {
				const m = selectors.gdr(state);
				return cached('gdr', [...base, m, notSeen], () => gdrPane(m, size, theme, scroll, notSeen));
			}
			case 'engine': {
				const m = selectors.engine(state);
				return cached('engine', [...base, m, notSeen], () => enginePane(m, size, theme, scroll, notSeen));
			}
			case 'endpoint': {
				const m = selectors.endpoint(state);
				return cached('endpoint', [...base, m], () => endpointPane(m, size, theme, scroll));
			}
			case 'findings':
				return cached('findings', [...base, findings], () => findingsPane(findings, size, theme, scroll));
			case 'logs':
				return cached('logs', [...base, logView, ui.logs, procLabel], () => logsPane(logView, size, theme, {...ui.logs, procLabel}));
			default:
				return contentUncached(p);
		}
	};
	// the two panes whose content is not cached by view-model: ranks (its detail view reads
	// the log ring; its list is cached with the clock-facing lines) and the timeline
	const contentUncached = (p: Placement): PaneContent => {
		const size = contentSize(p.width, p.height, layout.border);
		if (p.pane === 'timeline') return shown.timeline ?? timelinePane(header, size, theme);
		if (ui.detail) return rankDetailPane(buildRankDetail(state, ui.detail, store.logs.toArray()), size, theme, ui.scroll.ranks ?? 0);
		return shown.ranks ?? ranksContent(ranks);
	};

	const strip: Line[] = layout.findingsStrip ? (findings.length ? findings.slice(0, layout.findingsStrip).map(f => findingLine(f, theme)) : [[seg(`${theme.glyph.ok} no findings`, 'ok')]]) : [];
	const numberOf = (p: PaneId) => paneOrder.indexOf(p) + 1;
	const body = (
		<Box flexDirection="column" width={layout.width} height={layout.height}>
			<Lines lines={shown.header.slice(0, layout.headerHeight)} width={layout.width} theme={theme} />
			{strip.length ? <Lines lines={strip} width={layout.width} theme={theme} /> : null}
			{ui.help
				? layout.height - layout.headerHeight - layout.findingsStrip - layout.footer > 0 && (
						<HelpBox width={layout.width} height={layout.height - layout.headerHeight - layout.findingsStrip - layout.footer} border={layout.border} theme={theme} />
					)
				: layout.rows.map((row, i) => (
						<Box key={i} flexDirection="row" height={row.height}>
							{row.cells.map((cell, j) => (
								<Box key={j} flexDirection="column" width={cell.width}>
									{cell.stack.map(p => {
										const c = content(p);
										return <PaneFrame key={p.pane} title={`${numberOf(p.pane)} ${c.title}`} note={c.note} focused={ui.focus === p.pane} width={p.width} height={p.height} border={layout.border} theme={theme} lines={c.lines} />;
									})}
								</Box>
							))}
						</Box>
					))}
			{layout.footer ? <Lines lines={[notice ? [seg(notice.text, notice.tone, {bold: notice.tone !== 'muted'})] : footerLine(layout.mode, ui.focus)]} width={layout.width} theme={theme} /> : null}
		</Box>
	);
	props.budget?.addWork(performance.now() - started);
	return body;
}

function HelpBox({width, height, border, theme}: {width: number; height: number; border: boolean; theme: ReturnType<typeof createTheme>}) {
	const c = helpPane();
	return <PaneFrame title={c.title} note={c.note} focused width={width} height={height} border={border} theme={theme} lines={c.lines} />;
}
