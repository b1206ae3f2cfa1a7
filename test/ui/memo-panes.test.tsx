/**
 * Panes are memoised (cached lines, React.memo frames, one Ink text node a pane): a
 * pane whose state did not change is not built again, and one whose state did is.
 * Each pane builder is wrapped to count its calls, so these tests see the cache
 * itself, not only a screen that would look the same if every pane were rebuilt.
 * Real corpus lines go through the real pipeline into a store the App shows.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {emptyState} from '../../source/model/state.js';
import {createPipeline} from '../../source/store/pipeline.js';
import {createStore} from '../../source/store/store.js';
import {plain, renderApp, type Rendered} from './harness.js';

/** Calls of each pane builder the App uses (a builder runs when its pane's cache misses). */
const {builds, counted} = vi.hoisted(() => {
	const builds = {paths: 0, gdr: 0, logs: 0, findings: 0, ranks: 0};
	const counted =
		<A extends unknown[], R>(pane: keyof typeof builds, build: (...a: A) => R) =>
		(...a: A): R => {
			builds[pane]++;
			return build(...a);
		};
	return {builds, counted};
});

vi.mock('../../source/ui/panes/paths-pane.js', async original => {
	const m = await original<typeof import('../../source/ui/panes/paths-pane.js')>();
	return {...m, pathsPane: counted('paths', m.pathsPane)};
});
vi.mock('../../source/ui/panes/gdr-pane.js', async original => {
	const m = await original<typeof import('../../source/ui/panes/gdr-pane.js')>();
	return {...m, gdrPane: counted('gdr', m.gdrPane)};
});
vi.mock('../../source/ui/panes/logs-pane.js', async original => {
	const m = await original<typeof import('../../source/ui/panes/logs-pane.js')>();
	return {...m, logsPane: counted('logs', m.logsPane)};
});
vi.mock('../../source/ui/panes/findings-pane.js', async original => {
	const m = await original<typeof import('../../source/ui/panes/findings-pane.js')>();
	return {...m, findingsPane: counted('findings', m.findingsPane)};
});
vi.mock('../../source/ui/panes/ranks-pane.js', async original => {
	const m = await original<typeof import('../../source/ui/panes/ranks-pane.js')>();
	return {...m, ranksPane: counted('ranks', m.ranksPane)};
});

const corpus = path.resolve(import.meta.dirname, '../fixtures/corpus/nccl-2.28.9-h200x4/tp2x2-two-pods-all');

let app: Rendered | null = null;
afterEach(() => {
	app?.unmount();
	app = null;
});

describe('memoised panes', () => {
	it('redraw the panes whose state changed, and keep the others as they were', async () => {
		const store = createStore(emptyState({kind: 'files', files: ['pod0.log', 'pod1.log']}), {flushMs: 0});
		app = renderApp(store.getState(), {cols: 200, rows: 60, store});
		const empty = plain(await app.waitFor('Paths'));
		expect(empty).not.toContain('NET/Socket');
		const pipeline = createPipeline(store);
		for (const pod of ['pod0', 'pod1']) {
			const text = readFileSync(path.join(corpus, `${pod}.log`), 'utf8');
			pipeline.openStream(pod, 'main').write(text);
		}
		// Paths and GDR (cached on their view-models) now show the corpus's transports,
		// and the logs pane (cached on the log revision) its last lines.
		const f = plain(await app.waitFor('NET/Socket'));
		expect(f).toContain('P2P/CUMEM');
		expect(f).toMatch(/GPU Direct RDMA/);
		const last = readFileSync(path.join(corpus, 'pod1.log'), 'utf8').trim().split('\n').at(-1)!;
		expect(f).toContain(last.slice(-30).trim());
		// a key moves focus: only the two frames' titles change, every line of the rest stays
		const before = plain(app.frame()).split('\n');
		const built = {...builds};
		const frames = app.frames();
		await app.press('\t');
		const after = plain(app.frame()).split('\n');
		const changed = after.filter((l, i) => l !== before[i]);
		expect(changed.length).toBeGreaterThan(0);
		expect(
			changed.every(l => /Ranks|Paths/.test(l)),
			changed.join('\n'),
		).toBe(true);
		// and it was drawn without building again any pane whose content focus does not touch
		expect(app.frames()).toBeGreaterThan(frames);
		expect(builds.ranks, 'the ranks pane draws its cursor: rebuilt').toBeGreaterThan(built.ranks);
		expect({paths: builds.paths, gdr: builds.gdr, logs: builds.logs, findings: builds.findings}).toEqual({paths: built.paths, gdr: built.gdr, logs: built.logs, findings: built.findings});
	});

	it('build a pane again when its state changes, and only then', async () => {
		const store = createStore(emptyState({kind: 'files', files: ['pod0.log']}), {flushMs: 0});
		app = renderApp(store.getState(), {cols: 200, rows: 60, store});
		await app.waitFor('Paths');
		const lines = readFileSync(path.join(corpus, 'pod0.log'), 'utf8').split('\n');
		const channel = lines.findIndex(l => l.includes(' via P2P/CUMEM'));
		const stream = createPipeline(store).openStream('pod0', 'main');
		stream.write(`${lines.slice(0, channel).join('\n')}\n`);
		await app.waitFor(lines[channel - 1]!.slice(-30).trim());
		const settled = {...builds};
		// the first connection line: the Paths pane now has a transport to show, so it is built again
		stream.write(`${lines[channel]}\n`);
		expect(plain(await app.waitFor('P2P/CUMEM'))).toContain('P2P/CUMEM');
		expect(builds.paths).toBeGreaterThan(settled.paths);
		// focus goes round every pane (four new screens, nothing new read): Paths and the logs are not built again
		const still = {...builds};
		const frames = app.frames();
		await app.press('\t\t\t\t');
		expect(app.frames()).toBeGreaterThanOrEqual(frames + 4);
		expect(builds.paths, 'focus cycles; Paths shows the same').toBe(still.paths);
		expect(builds.logs, 'no new log line').toBe(still.logs);
	});

	it('draw non-ASCII glyphs as themselves (the ASCII layout filler never reaches the screen)', async () => {
		const store = createStore(emptyState({kind: 'files', files: ['pod0.log']}), {flushMs: 0});
		app = renderApp(store.getState(), {cols: 120, rows: 40, store});
		createPipeline(store)
			.openStream('pod0', 'main')
			.write(readFileSync(path.join(corpus, 'pod0.log'), 'utf8'));
		const f = plain(await app.waitFor('Ranks'));
		expect(f).toMatch(/[▸◀›…↔]/);
		expect(f).not.toMatch(/~~~~/);
	});
});
