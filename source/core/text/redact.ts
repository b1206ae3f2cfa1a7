/**
 * Secrets never reach events, state or the log pane. vLLM prints its whole
 * argument namespace at startup (`args: Namespace(… api_key='…', hf_token=…)`,
 * docs/log-formats/vllm.md §2.4 "args: %s"), launch scripts echo command lines
 * (`+ python3 -m vllm… --api-key X`), and proxies log headers.
 */

/**
 * Cheap gate: only lines that mention a secret-ish word are rewritten. This module is the
 * one redaction list of infertop: the parser, the panes (ui/sanitize.ts), the snapshot and
 * the endpoint prober (text-safety.ts) all redact with it.
 */
// e.g. "api_key='sk-1'", "--hf-token hf_x", "Authorization: Basic abc", "HF_TOKEN=hf_x",
// "https://u:p@host", "ghp_…", "AKIA…"
const MAYBE_SECRET = /key|token|bearer|secret|passw|authoriz|:\/\/[^\s/@]*@|hf_|sk-|gh[pousr]_|github_pat_|AKIA|ASIA/i;

/** `name=value` / `name: value` where name is a secret-bearing identifier. */
// e.g. "api_key='sk-123'", "hf_token=hf_abc", "HF_TOKEN=hf_abc", "token=abc", "AWS_SECRET_ACCESS_KEY=x", "password: hunter2"
const ASSIGNMENT = /(?<![A-Za-z0-9])((?:[A-Za-z0-9]+[_-])*(?:token|api[_-]?key|apikey|secret(?:[_-]access)?(?:[_-]key)?|password|passwd)\b)(\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s,;)&]+)/gi;

/** Python dict reprs: vLLM v0.11+ logs `non-default args: {…, 'api_key': ['sk-…'], …}` (docs/log-formats/vllm.md §2.3). */
// e.g. "'api_key': ['sk-1']", "'hf_token': 'hf_x'", "\"api_key\": \"sk\""
const DICT_ENTRY = /(['"])((?:[A-Za-z0-9]+[_-])*(?:token|api[_-]?key|apikey|secret(?:[_-]access)?(?:[_-]key)?|password|passwd))\1(\s*:\s*)(\[[^\]]*\]|'[^']*'|"[^"]*"|[^\s,;)}]+)/gi;

/** CLI flags with a separate value. */
// e.g. "--api-key sk-1", "--hf-token=hf_x", "--token abc"
const FLAG = /(--(?:api-key|hf-token|token|password|secret)[= ]+)('[^']*'|"[^"]*"|\S+)/gi;

/** Bearer credentials anywhere (headers, curl lines). */
// e.g. "Authorization: Bearer eyJhbGciOi..."
const BEARER = /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi;

/** An Authorization header's value, whatever its scheme (proxies and error pages echo request headers). */
// e.g. "Authorization: Basic dXNlcjpw", "authorization=Bearer abc", "'Proxy-Authorization': 'Token x'", "\"authorization\":\"abc\""
// (a value already `<redacted>`, or a scheme word alone, is left: redacting twice changes nothing)
const AUTH_HEADER =
	/(\b(?:proxy-)?authorization['"]?\s*[=:]\s*['"]?)(?:((?:Bearer|Basic|Digest|Token|Negotiate|NTLM|AWS4-HMAC-SHA256)\s+)|(?!(?:Bearer|Basic|Digest|Token|Negotiate|NTLM|AWS4-HMAC-SHA256)\s))[^\s'",;&)}\]<][^\s'",;&)}\]]*/gi;

/** A URL's password (`scheme://user:password@host`): the user stays, the password goes. */
// e.g. "https://mluser:hunter2@models.example/llama" → "https://mluser:<redacted>@models.example/llama"
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:'"]*:)(?!<redacted>@)[^\s/@'"]+@/gi;

/** Well-known token shapes, wherever they stand: Hugging Face, OpenAI-style, GitHub, AWS access key ids. */
// e.g. "hf_abcdefghijklmnopqrstu", "sk-proj-abcdefghijklmnop", "ghp_Ab12…", "github_pat_11AB…", "AKIAIOSFODNN7EXAMPLE"
const TOKEN_SHAPES = /\b(?:hf_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|(?:AKIA|ASIA)[A-Z0-9]{16})\b/g;

const KEEP = new Set(['None', 'null', "''", '""', 'none', 'NULL', '<redacted>', "'<redacted>'"]);

function quoteLike(value: string): string {
	const q = value[0];
	return q === "'" || q === '"' ? `${q}<redacted>${q}` : '<redacted>';
}

/**
 * Case-sensitive literal alternations: much cheaper than the `/i` regex on every line
 * (bench/parse.ts); two short ones beat one long one (measured on the public vLLM/Ray logs:
 * ~85 vs ~130 ns a line), and the first alone decides most lines.
 */
// e.g. "key", "KEY", "Token", "Bearer", "SECRET", "password"
const SECRET_WORDS = /ey|EY|oken|OKEN|earer|EARER|ecret|ECRET|assw|ASSW/;
// e.g. "Authorization", "://" (a URL's user:pass@), "hf_", "sk-", "ghp_", "github_pat_", "AKIA"
const SECRET_TOKENS = /uthoriz|UTHORIZ|:\/\/|hf_|sk-|gh[pousr]_|_pat_|AKIA|ASIA/;

/**
 * Whether `text` may hold something redact() rewrites: the one gate, shared by the stream
 * parser's line scan (a line it passes is never redacted, so its fast path may skip redact).
 */
export function maybeSecret(text: string): boolean {
	return SECRET_WORDS.test(text) || SECRET_TOKENS.test(text);
}

/**
 * Cheap gates for ASSIGNMENT and DICT_ENTRY: a match of either needs a name ending in
 * token/key/secret/access/password/passwd right before its separator (`=`/`:`, or a quote
 * and `:`). Both regexes try every position with backtracking (~3.5 µs on a long vLLM
 * line); lines that only mention a word like "tokens" fail these gates at once.
 */
// e.g. "api_key=", "HF_TOKEN =", "password:"
const ASSIGNMENT_GATE = /(?:token|key|secret|access|passw(?:or)?d)\s*[=:]/i;
// e.g. "'api_key':", "\"hf_token\" :"
const DICT_ENTRY_GATE = /(?:token|key|secret|access|passw(?:or)?d)['"]\s*:/i;

/**
 * `secretish`: the caller has found maybeSecret's words in `text` already (the stream
 * parser's line scan), so the first gate is not run again.
 */
export function redact(text: string, secretish = false): string {
	if ((!secretish && !maybeSecret(text)) || !MAYBE_SECRET.test(text)) return text;
	let s = text.replace(FLAG, (_m, head: string, value: string) => head + quoteLike(value));
	if (ASSIGNMENT_GATE.test(s)) {
		s = s.replace(ASSIGNMENT, (m, name: string, sep: string, value: string) => {
			if (KEEP.has(value)) return m;
			// `max_num_batched_tokens=8192`-style counters are not secrets: the name must end in the secret word
			return name + sep + quoteLike(value);
		});
	}
	if (DICT_ENTRY_GATE.test(s)) {
		s = s.replace(DICT_ENTRY, (m, q: string, name: string, sep: string, value: string) => {
			if (KEEP.has(value) || value === '[]') return m;
			return `${q}${name}${q}${sep}${value.startsWith('[') ? "['<redacted>']" : quoteLike(value)}`;
		});
	}
	if (AUTH_GATE.test(s)) s = s.replace(AUTH_HEADER, (_m, head: string, scheme: string | undefined) => `${head}${scheme ?? ''}<redacted>`);
	s = s.replace(BEARER, '$1<redacted>');
	if (s.indexOf('://') !== -1) s = s.replace(URL_PASSWORD, '$1<redacted>@');
	if (TOKEN_GATE.test(s)) s = s.replace(TOKEN_SHAPES, '<redacted>');
	return s;
}

// e.g. "Authorization:", "AUTHORIZATION=" (any case)
const AUTH_GATE = /authoriz/i;
// the token shapes' fixed heads (case-sensitive, as the shapes are)
const TOKEN_GATE = /hf_|sk-|gh[pousr]_|github_pat_|AKIA|ASIA/;

/** The gated rules with their gates, for the test that each gate is implied by its rule (test/parse/redact.test.ts). */
export const GATED_RULES = [
	{rule: ASSIGNMENT, gate: ASSIGNMENT_GATE},
	{rule: DICT_ENTRY, gate: DICT_ENTRY_GATE},
] as const;
