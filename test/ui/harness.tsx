/** Renders the real App over a real store with ink-testing-library, at a chosen terminal size. */
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import {defaultFindingOptions} from '../../source/findings/index.js';
import type {RolloutState} from '../../source/model/state.js';
import {createStore, type Store} from '../../source/store/store.js';
import {App} from '../../source/ui/app.js';
import type {TuiTitle} from '../../source/view/header-model.js';

/**
 * A terminal of any size. ink-testing-library's stdout is fixed at 100 columns,
 * so the App is rendered by Ink itself (debug mode: every frame whole) into this.
 */
export class FakeTerminal extends EventEmitter {
	frames: string[] = [];
	isTTY = false;
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}
	write = (frame: string) => {
		this.frames.push(frame);
		return true;
	};
	lastFrame = () => this.frames[this.frames.length - 1] ?? '';
}

/** Keys in, the way ink-testing-library feeds them ('readable' then read()). */
export class FakeKeyboard extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	write = (data: string) => {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	};
	read = () => {
		const d = this.data;
		this.data = null;
		return d;
	};
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

export function fakeTerminal(columns: number, rows: number) {
	return new FakeTerminal(columns, rows);
}

export interface Rendered {
	store: Store;
	frame(): string;
	/** frames Ink has drawn so far (debug mode: one per React commit) */
	frames(): number;
	press(keys: string): Promise<void>;
	waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
	unmount(): void;
	quits: number;
}

export function renderApp(state: RolloutState, opts: {cols?: number; rows?: number; color?: boolean; ascii?: boolean; title?: TuiTitle; live?: boolean; store?: Store} = {}): Rendered {
	const store = opts.store ?? createStore(state, {flushMs: 0});
	const term = fakeTerminal(opts.cols ?? 120, opts.rows ?? 40);
	const out: Rendered = {} as Rendered;
	out.quits = 0;
	const stdin = new FakeKeyboard();
	const app = render(
		<App
			store={store}
			title={opts.title ?? {kind: 'files', label: 'crash-rank1'}}
			color={opts.color ?? true}
			ascii={opts.ascii ?? false}
			findingOptions={defaultFindingOptions}
			live={opts.live ?? false}
			stdout={term as never}
			onQuit={() => out.quits++}
			intervalMs={0}
			findingsEveryMs={0}
			modelsEveryMs={0}
		/>,
		{stdout: term as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false},
	);
	const frame = () => term.lastFrame();
	Object.assign(out, {
		store,
		frame,
		frames: () => term.frames.length,
		unmount: () => app.unmount(),
		async press(keys: string) {
			for (const k of keys) {
				stdin.write(k);
				await new Promise(r => setTimeout(r, 15));
			}
			await new Promise(r => setTimeout(r, 30));
		},
		async waitFor(text: string | RegExp, timeoutMs = 3000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const f = frame();
				if (typeof text === 'string' ? f.includes(text) : text.test(f)) return f;
				if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)} in frame:\n${f}`);
				await new Promise(r => setTimeout(r, 20));
			}
		},
	});
	return out;
}

/** Strip SGR colour codes (ink-testing-library keeps them) to read the text a person sees. */
export const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
