/**
 * Stamps stay strings on the hot path; these turn one into epoch ms only for
 * lines that produce events. The last parsed second is cached (consecutive
 * lines share it).
 */

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Space = 32,
	Plus = 43, // '+'
	Comma = 44, // ','
	Minus = 45, // '-'
	Dot = 46, // '.'
	Digit0 = 48,
	Digit9 = 57,
	Colon = 58, // ':'
	T = 84,
}

let cachedSecond = '';
let cachedMs = 0;

function d2(s: string, i: number): number {
	return (s.charCodeAt(i) - Ch.Digit0) * 10 + s.charCodeAt(i + 1) - Ch.Digit0;
}

/**
 * `2026-11-26T22:05:02.718062268Z` / `…+02:00` (anything may follow) → epoch ms (sub-ms digits dropped).
 * The stamp starts at `from` (a line inside a decoded chunk: no slice needed).
 */
export function parseRfc3339(stamp: string, from = 0): number | null {
	let base: number;
	if (cachedSecond !== '' && stamp.startsWith(cachedSecond, from)) base = cachedMs;
	else {
		const second = stamp.slice(from, from + 19);
		const y = d2(stamp, from) * 100 + d2(stamp, from + 2);
		base = Date.UTC(y, d2(stamp, from + 5) - 1, d2(stamp, from + 8), d2(stamp, from + 11), d2(stamp, from + 14), d2(stamp, from + 17));
		if (Number.isNaN(base)) return null;
		cachedSecond = second;
		cachedMs = base;
	}
	let ms = 0;
	let i = from + 19;
	if (stamp.charCodeAt(i) === Ch.Dot || stamp.charCodeAt(i) === Ch.Comma) {
		let scale = 100;
		for (i = from + 20; i < stamp.length; i++) {
			const c = stamp.charCodeAt(i);
			if (c < Ch.Digit0 || c > Ch.Digit9) break;
			if (scale >= 1) ms += (c - Ch.Digit0) * scale;
			scale /= 10;
		}
	}
	const tz = stamp.charCodeAt(i);
	if (tz === Ch.Plus || tz === Ch.Minus) {
		const off = (d2(stamp, i + 1) * 60 + d2(stamp, i + 4)) * 60_000;
		return base + Math.floor(ms) - (tz === Ch.Plus ? off : -off);
	}
	return base + Math.floor(ms);
}

/** `2026-11-26 22:05:13` (NCCL stamp; local time of the pod, read as UTC) or `2025-04-14 16:07:42,252` (Python logging). */
export function parseSpaced(stamp: string): number | null {
	if (stamp.length < 19) return null;
	return parseRfc3339(`${stamp.slice(0, 10)}T${stamp.slice(11)}`);
}

/** vLLM `MM-DD HH:MM:SS` has no year: borrow it from the last full stamp of the stream. */
export function parseMonthDay(stamp: string, year: number | null): number | null {
	if (year === null) return null;
	const v = Date.UTC(year, d2(stamp, 0) - 1, d2(stamp, 3), d2(stamp, 6), d2(stamp, 9), d2(stamp, 12));
	return Number.isNaN(v) ? null : v;
}

/**
 * An ISO 8601 stamp from a wrapper as parseRfc3339 reads it: `+0000` offsets (journalctl
 * short-iso, strftime `%z`) get their colon, a missing zone is UTC. null when it is not one.
 * e.g. "2025-01-02T03:04:05+0000" → "2025-01-02T03:04:05+00:00"; "2025-01-02T03:04:05.123456789Z" as it is
 */
export function isoToRfc3339(s: string): string | null {
	if (s.length < 19 || s.charCodeAt(4) !== Ch.Minus || s.charCodeAt(13) !== Ch.Colon || (s.charCodeAt(10) !== Ch.T && s.charCodeAt(10) !== Ch.Space)) return null;
	let i = 19;
	if (s.charCodeAt(i) === Ch.Dot || s.charCodeAt(i) === Ch.Comma) {
		i++;
		while (i < s.length && s.charCodeAt(i) >= Ch.Digit0 && s.charCodeAt(i) <= Ch.Digit9) i++;
	}
	const head = s.charCodeAt(10) === Ch.Space ? `${s.slice(0, 10)}T${s.slice(11, i)}` : s.slice(0, i);
	const z = s.slice(i);
	let out: string;
	if (z === '') out = `${head}Z`;
	else if (z === 'Z' || /^[+-]\d\d:\d\d$/.test(z)) out = head + z;
	else if (/^[+-]\d{4}$/.test(z)) out = `${head}${z.slice(0, 3)}:${z.slice(3)}`;
	else return null;
	return parseRfc3339(out) === null ? null : out;
}

/** Epoch ms → `2025-01-02T03:04:05.123Z` (null when out of range). */
export function epochToRfc3339(ms: number): string | null {
	if (!Number.isFinite(ms) || ms < 0 || ms > 9e12) return null;
	return new Date(Math.floor(ms)).toISOString();
}
