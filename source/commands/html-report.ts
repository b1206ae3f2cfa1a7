/**
 * `--html FILE`: the one place that writes the shareable report, for every command
 * (analyze, check pass or fail, live --once) and the TUI's key. The page itself is a
 * pure function of the state (view/html); here: the log lines it quotes as evidence are
 * kept while the logs are read, the verdict `check` would print is worked out, and the
 * file is written whole (a temporary file renamed into place, so a reader never opens
 * half a report) and named back in absolute form.
 */
import {mkdir, rename, unlink, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {UserError} from '../core/io.js';
import type {FindingOptions} from '../core/finding-options.js';
import type {Options} from '../core/options.js';
import type {EndpointHealth, RolloutState} from '../model/state.js';
import {derivePhase} from '../model/phase.js';
import type {RawLine} from '../parse/stream-parser.js';
import type {Store} from '../store/store.js';
import type {Finding} from '../findings/types.js';
import type {TuiTitle} from '../view/header-model.js';
import {verdict} from './check-verdict.js';

/** Lines kept whole up to here; past it only lines that look like evidence, up to as many again. */
const KEEP_ALL = 50_000;
const MAX_TEXT = 4096;
// what rules quote: NCCL WARN/errors, init and channel lines, GDR, tracebacks and exits, vLLM errors
const notable =
	/WARN|ERROR|Error|error|Init START|Init COMPLETE|Init timings|GPU Direct RDMA|NET\/|via |Pattern |set by environment|libnccl-net|deprecated|OMP_NUM_THREADS|NCCL DIAG|repeated |Traceback|exit|signal|Watchdog|timed out|out of memory|OutOfMemory|EngineCore|Killed|failed|Failed/;

/** The log lines a report quotes, kept as they are read (bounded: a whole log up to 50k lines, then the notable ones). */
export interface EvidenceLines {
	push(line: RawLine): void;
	lines(): readonly RawLine[];
}

export function evidenceLines(keepAll = KEEP_ALL): EvidenceLines {
	const kept: RawLine[] = [];
	let notableKept = 0;
	return {
		push(line) {
			const l = line.text.length > MAX_TEXT ? {...line, text: `${line.text.slice(0, MAX_TEXT)}…`} : line;
			if (kept.length < keepAll) kept.push(l);
			else if (notableKept < keepAll && notable.test(l.text)) {
				kept.push(l);
				notableKept++;
			}
		},
		lines: () => kept,
	};
}

/** The store as a pipeline sees it, each line also handed to `sink` (the store keeps its own ring for the log pane). */
export function withEvidence(store: Store, sink: EvidenceLines | null, keepInStore: boolean): Store {
	if (!sink) return store;
	return {
		...store,
		pushLine(line) {
			sink.push(line);
			if (keepInStore) store.pushLine(line);
		},
	};
}

export interface HtmlReportArgs {
	file: string;
	state: RolloutState;
	findings: readonly Finding[];
	now: number;
	findingOptions: FindingOptions;
	lines?: readonly RawLine[] | null;
	/** the gate's own line when `check` judged it; else the line it would print */
	verdictLine?: string;
	/** an endpoint counts in the verdict (it was probed) */
	withEndpoint?: boolean;
	title?: TuiTitle;
	generatedAt?: Date;
}

/** The verdict line `check` prints for this state. */
export function verdictLine(state: RolloutState, findings: readonly Finding[], withEndpoint: boolean): string {
	const endpoint: EndpointHealth | null | undefined = withEndpoint ? (state.endpoint?.health ?? null) : undefined;
	return verdict({state, findings, phase: derivePhase(state), endpoint}).line;
}

/** Write the report; resolves to the absolute path written. A file that cannot be written is a UserError naming it and why. */
export async function writeHtmlReport(args: HtmlReportArgs): Promise<string> {
	const file = path.resolve(args.file);
	// the page's code is loaded only when a report is written (the TUI's first frame does not wait for it)
	const {buildHtmlReport} = await import('../view/html/index.js');
	const html = buildHtmlReport({
		state: args.state,
		findings: args.findings,
		now: args.now,
		verdict: args.verdictLine ?? verdictLine(args.state, args.findings, args.withEndpoint ?? false),
		lines: args.lines ?? null,
		generatedAt: args.generatedAt ?? new Date(),
		findingOptions: args.findingOptions,
		title: args.title,
	});
	const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
	try {
		await mkdir(path.dirname(file), {recursive: true});
		await writeFile(tmp, html, 'utf8');
		await rename(tmp, file);
	} catch (error) {
		await unlink(tmp).catch(() => undefined);
		throw new UserError(`cannot write the HTML report to ${file}: ${why(error as NodeJS.ErrnoException)}`);
	}
	return file;
}

const reasons: Record<string, string> = {
	EACCES: 'permission denied',
	EPERM: 'not permitted',
	EISDIR: 'it is a directory',
	ENOTDIR: 'a part of the path is not a directory',
	ENOSPC: 'no space left on the device',
	EROFS: 'the file system is read-only',
	EEXIST: 'a part of the path exists and is not a directory',
};

/** The error in words, without the temporary file's name the system call saw. */
function why(e: NodeJS.ErrnoException): string {
	return e.code && reasons[e.code] ? `${reasons[e.code]} (${e.code})` : (e.code ?? e.message);
}

/** `./infertop-report-<workload>-<UTC stamp>.html`: where `w` writes when no --html FILE was given. */
export function defaultReportFile(state: RolloutState, now: number): string {
	const s = state.source;
	const name =
		s.kind === 'kubernetes' || s.kind === 'demo'
			? (s.workload ?? s.namespace ?? 'rollout')
			: s.kind === 'files'
				? (s.files[0]
						?.replace(/\/+$/, '')
						.split('/')
						.pop()
						?.replace(/\.log(\.gz)?$/, '') ?? 'logs')
				: 'stdin';
	const stamp = new Date(now)
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d+Z$/, 'Z');
	return `infertop-report-${name.replace(/[^\w.-]+/g, '-').slice(0, 60)}-${stamp}.html`;
}

/**
 * The TUI's `w` key: the report of the store as it is now, with the findings on screen,
 * quoting the lines the log pane still holds. The UI opens no file: the command hands it this.
 */
export function tuiReportWriter(store: Store, options: Options, title: TuiTitle): (findings: Finding[]) => Promise<string> {
	return findings => {
		const state = store.getState();
		const now = title.kind === 'files' ? (state.lastTs ?? Date.now()) : Date.now();
		return writeHtmlReport({
			file: options.html ?? defaultReportFile(state, now),
			state,
			findings,
			now,
			findingOptions: options.findings,
			lines: store.logs.toArray(),
			withEndpoint: state.endpoint !== null,
			title,
		});
	};
}

/** What a command prints (stderr) once the report is written. */
export const writtenLine = (file: string) => `infertop: HTML report written to ${file}\n`;
