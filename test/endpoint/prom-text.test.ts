import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {parsePromText, parsePromValue} from '../../source/sources/endpoint/prom-text.js';

// As prometheus_client 0.x writes vLLM v0.11's metrics (counter `x` → family `x_total` + gauge `x_created`).
const vllmText = `# HELP python_gc_objects_collected_total Objects collected during gc
# TYPE python_gc_objects_collected_total counter
python_gc_objects_collected_total{generation="0"} 12345.0
# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 3.0
vllm:num_requests_running{engine="1",model_name="m"} 2.0
# HELP vllm:generation_tokens_total Number of generation tokens processed.
# TYPE vllm:generation_tokens_total counter
vllm:generation_tokens_total{engine="0",model_name="m"} 1.5e+06
# HELP vllm:generation_tokens_created Number of generation tokens processed.
# TYPE vllm:generation_tokens_created gauge
vllm:generation_tokens_created{engine="0",model_name="m"} 1.764e+09
# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="m"} 4.0
vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 5.0
vllm:time_to_first_token_seconds_count{engine="0",model_name="m"} 5.0
vllm:time_to_first_token_seconds_sum{engine="0",model_name="m"} 1.25
# HELP vllm:time_to_first_token_seconds_created Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds_created gauge
vllm:time_to_first_token_seconds_created{engine="0",model_name="m"} 1.764e+09
`;

describe('parsePromText (strict Prometheus text 0.0.4)', () => {
	it('reads HELP/TYPE, labels, floats, and keeps _created as its own gauge family', () => {
		const r = parsePromText(vllmText);
		if (!r.ok) throw new Error(r.error);
		const {families, byName} = r.doc;
		expect(families.get('vllm:num_requests_running')).toMatchObject({type: 'gauge', help: 'Number of requests in model execution batches.'});
		expect(byName.get('vllm:num_requests_running')!.map(s => [s.labels['engine'], s.value])).toEqual([
			['0', 3],
			['1', 2],
		]);
		expect(families.get('vllm:generation_tokens_total')!.type).toBe('counter');
		expect(byName.get('vllm:generation_tokens_total')![0]!.value).toBe(1_500_000);
		expect(families.get('vllm:generation_tokens_created')!.type).toBe('gauge');
		const h = families.get('vllm:time_to_first_token_seconds')!;
		expect(h.type).toBe('histogram');
		expect(h.samples.map(s => s.name)).toEqual(['vllm:time_to_first_token_seconds_bucket', 'vllm:time_to_first_token_seconds_bucket', 'vllm:time_to_first_token_seconds_count', 'vllm:time_to_first_token_seconds_sum']);
		expect(families.get('vllm:time_to_first_token_seconds_created')!.type).toBe('gauge');
	});

	it('label escapes, blanks, trailing comma, timestamps, +Inf/-Inf/NaN, untyped samples', () => {
		const text = ['# a free comment', '# TYPE info gauge', 'info{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb", trailing="x",} 1 1700000000000', 'neg -Inf -5', 'nan NaN', 'inf +Inf', '', ''].join('\n');
		const r = parsePromText(text);
		if (!r.ok) throw new Error(r.error);
		const s = r.doc.byName.get('info')![0]!;
		expect(s.labels).toEqual({path: 'C:\\dir', quote: 'say "hi"', nl: 'a\nb', trailing: 'x'});
		expect(s.timestampMs).toBe(1_700_000_000_000);
		expect(r.doc.byName.get('neg')![0]).toMatchObject({value: Number.NEGATIVE_INFINITY, timestampMs: -5});
		expect(Number.isNaN(r.doc.byName.get('nan')![0]!.value)).toBe(true);
		expect(r.doc.byName.get('inf')![0]!.value).toBe(Number.POSITIVE_INFINITY);
		expect(r.doc.families.get('neg')!.type).toBe('untyped');
	});

	it('a counter family without _total (Go client style) and a summary', () => {
		const text = '# TYPE reqs counter\nreqs 3\n# TYPE lat summary\nlat{quantile="0.5"} 0.2\nlat_sum 4\nlat_count 10\n';
		const r = parsePromText(text);
		expect(r.ok).toBe(true);
		if (r.ok) expect(r.doc.families.get('lat')!.samples).toHaveLength(3);
	});

	const bad: [string, string, RegExp][] = [
		['truncated mid-line (no final newline)', 'a 1\nb 2', /line 2: .*does not end with a newline/],
		['cut inside a label value', 'a{x="abc\n', /line 1: unterminated value of label x/],
		['garbage', 'this is not prometheus {{{\n', /line 1:/],
		['HTML error page', '<html><body>502 Bad Gateway</body></html>\n', /line 1: bad metric name/],
		['a value that is not a number', 'a{x="1"} abc\n', /"abc" is not a number/],
		['hex is not a Prometheus float', 'a 0x10\n', /"0x10" is not a number/],
		['extra fields', 'a 1 2 3\n', /expected "value \[timestamp\]"/],
		['a float timestamp', 'a 1 1.5\n', /"1.5" is not a timestamp/],
		['bad escape', 'a{x="\\t"} 1\n', /bad escape/],
		['duplicate label', 'a{x="1",x="2"} 1\n', /label x given twice/],
		['bucket without le', '# TYPE h histogram\nh_bucket{a="1"} 1\n', /h_bucket has no le label/],
		['bucket with a bad le', '# TYPE h histogram\nh_bucket{le="high"} 1\n', /le="high", not a number/],
		['unknown TYPE', '# TYPE a countr\na 1\n', /unknown type "countr"/],
		['second TYPE', '# TYPE a gauge\n# TYPE a gauge\na 1\n', /second TYPE line for a/],
		['TYPE after samples', 'a 1\n# TYPE a gauge\n', /TYPE for a after its samples/],
		['duplicate series', 'a{x="1"} 1\na{x="1"} 2\n', /duplicate sample a/],
		['samples of a family split apart', 'a 1\nb 1\na{x="2"} 1\n', /samples of a are not together/],
		['no value', 'a{x="1"}\n', /expected a blank before the value|expected "value/],
		['no blank before the value', 'a{x="1"}1\n', /expected a blank before the value/],
	];
	for (const [what, text, re] of bad) {
		it(`rejects ${what}`, () => {
			const r = parsePromText(text);
			expect(r.ok).toBe(false);
			if (!r.ok) expect(r.error).toMatch(re);
		});
	}

	it('never throws on arbitrary input (fuzz) and accepts its own well-formed lines', () => {
		fc.assert(
			fc.property(fc.string({maxLength: 200}), s => {
				const r = parsePromText(s);
				expect(typeof r.ok).toBe('boolean');
			}),
			{numRuns: 500},
		);
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.string({maxLength: 12}), fc.double({noNaN: true})), {minLength: 1, maxLength: 5}), rows => {
				const labelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
				const text = rows.map(([, v, n], i) => `m${i}{l="${labelValue(v)}"} ${Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : '-Inf'}\n`).join('');
				const r = parsePromText(text);
				if (!r.ok) throw new Error(`${r.error} in ${JSON.stringify(text)}`);
				rows.forEach(([, v, n], i) => {
					const s = r.doc.byName.get(`m${i}`)![0]!;
					expect(s.labels['l']).toBe(v);
					expect(s.value).toBe(n === 0 ? 0 : n);
				});
			}),
			{numRuns: 200},
		);
	});

	it('parsePromValue', () => {
		expect(parsePromValue('1.5e-3')).toBe(0.0015);
		expect(parsePromValue('.5')).toBe(0.5);
		expect(parsePromValue('')).toBeNull();
		expect(parsePromValue('1e')).toBeNull();
		expect(parsePromValue('Infinity')).toBeNull();
	});
});
