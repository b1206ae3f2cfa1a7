/**
 * `infertop __complete WORD... CURRENT`: what the shell scripts of `infertop completion`
 * ask at each TAB. The words are those after the program name, the last one the word
 * being completed (empty after a space). The answer is cobra's protocol, which kubectl
 * uses too: one candidate a line (`value<TAB>description`), then `:N`, N a set of bits —
 * 4 means "offer no file names". Subcommands, flags and scenario names come from the one
 * flag table (core/flags.ts); namespaces, contexts and workloads from the cluster
 * (sources/kube/names.ts: a short deadline, silent failure).
 */
import {flagTable, flagWords, kebab, scenarios, type FlagDef} from '../core/flags.js';
import type {Io} from '../core/io.js';

export const shells = ['bash', 'zsh', 'fish'] as const;

/** cobra's ShellCompDirective bits */
const noFiles = 4;
const filesOk = 0;

export interface Candidate {
	value: string;
	description?: string;
}

export interface Answer {
	candidates: Candidate[];
	directive: number;
}

/** Where the dynamic names come from: the cluster in the CLI, a stand-in in unit tests. */
export interface NameSource {
	namespaces(cluster: ClusterArgs): Promise<string[]>;
	workloads(cluster: ClusterArgs): Promise<string[]>;
	contexts(cluster: ClusterArgs): Promise<string[]>;
}

export interface ClusterArgs {
	kubeconfig: string | null;
	context: string | null;
	namespace: string | null;
}

export const subcommands: Candidate[] = [
	{value: 'replay', description: 'the TUI over saved logs'},
	{value: 'analyze', description: 'one-shot report (or snapshot) of saved logs'},
	{value: 'check', description: 'rollout gate'},
	{value: 'demo', description: 'the built-in simulated cluster and endpoint'},
	{value: 'completion', description: 'print a shell completion script'},
];

type Entry = [string, FlagDef];
const entries = Object.entries(flagTable) as Entry[];

/** `--namespace`, `-n`, `--no-color` → the table's entry; flagWords() is the one list of spellings */
function flagByWord(): Map<string, Entry> {
	const byWord = new Map<string, Entry>();
	const words = new Set(flagWords());
	for (const e of entries) {
		const [name, def] = e;
		for (const w of [`--${kebab(name)}`, `--no-${kebab(name)}`, def.short ? `-${def.short}` : null]) if (w && words.has(w)) byWord.set(w, e);
	}
	return byWord;
}

const takesValue = (def: FlagDef) => def.kind !== 'boolean';

/** The values a flag takes, given what the words so far say about the cluster. */
async function flagValues(name: string, cluster: ClusterArgs, names: NameSource): Promise<Answer> {
	const list = (values: readonly string[]): Answer => ({candidates: values.map(value => ({value})), directive: noFiles});
	switch (name) {
		case 'scenario':
			return list(scenarios);
		case 'namespace':
			return list(await names.namespaces(cluster));
		case 'context':
			return list(await names.contexts(cluster));
		case 'kubeconfig':
		case 'tokenFile':
		case 'files':
		case 'save':
			return {candidates: [], directive: filesOk};
		default:
			// a duration, a number, a URL, a selector: nothing to offer, and no file names either
			return list([]);
	}
}

/** The answer for one TAB. Never throws: an unreadable cluster only leaves names out. */
export async function complete(words: string[], names: NameSource): Promise<Answer> {
	const current = words.at(-1) ?? '';
	const before = words.slice(0, -1);
	const byWord = flagByWord();
	const cluster: ClusterArgs = {kubeconfig: null, context: null, namespace: null};
	const positionals: string[] = [];
	let pendingFlag: string | null = null;
	for (let i = 0; i < before.length; i++) {
		const w = before[i]!;
		if (pendingFlag) {
			// bash splits `--namespace=x` into `--namespace`, `=`, `x`
			if (w === '=') continue;
			setCluster(cluster, pendingFlag, w);
			pendingFlag = null;
			continue;
		}
		if (w === '--') break;
		const eq = w.indexOf('=');
		if (w.startsWith('--') && eq > 0) {
			const e = byWord.get(w.slice(0, eq));
			if (e) setCluster(cluster, e[0], w.slice(eq + 1));
			continue;
		}
		if (w.startsWith('-') && w.length > 1) {
			const e = byWord.get(w);
			if (e && takesValue(e[1])) pendingFlag = e[0];
			continue;
		}
		positionals.push(w);
	}
	const filter = (a: Answer, prefix: string, shown = (v: string) => v): Answer => ({
		directive: a.directive,
		candidates: a.candidates.filter(c => c.value.startsWith(prefix)).map(c => ({...c, value: shown(c.value)})),
	});

	// the value of a flag: `-n <TAB>`, `--namespace=<TAB>` (one word, or bash's three)
	if (pendingFlag) return filter(await flagValues(pendingFlag, cluster, names), current);
	const eq = current.indexOf('=');
	if (current.startsWith('--') && eq > 0) {
		const e = byWord.get(current.slice(0, eq));
		if (e && takesValue(e[1])) {
			const flag = current.slice(0, eq + 1);
			return filter(await flagValues(e[0], cluster, names), current.slice(eq + 1), v => flag + v);
		}
	}
	if (current.startsWith('-')) {
		const flags: Candidate[] = [];
		for (const w of flagWords()) flags.push({value: w, description: byWord.get(w)?.[1].help});
		flags.push({value: '--help', description: 'show the help'}, {value: '--version', description: 'print the version'});
		return filter({candidates: flags, directive: noFiles}, current);
	}

	const [first] = positionals;
	const sub = subcommands.some(s => s.value === first) ? first : 'live';
	const args = sub === 'live' ? positionals : positionals.slice(1);
	switch (sub) {
		case 'replay':
		case 'analyze':
			return {candidates: [], directive: filesOk};
		case 'completion':
			return filter({candidates: args.length ? [] : shells.map(value => ({value})), directive: noFiles}, current);
		case 'demo':
			return {candidates: [], directive: noFiles};
		case 'check':
		case 'live': {
			if (args.length > 0) return {candidates: [], directive: noFiles};
			const workloads: Candidate[] = (await names.workloads(cluster)).map(value => ({value, description: 'workload'}));
			const offered = sub === 'live' && positionals.length === 0 ? [...subcommands, ...workloads] : workloads;
			return filter({candidates: offered, directive: noFiles}, current);
		}
		default:
			return {candidates: [], directive: noFiles};
	}
}

function setCluster(cluster: ClusterArgs, flag: string, value: string): void {
	if (flag === 'kubeconfig' || flag === 'context' || flag === 'namespace') cluster[flag] = value;
}

/** The protocol's text: candidates (no tab or newline inside a value), then `:N`. */
export function formatAnswer(a: Answer): string {
	const clean = (s: string) => s.replace(/[\t\r\n]/g, ' ');
	const lines = a.candidates.map(c => (c.description ? `${clean(c.value)}\t${clean(c.description)}` : clean(c.value)));
	return `${[...lines, `:${a.directive}`].join('\n')}\n`;
}

/** The CLI's `__complete`: the cluster's names through sources/kube/names.ts (loaded only when asked). */
export async function runComplete(words: string[], io: Io): Promise<number> {
	const kube = () => import('../sources/kube/names.js');
	const q = (c: ClusterArgs) => ({...c, env: io.env});
	const names: NameSource = {
		namespaces: async c => (await kube()).namespaceNames(q(c)),
		workloads: async c => (await kube()).workloadNames(q(c)),
		contexts: async c => (await kube()).contextNames(q(c)),
	};
	io.stdout.write(formatAnswer(await complete(words, names)));
	return 0;
}
