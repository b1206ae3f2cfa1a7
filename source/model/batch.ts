/**
 * Copy-on-write once per batch. The state is immutable between batches (the UI and
 * the store keep old states), but inside one reduceAll batch a map that the batch
 * itself created has been seen by nobody else, so a second write to it may go in
 * place. Without this, every event that touches a communicator or a process copied
 * the whole `comms`/`procs` map (O(comms) per event: ~15% of the reducer's time on the
 * corpus, more at 512 ranks).
 *
 * Outside a batch (reduce() on one event) every write copies, as before.
 */
let owned: WeakSet<object> | null = null;

/** Run `fn` as one batch: maps created inside may be written in place inside. */
export function inBatch<T>(fn: () => T): T {
	if (owned !== null) return fn();
	owned = new WeakSet();
	try {
		return fn();
	} finally {
		owned = null;
	}
}

/** `{...map, [key]: value}`, or the same map written in place when this batch made it. */
export function withEntry<T>(map: Record<string, T>, key: string, value: T): Record<string, T> {
	if (owned !== null && owned.has(map)) {
		map[key] = value;
		return map;
	}
	const next = {...map, [key]: value};
	if (owned !== null) owned.add(next);
	return next;
}
