import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

// The layout's one direction of flow, kept true by grepping imports.
const root = path.resolve(import.meta.dirname, '../../source');

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

const rules: {folder: string; forbidden: RegExp; why: string}[] = [
	{folder: 'parse', forbidden: /^(node:(fs|net|http|https|tls|child_process)|react|ink|@kubernetes\/|\.\.\/(ui|sources|kube|store|model|findings|view|commands|sim)\/)/, why: 'the parser is pure'},
	{folder: 'model', forbidden: /^(node:|react|ink|@kubernetes\/|\.\.\/(ui|sources|kube|findings|view|commands|sim)\/)/, why: 'the model knows no I/O, UI or findings'},
	{folder: 'findings', forbidden: /^(node:|react|ink|@kubernetes\/|\.\.\/(ui|sources|kube|view|commands|sim)\/)/, why: 'findings are pure functions of state'},
	{folder: 'view', forbidden: /^(react|ink|@kubernetes\/|\.\.\/(ui|sources|kube|commands|sim)\/)/, why: 'view-models are not React'},
	{folder: 'store', forbidden: /^(react|ink|@kubernetes\/|\.\.\/(ui|sources|kube|commands|sim)\/)/, why: 'the store is not React'},
	// commands/io.ts is only the Io/exit-code types the TUI returns through
	{folder: 'ui', forbidden: /^(@kubernetes\/|node:(net|http|https|tls|child_process)|\.\.\/(\.\.\/)?(sources|kube|sim|endpoint)\/|\.\.\/(\.\.\/)?commands\/(?!io\.js$))/, why: 'a pane cannot open a stream'},
];

describe('import boundaries', () => {
	for (const rule of rules) {
		it(`${rule.folder}/ imports nothing it must not (${rule.why})`, () => {
			const dir = path.join(root, rule.folder);
			const offenders: string[] = [];
			for (const f of files(dir)) {
				for (const spec of importsOf(f)) if (rule.forbidden.test(spec)) offenders.push(`${path.relative(root, f)} -> ${spec}`);
			}
			expect(offenders).toEqual([]);
		});
	}
});
