/**
 * Flags → validated options. Pure: returns every error at once so it can be
 * tested without spawning a process. cli.tsx is the only caller that exits.
 */
import {parseDuration} from './duration.js';
import {defaultFindingOptions, type FindingOptions} from './finding-options.js';
import {scenarios, shownName, stringFlagNames, type NumberFlag, type RawFlags} from './flags.js';

export {scenarios, type NumberFlag, type RawFlags};

export type Command = 'live' | 'replay' | 'analyze' | 'check' | 'demo' | 'completion';

/** Strict decimal: `12`, `0.5`, `-3`, `1e3`; not `abc`, `12abc`, `Infinity`, `0x10`, ``. */
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The flag's number, or why not (worded with the flag's name); undefined when absent. */
function numberFlag(name: string, raw: NumberFlag | undefined, rule: {min: number; integer?: boolean; above?: boolean}, errors: string[]): number | undefined {
	if (raw === undefined) return undefined;
	let n: number;
	if (raw === null || (typeof raw === 'number' && Number.isNaN(raw))) {
		errors.push(`--${name}: not a number`);
		return undefined;
	}
	if (typeof raw === 'string') {
		const t = raw.trim();
		if (t === '') {
			errors.push(`--${name} needs a value`);
			return undefined;
		}
		n = decimal.test(t) ? Number(t) : Number.NaN;
		if (!Number.isFinite(n)) {
			errors.push(`--${name}: "${raw}" is not a number`);
			return undefined;
		}
	} else n = raw;
	const ok = Number.isFinite(n) && (rule.above ? n > rule.min : n >= rule.min) && (!rule.integer || Number.isInteger(n));
	if (!ok) {
		const what = rule.above ? `more than ${rule.min}` : rule.integer ? `an integer >= ${rule.min}` : `a number >= ${rule.min}`;
		errors.push(`--${name} must be ${what} (got ${n})`);
		return undefined;
	}
	return n;
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
	/** --html FILE: write the shareable report there too (commands/html-report.ts) */
	html: string | null;
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

export function toOptions(input: string[], flags: RawFlags, env: Record<string, string | undefined> = {}): {ok: true; options: Options} | {ok: false; errors: string[]} {
	const errors: string[] = [];
	const [first, ...rest] = input;
	let command: Command = 'live';
	let args = input;
	if (first === 'replay' || first === 'analyze' || first === 'check' || first === 'demo' || first === 'completion') {
		command = first;
		args = rest;
	}

	const dur = (name: string, value: string | undefined, dflt: number, positive = true): number => {
		if (value === undefined) return dflt;
		if (value.trim() === '') {
			errors.push(`--${name} needs a value`);
			return dflt;
		}
		const ms = parseDuration(value);
		if (ms === null) {
			errors.push(`--${name}: "${value}" is not a duration (use e.g. 500ms, 30s, 5m, 1h, 1m30s)`);
			return dflt;
		}
		// a zero interval, deadline or threshold is never meant: it spins, gives up at once, or fires on everything
		if (positive && ms <= 0) {
			errors.push(`--${name} must be more than 0 (got "${value}")`);
			return dflt;
		}
		return ms;
	};

	for (const key of stringFlagNames()) {
		const value = flags[key];
		if (typeof value === 'string' && value.trim() === '') errors.push(`${shownName(key)} needs a value`);
	}
	if (flags.files?.some(f => f.trim() === '')) errors.push('--files needs a value');

	const waitMs = dur('wait', flags.wait, 30_000);
	const timeoutMs = dur('timeout', flags.timeout, 15 * 60_000);
	const sinceMs = flags.since === undefined ? null : dur('since', flags.since, 0, false);
	const probeIntervalMs = dur('probe-interval', flags.probeInterval, 2000);
	const stallAfterMs = dur('stall-after', flags.stallAfter, 30_000);
	const stragglerMs = dur('straggler-after', flags.stragglerAfter, defaultFindingOptions.stragglerSeconds * 1000);
	const initStallMs = dur('init-stall-after', flags.initStallAfter, defaultFindingOptions.initStallSeconds * 1000);
	const tail = numberFlag('tail', flags.tail, {min: 0, integer: true}, errors);
	const maxStreams = numberFlag('max-streams', flags.maxStreams, {min: 1, integer: true}, errors);
	const qpsFlag = numberFlag('qps', flags.qps, {min: 0, above: true}, errors);
	const speedFlag = numberFlag('speed', flags.speed, {min: 0}, errors);
	const minIntraGbps = numberFlag('min-intra-gbps', flags.minIntraGbps, {min: 0}, errors);
	const minInterGbps = numberFlag('min-inter-gbps', flags.minInterGbps, {min: 0}, errors);

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
	const speed = speedFlag ?? 1;
	const scenario = flags.scenario ?? 'healthy';
	if (!(scenarios as readonly string[]).includes(scenario)) {
		errors.push(`--scenario must be one of ${scenarios.join(', ')} (got "${scenario}")`);
	}
	const qps = qpsFlag ?? 50;

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
				tail: tail ?? null,
				maxStreams: maxStreams ?? null,
				qps,
				save: flags.save ?? null,
			},
			once: flags.once ?? false,
			json: flags.json ?? false,
			html: flags.html ?? null,
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
			// meow gives an absent boolean flag as false, not undefined: --ascii only ever turns ASCII on
			ascii: flags.ascii === true || !utf8,
			findings: {
				...defaultFindingOptions,
				stragglerSeconds: stragglerMs / 1000,
				initStallSeconds: initStallMs / 1000,
				minIntraNodeGBps: minIntraGbps ?? defaultFindingOptions.minIntraNodeGBps,
				minInterNodeGBps: minInterGbps ?? defaultFindingOptions.minInterNodeGBps,
			},
		},
	};
}
