/**
 * One table of flags (source/core/flags.ts) makes meow's spec, the help and the names
 * options.ts and completion read: what the user sees in --help is what parses.
 */
import {describe, expect, it} from 'vitest';
import {flagHelp, flagTable, flagWords, kebab, meowFlags, scenarios, type FlagName} from '../../source/core/flags.js';
import {toOptions} from '../../source/core/options.js';
import {scenario} from '../../source/sim/scenarios.js';
import {runCli} from '../helpers/run-cli.js';

const names = Object.keys(flagTable) as FlagName[];

describe('the flag table', () => {
	it('the help lists every flag once, with its short name and argument', () => {
		const help = flagHelp();
		for (const n of names) {
			const def = flagTable[n];
			const long = 'negated' in def ? `--no-${kebab(n)}` : `--${kebab(n)}`;
			const hits = help.split('\n').filter(l => new RegExp(`^    (-\\w, )?${long}( |$)`).test(l));
			expect(hits, long).toHaveLength(1);
			if ('short' in def) expect(hits[0]).toContain(`-${def.short}, ${long}`);
		}
		expect(help).toContain('-n, --namespace NS    namespace');
	});

	it('short names are unique and every flag has a spelling completion offers', () => {
		const words = flagWords();
		expect(new Set(words).size).toBe(words.length);
		expect(words).toContain('--no-color');
		expect(words).toContain('--max-streams');
		expect(words).toContain('-l');
	});

	it('meow gets strings for number flags, so options.ts can name the text typed', () => {
		const spec = meowFlags();
		expect(spec.tail).toEqual({type: 'string'});
		expect(spec.files).toEqual({type: 'string', isMultiple: true});
		expect(spec.color).toEqual({type: 'boolean', default: true});
		expect(spec.namespace).toEqual({type: 'string', shortFlag: 'n'});
		const r = toOptions([], {tail: 'abc'});
		expect(r.ok ? [] : r.errors).toEqual(['--tail: "abc" is not a number']);
	});

	it('every --scenario name has a demo scenario behind it', () => {
		for (const s of scenarios) expect(scenario(s).pods.length).toBeGreaterThan(0);
	});

	it('the real CLI parses what the help documents and rejects what it does not', async () => {
		const ok = await runCli(['--help']);
		expect(ok.code).toBe(0);
		expect(ok.out).toContain(flagHelp().split('\n')[1]!.trim());
		const bad = await runCli(['analyze', '--no-such-flag', 'x.log']);
		expect(bad.code).toBe(2);
		expect(bad.out).toMatch(/no-such-flag/);
	});
});
