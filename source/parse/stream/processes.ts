/**
 * The process registry of one stream: the GPU processes found by their NCCL heads
 * (`host:pid:tid [dev] NCCL …`), one ProcCtx each keyed `${pod}|${host}|${pid}` (several per
 * stream under Ray, several hosts per pid), made once with a proc-seen event; which pid is
 * the driver's (NCCL lines with no process prefix); the pids of vLLM/Ray prefixes; and which
 * process the line being read is attributed to (the log pane's RawLine.proc). Pasted NCCL
 * lines that lost their head are kept apart, one process per `[dev]` (headless()).
 */
import type {AtFn, ProcCtx, StreamCtx} from '../context.js';
import {assignRanks, notePrefixRanks} from '../vllm/ranks.js';
import {fastHeadHost} from './fast-line.js';

export class Processes {
	/** the process of the last NCCL line (hot: consecutive lines mostly come from the same process) */
	last: ProcCtx | null = null;
	/** the process the current line is attributed to (`pod|host|pid`), if any */
	lineProc: string | null = null;

	constructor(
		private readonly ctx: StreamCtx,
		private readonly at: AtFn,
	) {}

	/** The process of the NCCL head whose host is text[start, hostEnd): the last one when it is that, else procFor's. */
	ofHead(text: string, start: number, hostEnd: number, pid: number, remote: boolean, dev: number | null): ProcCtx {
		// hot: the same process as the last NCCL line, compared in place (no host slice)
		const lp = this.last;
		if (lp !== null && lp.pid === pid && hostEnd - start === lp.host.length && text.startsWith(lp.host, start)) return lp;
		return this.procFor(text.slice(start, hostEnd), pid, remote, dev);
	}

	/** The process `host:pid`, made (proc-seen, with any ranks waiting for it) when new. */
	procFor(host: string, pid: number, remote: boolean, dev: number | null = null): ProcCtx {
		const ctx = this.ctx;
		const lp = this.last;
		if (lp !== null && lp.pid === pid && lp.host === host) return lp;
		const same = ctx.byPid.get(pid);
		if (same) {
			for (const q of same) if (q.host === host) return (this.last = q);
			// a head glued to the previous write (`…3llama-0:5941:5941`) or cut (`instruct-0:5941:…`): same pid, host suffix
			for (const q of same) if (q.host.endsWith(host) || host.endsWith(q.host)) return (this.last = q);
		}
		const key = `${ctx.pod}|${host}|${pid}`;
		const p = newProcCtx(key, host, pid, remote, fastHeadHost(host));
		ctx.procs.set(key, p);
		const list = ctx.byPid.get(pid);
		if (list) list.push(p);
		else ctx.byPid.set(pid, [p]);
		ctx.events.push({type: 'proc-seen', pod: ctx.pod, at: this.at(), proc: key, host, pid, dev});
		const pending = ctx.pendingRanks.get(pid);
		if (pending) {
			ctx.pendingRanks.delete(pid);
			assignRanks(ctx, pid, pending);
		}
		return (this.last = p);
	}

	/**
	 * The process of a pasted NCCL line that lost its `host:pid:tid` (prefix.ts headlessNcclHead):
	 * one per `[dev]` of the stream, and one for lines with no device either. NCCL's `[%d]` is the
	 * cudaDev of the thread that wrote the line (src/debug.cc), and a GPU is driven by one process:
	 * two devices are two processes unless a pid says otherwise, and a pasted line has none. The
	 * common paste is one process per GPU (torchrun, vLLM, mpirun -np N); one process driving
	 * several GPUs (ncclCommInitAll, nccl-tests -g N) also holds one rank per GPU in each comm,
	 * so a process per device still gives each rank its own row and each comm its right size,
	 * where one process for all would fold every rank of a comm into one (ProcCtx holds one rank
	 * per comm). Keyed `${pod}|||dev${d}` (`${pod}|||nodev`): no host and no pid in the key, so
	 * the Ranks pane and the snapshot read them as unknown (proc-seen host and pid null), never as
	 * a host or pid the log did not print; not in byPid, so no full head ever finds one.
	 */
	headless(dev: number | null): ProcCtx {
		const ctx = this.ctx;
		const key = dev === null ? `${ctx.pod}|||nodev` : `${ctx.pod}|||dev${dev}`;
		const known = ctx.procs.get(key);
		if (known) return known;
		const p = newProcCtx(key, '', -1, false, false);
		ctx.procs.set(key, p);
		ctx.events.push({type: 'proc-seen', pod: ctx.pod, at: this.at(), proc: key, host: null, pid: null, dev});
		return p;
	}

	/**
	 * The known process whose host is src[h0, h0 + hostLen) with this pid, as procFor finds it
	 * (the last one, else the first of that pid with that host), or null: the fast path makes none.
	 */
	find(src: string, h0: number, hostLen: number, pid: number): ProcCtx | null {
		const lp = this.last;
		if (lp !== null && lp.pid === pid && lp.host.length === hostLen && src.startsWith(lp.host, h0)) return lp;
		const same = this.ctx.byPid.get(pid);
		if (same === undefined) return null;
		for (const x of same) if (x.host.length === hostLen && src.startsWith(x.host, h0)) return x;
		return null;
	}

	/**
	 * An NCCL head with this pid: the first one with no process prefix, whose pid no prefix
	 * named, is the driver's (the API server's); ranks read before it was known are its.
	 */
	sawHead(pid: number, hasPrefix: boolean): void {
		const ctx = this.ctx;
		if (!hasPrefix && !ctx.prefixPids.has(pid) && ctx.mainPid === null) {
			ctx.mainPid = pid;
			const pending = ctx.pendingRanks.get(-1);
			if (pending) {
				ctx.pendingRanks.delete(-1);
				ctx.pendingRanks.set(pid, pending);
			}
		}
	}

	/** A vLLM/Ray process prefix `(name pid=N)`: the line belongs to the GPU process of that pid, once its NCCL head was seen. */
	sawPrefix(name: string, pid: number): void {
		const ctx = this.ctx;
		ctx.prefixPids.add(pid);
		const same = ctx.byPid.get(pid);
		if (same && same.length === 1) this.lineProc = same[0]!.key;
		notePrefixRanks(ctx, name, pid, this.at);
	}
}

/** A process's parse state with every field set (none added later: one object shape for the hot path's reads). */
function newProcCtx(key: string, host: string, pid: number, remote: boolean, fastHead: boolean): ProcCtx {
	return {
		key,
		host,
		pid,
		remote,
		busId: null,
		cudaDev: null,
		ptrToComm: new Map(),
		commRanks: new Map(),
		initComm: null,
		lastComm: null,
		unknown: null,
		provisional: null,
		topo: null,
		fastHead,
		failed: false,
	};
}
