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
export function withEntry<K extends string | number, T>(map: Record<K, T>, key: K, value: T): Record<K, T> {
	if (owned !== null && owned.has(map)) {
		map[key] = value;
		return map;
	}
	const next = {...map, [key]: value} as Record<K, T>;
	if (owned !== null) owned.add(next);
	return next;
}

/**
 * `{...obj}` to set fields on, or obj itself when this batch made it: the same
 * copy-on-write for a state's objects (a comm, a member, a process). Set fields in the
 * order the spread literal it replaces named them (the key order of new keys follows).
 * Measured (the reducer alone over the corpus): the spreads of comms, members and
 * processes per event were ~a third of its time (their shapes vary, so V8 clones them
 * the slow way); in a batch most events touch an object an earlier one copied.
 */
export function writable<T extends object>(obj: T): T {
	if (owned !== null && owned.has(obj)) return obj;
	return fresh({...obj});
}

/** An object just made for the state: later writes in this batch may go in place (writable). */
export function fresh<T extends object>(obj: T): T {
	if (owned !== null) owned.add(obj);
	return obj;
}
