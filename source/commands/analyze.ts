/**
 * `infertop analyze [--json] PATH...` (contract/cli.md): read saved logs to the
 * end, print the readable report or the snapshot. Exit 1 on an error-severity
 * finding, 0 otherwise, 2 on bad usage or unreadable input (UserError).
 * `--endpoint URL` works here too (cli.md: endpoint flags work with every source):
 * the endpoint is probed once after the logs are read and is part of the snapshot.
 * `--html FILE` writes the shareable report there too (commands/html-report.ts).
 */
import {computeFindings} from '../findings/index.js';
import {emptyState} from '../model/state.js';
import type {Options} from '../core/options.js';
import {createPipeline} from '../store/pipeline.js';
import {readSavedLogs, resolveLogPaths} from '../sources/files.js';
import {createStore} from '../store/store.js';
import {formatReport} from '../view/report.js';
import {toSnapshot} from '../view/snapshot.js';
import {terminalJson} from '../core/text-safety.js';
import {toAscii} from '../ui/theme.js';
import {exitCodes, UserError, type Io} from '../core/io.js';
import {evidenceLines, withEvidence, writeHtmlReport, writtenLine} from './html-report.js';

export async function run(options: Options, io: Io): Promise<number> {
	const entries = await resolveLogPaths(options.args);
	const onlyStdin = entries.every(e => e.path === '-');
	const store = createStore(emptyState(onlyStdin ? {kind: 'stdin'} : {kind: 'files', files: entries.map(e => e.path)}), {flushMs: 0});
	// --html quotes log lines as evidence: they are kept while reading (bounded), only then
	const evidence = options.html ? evidenceLines() : null;
	const pipeline = createPipeline(withEvidence(store, evidence, false), {keepLines: evidence !== null});
	if (options.endpoint.service && !options.endpoint.url) {
		throw new UserError('analyze reads saved logs: it can probe an endpoint given by --endpoint URL; --service needs a cluster (use it with a WORKLOAD)');
	}
	// a read that waits (a stdin nobody writes to, a FIFO with no writer) says what it waits for
	let waitingFor: string | null = null;
	const read = await readSavedLogs(entries, pipeline, {
		speed: 0,
		signal: io.signal,
		stdin: io.stdin,
		onWaiting: what => {
			waitingFor = what;
			io.stderr.write(`infertop: waiting for ${what}; Ctrl-C stops\n`);
		},
	});
	if (!read || io.signal.aborted) {
		// a partial report would read as the whole log: none is printed
		store.dispose();
		throw new UserError(`interrupted before the logs were read to the end${waitingFor ? ` (was waiting for ${waitingFor})` : ''}; no report printed.`);
	}
	if (options.endpoint.url) {
		const {startEndpointProber} = await import('../sources/endpoint/prober.js');
		const prober = await startEndpointProber({options: options.endpoint, store, env: io.env, signal: io.signal, autoStart: false});
		try {
			await prober?.probeOnce();
		} finally {
			prober?.stop();
		}
		if (io.signal.aborted) {
			store.dispose();
			throw new UserError('interrupted while probing the endpoint; no report printed.');
		}
	}
	store.flush();
	const state = store.getState();
	// For saved logs, findings are computed against the last timestamp read (contract/snapshot.md).
	const now = state.lastTs ?? Date.now();
	const findings = computeFindings(state, now, options.findings);
	const snapshot = toSnapshot(state, findings, {now, generatedAt: new Date()});
	const report = options.json ? '' : formatReport(snapshot, {color: options.color && Boolean(io.stdout.isTTY), ascii: options.ascii});
	// a locale that is not UTF-8 (or --ascii): finding messages' own `—`, `×` too
	const out = options.json ? `${terminalJson(snapshot)}\n` : options.ascii ? toAscii(report) : report;
	await new Promise<void>(resolve => {
		if (io.stdout.write(out)) resolve();
		else io.stdout.once('drain', () => resolve());
	});
	store.dispose();
	if (options.html) {
		const file = await writeHtmlReport({file: options.html, state, findings, now, findingOptions: options.findings, lines: evidence?.lines(), withEndpoint: Boolean(options.endpoint.url)});
		io.stderr.write(writtenLine(file));
	}
	return snapshot.findings.some(f => f.severity === 'error') ? exitCodes.findings : exitCodes.ok;
}
