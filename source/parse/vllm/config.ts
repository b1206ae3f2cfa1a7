/**
 * vLLM's engine-config line (docs/log-formats/vllm.md §2.3):
 *   Initializing an LLM engine (v0.6.6.post1) with config: model='m', …          (V0 ≤0.7)
 *   Initializing a V0 LLM engine (v0.8.3) with config: model='m', …               (V0 0.8–0.10)
 *   Initializing a V1 LLM engine (v0.13.0) with config: model='m', …, compilation_config={…}
 * The config is `key=value, ` pairs whose values nest `()`, `[]`, `{}`, quotes and
 * `<Enum: 3>` reprs: split on `, ` only at nesting depth 0.
 */
import type {EnginePatch} from '../event-values.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Space = 32,
	DoubleQuote = 34, // '"'
	Quote = 39, // "'"
	OpenParen = 40, // '('
	CloseParen = 41, // ')'
	Comma = 44, // ','
	Less = 60, // '<'
	Greater = 62, // '>'
	OpenBracket = 91, // '['
	Backslash = 92, // '\\'
	CloseBracket = 93, // ']'
	OpenBrace = 123, // '{'
	CloseBrace = 125, // '}'
}

// e.g. "Initializing a V1 LLM engine (v0.8.5.post1) with config: model='Qwen/Qwen3-8B', …"
export const ENGINE_CONFIG = /Initializing an? (?:(V[01]) )?LLM engine \(v([^)]+)\) with config: (.*)$/;

export function splitConfig(s: string): Record<string, string> {
	const out: Record<string, string> = {};
	let depth = 0;
	let quote = 0;
	let start = 0;
	const take = (end: string) => {
		const part = end.trim();
		if (!part) return;
		const eq = part.indexOf('=');
		if (eq <= 0) return;
		const key = part.slice(0, eq).trim();
		let value = part.slice(eq + 1).trim();
		// v0.6.4 quirk: "chunked_prefill_enabled=False multi_step_stream_outputs=True" (missing comma)
		const glued = /^([^\s'"([{<]+) ([a-z_][a-z0-9_]*)=(.*)$/.exec(value);
		if (glued) {
			out[key] = glued[1]!;
			take(`${glued[2]}=${glued[3]}`);
			return;
		}
		if (/^[a-z_][a-z0-9_.]*$/i.test(key)) out[key] = value;
		value = '';
	};
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (quote) {
			if (c === Ch.Backslash) i++;
			else if (c === quote) quote = 0;
			continue;
		}
		if (c === Ch.Quote || c === Ch.DoubleQuote) quote = c;
		else if (c === Ch.OpenParen || c === Ch.OpenBracket || c === Ch.OpenBrace || c === Ch.Less) depth++;
		else if ((c === Ch.CloseParen || c === Ch.CloseBracket || c === Ch.CloseBrace || c === Ch.Greater) && depth > 0) depth--;
		else if (c === Ch.Comma && depth === 0 && s.charCodeAt(i + 1) === Ch.Space) {
			take(s.slice(start, i));
			start = i + 2;
			i++;
		}
	}
	// ≤0.6 closes the line with `)`: `…, use_v2_block_manager=False, enable_prefix_caching=False)`
	let last = s.slice(start);
	if (last.endsWith(')') && depth === 0 && last.indexOf('(') === -1) last = last.slice(0, -1);
	take(last);
	return out;
}

function unquote(v: string | undefined): string | null {
	if (v === undefined || v === 'None' || v === '') return null;
	const q = v[0];
	if ((q === "'" || q === '"') && v.endsWith(q!)) return v.slice(1, -1);
	return v;
}

function int(v: string | undefined): number | null {
	if (v === undefined) return null;
	const n = Number(v.replace(/_/g, ''));
	return Number.isFinite(n) ? n : null;
}

function bool(v: string | undefined): boolean | null {
	return v === 'True' ? true : v === 'False' ? false : null;
}

/** EngineState fields from the config keys (names differ by version). */
export function engineFromConfig(config: Record<string, string>): EnginePatch {
	const served = unquote(config.served_model_name);
	return {
		model: unquote(config.model),
		servedModelName: served,
		dtype: unquote(config.dtype),
		quantization: unquote(config.quantization),
		maxSeqLen: int(config.max_seq_len ?? config.max_model_len),
		tensorParallelSize: int(config.tensor_parallel_size),
		pipelineParallelSize: int(config.pipeline_parallel_size),
		dataParallelSize: int(config.data_parallel_size) ?? (config.tensor_parallel_size !== undefined ? 1 : null),
		chunkedPrefill: bool(config.enable_chunked_prefill ?? config.chunked_prefill_enabled),
		prefixCaching: bool(config.enable_prefix_caching),
		maxNumBatchedTokens: int(config.max_num_batched_tokens),
	};
}
