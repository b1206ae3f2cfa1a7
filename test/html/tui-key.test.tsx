/**
 * `w` in the TUI writes the HTML report of what is on screen and the key bar says where;
 * a path that cannot be written is said there too; `w` typed into the log filter is text.
 * The App is the real one over a real store, fed real corpus lines, with the writer the
 * live command hands it (commands/html-report.ts tuiReportWriter).
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {render} from 'ink';
import {afterAll, describe, expect, it} from 'vitest';
import {defaultFindingOptions} from '../../source/findings/index.js';
import {defaultReportFile, tuiReportWriter} from '../../source/commands/html-report.js';
import {toOptions} from '../../source/core/options.js';
import {createStore} from '../../source/store/store.js';
import {App} from '../../source/ui/app.js';
import type {TuiTitle} from '../../source/view/header-model.js';
import {scenarioDir} from '../helpers/load-scenario.js';
import {FakeKeyboard, fakeTerminal, plain} from '../ui/harness.js';
import {loadWithLines} from './load.js';

const title: TuiTitle = {kind: 'files', label: 'crash-rank1'};

async function tui(html: string) {
	const l = await loadWithLines([scenarioDir('crash-rank1')]);
	const store = createStore(l.state, {flushMs: 0});
	for (const line of l.lines) store.pushLine(line);
	const parsed = toOptions(['replay', scenarioDir('crash-rank1')], {html}, {LANG: 'C.UTF-8'});
	if (!parsed.ok) throw new Error(parsed.errors.join('; '));
	const term = fakeTerminal(160, 40);
	const keys = new FakeKeyboard();
	const app = render(
		<App
			store={store}
			title={title}
			color={false}
			ascii={false}
			findingOptions={defaultFindingOptions}
			live={false}
			stdout={term as never}
			onQuit={() => {}}
			intervalMs={0}
			findingsEveryMs={0}
			modelsEveryMs={0}
			writeReport={tuiReportWriter(store, parsed.options, title)}
		/>,
		{stdout: term as unknown as NodeJS.WriteStream, stdin: keys as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false},
	);
	const press = async (k: string) => {
		for (const c of k) {
			keys.write(c);
			await new Promise(r => setTimeout(r, 20));
		}
	};
	const waitFor = async (text: string) => {
		const deadline = Date.now() + 5000;
		while (!plain(term.lastFrame()).includes(text)) {
			if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${plain(term.lastFrame())}`);
			await new Promise(r => setTimeout(r, 20));
		}
		return plain(term.lastFrame());
	};
	return {press, waitFor, frame: () => plain(term.lastFrame()), unmount: () => app.unmount()};
}

describe('the w key', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'infertop-tui-report-'));
	afterAll(() => rmSync(dir, {recursive: true, force: true}));

	it('writes the report of the rollout on screen and says where, in the key bar', async () => {
		const file = path.join(dir, 'tui.html');
		const t = await tui(file);
		await t.waitFor('w report');
		await t.press('w');
		const frame = await t.waitFor(`HTML report written to ${file}`);
		expect(frame).not.toContain('w report  ? keys');
		const html = readFileSync(file, 'utf8');
		expect(html).toContain('<code>check: FAIL (1 error finding)</code>');
		// it quotes the lines the log pane holds
		expect(html).toContain('failed (exitcode: 3)');
		t.unmount();
	});

	it('a path it cannot write: the key bar says which and why', async () => {
		const blocker = path.join(dir, 'a-file');
		writeFileSync(blocker, 'x');
		const t = await tui(path.join(blocker, 'r.html'));
		await t.press('w');
		const frame = await t.waitFor(`cannot write the HTML report to ${path.join(blocker, 'r.html')}`);
		expect(frame).toContain('not a directory');
		t.unmount();
	});

	it('typed into the log filter, w is text', async () => {
		const file = path.join(dir, 'filter.html');
		const t = await tui(file);
		await t.press('/w');
		await new Promise(r => setTimeout(r, 200));
		expect(existsSync(file)).toBe(false);
		t.unmount();
	});

	it('without --html: a file named by the rollout and the time, in the current folder', () => {
		const at = Date.UTC(2026, 11, 2, 3, 15, 9);
		expect(defaultReportFile({source: {kind: 'kubernetes', context: null, namespace: 'inference', selector: null, workload: 'vllm'}} as never, at)).toBe('infertop-report-vllm-20261202T031509Z.html');
		expect(defaultReportFile({source: {kind: 'files', files: ['/x/crash-rank1/']}} as never, at)).toBe('infertop-report-crash-rank1-20261202T031509Z.html');
	});
});
