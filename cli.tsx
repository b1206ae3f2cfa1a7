#!/usr/bin/env node
/**
 * Entry point: the only place that reads process.argv, exits, or picks a command.
 * Commands are imported lazily so the first frame is not held up by code it
 * does not need (the Kubernetes client above all).
 */
import meow, {type AnyFlags} from 'meow';
import {flagHelp, meowFlags, type RawFlags} from './source/core/flags.js';
import {toOptions} from './source/core/options.js';
import {UserError, exitCodes, type Io} from './source/core/io.js';
import {VERSION} from './source/core/version.js';
// an error may quote a file name, a flag's value or a server: sanitised and redacted before it is printed
import {safeText} from './source/core/text-safety.js';

const help = `
  Usage
    $ infertop [WORKLOAD]                 live TUI on a cluster (every pod of the namespace if no WORKLOAD)
    $ infertop [WORKLOAD] --once --json   read what exists now, print the snapshot, exit
    $ infertop replay PATH... [--speed N] the TUI over saved logs, played with their own timing
    $ infertop analyze [--json] PATH...   one-shot report (or snapshot) of saved logs
    $ infertop check [WORKLOAD | --files PATH] [--timeout D] [--json]
                                          rollout gate: 0 serving/healthy, 1 error finding, 3 timeout
    $ infertop demo [--scenario S] [--speed N] [--serve-only]
                                          the built-in simulated cluster and endpoint
    $ infertop completion bash|zsh|fish   shell completion script (e.g. source <(infertop completion bash))

  PATH: a log file (one pod, named by the file name), a folder of *.log / *.log.gz files, or - for stdin.

${flagHelp()}

  Exit codes: 0 ok, 1 error finding, 2 usage/input/cluster error, 3 check timed out.
`;

// the completion scripts ask `infertop __complete WORDS...` at each TAB: half-typed flags that meow would refuse
const completing = process.argv[2] === '__complete';

const cli = meow(help, {
	importMeta: import.meta,
	argv: completing ? [] : process.argv.slice(2),
	version: VERSION,
	allowUnknownFlags: false,
	// flags.ts builds the spec (it knows no meow): its shape is meow's string/boolean flags
	flags: meowFlags() as AnyFlags,
});

/** how long a stopped run may take to wind down before its exit is forced */
const signalGraceMs = 2000;

async function main(): Promise<number> {
	if (completing) {
		const io: Io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: new AbortController().signal};
		return (await import('./source/commands/complete.js')).runComplete(process.argv.slice(3), io);
	}
	// meow answers --help/--version only when it is the one argument; `infertop demo --help`
	// must print the help too, not start the demo
	const args = process.argv.slice(2);
	if (args.includes('--help')) cli.showHelp(0);
	if (args.includes('--version')) cli.showVersion();
	const parsed = toOptions(cli.input, cli.flags as RawFlags, process.env);
	if (!parsed.ok) {
		for (const e of parsed.errors) process.stderr.write(`infertop: ${safeText(e)}\n`);
		process.stderr.write(`Run 'infertop --help' for usage.\n`);
		return exitCodes.usage;
	}
	const options = parsed.options;
	const controller = new AbortController();
	// One SIGINT/SIGTERM/SIGHUP stops the run: the command winds down and exits with its
	// code (cli.md: 2 input not read, 3 check stopped before serving). Work that does not
	// let go (a blocked read, a request with no answer) gets a grace period, then the exit
	// is forced with the same code; a second signal exits at once.
	const stoppedCode = options.command === 'check' ? exitCodes.timeout : exitCodes.usage;
	let signals = 0;
	const stop = (sig: NodeJS.Signals) => {
		signals++;
		if (signals > 1) {
			process.stderr.write(`infertop: ${sig} again: exiting now\n`);
			process.exit(stoppedCode);
		}
		controller.abort();
		setTimeout(() => {
			process.stderr.write(`infertop: interrupted (${sig}); the run did not stop within ${signalGraceMs / 1000}s, exiting\n`);
			process.exit(stoppedCode);
		}, signalGraceMs).unref();
	};
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, stop);
	const io: Io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: controller.signal};
	const mod =
		options.command === 'analyze'
			? await import('./source/commands/analyze.js')
			: options.command === 'check'
				? await import('./source/commands/check.js')
				: options.command === 'replay'
					? await import('./source/commands/replay.js')
					: options.command === 'demo'
						? await import('./source/commands/demo.js')
						: options.command === 'completion'
							? await import('./source/commands/completion.js')
							: await import('./source/commands/live.js');
	return mod.run(options, io);
}

main().then(
	code => {
		process.exitCode = code;
		// Streams, watches and timers may still hold the loop open; the command is done.
		setTimeout(() => process.exit(code), 50).unref();
	},
	(error: unknown) => {
		if (error instanceof UserError) {
			process.stderr.write(`infertop: ${safeText(error.message)}\n`);
			process.exit(error.exitCode);
		}
		process.stderr.write(`infertop: unexpected error: ${safeText(error instanceof Error ? error.message : String(error))}\n`);
		if (process.env['INFERTOP_DEBUG']) console.error(error);
		process.exit(exitCodes.usage);
	},
);
