/** kubectl-style durations: `500ms`, `30s`, `5m`, `1h`, `1m30s`; a bare number is seconds. */
const unitMs: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};

export function parseDuration(text: string): number | null {
	const t = text.trim();
	if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
	const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
	let total = 0;
	let pos = 0;
	let m: RegExpExecArray | null;
	while ((m = re.exec(t))) {
		total += Number(m[1]) * unitMs[m[2]!]!;
		pos = re.lastIndex;
	}
	if (pos !== t.length || pos === 0) return null;
	return Math.round(total);
}
