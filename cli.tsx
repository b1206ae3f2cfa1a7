#!/usr/bin/env node
/**
 * Entry point: the only place that reads process.argv, exits, or picks a command.
 * Commands are imported lazily so the first frame is not held up by code it
 * does not need (the Kubernetes client above all).
 */
import meow from 'meow';
import {toOptions} from './source/options.js';
import {UserError, exitCodes, type Io} from './source/commands/io.js';
import {VERSION} from './source/version.js';
// an error may quote a file name, a flag's value or a server: sanitised and redacted before it is printed
import {safeText} from './source/text-safety.js';

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

  PATH: a log file (one pod, named by the file name), a folder of *.log / *.log.gz files, or - for stdin.

  Cluster (kubectl conventions)
    --kubeconfig PATH     kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)
    --context NAME        kubeconfig context
    -n, --namespace NS    namespace (default: the context's, else "default")
    -l, --selector SEL    label selector instead of a WORKLOAD name
    -c, --container NAME  only this container (default: all)
    --since D             only lines newer than D (e.g. 10m)
    --tail N              only the last N lines of each container
    --max-streams N       follow at most N log streams (the rest are listed as skipped)
    --qps N               Kubernetes API request rate limit (default 50/s)
    --save DIR            write every container's raw log to DIR as it streams
    --once                no follow: read what exists, print, exit (bounded by --wait)
    --wait D              bound for --once (default 30s)

  Endpoint (any source)
    --endpoint URL        probe this OpenAI-compatible server directly
    --service NAME[:PORT] probe a Service through the API server's service proxy
    --token-file PATH     bearer token (or INFERTOP_ENDPOINT_TOKEN); never printed
    --insecure-token      allow sending the token over plain http to a non-loopback host
    --probe-interval D    default 2s
    --stall-after D       tokens not rising this long while requests run = stalled (default 30s)
    --probe-completion    also send a 1-token completion each interval (off by default)

  Findings
    --straggler-after D   a rank this much later than its peers is a straggler (default 10s)
    --init-stall-after D  init not complete after D with ranks missing or silent (default 60s)
    --min-intra-gbps N    bandwidth floor inside an NVLink node (default 20)
    --min-inter-gbps N    bandwidth floor between nodes (default 10)

  Output
    --json                print the snapshot (infertop.snapshot/v1)
    --no-color            no colour (also NO_COLOR)
    --ascii               no box drawing (automatic when the locale is not UTF-8)
    --timeout D           check: give up after D (default 15m), exit 3
    --files PATH          check: saved logs instead of a cluster (repeatable)
    --scenario S          demo: healthy | straggler | crash | bad-ifname | p2p-disabled
    --speed N             replay/demo: play N times faster (0 = all at once)
    --serve-only          demo: only serve the simulated cluster and endpoint

  Exit codes: 0 ok, 1 error finding, 2 usage/input/cluster error, 3 check timed out.
`;

const cli = meow(help, {
	importMeta: import.meta,
	version: VERSION,
	allowUnknownFlags: false,
	flags: {
		kubeconfig: {type: 'string'},
		context: {type: 'string'},
		namespace: {type: 'string', shortFlag: 'n'},
		selector: {type: 'string', shortFlag: 'l'},
		container: {type: 'string', shortFlag: 'c'},
		once: {type: 'boolean'},
		json: {type: 'boolean'},
		wait: {type: 'string'},
		since: {type: 'string'},
		tail: {type: 'string'}, // a number, checked in options.ts (which names the text given)
		save: {type: 'string'},
		maxStreams: {type: 'string'},
		qps: {type: 'string'},
		speed: {type: 'string'},
		scenario: {type: 'string'},
		serveOnly: {type: 'boolean'},
		timeout: {type: 'string'},
		files: {type: 'string', isMultiple: true},
		endpoint: {type: 'string'},
		service: {type: 'string'},
		tokenFile: {type: 'string'},
		insecureToken: {type: 'boolean'},
		probeInterval: {type: 'string'},
		stallAfter: {type: 'string'},
		probeCompletion: {type: 'boolean'},
		color: {type: 'boolean', default: true},
		ascii: {type: 'boolean'},
		stragglerAfter: {type: 'string'},
		initStallAfter: {type: 'string'},
		minIntraGbps: {type: 'string'},
		minInterGbps: {type: 'string'},
	},
});

/** how long a stopped run may take to wind down before its exit is forced */
const signalGraceMs = 2000;

async function main(): Promise<number> {
	// meow answers --help/--version only when it is the one argument; `infertop demo --help`
	// must print the help too, not start the demo
	const args = process.argv.slice(2);
	if (args.includes('--help')) cli.showHelp(0);
	if (args.includes('--version')) cli.showVersion();
	const parsed = toOptions(cli.input, cli.flags as never, process.env);
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
