/** The panes over states folded from the real corpus logs by the real parser and reducer. */
import {afterEach, describe, expect, it} from 'vitest';
import {emptyState} from '../../source/model/state.js';
import {createPipeline} from '../../source/store/pipeline.js';
import {readSavedLogs, resolveLogPaths} from '../../source/sources/files.js';
import {createStore, type Store} from '../../source/store/store.js';
import {plain, renderApp, type Rendered} from './harness.js';

const corpus = 'test/fixtures/corpus/nccl-2.28.9-h200x4';

async function load(scenario: string): Promise<Store> {
	const entries = await resolveLogPaths([`${corpus}/${scenario}`]);
	const store = createStore(emptyState({kind: 'files', files: entries.map(e => e.path)}), {flushMs: 0});
	await readSavedLogs(entries, createPipeline(store), {speed: 0});
	store.flush();
	return store;
}

let app: Rendered | null = null;
afterEach(() => {
	app?.unmount();
	app = null;
});

describe('panes over the corpus', () => {
	it('tp2x2-two-pods-all: P2P/CUMEM inside a pod, NET/Socket between pods, GDR not used because it is TCP', async () => {
		const store = await load('tp2x2-two-pods-all');
		app = renderApp(store.getState(), {store, cols: 200, rows: 60, title: {kind: 'files', label: 'tp2x2-two-pods-all'}});
		const f = plain(await app.waitFor('Paths'));
		expect(f).toMatch(/r\d pod1\/80\s+↔ r\d pod1\/90\s+P2P\/CUMEM\s+intra NVL/);
		expect(f).toMatch(/pod0\/\d0\s+↔ r\d pod1\/\d0\s+NET\/Socket\s+inter/);
		expect(f).toContain('not used (TCP)');
		expect(f).toMatch(/ranks 4\/4 ready/);
	});

	it('p2p-disabled-shm: the ranks talk over SHM', async () => {
		const store = await load('p2p-disabled-shm');
		app = renderApp(store.getState(), {store, cols: 120, rows: 40, title: {kind: 'files', label: 'p2p-disabled-shm'}});
		await app.press('2');
		const f = plain(await app.waitFor('▶ 2 Paths'));
		expect(f).toMatch(/pod0\/60\s+↔ r\d pod0\/\d0\s+SHM/);
	});

	it('crash-rank1 at 80x24: the first failure is on screen, its follow-ons marked, nothing wider than 80', async () => {
		const store = await load('crash-rank1');
		app = renderApp(store.getState(), {store, cols: 80, rows: 24, title: {kind: 'files', label: 'crash-rank1'}});
		const f = plain(await app.waitFor('exit 3'));
		expect(f).toMatch(/!\s+1 pod0\s+70\s+FAILED/);
		expect(f).toMatch(/◀\s+0 pod0 .*follow-on/);
		for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
	});
});
