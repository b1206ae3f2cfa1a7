/**
 * Panes are memoised (cached lines, React.memo frames, one Ink text node a pane): a
 * pane whose state did not change is skipped, and one whose state did must still
 * redraw. Real corpus lines go through the real pipeline into a store the App shows.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {emptyState} from '../../source/model/state.js';
import {createPipeline} from '../../source/store/pipeline.js';
import {createStore} from '../../source/store/store.js';
import {plain, renderApp, type Rendered} from './harness.js';

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
		await app.press('\t');
		const after = plain(app.frame()).split('\n');
		const changed = after.filter((l, i) => l !== before[i]);
		expect(changed.length).toBeGreaterThan(0);
		expect(changed.every(l => /Ranks|Paths/.test(l)), changed.join('\n')).toBe(true);
	});

	it('draw non-ASCII glyphs as themselves (the ASCII layout filler never reaches the screen)', async () => {
		const store = createStore(emptyState({kind: 'files', files: ['pod0.log']}), {flushMs: 0});
		app = renderApp(store.getState(), {cols: 120, rows: 40, store});
		createPipeline(store).openStream('pod0', 'main').write(readFileSync(path.join(corpus, 'pod0.log'), 'utf8'));
		const f = plain(await app.waitFor('Ranks'));
		expect(f).toMatch(/[▸◀›…↔]/);
		expect(f).not.toMatch(/~~~~/);
	});
});
