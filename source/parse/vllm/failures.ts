/**
 * vLLM's fatal lines (docs/log-formats/vllm.md §2.6): a worker or engine core that died, the engine
 * core failing to start, EngineDeadError. The failure names the process as well as the line
 * lets it: its proc key, its world rank, or vLLM's own name for it.
 */
import type {AtFn, StreamCtx} from '../context.js';
import {workerRanks} from './ranks.js';

// "Worker proc VllmWorker-1 died unexpectedly, shutting down executor." (V1), 0.2x adds "(exit code: -15)"
const WORKER_PROC_DIED = /Worker proc (\S+?)-(\d+) died unexpectedly(?: \(exit code: (-?\d+)\))?/;
// V0 "Worker VllmWorkerProcess pid 106022 died, exit code: -6"
const WORKER_PID_DIED = /Worker (\S+) pid (\d+) died, exit code: (-?\d+)/;
// "Engine core proc EngineCore_DP0 died unexpectedly, shutting down client."
const ENGINE_PROC_DIED = /Engine core proc (\S+) died unexpectedly/;
// Ray V2 executor "RayWorkerProc rank=[3] died unexpectedly, shutting down executor."
const RAY_PROC_DIED = /RayWorkerProc rank=\[(\d+)[^\]]*\] died unexpectedly/;
// v1/utils.py `wait_for_completion_or_failure` (API server scale-out, DP): RuntimeError(f"Process {proc.name} (PID: {proc.pid}) died with
// exit code {proc.exitcode}"), logged as "Exception occurred while running API servers: Process ApiServer_0 (PID: 359) died with exit code 1"
const PROCESS_DIED = /Process (\S+) \(PID: (\d+)\) died with exit code (-?\d+)/;
// "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {'EngineCore_DP0': 1}"
const FAILED_CORE_PROCS = /Failed core proc\(s\): \{'([^']+)': (-?\d+)/;

/**
 * A GPU worker's own fatal line, by its first words (the caller checked the first character is `W` or `E`):
 *   v1/executor/multiproc_executor.py `WorkerProc.worker_busy_loop`: logger.exception("WorkerProc hit an exception.") — the
 *     FAILURE reply makes the executor shut the engine down; `worker_main`: "WorkerProc failed to start." / "WorkerProc failed."
 *   `WorkerProc.wait_for_ready` (in the engine core): Exception("WorkerProc initialization failed due to an exception in a
 *     background process. See stack trace for root cause."), the last line of EngineCore's "EngineCore failed to start." traceback
 *   v1/worker/worker_base.py `execute_method` (Ray workers): logger.exception("Error executing method %r. This might cause
 *     deadlock in distributed execution.", method)
 * (read in multiproc_executor.py at vllm-project/vllm 00f6c9bf, 0.10; the same words in 0.19.0 logs, vllm#39788)
 */
export function isWorkerFailure(msg: string): boolean {
	return (
		(msg.startsWith('WorkerProc ') && (msg.startsWith('hit an exception', 11) || msg.startsWith('failed', 11))) ||
		msg.startsWith('Exception: WorkerProc initialization failed') ||
		(msg.startsWith('Error executing method ') && msg.indexOf('This might cause deadlock') !== -1)
	);
}

/**
 * V1 0.7–0.8's SIGUSR1 handlers (a worker hit an unrecoverable error), logged at CRITICAL (`logger.fatal`), told by the first
 * character (`M` or `G`, the caller's gate):
 *   v1/executor/multiproc_executor.py `MultiprocExecutor._init_executor`: "MulitprocExecutor got fatal signal from worker processes,
 *     shutting down. See stack trace above for root cause issue." (sic; in the engine core: `(EngineCore_1 pid=N) CRITICAL …`)
 *   v1/engine/core_client.py `sigusr1_handler`: "Got fatal signal from worker processes, shutting down. See stack trace above for root
 *     cause issue." (in the front end: the API server or the offline `LLM`, no prefix)
 * (real: vllm-project/vllm-ascend#616 on vLLM 0.8.5.dev107, `[multiproc_executor.py:49]` and `[core_client.py:359]`)
 */
export function isFatalSignal(msg: string): boolean {
	return msg.startsWith('MulitprocExecutor got fatal signal from worker') || msg.startsWith('Got fatal signal from worker processes');
}

/** A fatal engine/worker line: most messages are none, so one scan for what they share (`died`, `ngine`) comes first. */
export function isEngineFailure(msg: string): boolean {
	return (
		(msg.indexOf('died') !== -1 && (msg.indexOf('died unexpectedly') !== -1 || (msg.indexOf(' died, exit code: ') !== -1 && WORKER_PID_DIED.test(msg)) || (msg.indexOf(') died with exit code ') !== -1 && PROCESS_DIED.test(msg)))) ||
		(msg.indexOf('ngine') !== -1 &&
			(msg.indexOf('Engine core initialization failed') !== -1 || msg.indexOf('EngineDeadError') !== -1 || msg.startsWith('EngineCore failed to start') || msg.startsWith('EngineCore encountered a fatal error')))
	);
}

function procOfPid(ctx: StreamCtx, pid: number | null | undefined): string | null {
	if (pid === null || pid === undefined) return null;
	const list = ctx.byPid.get(pid);
	return list && list.length === 1 ? list[0]!.key : null;
}

/** DP offset of a worker named in an `EngineCore_DP<d>` process's line: d x (TP x PP), when known. */
function dpOffset(ctx: StreamCtx, writer: string | undefined): number | null {
	const m = writer ? /^EngineCore_(?:DP)?(\d+)/.exec(writer) : null;
	if (!m || m[1] === '0') return 0;
	const sz = ctx.vllmSizes ?? undefined;
	return sz ? Number(m[1]) * sz.tp * sz.pp * sz.pcp : null;
}

/** A fatal engine/worker line: the failure names the process (proc key, rank, or vLLM's name for it). */
export function engineFailure(ctx: StreamCtx, msg: string, pid: number | null | undefined, writer: string | undefined, at: AtFn): void {
	const ev = ctx.events;
	const pod = ctx.pod;
	const message = msg.trim();
	let proc: string | null = null;
	let rank: number | null = null;
	let procName: string | null = null;
	let exitCode: number | null = null;
	let m: RegExpExecArray | null;
	if ((m = WORKER_PROC_DIED.exec(msg))) {
		procName = `${m[1]}-${m[2]}`;
		const off = dpOffset(ctx, writer);
		rank = off === null ? null : off + Number(m[2]);
		if (m[3] !== undefined) exitCode = Number(m[3]);
	} else if ((m = WORKER_PID_DIED.exec(msg))) {
		const wpid = Number(m[2]);
		proc = procOfPid(ctx, wpid);
		procName = `${m[1]} pid=${wpid}`;
		exitCode = Number(m[3]);
		if (proc) ev.push({type: 'proc-exit', pod, at: at(), proc, exitCode, worldRank: null, reason: exitCode < 0 ? `signal ${-exitCode}` : `exit code ${exitCode}`});
	} else if ((m = ENGINE_PROC_DIED.exec(msg))) {
		procName = m[1]!;
	} else if ((m = RAY_PROC_DIED.exec(msg))) {
		rank = Number(m[1]);
		procName = `RayWorkerProc rank=${m[1]}`;
	} else if ((m = PROCESS_DIED.exec(msg))) {
		procName = `${m[1]} pid=${m[2]}`;
		exitCode = Number(m[3]);
	} else if ((m = FAILED_CORE_PROCS.exec(msg))) {
		procName = m[1]!;
		exitCode = Number(m[2]);
	} else if (writer) {
		// the writer's own fatal error (`EngineCore encountered a fatal error` from `(EngineCore_DP0 pid=N)`)
		procName = writer;
		proc = procOfPid(ctx, pid);
		const r = workerRanks(writer, ctx.vllmSizes ?? undefined);
		if (r) rank = r.worldRank;
	}
	ev.push({type: 'engine', pod, at: at(), patch: {}, dead: message});
	ev.push({type: 'failure', pod, at: at(), kind: 'engine-dead', proc, rank, message, remote: false, ...(exitCode !== null ? {exitCode} : {}), ...(procName ? {procName} : {})});
}
