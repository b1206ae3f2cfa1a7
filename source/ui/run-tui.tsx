/**
 * Runs the TUI until `q`/Ctrl-C, io.signal or a SIGINT/SIGTERM/SIGHUP, on the
 * alternate screen, and on every way out (quit, signal, exception, process exit)
 * restores the terminal (normal screen, cursor, cooked mode) and leaves the
 * summary. With a non-UTF-8 locale (options.ascii) every byte it writes is ASCII.
 * Without a TTY, or with TERM=dumb, it prints one plain frame (or the snapshot
 * with --json) once the source has settled, and returns the exit code (contract/cli.md).
 */
import os from 'node:os';
import {render} from 'ink';
import type {Io} from '../core/io.js';
import type {Finding} from '../findings/index.js';
import type {Options} from '../core/options.js';
import type {Store} from '../store/store.js';
import {createSelectors} from '../view/selectors.js';
import {toSnapshot} from '../view/snapshot.js';
import {terminalJson} from '../core/text-safety.js';
import type {TuiTitle} from '../view/header-model.js';
import {App} from './app.js';
import {createFrameBudget} from './hooks/frame-budget.js';
import {installInkFrameCache} from './ink-frame-cache.js';
import {installScreenDiff} from './screen-diff.js';
import {plainFrame, quitSummary} from './plain-frame.js';
import {installAsciiFold, toAscii} from './theme.js';

const enterAlt = '\x1b[?1049h\x1b[H';
const leaveAlt = '\x1b[?25h\x1b[?1049l';

/** The signals that end the TUI as `q` does; a second one exits at once (128 + its number, as a shell reports it). */
const quitSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * The full-screen UI needs a terminal that can place the cursor: a TTY whose TERM is not
 * `dumb` (Emacs' shell, some CI runners). Anything else gets the plain frame a pipe gets.
 */
export function fullScreen(io: Pick<Io, 'stdout' | 'env'>): boolean {
	return Boolean(io.stdout.isTTY) && io.env['TERM'] !== 'dumb';
}

export interface RunTuiArgs {
	store: Store;
	options: Options;
	io: Io;
	title: TuiTitle;
	/** the `w` key's writer (the command hands it in: the UI opens no file) */
	writeReport?: (findings: Finding[]) => Promise<string>;
}

const exitCode = (findings: readonly Finding[]) => (findings.some(f => f.severity === 'error') ? 1 : 0);

function nowFor(args: RunTuiArgs): number {
	const s = args.store.getState();
	return args.title.kind === 'files' ? (s.lastTs ?? Date.now()) : Date.now();
}

/** Resolves when the source has settled: files read to the end, or (live) a second without change, or aborted. */
function settled(store: Store, signal: AbortSignal, files: boolean): Promise<void> {
	return new Promise(resolve => {
		let quiet: NodeJS.Timeout | null = null;
		let cap: NodeJS.Timeout | null = null;
		const done = () => {
			unsubscribe();
			if (quiet) clearTimeout(quiet);
			if (cap) clearTimeout(cap);
			signal.removeEventListener('abort', done);
			resolve();
		};
		const check = () => {
			if (store.getState().ended) return done();
			if (!files) {
				if (quiet) clearTimeout(quiet);
				quiet = setTimeout(done, 1000);
			}
		};
		const unsubscribe = store.subscribe(check);
		signal.addEventListener('abort', done);
		if (signal.aborted) return done();
		if (!files) cap = setTimeout(done, 15_000);
		check();
	});
}

export async function runTui(args: RunTuiArgs): Promise<number> {
	const {store, options, io, title} = args;
	if (!fullScreen(io)) {
		await settled(store, io.signal, title.kind === 'files');
		store.flush();
		const state = store.getState();
		const now = nowFor(args);
		if (options.json) {
			const findings = createSelectors(title, options.findings).findings(state, now);
			io.stdout.write(terminalJson(toSnapshot(state, findings, {now, generatedAt: new Date()})) + '\n');
			return exitCode(findings);
		}
		const frame = plainFrame(state, title, options, now, io.stdout.columns || 120);
		io.stdout.write(options.ascii ? toAscii(frame.text) : frame.text);
		return exitCode(frame.findings);
	}

	const out = io.stdout as NodeJS.WriteStream;
	const stdin = io.stdin as NodeJS.ReadStream;
	let summaryFindings: Finding[] | null = null;
	const summary = () => {
		const state = store.getState();
		const now = nowFor(args);
		const findings = summaryFindings ?? createSelectors(title, options.findings).findings(state, now);
		const text = quitSummary(state, title, options, findings, now, out.columns || 100);
		return {text: options.ascii ? toAscii(text) : text, findings};
	};
	// Leave the alternate screen, show the cursor, leave raw mode: the terminal as it was found.
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		try {
			if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
		} catch {
			/* stdin is gone */
		}
		try {
			out.write(leaveAlt);
		} catch {
			/* the terminal is gone; nothing left to restore */
		}
	};
	let summaryWritten = false;
	const writeSummary = (text: string) => {
		if (summaryWritten) return;
		summaryWritten = true;
		try {
			out.write(text);
		} catch {
			/* the terminal is gone */
		}
	};
	// A crash or a process.exit anywhere (another handler's second Ctrl-C) still leaves the
	// alternate screen, and the summary is printed. A TTY write is synchronous: it lands before the exit.
	const onExit = () => {
		if (restored) return;
		restore();
		try {
			writeSummary(summary().text);
		} catch {
			/* a summary of a broken state: the screen matters more */
		}
	};
	process.once('exit', onExit);

	// While the TUI runs, a signal is its own to handle: the first ends it as `q` does (the
	// summary is printed below), a second exits at once. Without a listener of ours, Ink's
	// signal-exit re-raises the signal and the process dies on the alternate screen.
	let signalled = false;
	let endBySignal: (() => void) | null = null;
	const onSignal = (signal: NodeJS.Signals) => {
		// SIGHUP: the terminal may be gone; a failed write must not become an uncaught error
		if (signal === 'SIGHUP') out.on('error', () => {});
		if (signalled) {
			onExit();
			process.exit(128 + (os.constants.signals[signal] ?? 1));
		}
		signalled = true;
		endBySignal?.();
	};
	for (const sig of quitSignals) process.on(sig, onSignal);

	// Glyphs Ink draws that no pane chose (and any a pane forgot) become ASCII on the way out.
	const fold = options.ascii ? installAsciiFold(out as never) : {uninstall: () => {}};
	out.write(enterAlt);

	let instance: ReturnType<typeof render> | null = null;
	// Ink rewrites every frame whole; over SSH only the changed rows should go.
	// INFERTOP_FULL_REDRAW=1 turns that off (a terminal that gets out of step).
	const screen = process.env['INFERTOP_FULL_REDRAW'] === '1' ? {uninstall: () => {}} : installScreenDiff(out as never);
	try {
		// Ink repaints every row of every frame; this reuses the rows that did not change.
		installInkFrameCache();
		const budget = createFrameBudget();
		const interactive = Boolean(stdin.isTTY && typeof stdin.setRawMode === 'function');
		await new Promise<void>((resolve, reject) => {
			const onQuit = (f: Finding[]) => {
				summaryFindings = f;
				resolve();
			};
			endBySignal = resolve;
			const onAbort = () => resolve();
			io.signal.addEventListener('abort', onAbort, {once: true});
			if (io.signal.aborted || signalled) return resolve();
			instance = render(
				<App
					store={store}
					title={title}
					color={options.color}
					ascii={options.ascii}
					findingOptions={options.findings}
					live={title.kind !== 'files'}
					stdout={out}
					onQuit={onQuit}
					interactive={interactive}
					budget={budget}
					writeReport={args.writeReport}
				/>,
				{
					stdout: out,
					stdin,
					stderr: io.stderr as NodeJS.WriteStream,
					exitOnCtrlC: false,
					patchConsole: false,
					maxFps: 30, // store-driven renders are already coalesced to ≤ 10/s (useStoreView); keys should not wait for a frame slot
					// Ink 6.8's incremental mode draws a frame that ends in a newline one row low (seen in
					// tmux): off; screen-diff.ts sends only the changed rows instead.
					incrementalRendering: false,
					onRender: ({renderTime}) => budget.record(renderTime),
				},
			);
			instance.waitUntilExit().then(() => resolve(), reject);
		});
	} finally {
		try {
			(instance as ReturnType<typeof render> | null)?.unmount();
		} catch {
			/* unmounting a broken tree: restoring the screen matters more */
		}
		screen.uninstall();
		restore();
		fold.uninstall();
		process.removeListener('exit', onExit);
		// Every way out leaves the summary, an exception too (it is rethrown after).
		try {
			const s = summary();
			summaryFindings = s.findings;
			writeSummary(s.text);
		} catch {
			/* the exception on its way out says more */
		}
		for (const sig of quitSignals) process.removeListener(sig, onSignal);
	}
	return exitCode(summaryFindings ?? []);
}
