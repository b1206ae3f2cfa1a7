/**
 * PyTorch / torchrun text (docs/log-formats/nccl.md §1.8, vllm.md §2.6): ProcessGroupNCCL errors and
 * watchdog timeouts, DistBackendError, NCCL error codes, torch.distributed.elastic
 * failure reports, CUDA OOM (Python tracebacks: traceback.ts).
 */
import type {AtFn, StreamCtx} from './context.js';
import {isRemoteText} from './nccl/warn.js';
import {workerRanks} from './vllm/ranks.js';

/** The characters this file checks (a const enum: inlined as numbers, see chars.ts). */
const enum Ch {
	Space = 32,
	OpenBracket = 91, // '['
	n = 110,
	t = 116,
}

// e.g. "[rank1]:[E810 03:04:11.061727749 ProcessGroupNCCL.cpp:683] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(…) ran for 600096 milliseconds before timing out."
// and torch's older head with no date or time, "[rank0]:[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught …" (c10/util/Logging.cpp MessageLogger:
// `"[" << CAFFE2_SEVERITY_PREFIX[…] << " " << StripBasename(file) << ":" << line << "] "`, the time commented out; real in vllm-project/vllm#6042)
const TORCH_HEAD = /^\[([EWIF])(?:\d{3,4} [\d:.]+)? ([\w.]+:\d+)\] /;
// e.g. "failed (exitcode: 3) local_rank: 1 (pid: 1464) of binary: /opt/torch/.venv/bin/python3"
const ELASTIC_FAILED = /failed \(exitcode: (-?\d+)\) local_rank: (\d+) \(pid: (\d+)\)/;
// e.g. "  rank      : 1 (local_rank: 1)"
const ELASTIC_RANK = /^\s+rank\s+: (\d+) \(local_rank: \d+\)/;
// e.g. "  exitcode  : 3 (pid: 1464)"
const ELASTIC_EXIT = /^\s+exitcode\s+: (-?\d+) \(pid: (\d+)\)/;
// e.g. "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."
const NCCL_CODE = /^(nccl(?:UnhandledCuda|System|Internal|InvalidArgument|InvalidUsage|Remote|InProgress|Timeout)Error|ncclTimeout): (.*)$/;

function procByPid(ctx: StreamCtx, pid: number): string | null {
	const list = ctx.byPid.get(pid);
	return list && list.length ? list[0]!.key : null;
}

/** vLLM's name for the writer, without Ray's `, ip=…` */
const procNameOf = (writer: string): string => writer.replace(/,? ?ip=\S+$/, '');

/** CUDA OOM; `writer`: the process prefix of the line (`EngineCore pid=112`, `Worker_TP1 pid=9`), named in the failure. */
function cudaOom(ctx: StreamCtx, text: string, rank: number | null, at: AtFn, writer: string | undefined): void {
	let r = rank;
	let procName: string | null = null;
	if (writer) {
		procName = procNameOf(writer);
		if (r === null) r = workerRanks(writer, ctx.vllmSizes ?? undefined)?.worldRank ?? null;
	}
	ctx.events.push({type: 'failure', pod: ctx.pod, at: at(), kind: 'cuda-oom', proc: null, rank: r, message: clip(text), remote: false, ...(procName ? {procName} : {})});
}

/**
 * Returns true when the line was a torch/launcher fact. `rank` is the `[rankN]:`
 * prefix's world rank, if any; `writer` the line's process prefix, if any.
 */
export function handleTorchLine(ctx: StreamCtx, text: string, rank: number | null, at: AtFn, writer?: string): boolean {
	const pod = ctx.pod;
	const ev = ctx.events;
	const c0 = text.charCodeAt(0);
	if (c0 === Ch.OpenBracket) {
		const h = TORCH_HEAD.exec(text);
		if (h) {
			const msg = text.slice(h[0].length);
			const rk = rank ?? rankIn(msg);
			// the process prefix (`(VllmWorkerProcess pid=1159)`) names who timed out
			const named = writer ? {procName: procNameOf(writer)} : {};
			if (msg.indexOf('Watchdog caught collective operation timeout') !== -1) {
				ev.push({type: 'failure', pod, at: at(), kind: 'watchdog-timeout', proc: null, rank: rk, message: clip(msg), remote: true, where: h[2]!, ...named});
				return true;
			}
			if (h[1] === 'E' && (msg.indexOf('NCCL error') !== -1 || msg.indexOf('async exception') !== -1)) {
				const remote = isRemoteText(msg);
				ev.push({type: 'failure', pod, at: at(), kind: remote ? 'remote-error' : 'nccl-error', proc: null, rank: rk, message: clip(msg), remote, where: h[2]!, ...named});
				ncclVersionIn(ctx, msg, at);
				return true;
			}
			return h[1] !== 'I';
		}
	}
	if (c0 === Ch.t && text.startsWith('torch.')) {
		if (text.startsWith('torch.distributed.DistBackendError: ')) {
			const msg = text.slice(36);
			const remote = isRemoteText(msg);
			ev.push({type: 'failure', pod, at: at(), kind: remote ? 'remote-error' : 'nccl-error', proc: null, rank, message: clip(text), remote});
			ncclVersionIn(ctx, msg, at);
			return true;
		}
		if (text.startsWith('torch.OutOfMemoryError') || text.startsWith('torch.cuda.OutOfMemoryError')) {
			cudaOom(ctx, text, rank, at, writer);
			return true;
		}
	}
	if (c0 === Ch.n && text.startsWith('nccl')) {
		const m = NCCL_CODE.exec(text);
		if (m) {
			const remote = m[1] === 'ncclRemoteError';
			ev.push({type: 'failure', pod, at: at(), kind: remote ? 'remote-error' : 'nccl-error', proc: null, rank, message: clip(text), remote});
			return true;
		}
	}
	if (text.indexOf('CUDA error: out of memory') !== -1 || text.indexOf("Cuda failure 2 'out of memory'") !== -1) {
		cudaOom(ctx, text, rank, at, writer);
		return true;
	}
	// torch.distributed.elastic
	if (text.indexOf('failed (exitcode: ') !== -1) {
		const m = ELASTIC_FAILED.exec(text);
		if (m) {
			const pid = Number(m[3]);
			const code = Number(m[1]);
			const proc = procByPid(ctx, pid);
			if (proc) ev.push({type: 'proc-exit', pod, at: at(), proc, exitCode: code, worldRank: null, reason: `exit code ${code}`});
			return true;
		}
	}
	if (c0 === Ch.Space) {
		const r = ELASTIC_RANK.exec(text);
		if (r) {
			ctx.elasticRank = Number(r[1]);
			return true;
		}
		const e = ELASTIC_EXIT.exec(text);
		if (e) {
			const code = Number(e[1]);
			const pid = Number(e[2]);
			const proc = procByPid(ctx, pid);
			const worldRank = ctx.elasticRank;
			ctx.elasticRank = null;
			const reason = code < 0 ? `signal ${-code}` : `exit code ${code}`;
			if (proc) ev.push({type: 'proc-exit', pod, at: at(), proc, exitCode: code, worldRank, reason});
			if (code !== 0) ev.push({type: 'failure', pod, at: at(), kind: 'rank-exit', proc, rank: worldRank, message: `rank ${worldRank ?? '?'} (pid ${pid}) ${reason}`, remote: code < 0, exitCode: code});
			return true;
		}
	}
	return false;
}

/** `…, NCCL version 2.28.9` at the end of torch's NCCL errors: the version even when NCCL logged none. */
function ncclVersionIn(ctx: StreamCtx, msg: string, at: AtFn): void {
	const m = /NCCL version (\d+\.\d+\.\d+\S*)\s*$/.exec(msg);
	if (m) ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: null, fact: {kind: 'version', version: m[1]!, fromVllm: true}});
}

function rankIn(msg: string): number | null {
	const m = /\[(?:PG ID \d+ PG GUID \S+ )?Rank (\d+)\]/.exec(msg);
	return m ? Number(m[1]) : null;
}

export function clip(s: string): string {
	const t = s.trim();
	return t.length > 500 ? `${t.slice(0, 500)}…` : t;
}
