/**
 * `npm run screenshots`: runs the real CLI in tmux, drives it with keys, and
 * captures the screen with colours (`capture-pane -e`) into screenshots/*.svg.
 * Shots: the overview of a healthy two-pod TP2×2 rollout, a crash, the paths
 * and GDR panes focused, and 80x24.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {TmuxSession, hasTmux, repoRoot} from '../test/ui/tmux.js';
import {ansiToSvg} from './ansi-to-svg.js';

const corpus = 'test/fixtures/corpus/nccl-2.28.9-h200x4';

interface Shot {
	name: string;
	scenario: string;
	cols: number;
	rows: number;
	keys?: string[];
	/** text that must be on screen before capturing */
	ready: string;
	title: string;
	/** instead of a replay of `scenario` */
	command?: string;
}

const shots: Shot[] = [
	{name: 'overview-tp2x2', scenario: 'tp2x2-two-pods-all', cols: 120, rows: 40, ready: 'Ranks', title: 'infertop replay: TP2 across two pods, all ranks ready'},
	{name: 'crash-rank1', scenario: 'crash-rank1', cols: 120, rows: 40, ready: 'exit 3', title: 'infertop replay: global rank 1 exits with code 3; its peers are follow-ons'},
	{name: 'paths-focused', scenario: 'tp2x2-two-pods-all', cols: 120, rows: 40, keys: ['2'], ready: '▶ 2 Paths', title: 'infertop: the Paths pane — NVLink matrix and the transport each pair used'},
	{name: 'gdr-focused', scenario: 'crash-rank1', cols: 120, rows: 40, keys: ['3'], ready: '▶ 3 GDR', title: 'infertop: GPU Direct RDMA in plain words'},
	{name: 'p2p-disabled-paths', scenario: 'p2p-disabled-shm', cols: 120, rows: 40, keys: ['2'], ready: '▶ 2 Paths', title: 'infertop: NCCL_P2P_DISABLE — GPUs talk over SHM'},
	{
		name: 'straggler-h200x4',
		scenario: '',
		command: 'node --import tsx cli.tsx replay --speed 0 test/fixtures/corpus/recorded/straggler-h200x4',
		cols: 120,
		rows: 40,
		ready: 'joined 30s late',
		title: 'infertop replay of a real straggler (4x H200): rank 3 joined NCCL init 30 s after its peers',
	},
	{name: 'small-80x24', scenario: 'crash-rank1', cols: 80, rows: 24, ready: 'exit 3', title: 'infertop at 80x24: one pane at a time under the worst findings'},
	{name: 'wide-200x60', scenario: 'tp2x2-two-pods-all', cols: 200, rows: 60, ready: 'Endpoint', title: 'infertop at 200x60: every pane at once'},
	{
		name: 'mid-run-kubectl-prefix',
		scenario: '',
		command: 'node --import tsx cli.tsx replay --speed 0 test/fixtures/public/recorded-wrapper-kubectl-prefix-timestamps-demo-crash.log',
		cols: 120,
		rows: 40,
		ready: 'exit 3',
		title: 'infertop replay of a saved `kubectl logs --prefix` of two pods: each pod its own stream',
	},
	{name: 'demo-serving', scenario: '', command: 'node --import tsx cli.tsx demo --speed 5', cols: 120, rows: 40, keys: ['5'], ready: 'endpoint healthy', title: 'infertop demo: a simulated LWS rollout reaches serving, endpoint probed'},
];

/** The replay is done when the screen stops changing (the clock is the replayed one, so it stops too). */
async function stable(s: TmuxSession, quietMs = 1200, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = s.capture();
	let since = Date.now();
	while (Date.now() < deadline) {
		await new Promise(r => setTimeout(r, 200));
		const now = s.capture();
		if (now !== last) {
			last = now;
			since = Date.now();
		} else if (Date.now() - since >= quietMs) return;
	}
}

async function main() {
	if (!hasTmux()) throw new Error('screenshots need tmux (apt-get install tmux)');
	const dir = path.join(repoRoot, 'screenshots');
	mkdirSync(dir, {recursive: true});
	for (const shot of shots) {
		const s = new TmuxSession(`shot-${shot.name}`);
		try {
			s.start(`${shot.command ?? `node --import tsx cli.tsx replay --speed 0 ${corpus}/${shot.scenario}`}; sleep 30`, shot.cols, shot.rows, {TERM: 'xterm-256color', FORCE_COLOR: '1', LANG: 'C.UTF-8'});
			await s.waitFor(x => x.includes('Ranks'), 30_000);
			if (shot.command) await s.waitFor(shot.ready, 60_000);
			else await stable(s);
			for (const k of shot.keys ?? []) s.keys(k);
			await s.waitFor(shot.ready, 10_000);
			await new Promise(r => setTimeout(r, 300)); // let the last throttled frame land
			const svg = ansiToSvg(s.capture(true), {cols: shot.cols, rows: shot.rows, title: shot.title});
			writeFileSync(path.join(dir, `${shot.name}.svg`), svg);
			console.log(`screenshots/${shot.name}.svg  ${shot.cols}x${shot.rows}  ${shot.title}`);
		} finally {
			s.kill();
		}
	}
}

main().catch(error => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
