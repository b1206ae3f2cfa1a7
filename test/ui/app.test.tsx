import {afterEach, describe, expect, it} from 'vitest';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {createStore} from '../../source/store/store.js';
import {widthOf} from '../../source/ui/text.js';
import {plain, renderApp, type Rendered} from './harness.js';
import {bigState, crashState, T_END} from './states.js';

let app: Rendered | null = null;
afterEach(() => {
	app?.unmount();
	app = null;
});

const lines = (f: string) => plain(f).split('\n');

describe('the TUI over a crashed rollout (crash-rank1 shape)', () => {
	it('names the exited rank and the late one, with a marker and not only colour', async () => {
		app = renderApp(crashState(), {cols: 120, rows: 40});
		const f = plain(await app.waitFor('Ranks'));
		const r1 = lines(f).find(l => /!\s+1 pod0/.test(l));
		expect(r1, f).toBeDefined();
		expect(r1).toContain('exit 3');
		const r3 = lines(f).find(l => /◀\s+3 pod1/.test(l));
		expect(r3, f).toBeDefined();
		expect(r3).toMatch(/late \+25s/);
		// worst first: the exited rank is listed before the healthy rank 0
		expect(f.indexOf('exit 3')).toBeLessThan(f.search(/ 0 pod0/));
	});

	it('shows the transports used and every finding the rules produce, by subject', async () => {
		const state = crashState();
		app = renderApp(state, {cols: 200, rows: 60});
		const f = plain(await app.waitFor('Paths'));
		expect(f).toContain('P2P/CUMEM');
		expect(f).toContain('NET/Socket');
		for (const finding of computeFindings(state, T_END, defaultFindingOptions).slice(0, 3)) expect(f).toContain(finding.subject.slice(0, 20));
	});

	it('flags NVLink present but unused as NVL→SHM in the paths pane', async () => {
		app = renderApp(crashState({shm: true}), {cols: 120, rows: 40});
		await app.press('2');
		const f = plain(await app.waitFor('NVL→SHM'));
		expect(f).toMatch(/NVLink unused/);
	});

	it('says GDR is not used because inter-node traffic is TCP, with the evidence and the settings', async () => {
		app = renderApp(crashState(), {cols: 120, rows: 40});
		await app.press('3');
		const f = plain(await app.waitFor('3 GDR'));
		expect(f).toContain('not used (TCP)');
		expect(f).toContain("GPU Direct RDMA Disabled for HCA 0 'eth0'");
		expect(f).toContain('NCCL_SOCKET_IFNAME');
	});

	it('shows the engine config as it is known', async () => {
		app = renderApp(crashState(), {cols: 120, rows: 40});
		await app.press('4');
		const f = plain(await app.waitFor('4 Engine'));
		expect(f).toContain('meta-llama/Llama-3.1-70B-Instruct');
		expect(f).toMatch(/TP 2 PP 2/);
		expect(f).toContain('12/30 shards');
		await app.press('5');
		expect(plain(await app.waitFor('5 Endpoint'))).toContain('no endpoint configured');
	});

	it('Enter opens the rank under the cursor; Esc goes back', async () => {
		app = renderApp(crashState(), {cols: 120, rows: 40});
		await app.waitFor('Ranks');
		await app.press('\r');
		let f = plain(await app.waitFor('communicators (1)'));
		expect(f).toMatch(/rank 1 · pod0 · bus 70/);
		await app.press('\x1b');
		await new Promise(r => setTimeout(r, 100));
		f = plain(await app.waitFor('nccl init'));
		expect(f).not.toContain('communicators (1)');
	});

	it('? lists every key; q asks to quit', async () => {
		app = renderApp(crashState(), {cols: 120, rows: 40});
		await app.press('?');
		const f = plain(await app.waitFor('Keys'));
		for (const k of ['Tab / Shift-Tab', 'Enter', 'Esc', '/', 'q, Ctrl-C', 'f', 'p', 'n']) expect(f).toContain(k);
		await app.press('\x1b');
		await app.press('q');
		expect(app.quits).toBe(1);
	});
});

describe('sizes and modes', () => {
	it('at 80x24 nothing is wider than 80 columns or taller than the screen, and the focused pane is shown whole', async () => {
		app = renderApp(crashState(), {cols: 80, rows: 24});
		const f = await app.waitFor('Ranks');
		const ls = lines(f);
		expect(ls.length).toBeLessThanOrEqual(23);
		for (const l of ls) expect(widthOf(l)).toBeLessThanOrEqual(80);
		expect(plain(f)).toContain('exit 3');
		expect(plain(f)).toMatch(/1Ranks/);
	});

	it('--ascii --no-color: no box drawing, no colour codes, markers still there', async () => {
		app = renderApp(crashState(), {cols: 120, rows: 40, ascii: true, color: false});
		const f = await app.waitFor('Ranks');
		expect(f).not.toMatch(/[╭╮╰╯│─▶◀…›]/);
		expect(f).not.toMatch(/\x1b\[(3[0-7]|9[0-7])m/);
		expect(plain(f)).toMatch(/!\s+1 pod0/);
		expect(plain(f)).toMatch(/<\s+3 pod1/);
	});

	it('512 ranks: draws only the rows that fit, collapses healthy groups, keeps problems open; n jumps to them', async () => {
		app = renderApp(bigState(), {cols: 120, rows: 40});
		const f = plain(await app.waitFor('Ranks'));
		expect(f).toMatch(/group \d+ \(2 pods\)\s+16 ranks, 16 ready/);
		expect(f).toMatch(/◀\s+317 /);
		expect(f).toMatch(/◀\s+77 /);
		expect(f).toContain('need attention');
		// the ranks pane never holds more rows than its box
		expect(lines(f).length).toBeLessThanOrEqual(39);
		await app.press('n');
		await app.press('\r');
		const d = plain(await app.waitFor(/rank (317|77) · ds-r1/));
		expect(d).toContain('communicators (1)');
	});
});

describe('logs', () => {
	function withLogs() {
		const store = createStore(crashState(), {flushMs: 0});
		const r1 = Object.values(store.getState().procs).find(p => p.worldRank === 1)!.key;
		const at = T_END - 1000;
		store.pushLine({pod: 'pod1', container: 'log', at: at + 2, text: 'vm:1001:1001 [0] NCCL INFO comm 0x1 rank 2 nranks 4 - Init COMPLETE', proc: null});
		store.pushLine({pod: 'pod0', container: 'log', at: at + 1, text: 'vm:966:966 [1] NCCL INFO rank 1 about to exit', proc: r1});
		store.pushLine({pod: 'pod0', container: 'log', at: at + 3, text: 'evil \x1b]52;c;ZWNobyBoaQ==\x07clip \x1b[2Jclear \u202Eesrever\u202C \x1b]0;title\x07end', proc: null});
		store.flush();
		return store;
	}

	it('merges pods in timestamp order and sanitises at draw time (no ESC, OSC 52 or bidi reaches the frame)', async () => {
		app = renderApp(crashState(), {cols: 120, rows: 40, store: withLogs()});
		const f = await app.waitFor('evil');
		expect(f).not.toContain('\x1b]');
		expect(f).not.toContain('\x1b[2J');
		expect(f).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
		expect(plain(f)).toContain('evil clip clear esrever end');
		const p = plain(f);
		expect(p.indexOf('about to exit')).toBeLessThan(p.indexOf('Init COMPLETE'));
	});

	it('/ filters by regex, an invalid regex is an error on screen, Esc clears', async () => {
		app = renderApp(crashState(), {cols: 120, rows: 40, store: withLogs()});
		await app.waitFor('evil');
		await app.press('/Init');
		await app.press('\r');
		let f = plain(await app.waitFor('filter /Init/'));
		expect(f).toContain('Init COMPLETE');
		expect(f).not.toContain('about to exit');
		await app.press('/(');
		f = plain(await app.waitFor('invalid regex'));
		await app.press('\x1b');
		f = plain(await app.waitFor('about to exit'));
		expect(f).not.toContain('invalid regex');
	});

	it('p pauses the log view (new lines wait), f follows again and shows them', async () => {
		const store = withLogs();
		app = renderApp(crashState(), {cols: 120, rows: 40, store});
		await app.waitFor('evil');
		await app.press('7p');
		await app.waitFor('PAUSED');
		store.pushLine({pod: 'pod1', container: 'log', at: T_END, text: 'a line that arrived while paused', proc: null});
		store.dispatch([]);
		store.flush();
		await new Promise(r => setTimeout(r, 150));
		expect(plain(app.frame())).not.toContain('arrived while paused');
		await app.press('f');
		expect(plain(await app.waitFor('arrived while paused'))).toContain('following');
	});

	it('l on a rank shows only its lines', async () => {
		app = renderApp(crashState(), {cols: 120, rows: 40, store: withLogs()});
		await app.waitFor('evil');
		await app.press('1l');
		const f = plain(await app.waitFor('only (Esc: all)'));
		expect(f).toContain('about to exit');
		expect(f).not.toContain('Init COMPLETE');
	});
});

describe('endpoint', () => {
	it('shows health, models and a latency sparkline, and never the credential in the URL', async () => {
		const state = crashState();
		state.endpoint = {
			url: 'http://admin:s3cr3t@10.0.0.5:8000/?api_key=sk-live-123',
			via: 'direct',
			health: 'stalled',
			reason: 'requests running but no tokens for 45s',
			lastStatus: 200,
			latencyMs: 12,
			latencyHistory: [10, 12, 30, 11, 9, 50, 12],
			models: ['llama-70b'],
			version: '0.11.0',
			metrics: null,
			lastProbeAt: T_END,
			lastProgressAt: T_END - 45_000,
			completionLatencyMs: null,
			errors: [],
		};
		app = renderApp(state, {cols: 120, rows: 40});
		await app.press('5');
		const f = plain(await app.waitFor('5 Endpoint'));
		expect(f).toContain('stalled');
		expect(f).toContain('llama-70b');
		expect(f).toMatch(/latency\s+[▁▂▃▄▅▆▇█]+/);
		expect(f).not.toContain('s3cr3t');
		expect(f).not.toContain('sk-live-123');
	});
});
