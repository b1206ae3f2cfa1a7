/**
 * The body router: a line's text once its stamp and wrappers are off → the one reader of
 * its format. A line may hold several writes glued together (a second NCCL or vLLM head,
 * an unknown tool's prefix before a head): each is read in turn, once. Per write:
 *   peel    a vLLM/Ray process prefix `(Worker_TP1 pid=77) `, Ray's `[repeated 3x across
 *           cluster]`, torch's `[rank1]:`, NCCL 2.26+'s `[2026-11-26 22:05:13] ` stamp;
 *   classify by its head: NCCL (`host:pid:tid [dev] NCCL INFO `, or a pasted `[dev] NCCL INFO ` that
 *           lost its `host:pid:tid`), a bare `NCCL version`,
 *           vLLM's logger (`INFO 04-14 16:07:56 [file.py:12] `), uvicorn's `INFO:`, Python
 *           logging's full stamp, or no head (tracebacks, torch, un-headed vLLM text);
 *   read    with that format's reader (nccl/dispatch.ts, vllm/engine.ts, torch.ts, traceback.ts),
 *           whose events go to the stream's list.
 */
import type {ProcCtx, StreamCtx} from '../context.js';
import {isDigit} from '../chars.js';
import {ncclMessage} from '../nccl/dispatch.js';
import {embeddedNcclHead, embeddedVllmHead, headlessNcclHead, ncclHead, type NcclHead, ncclStampLength, procPrefix, vllmHead} from '../prefix.js';
import {handleTorchLine} from '../torch.js';
import {ncclTestsLine} from '../nccl/tests.js';
import {feedTraceback} from '../traceback.js';
import {handleVllmMessage} from '../vllm/engine.js';
import {embeddedProcPrefix, embeddedTorchHead, isLearnablePrefix, prefixEnd} from '../wrappers.js';
import type {StampClock} from './clock.js';
import type {Processes} from './processes.js';
import {mayBeGlued} from './scans.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Space = 32,
	Hash = 35, // '#'
	OpenParen = 40, // '('
	Minus = 45, // '-'
	Colon = 58, // ':'
	I = 73,
	N = 78,
	OpenBracket = 91, // '['
}

// e.g. "… INFO 04-14 16:08:16 [__init__.py:239] Automatically detected platform cuda. [repeated 4x across cluster]"; the
// first folded line of a job also carries Ray's note " (Ray deduplicates logs by default. Set RAY_DEDUP_LOGS=0 to disable
// log deduplication[, or see https://docs.ray.io/…#log-deduplication for more options].)" (Ray's logging docs; vllm-project/vllm#2734)
const RAY_REPEATED = / ?\[repeated \d+x across cluster\](?: \(Ray deduplicates logs by default\.[^)]*\))?/;
// e.g. "[rank1]:[E1126 22:03:48.455398836 ProcessGroupNCCL.cpp:612] …"
const TORCH_RANK = /^\[rank(\d+)\]:/;

/** Learned prefixes kept per stream. */
const MAX_LEARNED = 16;

export class Router {
	/** an unknown tool's prefix seen before a head (`[vllm]: `, `[1,0]<stdout>:`): peeled from the stream's later lines too (full-line.ts) */
	readonly learned: string[] = [];
	/** the prefix the current line taught (its own text is shown without it too) */
	learnedNow: string | null = null;

	// the next write of the line being read, set by write(): its prefix state
	private nextHasPrefix = false;
	private nextPid: number | null | undefined = null;
	private nextRemote = false;

	constructor(
		private readonly ctx: StreamCtx,
		private readonly clock: StampClock,
		private readonly procs: Processes,
	) {}

	/**
	 * The line's text. `rare`: the line's scans found something unusual (Ray's repeat folding
	 * is looked for only then, in its first write). Throws only on a parser bug.
	 */
	route(text: string, rare: boolean): void {
		let t: string | null = text;
		let hasPrefix = false;
		let pid: number | null | undefined = null;
		let remote = false;
		while (t !== null) {
			t = this.write(t, hasPrefix, pid, remote, rare);
			hasPrefix = this.nextHasPrefix;
			pid = this.nextPid;
			remote = this.nextRemote;
			rare = true;
		}
	}

	/**
	 * One write. `hasPrefix`: a process prefix (or an earlier write) stands before it; `pid`:
	 * that prefix's pid, null = none (the driver), undefined = unknown (a glued write).
	 * Returns the text of a glued write after this one (its state in next*), or null.
	 */
	private write(text: string, hasPrefix: boolean, pid: number | null | undefined, remote: boolean, rare: boolean): string | null {
		const {ctx, clock} = this;
		let i = 0;
		let prefixKey = '';
		if (!hasPrefix && text.charCodeAt(0) === Ch.OpenParen) {
			const pp = procPrefix(text);
			if (pp) {
				i = pp.length;
				hasPrefix = true;
				pid = pp.pid;
				remote = pp.ip !== null;
				prefixKey = pp.name;
				if (pp.pid !== null) this.procs.sawPrefix(pp.name, pp.pid);
			}
		}
		if (rare && text.indexOf('across cluster]', i) !== -1 && RAY_REPEATED.test(text)) {
			ctx.counters.rayRepeatedLines++;
			text = text.replace(RAY_REPEATED, '');
		}
		let rank: number | null = null;
		if (text.startsWith('[rank', i)) {
			const m = TORCH_RANK.exec(i ? text.slice(i) : text);
			if (m) {
				rank = Number(m[1]);
				i += m[0].length;
			}
		}
		const ns = ncclStampLength(text, i);
		if (ns) {
			clock.takeFull(text.slice(i + 1, i + ns - 2), 'nccl');
			i += ns;
		}
		const vh = vllmHead(text, i);
		if (vh) {
			clock.takeVllm(vh.stamp);
			const end = secondHead(text, vh.msgStart);
			const msg = end === text.length ? text.slice(vh.msgStart) : text.slice(vh.msgStart, end);
			if (!handleVllmMessage(ctx, vh.level, msg, pid, clock.at, prefixKey || undefined)) {
				// vLLM repeats the logger head on every traceback line (NewLineFormatter)
				if ((vh.level === 'ERROR' || vh.level === 'CRITICAL') && !feedTraceback(ctx, prefixKey, msg, rank, clock.at)) handleTorchLine(ctx, msg, rank, clock.at, prefixKey || undefined);
			}
			return end !== text.length ? this.glued(text.slice(end), true, undefined, false) : null;
		}
		const c = text.charCodeAt(i);
		// NCCL head: `host:pid:tid [dev] NCCL INFO …` (a vLLM head, whose level word a space
		// follows, is never one: told first, by fixed positions, it spares its line this search)
		if (c !== Ch.Space && text.indexOf(' NCCL ', i) !== -1) {
			const head = ncclHead(text, i);
			if (head) return this.ncclWrite(text, head, hasPrefix, remote);
		}
		// a pasted NCCL line that lost its `host:pid:tid `: `[3] NCCL INFO …`, `NCCL INFO …` (fixed positions first)
		if (c === Ch.OpenBracket || c === Ch.N) {
			const head = headlessNcclHead(text, i);
			if (head) return this.ncclWrite(text, head, hasPrefix, remote);
		}
		// v2.18–2.21 and VERSION level: a raw `NCCL version 2.21.5+cuda12.4` (rank 0 only)
		if (c === Ch.N && text.startsWith('NCCL version ', i)) {
			ctx.events.push({
				type: 'nccl-fact',
				pod: ctx.pod,
				at: clock.at(),
				proc: null,
				fact: {
					kind: 'version',
					version: text
						.slice(i + 13)
						.trim()
						.split(' ')[0]!,
				},
			});
			return null;
		}
		const rest = i ? text.slice(i) : text;
		// uvicorn `INFO:     Application startup complete.`
		if (c === Ch.I && rest.startsWith('INFO:')) {
			handleVllmMessage(ctx, 'INFO', rest.slice(5).trimStart(), pid, clock.at, prefixKey || undefined);
			return null;
		}
		// Python logging / Ray `2025-04-14 16:07:42,252\tINFO …`: a full stamp gives the year vLLM's lack
		if (isDigit(c) && rest.charCodeAt(4) === Ch.Minus && rest.charCodeAt(10) === Ch.Space && rest.charCodeAt(13) === Ch.Colon) {
			clock.takeFull(rest.slice(0, 19), 'py');
			const y = Number(rest.slice(0, 4));
			if (y > 1970) clock.year = y;
			return null;
		}
		// nccl-tests' own `#  Rank  0 Group  0 Pid … device  0 [0000:9a:00] NVIDIA H100 …` table and summary
		if (c === Ch.Hash && ncclTestsLine(ctx, rest, clock.at)) return null;
		if (feedTraceback(ctx, prefixKey, rest, rank, clock.at)) return null;
		if (handleTorchLine(ctx, rest, rank, clock.at, prefixKey || undefined)) return null;
		// un-headed vLLM text: tqdm bars on stderr, continuation lines
		if (handleVllmMessage(ctx, 'INFO', rest, pid, clock.at, prefixKey || undefined)) return null;
		// a head after other text: a write glued to the previous one (its writer is unknown), or an
		// unknown tool's prefix (`[vllm]: `, mpirun's `[1,0]<stdout>:`, stern's `pod container `).
		// The earliest head wins; a process prefix or torch head counts only after a prefix's end.
		let at0 = embeddedNcclHead(rest, 0);
		const v = embeddedVllmHead(rest, 0);
		if (v > 0 && (at0 <= 0 || v < at0)) at0 = v;
		const pp = embeddedProcPrefix(rest, 0);
		if (pp > 0 && (at0 <= 0 || pp < at0)) at0 = pp;
		const th = embeddedTorchHead(rest, 0);
		if (th > 0 && (at0 <= 0 || th < at0)) at0 = th;
		if (at0 > 0) {
			// after a prefix's end (space, `:`, `|`, `]`, `>`) the rest is a line of its own, read from its start
			if (!hasPrefix && prefixEnd(rest.charCodeAt(at0 - 1))) {
				if (i === 0) this.learn(rest.slice(0, at0));
				return this.glued(rest.slice(at0), false, null, false);
			}
			return this.glued(rest.slice(at0), true, undefined, at0 === v ? false : remote);
		}
		if (rest.length && !hasPrefix) ctx.counters.unrecognised++;
		return null;
	}

	/** One NCCL write whose head was found at `head.start`. */
	private ncclWrite(text: string, head: NcclHead, hasPrefix: boolean, remote: boolean): string | null {
		const end = mayBeGlued(text, head.msgStart) ? secondHead(text, head.msgStart) : text.length;
		const procs = this.procs;
		let proc: ProcCtx;
		if (head.pid === -1) proc = procs.headless(head.dev);
		else {
			procs.sawHead(head.pid, hasPrefix);
			proc = procs.ofHead(text, head.start, head.hostEnd, head.pid, remote, head.dev);
		}
		procs.lineProc = proc.key;
		this.clock.procWrote(proc.key, this.clock.k8s, 0);
		const msg = end === text.length ? text.slice(head.msgStart) : text.slice(head.msgStart, end);
		this.ctx.lineDev = head.dev;
		ncclMessage(this.ctx, proc, head.level, head.where, msg, this.clock.at);
		return end !== text.length ? this.glued(text.slice(end), true, undefined, false) : null;
	}

	/** The next write of this line, and the prefix state it is read with. */
	private glued(text: string, hasPrefix: boolean, pid: number | null | undefined, remote: boolean): string {
		this.nextHasPrefix = hasPrefix;
		this.nextPid = pid;
		this.nextRemote = remote;
		return text;
	}

	/** A prefix found before a head that may be the stream's wrapper (wrappers.ts isLearnablePrefix). */
	private learn(p: string): void {
		if (!isLearnablePrefix(p)) return;
		this.learnedNow = p;
		if (this.learned.length < MAX_LEARNED && this.learned.indexOf(p) === -1) this.learned.push(p);
	}
}

/** Where a second write glued into the text after `from` starts (its NCCL head, else its vLLM head), or the text's length. */
function secondHead(text: string, from: number): number {
	const second = embeddedNcclHead(text, from);
	if (second !== -1) return second;
	const v = embeddedVllmHead(text, from);
	return v !== -1 ? v : text.length;
}
