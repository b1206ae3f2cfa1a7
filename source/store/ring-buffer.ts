/** Fixed-capacity ring: the only per-line history infertop keeps (for the log pane). */
export class RingBuffer<T> {
	private readonly items: (T | undefined)[];
	private start = 0;
	private count = 0;
	/** items pushed in total, so a reader can tell how many fell off the end */
	total = 0;

	constructor(readonly capacity: number) {
		this.items = new Array(capacity);
	}

	push(item: T): void {
		this.total++;
		if (this.count < this.capacity) {
			this.items[(this.start + this.count) % this.capacity] = item;
			this.count++;
		} else {
			this.items[this.start] = item;
			this.start = (this.start + 1) % this.capacity;
		}
	}

	get size(): number {
		return this.count;
	}

	/** dropped off the end (shed raw text, never parsed events) */
	get dropped(): number {
		return this.total - this.count;
	}

	at(i: number): T | undefined {
		if (i < 0 || i >= this.count) return undefined;
		return this.items[(this.start + i) % this.capacity];
	}

	toArray(): T[] {
		const out: T[] = [];
		for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
		return out;
	}
}
