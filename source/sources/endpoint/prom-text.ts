/**
 * A small, STRICT parser for the Prometheus text exposition format 0.0.4 — what
 * vLLM's `/metrics` serves through prometheus_client's `generate_latest`.
 *
 * Why our own: no maintained parser is installed (the npm list has exporters, not
 * readers), and we want strictness: a truncated or garbled scrape must be rejected
 * as a whole with a line number, never half-read into wrong rates or percentiles.
 *
 * Format (https://prometheus.io/docs/instrumenting/exposition_formats/):
 *   # HELP vllm:num_requests_running Number of requests in model execution batches.
 *   # TYPE vllm:num_requests_running gauge
 *   vllm:num_requests_running{engine="0",model_name="m"} 3.0
 *   vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 12.0 1700000000000
 * prometheus_client writes a counter `x` as family `x_total` and its `_created`
 * samples as a separate gauge family `x_created` (same for histograms).
 * The document ends with a line feed: a missing final newline means it was cut.
 */

export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromSample {
	/** the sample's own name, e.g. `…_bucket`, `…_sum` */
	name: string;
	labels: Record<string, string>;
	value: number;
	timestampMs: number | null;
}

export interface PromFamily {
	name: string;
	type: PromType;
	help: string | null;
	samples: PromSample[];
}

export interface PromDoc {
	families: Map<string, PromFamily>;
	/** every sample by its own name (`x_bucket`, `x_total`, …) */
	byName: Map<string, PromSample[]>;
}

export type PromParseResult = {ok: true; doc: PromDoc} | {ok: false; error: string; line: number};

// Metric name: `vllm:num_requests_running`, `process_cpu_seconds_total`
const metricNameRe = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// Label name: `model_name`, `le` (names starting `__` are reserved but legal to read)
const labelNameRe = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// Go/Python float text: `3`, `-1.5`, `1.7e+09`, `.5`; Inf/NaN handled separately
const floatRe = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// Timestamp: integer milliseconds, may be negative: `1700000000000`
const intRe = /^-?\d+$/;

const types: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Suffixes a sample may carry and still belong to a family of that type. */
const suffixes: Record<PromType, readonly string[]> = {
	counter: ['', '_total', '_created'],
	gauge: [''],
	histogram: ['_bucket', '_sum', '_count', '_created'],
	summary: ['', '_sum', '_count', '_created'],
	untyped: [''],
};

/** `+Inf`, `-Inf`, `NaN` and Go/Python floats; null when it is not a number. */
export function parsePromValue(text: string): number | null {
	if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
	if (text === '-Inf') return Number.NEGATIVE_INFINITY;
	if (text === 'NaN') return Number.NaN;
	return floatRe.test(text) ? Number(text) : null;
}

class PromError extends Error {}

/** Parse labels starting right after `{`; returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): {labels: Record<string, string>; end: number} {
	const labels: Record<string, string> = {};
	let i = start;
	const skipBlank = () => {
		while (line[i] === ' ' || line[i] === '\t') i++;
	};
	for (;;) {
		skipBlank();
		if (line[i] === '}') return {labels, end: i + 1};
		const nameStart = i;
		while (i < line.length && /[a-zA-Z0-9_]/.test(line[i]!)) i++;
		const name = line.slice(nameStart, i);
		if (!labelNameRe.test(name)) throw new PromError(`bad label name at column ${nameStart + 1}`);
		skipBlank();
		if (line[i] !== '=') throw new PromError(`expected = after label ${name}`);
		i++;
		skipBlank();
		if (line[i] !== '"') throw new PromError(`expected " to open the value of label ${name}`);
		i++;
		let value = '';
		for (;;) {
			if (i >= line.length) throw new PromError(`unterminated value of label ${name}`);
			const c = line[i]!;
			if (c === '"') break;
			if (c === '\\') {
				const n = line[i + 1];
				// The only escapes the format defines: \\ \" \n
				if (n === '\\') value += '\\';
				else if (n === '"') value += '"';
				else if (n === 'n') value += '\n';
				else throw new PromError(`bad escape \\${n ?? ''} in label ${name}`);
				i += 2;
				continue;
			}
			value += c;
			i++;
		}
		i++; // closing quote
		if (Object.hasOwn(labels, name)) throw new PromError(`label ${name} given twice`);
		labels[name] = value;
		skipBlank();
		if (line[i] === ',') {
			i++;
			continue;
		}
		if (line[i] === '}') return {labels, end: i + 1};
		throw new PromError(`expected , or } after label ${name}`);
	}
}

function familyFor(sampleName: string, families: Map<string, PromFamily>): PromFamily | null {
	// An exact family first: prometheus_client declares `x_created` as its own gauge family.
	const exact = families.get(sampleName);
	if (exact && suffixes[exact.type].includes('')) return exact;
	for (const type of ['histogram', 'summary', 'counter'] as const) {
		for (const suffix of suffixes[type]) {
			if (!suffix || !sampleName.endsWith(suffix)) continue;
			const f = families.get(sampleName.slice(0, -suffix.length));
			if (f && f.type === type) return f;
		}
	}
	return null;
}

export function parsePromText(text: string): PromParseResult {
	const families = new Map<string, PromFamily>();
	const byName = new Map<string, PromSample[]>();
	const seriesSeen = new Set<string>();
	const lines = text.split('\n');
	// A complete document ends with "\n" → the split leaves one empty tail.
	const last = lines.pop();
	let lineNo = 0;
	try {
		if (last !== '') {
			lineNo = lines.length + 1;
			throw new PromError('the document does not end with a newline (truncated?)');
		}
		// Families whose samples have ended: another family's sample came after them.
		const closed = new Set<string>();
		let current: PromFamily | null = null;
		for (const raw of lines) {
			lineNo++;
			const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
			if (line.trim() === '') continue;
			if (line.startsWith('#')) {
				// `# HELP name text` / `# TYPE name type`; any other comment is ignored
				const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
				if (!m) continue;
				const [, kw, name, rest = ''] = m;
				if (!metricNameRe.test(name!)) throw new PromError(`bad metric name "${name}" in ${kw}`);
				let fam = families.get(name!);
				if (kw === 'TYPE') {
					const type = rest.trim();
					if (!types.has(type)) throw new PromError(`unknown type "${type}" for ${name}`);
					if (fam?.samples.length) throw new PromError(`TYPE for ${name} after its samples`);
					if (fam && fam.type !== 'untyped') throw new PromError(`second TYPE line for ${name}`);
					if (fam) fam.type = type as PromType;
					else families.set(name!, (fam = {name: name!, type: type as PromType, help: null, samples: []}));
				} else {
					if (fam?.help != null) throw new PromError(`second HELP line for ${name}`);
					const help = rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
					if (fam) fam.help = help;
					else families.set(name!, (fam = {name: name!, type: 'untyped', help, samples: []}));
				}
				if (current && current !== fam) closed.add(current.name);
				current = fam;
				continue;
			}
			// name{labels} value [timestamp]
			let i = 0;
			while (i < line.length && /[a-zA-Z0-9_:]/.test(line[i]!)) i++;
			const name = line.slice(0, i);
			if (!metricNameRe.test(name)) throw new PromError(`bad metric name at the start of "${line.slice(0, 60)}"`);
			let labels: Record<string, string> = {};
			if (line[i] === '{') {
				const r = parseLabels(line, i + 1);
				labels = r.labels;
				i = r.end;
			}
			const fields = line
				.slice(i)
				.trim()
				.split(/[ \t]+/);
			if (line[i] !== ' ' && line[i] !== '\t') throw new PromError(`expected a blank before the value of ${name}`);
			if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw new PromError(`expected "value [timestamp]" after ${name}`);
			const value = parsePromValue(fields[0]!);
			if (value === null) throw new PromError(`"${fields[0]}" is not a number (sample ${name})`);
			let timestampMs: number | null = null;
			if (fields.length === 2) {
				if (!intRe.test(fields[1]!)) throw new PromError(`"${fields[1]}" is not a timestamp (sample ${name})`);
				timestampMs = Number(fields[1]);
			}
			let fam = familyFor(name, families);
			if (!fam) {
				if (families.has(name)) throw new PromError(`sample ${name} does not fit its TYPE`);
				families.set(name, (fam = {name, type: 'untyped', help: null, samples: []}));
			}
			if (closed.has(fam.name)) throw new PromError(`samples of ${fam.name} are not together`);
			if (current && current !== fam) closed.add(current.name);
			current = fam;
			if (fam.type === 'histogram' && name.endsWith('_bucket')) {
				if (labels['le'] === undefined) throw new PromError(`${name} has no le label`);
				if (parsePromValue(labels['le']) === null) throw new PromError(`${name} has le="${labels['le']}", not a number`);
			}
			const key = name + JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
			if (seriesSeen.has(key)) throw new PromError(`duplicate sample ${name}${JSON.stringify(labels)}`);
			seriesSeen.add(key);
			const sample: PromSample = {name, labels, value, timestampMs};
			fam.samples.push(sample);
			const list = byName.get(name);
			if (list) list.push(sample);
			else byName.set(name, [sample]);
		}
	} catch (error) {
		if (error instanceof PromError) return {ok: false, error: `line ${lineNo}: ${error.message}`, line: lineNo};
		throw error;
	}
	return {ok: true, doc: {families, byName}};
}
