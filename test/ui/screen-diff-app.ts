/**
 * Run by test/ui/screen-diff.test.ts in a child process without CI in its
 * environment: Ink decides once, when it is loaded, that under CI it writes only the
 * last frame, and a test runner's workers share that decision. Renders the real App
 * into a fake TTY through the screen diff while a storm of lines arrives, then prints
 * what the terminal received, what Ink asked to write, and the counts, as JSON.
 */
import {EventEmitter} from 'node:events';

delete process.env['CI'];
const React = (await import('react')).default;
const {render} = await import('ink');
const {App} = await import('../../source/ui/app.js');
const {createStore} = await import('../../source/store/store.js');
const {createPipeline} = await import('../../source/store/pipeline.js');
const {defaultFindingOptions} = await import('../../source/findings/index.js');
const {installScreenDiff} = await import('../../source/ui/screen-diff.js');
const {FakeKeyboard} = await import('./harness.js');
const {bigState} = await import('./states.js');

class Tty extends EventEmitter {
	isTTY = true;
	columns = 160;
	rows = 45;
	written = '';
	write = (c: string | Uint8Array) => {
		this.written += String(c);
		return true;
	};
}
const tty = new Tty();
const screen = installScreenDiff(tty);
// what Ink asked to write, before the diff
const asked: string[] = [];
const diffWrite = tty.write;
tty.write = (c: string | Uint8Array) => {
	asked.push(String(c));
	return diffWrite(c);
};
const store = createStore(bigState(4, 8));
const sink = createPipeline(store).openStream('storm-0', 'main');
const app = render(
	React.createElement(App, {store, title: {kind: 'kubernetes', context: 'test'}, color: true, ascii: false, findingOptions: defaultFindingOptions, live: true, stdout: tty as never, onQuit: () => {}, interactive: true, intervalMs: 20}),
	{stdout: tty as never, stdin: new FakeKeyboard() as never, exitOnCtrlC: false, patchConsole: false, maxFps: 60},
);
for (let k = 0; k < 30; k++) {
	sink.write(`2026-11-26T22:05:0${k % 10}.718062268Z vm:964:964 [0] NCCL INFO line ${k} of the storm\n`);
	await new Promise(r => setTimeout(r, 30));
}
await new Promise(r => setTimeout(r, 200));
app.unmount();
screen.uninstall();
store.dispose();
// exit only once the pipe has taken it all (a write to a pipe is asynchronous)
process.stdout.write(JSON.stringify({rows: tty.rows, written: tty.written, asked, stats: screen.stats}), () => process.exit(0));
