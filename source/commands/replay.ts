/**
 * `infertop replay PATH... [--speed N]`: the TUI over saved logs, played with
 * their own timestamps N times faster (0 = all at once). Files are checked
 * before the screen switches, so a typo is a one-line error, not a flash.
 * `--endpoint URL` works here too (cli.md: endpoint flags work with every source):
 * the endpoint is probed every --probe-interval while the TUI runs, as live does;
 * a plain (non-TTY) frame or --json waits for the first probe. `--service` needs a
 * cluster's API server and is refused with that reason.
 */
import path from 'node:path';
import {createPipeline} from '../store/pipeline.js';
import {emptyState} from '../model/state.js';
import {readSavedLogs, resolveLogPaths} from '../sources/files.js';
import {createStore} from '../store/store.js';
import {fullScreen, runTui} from '../ui/run-tui.js';
import type {Options} from '../core/options.js';
import {UserError, type Io} from '../core/io.js';
import {tuiReportWriter} from './html-report.js';

export async function run(options: Options, io: Io): Promise<number> {
	if (options.endpoint.service && !options.endpoint.url) {
		throw new UserError('replay reads saved logs: it can probe an endpoint given by --endpoint URL; --service needs a cluster (use it with a WORKLOAD)');
	}
	const entries = await resolveLogPaths(options.args);
	const files = entries.map(e => e.path);
	const store = createStore(emptyState({kind: 'files', files}));
	const pipeline = createPipeline(store);
	const reader = new AbortController();
	const stop = () => reader.abort();
	io.signal.addEventListener('abort', stop, {once: true});
	let readError: unknown = null;
	// Played in time only for someone watching: piped, redirected or TERM=dumb, the one frame is
	// printed as soon as the logs are read, as analyze does.
	const speed = fullScreen(io) ? options.speed : 0;
	const reading = readSavedLogs(entries, pipeline, {speed, signal: reader.signal, stdin: io.stdin}).catch((error: unknown) => {
		readError = error;
		// Let a non-TTY frame settle instead of waiting for an end that never comes.
		store.dispatch({type: 'source-ended', at: store.getState().lastTs});
		store.flush();
	});
	// The last folder/file name says which run it is; the full path is in the snapshot.
	const label = options.args.length === 1 ? path.basename(options.args[0]!.replace(/\/+$/, '')) || options.args[0]! : `${options.args.length} paths`;
	let prober: {probeOnce(): Promise<void>; stop(): void} | null = null;
	try {
		if (options.endpoint.url) {
			const {startEndpointProber} = await import('../sources/endpoint/prober.js');
			prober = await startEndpointProber({options: options.endpoint, store, env: io.env, signal: reader.signal});
			// one frame (a pipe, TERM=dumb) or --json: it shows the endpoint only once it was asked
			if (!io.stdout.isTTY || io.env['TERM'] === 'dumb') await prober?.probeOnce();
		}
		const title = {kind: 'files', label} as const;
		// `w` writes the HTML report of what is on screen, as in the live TUI
		const code = await runTui({store, options, io, title, writeReport: tuiReportWriter(store, options, title)});
		if (readError) throw readError instanceof UserError ? readError : new UserError(`reading the logs failed: ${readError instanceof Error ? readError.message : String(readError)}`);
		return code;
	} finally {
		prober?.stop();
		reader.abort();
		io.signal.removeEventListener('abort', stop);
		await reading;
		store.dispose();
	}
}
