/**
 * Run by test/ui/signals.test.ts in tmux: `infertop replay` with no process-level signal
 * handler at all (cli.tsx has its own), so what a signal does here is run-tui's own doing.
 */
import {toOptions} from '../../source/core/options.js';
import {run} from '../../source/commands/replay.js';

delete process.env['CI'];
const parsed = toOptions(['replay', ...process.argv.slice(2)], {speed: 0}, process.env);
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const code = await run(parsed.options, {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: new AbortController().signal});
process.exit(code);
