/**
 * Every command-line flag, once: its kind, its short name, its section and help line.
 * cli.tsx builds meow's spec and the help text from this table, options.ts reads the
 * values by the type it derives, and shell completion lists the names from it; so a
 * flag added here exists in all four, and one missing from here exists in none.
 */

/** `number` flags reach meow as strings, so the text the user typed can be named in an error (options.ts). */
export type FlagKind = 'string' | 'number' | 'boolean' | 'strings';

/** The demo's scenarios (sim/scenarios.ts builds them; `--scenario` takes one of these). */
export const scenarios = ['healthy', 'straggler', 'crash', 'bad-ifname', 'p2p-disabled'] as const;

export type FlagSection = 'cluster' | 'endpoint' | 'findings' | 'output';

export interface FlagDef {
	kind: FlagKind;
	section: FlagSection;
	/** what the help shows after the name (`PATH`, `D`); none for booleans */
	arg?: string;
	short?: string;
	help: string;
	/** shown in help as `--no-NAME` (a boolean that is on unless turned off) */
	negated?: boolean;
}

export const flagTable = {
	kubeconfig: {kind: 'string', section: 'cluster', arg: 'PATH', help: 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)'},
	context: {kind: 'string', section: 'cluster', arg: 'NAME', help: 'kubeconfig context'},
	namespace: {kind: 'string', section: 'cluster', arg: 'NS', short: 'n', help: 'namespace (default: the context\'s, else "default")'},
	selector: {kind: 'string', section: 'cluster', arg: 'SEL', short: 'l', help: 'label selector instead of a WORKLOAD name'},
	container: {kind: 'string', section: 'cluster', arg: 'NAME', short: 'c', help: 'only this container (default: all)'},
	since: {kind: 'string', section: 'cluster', arg: 'D', help: 'only lines newer than D (e.g. 10m)'},
	tail: {kind: 'number', section: 'cluster', arg: 'N', help: 'only the last N lines of each container'},
	maxStreams: {kind: 'number', section: 'cluster', arg: 'N', help: 'follow at most N log streams (the rest are listed as skipped)'},
	qps: {kind: 'number', section: 'cluster', arg: 'N', help: 'Kubernetes API request rate limit (default 50/s)'},
	save: {kind: 'string', section: 'cluster', arg: 'DIR', help: "write every container's raw log to DIR as it streams"},
	once: {kind: 'boolean', section: 'cluster', help: 'no follow: read what exists, print, exit (bounded by --wait)'},
	wait: {kind: 'string', section: 'cluster', arg: 'D', help: 'bound for --once (default 30s)'},

	endpoint: {kind: 'string', section: 'endpoint', arg: 'URL', help: 'probe this OpenAI-compatible server directly'},
	service: {kind: 'string', section: 'endpoint', arg: 'NAME[:PORT]', help: "probe a Service through the API server's service proxy"},
	tokenFile: {kind: 'string', section: 'endpoint', arg: 'PATH', help: 'bearer token (or INFERTOP_ENDPOINT_TOKEN); never printed'},
	insecureToken: {kind: 'boolean', section: 'endpoint', help: 'allow sending the token over plain http to a non-loopback host'},
	probeInterval: {kind: 'string', section: 'endpoint', arg: 'D', help: 'default 2s'},
	stallAfter: {kind: 'string', section: 'endpoint', arg: 'D', help: 'tokens not rising this long while requests run = stalled (default 30s)'},
	probeCompletion: {kind: 'boolean', section: 'endpoint', help: 'also send a 1-token completion each interval (off by default)'},

	stragglerAfter: {kind: 'string', section: 'findings', arg: 'D', help: 'a rank this much later than its peers is a straggler (default 10s)'},
	initStallAfter: {kind: 'string', section: 'findings', arg: 'D', help: 'init not complete after D with ranks missing or silent (default 60s)'},
	minIntraGbps: {kind: 'number', section: 'findings', arg: 'N', help: 'bandwidth floor inside an NVLink node (default 20)'},
	minInterGbps: {kind: 'number', section: 'findings', arg: 'N', help: 'bandwidth floor between nodes (default 10)'},

	json: {kind: 'boolean', section: 'output', help: 'print the snapshot (infertop.snapshot/v1)'},
	html: {kind: 'string', section: 'output', arg: 'FILE', help: 'also write a self-contained HTML report to FILE (analyze, check, --once; the TUI writes it on w)'},
	color: {kind: 'boolean', section: 'output', negated: true, help: 'no colour (also NO_COLOR)'},
	ascii: {kind: 'boolean', section: 'output', help: 'no box drawing (automatic when the locale is not UTF-8)'},
	timeout: {kind: 'string', section: 'output', arg: 'D', help: 'check: give up after D (default 15m), exit 3'},
	files: {kind: 'strings', section: 'output', arg: 'PATH', help: 'check: saved logs instead of a cluster (repeatable)'},
	scenario: {kind: 'string', section: 'output', arg: 'S', help: `demo: ${scenarios.join(' | ')}`},
	speed: {kind: 'number', section: 'output', arg: 'N', help: 'replay/demo: play N times faster (0 = all at once)'},
	serveOnly: {kind: 'boolean', section: 'output', help: 'demo: only serve the simulated cluster and endpoint'},
} as const satisfies Record<string, FlagDef>;

export type FlagName = keyof typeof flagTable;

type ValueOf<K extends FlagKind> = K extends 'boolean' ? boolean : K extends 'strings' ? string[] : K extends 'number' ? NumberFlag : string;

/** The flags as the command line gives them (meow's result, or a test's literal). */
export type RawFlags = {[K in FlagName]?: ValueOf<(typeof flagTable)[K]['kind']>};

/**
 * A number flag as the command line gives it: declared to meow as a string so the
 * text the user typed can be named in the error (meow's number type turns `abc` into
 * null and drops a missing value); tests may pass numbers.
 */
export type NumberFlag = string | number | null;

const entries = Object.entries(flagTable) as [FlagName, FlagDef][];

/** `maxStreams` → `max-streams`: the name a user types. */
export function kebab(name: string): string {
	return name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`);
}

/** How help and errors name a flag: `-n/--namespace`, `--token-file`. */
export function shownName(name: FlagName): string {
	const def: FlagDef = flagTable[name];
	return def.short ? `-${def.short}/--${kebab(name)}` : `--${kebab(name)}`;
}

/** Every spelling a user may type, for completion: `--namespace`, `-n`, `--no-color`. */
export function flagWords(): string[] {
	const out: string[] = [];
	for (const [name, def] of entries) {
		out.push(def.negated ? `--no-${kebab(name)}` : `--${kebab(name)}`);
		if (def.short) out.push(`-${def.short}`);
	}
	return out;
}

/** String-valued flags (given with no value is an error options.ts reports). */
export function stringFlagNames(): FlagName[] {
	return entries.filter(([, d]) => d.kind === 'string').map(([n]) => n);
}

type MeowFlag = {type: 'string' | 'boolean'; shortFlag?: string; isMultiple?: boolean; default?: boolean};

/** meow's flag spec. */
export function meowFlags(): Record<FlagName, MeowFlag> {
	const out = {} as Record<FlagName, MeowFlag>;
	for (const [name, def] of entries) {
		const f: MeowFlag = {type: def.kind === 'boolean' ? 'boolean' : 'string'};
		if (def.short) f.shortFlag = def.short;
		if (def.kind === 'strings') f.isMultiple = true;
		if (def.negated) f.default = true;
		out[name] = f;
	}
	return out;
}

const sectionTitles: Record<FlagSection, string> = {
	cluster: 'Cluster (kubectl conventions)',
	endpoint: 'Endpoint (any source)',
	findings: 'Findings',
	output: 'Output',
};

/** The flag sections of the help, each line `    -n, --namespace NS    text` aligned at one column. */
export function flagHelp(): string {
	const col = 22;
	const blocks: string[] = [];
	for (const section of Object.keys(sectionTitles) as FlagSection[]) {
		const lines = [`  ${sectionTitles[section]}`];
		for (const [name, def] of entries) {
			if (def.section !== section) continue;
			const long = def.negated ? `--no-${kebab(name)}` : `--${kebab(name)}`;
			const left = `${def.short ? `-${def.short}, ` : ''}${long}${def.arg ? ` ${def.arg}` : ''}`;
			lines.push(`    ${left.padEnd(col - 1)} ${def.help}`);
		}
		blocks.push(lines.join('\n'));
	}
	return blocks.join('\n\n');
}
