/**
 * `npm run bench startup`: cold start of the one-file build to its first frame,
 * in a real terminal (tmux): `node dist/infertop.mjs replay --speed 0 <log>`,
 * timed from launching the pane to the first screen that shows the Ranks pane;
 * beside it the executable (`npm run build:exe` → dist/infertop, no Node.js needed)
 * doing the same, and its size. Median and spread of several runs; the goal is
 * < 500 ms. Builds what is missing first. The tmux poll (every 5 ms) adds up to a few ms.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, statSync} from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.env['BENCH_STARTUP_RUNS'] ?? 7);
const log = 'test/fixtures/corpus/nccl-2.28.9-h200x4/tp2-timestamps/pod0.log';

function tmux(socket: string, ...args: string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8', cwd: root});
}

async function once(i: number, cmd: string, marker: string): Promise<number> {
	const socket = `infertop-startup-${process.pid}-${i}`;
	const env = {...process.env};
	delete env['CI'];
	delete env['TMUX'];
	// Start a shell that waits for a go signal, so tmux's own start-up is not counted.
	execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 's', '-x', '120', '-y', '40', `read go; ${cmd}; sleep 30`], {cwd: root, env});
	try {
		await new Promise(r => setTimeout(r, 150));
		const t0 = performance.now();
		tmux(socket, 'send-keys', '-t', 's', 'Enter');
		for (;;) {
			const screen = tmux(socket, 'capture-pane', '-p', '-t', 's');
			if (screen.includes(marker)) return performance.now() - t0;
			if (performance.now() - t0 > 20_000) throw new Error(`no first frame within 20 s:\n${screen}`);
			await new Promise(r => setTimeout(r, 5));
		}
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
	}
}

export async function benchStartup(): Promise<void> {
	if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('bench startup needs tmux');
	if (!existsSync(path.join(root, 'dist/infertop.mjs'))) {
		console.log('dist/infertop.mjs missing: npm run build');
		execFileSync('npm', ['run', 'build'], {cwd: root, stdio: 'inherit'});
	}
	if (!existsSync(path.join(root, 'dist/infertop'))) {
		console.log('dist/infertop missing: npm run build:exe');
		execFileSync('npm', ['run', 'build:exe'], {cwd: root, stdio: 'inherit'});
	}
	const mib = (f: string) => (statSync(path.join(root, f)).size / 1024 / 1024).toFixed(1);
	console.log(`sizes: dist/infertop.mjs ${mib('dist/infertop.mjs')} MiB (needs node); dist/infertop ${mib('dist/infertop')} MiB (the executable, node inside)`);
	const cases = [
		{label: 'node -e 0 (baseline: node start)', cmd: `node -e "console.log('RANKS-BASELINE')"`, marker: 'RANKS-BASELINE'},
		{label: 'infertop replay (dist, first frame)', cmd: `node dist/infertop.mjs replay --speed 0 ${log}`, marker: '1 Ranks'},
		{label: 'infertop replay (executable, first frame)', cmd: `dist/infertop replay --speed 0 ${log}`, marker: '1 Ranks'},
		{label: 'executable --version (no frame)', cmd: `dist/infertop --version | sed s/^/VERSION-/`, marker: 'VERSION-'},
	];
	for (const c of cases) {
		const times: number[] = [];
		for (let i = 0; i < runs; i++) times.push(await once(i, c.cmd, c.marker));
		times.sort((a, b) => a - b);
		const median = times[Math.floor(times.length / 2)]!;
		console.log(`${c.label.padEnd(40)} median ${median.toFixed(0)} ms  (min ${times[0]!.toFixed(0)}, max ${times[times.length - 1]!.toFixed(0)}, ${runs} runs)`);
		if (c.label.startsWith('infertop')) console.log(`goal: first frame < 500 ms — ${median < 500 ? 'ok' : 'MISSED'}`);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await benchStartup();
