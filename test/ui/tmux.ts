/** Drive the real CLI in a real terminal: tmux on a private socket, polled with deadlines (no fixed sleeps). */
import {execFileSync, spawnSync} from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export function hasTmux(): boolean {
	return spawnSync('tmux', ['-V'], {encoding: 'utf8'}).status === 0;
}

export class TmuxSession {
	readonly socket: string;
	readonly name = 'infertop';
	constructor(tag: string) {
		this.socket = `infertop-${tag}-${process.pid}-${Date.now().toString(36)}`;
	}
	private tmux(...args: string[]): string {
		return execFileSync('tmux', ['-L', this.socket, ...args], {encoding: 'utf8', cwd: repoRoot});
	}
	start(command: string, cols: number, rows: number, env: Record<string, string | undefined> = {}): void {
		const clean = {...process.env, ...env};
		delete clean['CI']; // Ink writes only the final frame under CI=true
		delete clean['TMUX'];
		execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', 'new-session', '-d', '-s', this.name, '-x', String(cols), '-y', String(rows), command], {cwd: repoRoot, env: clean});
	}
	capture(escapes = false): string {
		return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name);
	}
	/** 1 while a program has the alternate screen */
	alternateOn(): boolean {
		return this.tmux('display-message', '-p', '-t', this.name, '#{alternate_on}').trim() === '1';
	}
	keys(...keys: string[]): void {
		this.tmux('send-keys', '-t', this.name, ...keys);
	}
	literal(text: string): void {
		this.tmux('send-keys', '-l', '-t', this.name, text);
	}
	resize(cols: number, rows: number): void {
		this.tmux('resize-window', '-t', this.name, '-x', String(cols), '-y', String(rows));
	}
	async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		const ok = typeof test === 'function' ? test : (s: string) => (typeof test === 'string' ? s.includes(test) : test.test(s));
		let screen = '';
		for (;;) {
			try {
				screen = this.capture();
			} catch {
				screen = '';
			}
			if (ok(screen)) return screen;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; screen:\n${screen}`);
			await new Promise(r => setTimeout(r, 100));
		}
	}
	kill(): void {
		spawnSync('tmux', ['-L', this.socket, 'kill-server']);
	}
}
