/**
 * The stamp clock of one stream. It knows the time of the line being read — its Kubernetes
 * stamp (or a wrapper's time standing for it), else a stamp inside the line (NCCL's, vLLM's,
 * Python logging's, journald's) — and turns it into epoch ms only when the line produces an
 * event. It also keeps what a push's progress event says: how many lines were read, the
 * first and last stamp, each process's last stamp. Stamps stay strings on the hot path.
 */
import type {AtFn} from '../context.js';
import {parseMonthDay, parseRfc3339, parseSpaced} from '../times.js';

/** How a stamp inside the line reads. `journal`: journald `short`'s `MM-DD HH:MM:SS`, read like vLLM's, but a full stamp in the line beats it. */
export type StampKind = 'nccl' | 'vllm' | 'py' | 'journal';

/** A push's progress: the log-progress event's fields that the clock keeps. */
export interface Progress {
	lines: number;
	firstAt: number | null;
	lastAt: number | null;
	procLastAt: Record<string, number | null>;
}

export class StampClock {
	/** lines read since the last progress (a line that is split in two writes counts once) */
	lines = 0;
	/**
	 * lines read on this stream, by either path, and each write of a glued line once: the
	 * wrapper probes look at a stream's first lines, the same ones whichever path read them
	 */
	streamLines = 0;
	/** year of the last full stamp (vLLM stamps have none) */
	year: number | null = null;
	/** the current line's k8s stamp: a string that starts with it (the line itself: parseRfc3339 reads only the stamp) */
	k8s: string | null = null;
	/** a stamp inside the current line, and how it reads */
	stamp: string | null = null;
	kind: StampKind | null = null;
	/** the current line's time once computed (undefined: not yet) */
	private cached: number | null | undefined = undefined;

	// a k8s stamp is held as (string, index of the stamp in it): the fast path's lines are
	// ranges of the decoded chunk, not strings of their own
	private firstK8s: string | null = null;
	private firstK8sAt = 0;
	private lastK8s: string | null = null;
	private lastK8sAt = 0;
	/** the first and last time of lines stamped otherwise (vLLM, NCCL, Python) that made events */
	private firstOther: number | null = null;
	private lastOther: number | null = null;
	private readonly procLast = new Map<string, string | null>();
	// the last process's stamp is held here and written to the map only when another
	// process writes (hot: one Map.set per run of lines instead of per line); the map's
	// key order (first appearance) is unchanged
	private heldKey: string | null = null;
	private heldStamp: string | null = null;
	private heldStampAt = 0;

	/** A new line: nothing known of its time yet. */
	startLine(): void {
		this.k8s = null;
		this.stamp = null;
		this.kind = null;
		this.cached = undefined;
	}

	/** The line's k8s stamp (or a wrapper's RFC3339 time standing for it): `s` starts with it. */
	takeK8s(s: string): void {
		this.k8s = s;
		this.sawK8s(s, 0);
	}

	/** A k8s stamp at s[at…] was read (the fast path's noise lines: no line time, they make no event). */
	sawK8s(s: string, at: number): void {
		if (this.firstK8s === null) {
			this.firstK8s = s;
			this.firstK8sAt = at;
		}
		this.lastK8s = s;
		this.lastK8sAt = at;
		if (this.year === null) this.year = Number(s.slice(at, at + 4));
	}

	/** A full stamp inside the line (NCCL's `[%F %T]`, Python logging's): taken unless the line has a k8s stamp or one already (journald's yields). */
	takeFull(stamp: string, kind: 'nccl' | 'py'): void {
		if (!this.k8s && (!this.stamp || this.kind === 'journal')) {
			this.stamp = stamp;
			this.kind = kind;
		}
	}

	/** vLLM's `MM-DD HH:MM:SS`: taken when the line has no stamp yet. */
	takeVllm(stamp: string): void {
		if (!this.k8s && !this.stamp) {
			this.stamp = stamp;
			this.kind = 'vllm';
		}
	}

	/** journald `short`'s `MM-DD HH:MM:SS` (its head is read before anything inside the line). */
	takeJournal(stamp: string): void {
		if (this.k8s === null) {
			this.stamp = stamp;
			this.kind = 'journal';
		}
	}

	/** The current line's time, for its events (only lines that make one compute it). */
	readonly at: AtFn = () => {
		if (this.cached !== undefined) return this.cached;
		const v = this.timeOf();
		this.cached = v;
		if (!this.k8s && v !== null) {
			if (this.firstOther === null) this.firstOther = v;
			this.lastOther = v;
		}
		return v;
	};

	/** The current line's time for the log pane (a line that made no event is not the stream's first or last). */
	lineTime(): number | null {
		return this.cached !== undefined ? this.cached : this.timeOf();
	}

	private timeOf(): number | null {
		if (this.k8s) return parseRfc3339(this.k8s);
		if (this.stamp) return this.kind === 'vllm' || this.kind === 'journal' ? parseMonthDay(this.stamp, this.year) : parseSpaced(this.stamp);
		return null;
	}

	/** Process `key` wrote a line stamped s[at…] (or none). */
	procWrote(key: string, s: string | null, at: number): void {
		if (key !== this.heldKey) {
			if (this.heldKey !== null) this.procLast.set(this.heldKey, this.held());
			this.heldKey = key;
		}
		this.heldStamp = s;
		this.heldStampAt = at;
	}

	/** the held stamp as a string of its own (the stamp and what follows; parseRfc3339 reads the stamp) */
	private held(): string | null {
		const s = this.heldStamp;
		return s === null || this.heldStampAt === 0 ? s : s.slice(this.heldStampAt, this.heldStampAt + 31);
	}

	/** What the push read (call only when it read anything). */
	progress(): Progress {
		const procLastAt: Record<string, number | null> = {};
		if (this.heldKey !== null) this.procLast.set(this.heldKey, this.held());
		for (const [k, s] of this.procLast) procLastAt[k] = s ? parseRfc3339(s) : null;
		return {
			lines: this.lines,
			firstAt: this.firstK8s ? parseRfc3339(this.firstK8s, this.firstK8sAt) : this.firstOther,
			lastAt: this.lastK8s ? parseRfc3339(this.lastK8s, this.lastK8sAt) : this.lastOther,
			procLastAt,
		};
	}

	/** The next push starts counting afresh. */
	reset(): void {
		this.lines = 0;
		this.firstK8s = this.lastK8s = null;
		this.firstOther = this.lastOther = null;
		this.procLast.clear();
		this.heldKey = this.heldStamp = null;
	}
}
