/**
 * Saved logs through the path `analyze --html` takes (files source → pipeline → store,
 * the evidence lines kept beside it), and the report built from them as the command does.
 */
import {computeFindings} from '../../source/findings/index.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import type {RawLine} from '../../source/parse/stream-parser.js';
import {createPipeline} from '../../source/store/pipeline.js';
import {createStore} from '../../source/store/store.js';
import {readSavedLogs, resolveLogPaths} from '../../source/sources/files.js';
import {evidenceLines, verdictLine, withEvidence} from '../../source/commands/html-report.js';
import {buildHtmlReport} from '../../source/view/html/index.js';
import type {Finding} from '../../source/findings/types.js';

export interface Loaded {
	state: RolloutState;
	findings: Finding[];
	now: number;
	lines: readonly RawLine[];
}

export async function loadWithLines(paths: string[]): Promise<Loaded> {
	const entries = await resolveLogPaths(paths);
	const store = createStore(emptyState({kind: 'files', files: entries.map(e => e.path)}), {flushMs: 0});
	const sink = evidenceLines();
	await readSavedLogs(entries, createPipeline(withEvidence(store, sink, false), {keepLines: true}), {speed: 0});
	store.flush();
	const state = store.getState();
	store.dispose();
	const now = state.lastTs ?? 0;
	return {state, findings: computeFindings(state, now), now, lines: sink.lines()};
}

/** The report of `l` as `analyze --html` writes it (a fixed generation time, so two builds are the same bytes). */
export function reportOf(l: Loaded | {state: RolloutState; findings: Finding[]; now: number; lines?: readonly RawLine[]}): string {
	return buildHtmlReport({state: l.state, findings: l.findings, now: l.now, verdict: verdictLine(l.state, l.findings, false), lines: l.lines ?? null, generatedAt: new Date(Date.UTC(2026, 11, 1))});
}

/** Every element name in the page: what a browser will build (a tag smuggled in by log text would show here). */
export function tagNames(html: string): Set<string> {
	return new Set([...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map(m => m[1]!.toLowerCase()));
}

export const allowedTags = new Set(
	'html head meta title style body header h1 h2 h3 p code span b br dl dt dd ol ul li nav a section article table caption thead tbody tr th td div figure figcaption footer svg g rect text path line polyline defs pattern'.split(' '),
);
