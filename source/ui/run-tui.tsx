/**
 * Runs the TUI until `q`/Ctrl-C or io.signal, on the alternate screen, and
 * restores the terminal on every way out (quit, signal, exception, process
 * exit). Without a TTY it prints one plain frame (or the snapshot with --json)
 * once the source has settled, and returns the exit code (contract/cli.md).
 */
import {render} from 'ink';
import React from 'react';
import type {Io} from '../commands/io.js';
import type {Finding} from '../findings/index.js';
import type {Options} from '../options.js';
import type {Store} from '../store/store.js';
import {createSelectors} from '../view/selectors.js';
import {toSnapshot} from '../view/snapshot.js';
import {terminalJson} from '../text-safety.js';
import type {TuiTitle} from '../view/header-model.js';
import {App} from './app.js';
import {createFrameBudget} from './hooks/frame-budget.js';
import {installInkFrameCache} from './ink-frame-cache.js';
import {installScreenDiff} from './screen-diff.js';
import {plainFrame, quitSummary} from './plain-frame.js';

const enterAlt = '\x1b[?1049h\x1b[H';
const leaveAlt = '\x1b[?25h\x1b[?1049l';

export interface RunTuiArgs {
	store: Store;
	options: Options;
	io: Io;
	title: TuiTitle;
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
	if (!io.stdout.isTTY) {
		await settled(store, io.signal, title.kind === 'files');
		store.flush();
		const state = store.getState();
		const now = nowFor(args);
		if (options.json) {
			const findings = createSelectors(title, options.findings).findings(state, now);
			io.stdout.write(terminalJson(toSnapshot(state, findings, {now})) + '\n');
			return exitCode(findings);
		}
		const frame = plainFrame(state, title, options, now, io.stdout.columns || 120);
		io.stdout.write(frame.text);
		return exitCode(frame.findings);
	}

	const out = io.stdout as NodeJS.WriteStream;
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		try {
			out.write(leaveAlt);
		} catch {
			/* the terminal is gone; nothing left to restore */
		}
	};
	// A crash or process.exit anywhere still leaves the alternate screen.
	const onExit = () => restore();
	process.once('exit', onExit);
	out.write(enterAlt);

	let instance: ReturnType<typeof render> | null = null;
	let quitFindings: Finding[] | null = null;
	// Ink rewrites every frame whole; over SSH only the changed rows should go.
	// INFERTOP_FULL_REDRAW=1 turns that off (a terminal that gets out of step).
	const screen = process.env['INFERTOP_FULL_REDRAW'] === '1' ? {uninstall: () => {}} : installScreenDiff(out as never);
	try {
		// Ink repaints every row of every frame; this reuses the rows that did not change.
		installInkFrameCache();
		const budget = createFrameBudget();
		const interactive = Boolean((io.stdin as NodeJS.ReadStream).isTTY && typeof (io.stdin as NodeJS.ReadStream).setRawMode === 'function');
		await new Promise<void>((resolve, reject) => {
			const onQuit = (f: Finding[]) => {
				quitFindings = f;
				resolve();
			};
			const onAbort = () => resolve();
			io.signal.addEventListener('abort', onAbort, {once: true});
			if (io.signal.aborted) return resolve();
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
				/>,
				{
					stdout: out,
					stdin: io.stdin as NodeJS.ReadStream,
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
		process.removeListener('exit', onExit);
	}
	const state = store.getState();
	const now = nowFor(args);
	const findings = quitFindings ?? createSelectors(title, options.findings).findings(state, now);
	out.write(quitSummary(state, title, options, findings, now, out.columns || 100));
	return exitCode(findings);
}
