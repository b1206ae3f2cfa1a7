/**
 * Where a dropped log stream picks up again, as pure bookkeeping over the text a
 * stream delivers (no I/O, no clock): which lines went on, which are to skip when
 * a stream is reopened, and which `sinceTime` to reopen with (docs/log-formats/kubernetes.md §3.2,
 * stern's resume in §3.5).
 *
 * `sinceTime` on the wire has whole seconds (PodLogOptions.SinceTime is RFC3339,
 * not RFC3339Nano), so a reopened stream replays from the start of the last line's
 * second. The replay is dropped line by line: one stamped before the last line
 * handed on, or one with that exact stamp and text (a multiset, so two equal lines
 * with one stamp are both skipped once). The first line past that goes on, and so
 * does everything after it. A partial last line is held back, and dropped when a
 * stream reopens: the replay brings it again whole.
 *
 * log-stream.ts owns the connection; this owns the lines, so it can be tested over
 * every cut point without a server (test/kube/resume-cursor.test.ts).
 */

/**
 * The kubelet's stamp (RFC3339NanoFixed, UTC) at the start of a line, normalised
 * to 9 fraction digits so stamps compare as strings.
 * e.g. `2024-03-15T02:34:11.123456789Z NCCL INFO ...` → `2024-03-15T02:34:11.123456789`
 */
const kubeStampRe = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(?:Z|[+-]\d\d:\d\d) /;
const DASH = 45;
const LETTER_T = 84;

export function stampKey(line: string): string | null {
	// cheap guard before the regex: `YYYY-` … `T`
	if (line.charCodeAt(4) !== DASH || line.charCodeAt(10) !== LETTER_T) return null;
	const m = kubeStampRe.exec(line);
	if (!m) return null;
	const frac = m[2] ?? '';
	return frac.length === 9 ? `${m[1]}.${frac}` : `${m[1]}.${frac.padEnd(9, '0')}`;
}

export class ResumeCursor {
	/** the partial line after the last newline, held until its newline comes */
	private pending = '';
	/** stamp of the last line handed on, and the lines carrying exactly that stamp */
	private lastKey: string | null = null;
	private lastLines: string[] = [];
	/** a reopened stream's replay is being dropped; the pool is what is left to drop at lastKey */
	private skipping = false;
	private skipPool: string[] = [];

	/** `sinceTime` for a reopen (the last line's whole second), or null before any stamped line went on */
	get sinceTime(): string | null {
		return this.lastKey ? `${this.lastKey.slice(0, 19)}Z` : null;
	}

	/**
	 * A stream opens: the last one's partial line is forgotten, and when lines went
	 * on before, the replay from `sinceTime` is to be dropped. Returns `sinceTime`.
	 */
	reopen(): string | null {
		this.pending = '';
		if (this.lastKey) {
			this.skipping = true;
			this.skipPool = [...this.lastLines];
		}
		return this.sinceTime;
	}

	/** Decoded text as the stream delivers it → the complete new lines to hand on ('' for none). */
	take(s: string): string {
		const text = this.pending + s;
		const lastNL = text.lastIndexOf('\n');
		if (lastNL === -1) {
			this.pending = text;
			return '';
		}
		let whole = text.slice(0, lastNL + 1);
		this.pending = text.slice(lastNL + 1);
		if (this.skipping) whole = this.dropSeen(whole);
		if (whole) this.remember(whole);
		return whole;
	}

	/** The instance's log is read to its end: the partial line left, which never got its newline. */
	flush(): string {
		const rest = this.pending;
		this.pending = '';
		return rest;
	}

	/** Does `text` (a non-follow read from `sinceTime`) hold a complete line not handed on yet? The stalled-follow check. */
	hasNewer(text: string): boolean {
		const all = text.slice(0, text.lastIndexOf('\n') + 1).split('\n');
		all.pop();
		for (const line of all) {
			if (this.lastKey === null) return true;
			const key = stampKey(line);
			if (key === null) continue;
			if (key > this.lastKey || (key === this.lastKey && !this.lastLines.includes(line))) return true;
		}
		return false;
	}

	/** note the last stamp of `text` (complete lines) and every line of it that carries that stamp */
	private remember(text: string): void {
		const end = text.length - 1;
		let start = text.lastIndexOf('\n', end - 1) + 1;
		const line = text.slice(start, end);
		const key = stampKey(line);
		if (key === null) return;
		const same = [line];
		while (start > 0) {
			const e2 = start - 1;
			const s2 = text.lastIndexOf('\n', e2 - 1) + 1;
			const l2 = text.slice(s2, e2);
			if (stampKey(l2) !== key) break;
			same.unshift(l2);
			start = s2;
		}
		if (start === 0 && key === this.lastKey) this.lastLines.push(...same);
		else this.lastLines = same;
		this.lastKey = key;
	}

	/** drop the replayed prefix of a reopened stream */
	private dropSeen(text: string): string {
		const parts = text.split('\n');
		parts.pop();
		let i = 0;
		for (; i < parts.length; i++) {
			const key = stampKey(parts[i]!);
			if (key === null || this.lastKey === null) break;
			if (key < this.lastKey) continue;
			if (key === this.lastKey) {
				const j = this.skipPool.indexOf(parts[i]!);
				if (j !== -1) {
					this.skipPool.splice(j, 1);
					continue;
				}
			}
			break;
		}
		if (i < parts.length) this.skipping = false;
		if (i === 0) return text;
		const rest = parts.slice(i);
		return rest.length ? rest.join('\n') + '\n' : '';
	}
}
