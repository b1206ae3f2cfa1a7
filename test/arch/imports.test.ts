/**
 * The layout's one direction of flow, kept true by reading every import: each folder
 * of source/ names the folders it may import (its own always), and what outside
 * packages it must not. No exceptions; a folder or top-level file with no rule fails.
 *
 *   core  ←  parse  ←  model  ←  findings  ←  view  ←  ui
 *                         ↖ store ← sources       ↖ commands (wires them all) ← cli.tsx
 */
import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const root = path.join(repo, 'source');

function files(dir: string): string[] {
	return readdirSync(dir).flatMap(name => {
		const p = path.join(dir, name);
		return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
	});
}

function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(m => m[1]!);
}

const io = /^node:(fs|fs\/promises|net|http|https|tls|child_process|dgram|dns)$/;
const react = /^(react|ink)(\/|$)/;
const kube = /^@kubernetes\//;

interface Rule {
	/** source/ folders (top level) this one may import, besides itself */
	may: string[];
	/** outside modules it must not import */
	not: RegExp[];
	why: string;
}

const rules: Record<string, Rule> = {
	core: {may: [], not: [io, react, kube], why: 'the vocabulary every layer shares: below all of them'},
	parse: {may: ['core'], not: [io, react, kube, /^node:/], why: 'the parser is pure and knows no Kubernetes'},
	model: {may: ['core', 'parse'], not: [/^node:/, react, kube], why: 'one reducer: no I/O, no UI, no findings'},
	findings: {may: ['core', 'parse', 'model'], not: [/^node:/, react, kube], why: 'pure rules over state and a clock'},
	view: {may: ['core', 'parse', 'model', 'findings'], not: [io, react, kube], why: 'view-models are pure and not React'},
	store: {may: ['core', 'parse', 'model'], not: [io, react, kube], why: 'the store folds events; it opens nothing'},
	sources: {may: ['core', 'parse', 'model', 'store'], not: [react], why: 'sources feed the parser and know no view or UI'},
	ui: {may: ['core', 'model', 'findings', 'view', 'store'], not: [io, kube], why: 'a pane cannot open a stream'},
	sim: {may: ['core'], not: [react], why: 'the simulated cluster is a stand-in for the outside world'},
	commands: {may: ['core', 'parse', 'model', 'findings', 'view', 'store', 'sources', 'ui', 'sim'], not: [], why: 'commands wire the layers'},
};

/** The top-level folder of source/ an import lands in, or null when it is outside source/. */
function targetFolder(from: string, spec: string): string | null {
	if (!spec.startsWith('.')) return null;
	const rel = path.relative(root, path.resolve(path.dirname(from), spec));
	if (rel.startsWith('..')) return rel.includes('node_modules') ? null : '..';
	return rel.split(path.sep)[0]!;
}

describe('import boundaries', () => {
	it('every folder of source/ has a rule and no file sits at its top level', () => {
		const entries = readdirSync(root, {withFileTypes: true});
		expect(entries.filter(e => e.isFile()).map(e => e.name)).toEqual([]);
		expect(
			entries
				.filter(e => e.isDirectory())
				.map(e => e.name)
				.filter(n => !(n in rules)),
		).toEqual([]);
	});

	for (const [folder, rule] of Object.entries(rules)) {
		it(`${folder}/ imports only ${rule.may.length ? rule.may.join(', ') : 'itself'} (${rule.why})`, () => {
			const offenders: string[] = [];
			for (const f of files(path.join(root, folder))) {
				for (const spec of importsOf(f)) {
					const to = targetFolder(f, spec);
					const bad = to === null ? rule.not.some(r => r.test(spec)) : to !== folder && !rule.may.includes(to);
					if (bad) offenders.push(`${path.relative(root, f)} -> ${spec}`);
				}
			}
			expect(offenders).toEqual([]);
		});
	}

	it('cli.tsx reaches the layers only through core and commands', () => {
		const offenders = importsOf(path.join(repo, 'cli.tsx')).filter(spec => spec.startsWith('.') && !/^\.\/source\/(core|commands)\//.test(spec));
		expect(offenders).toEqual([]);
	});
});
