/**
 * The digit test the parser's fixed-position checks share.
 *
 * The characters themselves are named where they are checked: each file declares the
 * codes it compares `charCodeAt` against in a local `const enum Ch` (`Ch.Space`,
 * `Ch.OpenBracket`, `Ch.Z`). A const enum's members are inlined as numbers within its
 * file (esbuild transforms each file alone under tsx and vitest); an exported constant
 * is a load and a type check at every use instead — measured on the fast path, ~450
 * instructions a line (bench/parse.ts runs through tsx).
 */

const enum Ch {
	Digit0 = 48,
	Digit9 = 57,
}

export function isDigit(c: number): boolean {
	return c >= Ch.Digit0 && c <= Ch.Digit9;
}
