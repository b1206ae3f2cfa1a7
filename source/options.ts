/**
 * Flags → validated options. Pure: returns every error at once so it can be
 * tested without spawning a process. cli.tsx is the only caller that exits.
 */
import {parseDuration} from './duration.js';
import {defaultFindingOptions, type FindingOptions} from './findings/types.js';

export type Command = 'live' | 'replay' | 'analyze' | 'check' | 'demo';

export interface RawFlags {
	kubeconfig?: string;
	context?: string;
	namespace?: string;
	selector?: string;
	container?: string;
	once?: boolean;
	json?: boolean;
	wait?: string;
	since?: string;
	tail?: number;
	save?: string;
	maxStreams?: number;
	qps?: number;
	speed?: number;
	scenario?: string;
	serveOnly?: boolean;
	timeout?: string;
	files?: string[];
	endpoint?: string;
	service?: string;
	tokenFile?: string;
	insecureToken?: boolean;
	probeInterval?: string;
	stallAfter?: string;
	probeCompletion?: boolean;
	color?: boolean;
	ascii?: boolean;
	stragglerAfter?: string;
	initStallAfter?: string;
	minIntraGbps?: number;
	minInterGbps?: number;
}

export interface EndpointOptions {
	url: string | null;
	service: {name: string; port: string | null} | null;
	tokenFile: string | null;
	/** from INFERTOP_ENDPOINT_TOKEN; never printed */
	tokenFromEnv: boolean;
	insecureToken: boolean;
	probeIntervalMs: number;
	stallAfterMs: number;
	probeCompletion: boolean;
}

export interface Options {
	command: Command;
	/** WORKLOAD for live/check, PATHs for replay/analyze */
	args: string[];
	kube: {
		kubeconfig: string | null;
		context: string | null;
		namespace: string | null;
		selector: string | null;
		container: string | null;
		sinceMs: number | null;
		tail: number | null;
		maxStreams: number | null;
		qps: number;
		save: string | null;
	};
	once: boolean;
	json: boolean;
	waitMs: number;
	timeoutMs: number;
	speed: number;
	scenario: string;
	serveOnly: boolean;
	files: string[];
	endpoint: EndpointOptions;
	color: boolean;
	ascii: boolean;
	findings: FindingOptions;
}

export const scenarios = ['healthy', 'straggler', 'crash', 'bad-ifname', 'p2p-disabled'] as const;

export function toOptions(
	input: string[],
	flags: RawFlags,
	env: Record<string, string | undefined> = {},
): {ok: true; options: Options} | {ok: false; errors: string[]} {
	const errors: string[] = [];
	const [first, ...rest] = input;
	let command: Command = 'live';
	let args = input;
	if (first === 'replay' || first === 'analyze' || first === 'check' || first === 'demo') {
		command = first;
		args = rest;
	}

	const dur = (name: string, value: string | undefined, dflt: number): number => {
		if (value === undefined) return dflt;
		const ms = parseDuration(value);
		if (ms === null) {
			errors.push(`--${name}: "${value}" is not a duration (use e.g. 500ms, 30s, 5m, 1h, 1m30s)`);
			return dflt;
		}
		return ms;
	};

	const waitMs = dur('wait', flags.wait, 30_000);
	const timeoutMs = dur('timeout', flags.timeout, 15 * 60_000);
	const sinceMs = flags.since === undefined ? null : dur('since', flags.since, 0);
	const probeIntervalMs = dur('probe-interval', flags.probeInterval, 2000);
	const stallAfterMs = dur('stall-after', flags.stallAfter, 30_000);
	const stragglerMs = dur('straggler-after', flags.stragglerAfter, defaultFindingOptions.stragglerSeconds * 1000);
	const initStallMs = dur('init-stall-after', flags.initStallAfter, defaultFindingOptions.initStallSeconds * 1000);

	if ((command === 'replay' || command === 'analyze') && args.length === 0) {
		errors.push(`${command} needs at least one PATH (a log file, a folder of *.log files, or - for stdin)`);
	}
	if (command === 'demo' && args.length > 0) errors.push(`demo takes no arguments (got: ${args.join(' ')})`);
	if ((command === 'live' || command === 'check') && args.length > 1) {
		errors.push(`only one WORKLOAD may be given (got: ${args.join(' ')})`);
	}
	if (command === 'check' && args.length > 0 && (flags.files?.length ?? 0) > 0) {
		errors.push('check takes either a WORKLOAD or --files, not both');
	}
	const speed = flags.speed ?? (command === 'demo' ? 1 : 1);
	if (!Number.isFinite(speed) || speed < 0) errors.push(`--speed must be a number >= 0 (got ${flags.speed})`);
	const scenario = flags.scenario ?? 'healthy';
	if (!(scenarios as readonly string[]).includes(scenario)) {
		errors.push(`--scenario must be one of ${scenarios.join(', ')} (got "${scenario}")`);
	}
	if (flags.maxStreams !== undefined && (!Number.isInteger(flags.maxStreams) || flags.maxStreams < 1)) {
		errors.push('--max-streams must be a positive integer');
	}
	if (flags.tail !== undefined && (!Number.isInteger(flags.tail) || flags.tail < 0)) errors.push('--tail must be an integer >= 0');
	const qps = flags.qps ?? 50;
	if (!(qps > 0)) errors.push('--qps must be > 0');

	let service: EndpointOptions['service'] = null;
	if (flags.service) {
		const [name, port] = flags.service.split(':');
		if (!name) errors.push(`--service: "${flags.service}" should be NAME or NAME:PORT`);
		else service = {name, port: port ?? null};
	}
	if (flags.endpoint) {
		try {
			const u = new URL(flags.endpoint);
			if (u.protocol !== 'http:' && u.protocol !== 'https:') errors.push(`--endpoint must be an http(s) URL (got ${flags.endpoint})`);
		} catch {
			errors.push(`--endpoint: "${flags.endpoint}" is not a URL (e.g. http://127.0.0.1:8000)`);
		}
	}
	if (flags.endpoint && service) errors.push('use either --endpoint or --service, not both');

	const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
	const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
	const utf8 = /utf-?8/i.test(locale);

	if (errors.length) return {ok: false, errors};
	return {
		ok: true,
		options: {
			command,
			args,
			kube: {
				kubeconfig: flags.kubeconfig ?? null,
				context: flags.context ?? null,
				namespace: flags.namespace ?? null,
				selector: flags.selector ?? null,
				container: flags.container ?? null,
				sinceMs,
				tail: flags.tail ?? null,
				maxStreams: flags.maxStreams ?? null,
				qps,
				save: flags.save ?? null,
			},
			once: flags.once ?? false,
			json: flags.json ?? false,
			waitMs,
			timeoutMs,
			speed,
			scenario,
			serveOnly: flags.serveOnly ?? false,
			files: flags.files ?? [],
			endpoint: {
				url: flags.endpoint ?? null,
				service,
				tokenFile: flags.tokenFile ?? null,
				tokenFromEnv: Boolean(env['INFERTOP_ENDPOINT_TOKEN']),
				insecureToken: flags.insecureToken ?? false,
				probeIntervalMs,
				stallAfterMs,
				probeCompletion: flags.probeCompletion ?? false,
			},
			color: flags.color !== false && !noColor,
			ascii: flags.ascii ?? !utf8,
			findings: {
				...defaultFindingOptions,
				stragglerSeconds: stragglerMs / 1000,
				initStallSeconds: initStallMs / 1000,
				minIntraNodeGBps: flags.minIntraGbps ?? defaultFindingOptions.minIntraNodeGBps,
				minInterNodeGBps: flags.minInterGbps ?? defaultFindingOptions.minInterNodeGBps,
			},
		},
	};
}
