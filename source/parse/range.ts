/**
 * Reading a line that is a range t[from, end) of a longer string: the fast path reads
 * its lines in place in the decoded chunk (line-splitter.ts scan), without a slice each.
 */

/**
 * indexOf within t[from, end), or -1. A search of the whole rest of the chunk would
 * cost O(chunk) per line, so a line inside a longer string is searched as a slice (a
 * view, no copy).
 */
export function indexIn(t: string, s: string, from: number, end: number): number {
	if (end === t.length) return t.indexOf(s, from);
	const i = t.slice(from, end).indexOf(s);
	return i === -1 ? -1 : from + i;
}
