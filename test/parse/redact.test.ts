/**
 * redact() runs its two backtracking rules (ASSIGNMENT, DICT_ENTRY) only on text that
 * passes a cheap gate: a gate that could fail where its rule matches would let a secret
 * through. Each gate must hold wherever its rule matches, on texts made of the words,
 * separators and quotes the rules care about, and on the corpus's own secret-ish lines.
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {GATED_RULES, redact} from '../../source/core/text/redact.js';

const PIECES = [
	'api_key',
	'API-KEY',
	'apikey',
	'hf_token',
	'HF_TOKEN',
	'tokens',
	'token',
	'secret',
	'secret_access',
	'SECRET_ACCESS_KEY',
	'secret-key',
	'password',
	'passwd',
	'Passwd',
	'key',
	'x_',
	'a-',
	"'",
	'"',
	'=',
	':',
	' ',
	'  ',
	'\t',
	"['sk-1']",
	'sk-1',
	'None',
	',',
	')',
	'(',
	'{',
	'}',
	'--api-key ',
	'Bearer ',
	'max_num_batched_tokens',
	'Namespace(',
	'1',
];

describe('redact gates', () => {
	it('a gate holds wherever its rule matches', () => {
		fc.assert(
			fc.property(fc.array(fc.nat(PIECES.length - 1), {maxLength: 14}), picks => {
				const text = picks.map(i => PIECES[i]).join('');
				for (const {rule, gate} of GATED_RULES) {
					rule.lastIndex = 0;
					if (rule.test(text)) expect(gate.test(text), `${rule.source} on ${JSON.stringify(text)}`).toBe(true);
					rule.lastIndex = 0;
				}
			}),
			{numRuns: 20000},
		);
	});

	it('secrets in assignments and dict entries are still redacted; counters are not', () => {
		expect(redact("args: Namespace(api_key='sk-1', max_num_batched_tokens=8192, hf_token = hf_x)")).toBe("args: Namespace(api_key='<redacted>', max_num_batched_tokens=8192, hf_token = <redacted>)");
		expect(redact("non-default args: {'api_key': ['sk-1'], \"SECRET_ACCESS_KEY\" : 'x', 'tokens': 5}")).toBe("non-default args: {'api_key': ['<redacted>'], \"SECRET_ACCESS_KEY\" : '<redacted>', 'tokens': 5}");
		expect(redact('Maximum concurrency for 8192 tokens per request: 11.12x')).toBe('Maximum concurrency for 8192 tokens per request: 11.12x');
	});
});
