/**
 * Equality as `JSON.stringify(a) === JSON.stringify(b)` decides it, without building
 * the two strings: the reducer compares a re-sent topology or engine value with the
 * stored one on every such event (bench/parse.ts: the stringify pair was the
 * topology slice's whole cost). Same rules: key order counts, `undefined` and
 * function members are skipped, non-finite numbers equal `null`.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	const ta = typeof a;
	const tb = typeof b;
	if (ta === 'number' || tb === 'number') return jsonScalar(a) === jsonScalar(b);
	if (a === null || b === null || ta !== 'object' || tb !== 'object') return false;
	const aa = Array.isArray(a);
	if (aa !== Array.isArray(b)) return false;
	if (aa) {
		const x = a as unknown[];
		const y = b as unknown[];
		if (x.length !== y.length) return false;
		// in arrays JSON writes undefined/functions as null
		for (let i = 0; i < x.length; i++) if (!jsonEqual(arrayItem(x[i]), arrayItem(y[i]))) return false;
		return true;
	}
	if (typeof (a as {toJSON?: unknown}).toJSON === 'function' || typeof (b as {toJSON?: unknown}).toJSON === 'function') return JSON.stringify(a) === JSON.stringify(b);
	const x = a as Record<string, unknown>;
	const y = b as Record<string, unknown>;
	const kx = Object.keys(x);
	const ky = Object.keys(y);
	// both key lists in order, skipping the keys JSON leaves out (no filtered copies: a
	// re-sent topology is compared object by object, hundreds of them)
	let i = 0;
	let j = 0;
	for (;;) {
		while (i < kx.length && !written(x[kx[i]!])) i++;
		while (j < ky.length && !written(y[ky[j]!])) j++;
		if (i === kx.length || j === ky.length) return i === kx.length && j === ky.length;
		if (kx[i] !== ky[j] || !jsonEqual(x[kx[i]!], y[ky[j]!])) return false;
		i++;
		j++;
	}
}

function written(v: unknown): boolean {
	return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

function arrayItem(v: unknown): unknown {
	return written(v) ? v : null;
}

function jsonScalar(v: unknown): unknown {
	return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
