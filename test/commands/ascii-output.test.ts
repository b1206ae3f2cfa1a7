/**
 * `analyze` and `check` under a locale that is not UTF-8 (LANG=C, as on many bastions):
 * the text they print is ASCII only, finding messages' own `—` and `×` included (the TUI's
 * frames are checked in test/ui/locale.test.ts). The real CLI in a child process.
 */
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const crash = 'test/fixtures/corpus/nccl-2.28.9-h200x4/crash-rank1';

function infertop(args: string[], locale: Record<string, string>) {
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', ...locale};
	delete env['CI'];
	for (const k of ['LANG', 'LC_ALL', 'LC_CTYPE']) if (!(k in locale)) delete env[k];
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli.tsx', ...args], {cwd: root, env, encoding: 'utf8', timeout: 60_000});
	return {code: r.status, stdout: r.stdout};
}

const nonAscii = (s: string) => [...s].filter(c => c.charCodeAt(0) > 126 || (c.charCodeAt(0) < 32 && c !== '\n' && c !== '\t'));

describe('text output under LANG=C', () => {
	for (const cmd of [
		['analyze', crash],
		['check', '--files', crash],
	]) {
		it(`${cmd[0]}: ASCII only, and the same findings as under UTF-8`, () => {
			const c = infertop(cmd, {LANG: 'C'});
			const utf8 = infertop(cmd, {LANG: 'C.UTF-8'});
			expect(c.code).toBe(1);
			expect(nonAscii(c.stdout)).toEqual([]);
			// under UTF-8 the messages keep their dashes: the ASCII text is a transliteration, not a loss
			expect(nonAscii(utf8.stdout).length).toBeGreaterThan(0);
			expect(c.stdout.split('\n').filter(l => /^(ERROR|WARN)/.test(l)).length).toBe(utf8.stdout.split('\n').filter(l => /^(ERROR|WARN)/.test(l)).length);
		});
	}
});
