/**
 * Text that did not come from our own code — a server's answer, a file name, a log
 * line, a Kubernetes field — is made safe once, with one list, wherever it enters or
 * leaves infertop:
 * - credentials: parse/redact.ts is the one redaction list (the parser's hot path uses
 *   it with its cheap gates); the panes (ui/sanitize.ts), the prober (endpoint/prober.ts),
 *   the snapshot and the target (`safeUrlText`, `shownEndpointUrl`) redact through it;
 * - the terminal: escape sequences, C0/C1 controls and bidi overrides are removed
 *   (parse/sanitize.ts), so no string can retitle the window, clear the screen or
 *   reorder text, on any output path (text reports, `check`, the summary after `q`).
 * parse/ must not import this (it is above parse/); everything else may.
 */
import {redact} from './text/redact.js';
import {sanitize} from './text/controls.js';

export {redact} from './text/redact.js';

/** Controls and escapes removed (newline and tab kept), credentials redacted. */
export function safeText(text: string): string {
	return redact(sanitize(text));
}

/**
 * safeText, and every occurrence of the given secrets (e.g. the endpoint token we send)
 * replaced too: a server may echo a token in a shape no pattern knows.
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
	let s = text;
	for (const secret of secrets) if (secret.length >= 4 && s.includes(secret)) s = s.split(secret).join('<redacted>');
	return safeText(s);
}

/** Every string (and object key) of a JSON-like value through scrubText; a copy, the input is untouched. */
export function scrubDeep<T>(value: T, secrets: readonly string[] = []): T {
	const walk = (v: unknown): unknown => {
		if (typeof v === 'string') return scrubText(v, secrets);
		if (Array.isArray(v)) return v.map(walk);
		if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
			const out: Record<string, unknown> = {};
			for (const [k, x] of Object.entries(v)) out[scrubText(k, secrets)] = walk(x);
			return out;
		}
		return v;
	};
	return walk(value) as T;
}

// What JSON.stringify leaves raw that a terminal may act on: DEL, C1 (U+009B is an 8-bit
// CSI, U+009D an 8-bit OSC), bidi controls, line/paragraph separators.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text that is safe on a terminal and means the same: JSON.stringify escapes C0
 * controls (ESC included) but not C1 or bidi controls; those are written as `\uXXXX`.
 */
export function terminalJson(value: unknown, space = 2): string {
	return JSON.stringify(value, null, space).replace(JSON_UNSAFE, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// query parameters that may carry a credential (`?api_key=…`, `?token=…`, `?X-Amz-Signature=…`)
const secretParam = /token|key|secret|auth|pass|sig|credential/i;

/** The URL without user info, fragment or credential-looking query values (set to REDACTED; safeUrlText shows them as the one placeholder, `<redacted>`). */
export function urlWithoutCredentials(url: URL): URL {
	const u = new URL(url.href);
	u.username = '';
	u.password = '';
	u.hash = '';
	for (const k of [...u.searchParams.keys()]) if (secretParam.test(k)) u.searchParams.set(k, 'REDACTED');
	return u;
}

/** A URL's text without credentials; text that does not parse as a URL loses any `…@` user info and is redacted. */
export function safeUrlText(url: string): string {
	try {
		return urlWithoutCredentials(new URL(url))
			.toString()
			.replace(/=REDACTED(?=[&#]|$)/g, '=<redacted>');
	} catch {
		return safeText(url.replace(/\/\/[^/@]*@/, '//'));
	}
}

/** An endpoint as a person is shown it: scheme, host and path only (no userinfo, query or fragment: they may hold credentials). */
export function shownEndpointUrl(u: URL): string {
	const c = urlWithoutCredentials(u);
	return `${c.protocol}//${c.host}${c.pathname === '/' ? '' : c.pathname}`;
}
