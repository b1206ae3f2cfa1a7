/** Groups failure records by message so one repeated error is one finding. */
import type {FailureKind, FailureRecord, RolloutState} from '../model/state.js';

export interface RecordGroup {
	message: string;
	records: FailureRecord[];
	pods: string[];
	firstAt: number | null;
}

export function groupRecords(state: RolloutState, kinds: readonly FailureKind[], keyOf: (f: FailureRecord) => string = f => f.message): RecordGroup[] {
	const groups = new Map<string, RecordGroup>();
	for (const f of state.failures) {
		if (!kinds.includes(f.kind)) continue;
		const key = keyOf(f);
		let g = groups.get(key);
		if (!g) {
			g = {message: f.message, records: [], pods: [], firstAt: null};
			groups.set(key, g);
		}
		g.records.push(f);
		if (f.pod && !g.pods.includes(f.pod)) g.pods.push(f.pod);
		if (f.at !== null && (g.firstAt === null || f.at < g.firstAt)) g.firstAt = f.at;
	}
	for (const g of groups.values()) g.pods.sort();
	return [...groups.values()].sort((a, b) => (a.firstAt ?? Infinity) - (b.firstAt ?? Infinity));
}

export function oneLine(s: string, n = 160): string {
	const t = s.replace(/\s+/g, ' ').trim();
	return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}
