/**
 * NCCL WARN lines (`host:pid:tid [dev] file.cc:72 NCCL WARN …`): what they say about the
 * peer (a remote end went away), whether they are real errors, and the facts some carry
 * (the IB transport in use, NCCL_SOCKET_IFNAME matching nothing).
 */
import type {AtFn, ProcCtx, StreamCtx} from '../context.js';

/** WARN texts that mean a peer went away (the error is a consequence, not the cause). */
export function isRemoteText(t: string): boolean {
	return t.includes('closed by remote peer') || t.includes('ncclRemoteError') || t.includes('remote process exited') || t.includes('Connection reset by peer');
}

/** WARN texts that are real errors (not "could not read …, ignoring"). */
function isErrorWarn(t: string): boolean {
	return !/ignoring|Defaulting|retrying/i.test(t);
}

/**
 * NCCL's RAS thread (2.24+) failing to listen on its client port (localhost:28028, NCCL_RAS_ADDR):
 * every process after the first on a host prints it, and the job runs on (RAS carries none of its
 * traffic; src/ras/client_support.cc rasClientInitSocket, 2.24 → 2.32: SYSCHECKGOTO's
 * "Call to bind failed: %s", then INFO "RAS failed to establish a client listening socket at %s").
 */
// e.g. where "ras/client_support.cc:160", message "Call to bind failed: Address already in use" (2.26, vllm-project/vllm#19204);
// 2.30.7+ prints the function too: "ras/client_support.cc:179 (rasClientInitSocket) NCCL WARN …" (where stays file:line)
export function isRasBindNoise(where: string | null, message: string): boolean {
	return where !== null && where.startsWith('ras/') && message.includes('Address already in use');
}

// An IB work completion with an error status (docs/log-formats/nccl.md §1.8 "IB completion"), every wording:
//   2.18–2.19 and HPC-X's ib_plugin.c "NET/IB : Got completion from peer 10.0.35.1<49189> with error 4, opcode 5327, len 5327, vendor err 81 (Send)" (real, NVIDIA/nccl-tests#252)
//   2.20–2.27 "NET/IB : Got completion from peer %s with status=%d opcode=%d len=%d vendor err %d (%s)…" (2.22+ "NET/IB: …", "… hca %s")
//   2.28+ "NET/IB: Got completion from peer %s with status=%s(%d) opcode=%s(%d) vendor_err=%u …" (status = ibvWcStatusStr, "IBV_WC_RETRY_EXC_ERR(12)")
//   2.29+ GIN "NET/IB/GIN: Got completion from peer %s with status=%d opcode=%d …"
// The transport returns ncclRemoteError right after it (transport/net_ib.cc ncclIbTest v2.21.5-1, net_ib/p2p.cc HEAD: "cannot recover
// from any error"); the proxy's progress thread stores it as the communicator's async error ("proxy.cc:878 -> 6 [Progress Thread]",
// src/proxy.cc progressService; ncclCommGetAsyncError reads proxyState->asyncResult, src/init.cc): that communicator is dead.
const IB_COMPLETION = /Got completion from peer (\S+) with (?:error|status)[= ]?\s*(?:[^()\d\s]*\()?(\d+)/;

/** The peer and libibverbs' ibv_wc_status of an IB completion-error WARN, or null for any other text. */
export function ibCompletion(message: string): {peer: string; status: number} | null {
	const m = IB_COMPLETION.exec(message);
	return m ? {peer: m[1]!, status: Number(m[2])} : null;
}

/** IBV_WC_WR_FLUSH_ERR: the queue pair had already gone to the error state; the completion follows an earlier failure. */
export const IBV_WC_WR_FLUSH_ERR = 5;

/** ncclResult_t by value (src/nccl.h.in, 2.18 → 2.30): 7 is ncclInProgress, a non-blocking call still running, not an error. */
const RESULT_NAMES = ['ncclSuccess', 'ncclUnhandledCudaError', 'ncclSystemError', 'ncclInternalError', 'ncclInvalidArgument', 'ncclInvalidUsage', 'ncclRemoteError', 'ncclInProgress'];
const NCCL_REMOTE_ERROR = 6;
const NCCL_IN_PROGRESS = 7;

// e.g. "proxy.cc:878 -> 6 [Progress Thread]", "init.cc:126 -> 5", "misc/socket.cc:484 -> 2 (Connection refused)"
// (2.30.7+ `proxy.cc:878 (progressService) -> 6 [Progress Thread]`: the function is left out of `where`)
const TRACE = /^(\S+:\d+)(?: \([^)]*\))? -> (\d+)(.*)$/;
// e.g. " [Progress Thread]", " [Async thread]"
const THREAD_END = /^ \[[\w ]* [Tt]hread\]/;

/**
 * NCCL's error back trace (`file:line -> N`, one line per call it returns through; dispatch.ts
 * isErrorTrace). Where a chain ends in a thread of NCCL's own (`[Progress Thread]`, `[Async
 * thread]`: the error is stored as the comm's async error, src/proxy.cc, src/group.cc) and the
 * process printed no error WARN before it, that is its failure: nothing warned (the proxy's
 * ncclRemoteError) or the WARN was cut off. A chain with no such end is an API call's, whose
 * WARN (or the caller's exception) says more; a log cut inside one (`--tail`) shows the same
 * error again whole.
 */
export function errorTrace(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const m = TRACE.exec(msg.trim());
	if (!m) return;
	const code = Number(m[2]);
	if (code === 0 || code === NCCL_IN_PROGRESS || proc.failed || !THREAD_END.test(m[3]!)) return;
	proc.failed = true;
	const remote = code === NCCL_REMOTE_ERROR;
	const name = RESULT_NAMES[code] ?? `ncclResult ${code}`;
	const message = `${name} (${code}) at ${m[1]}${m[3]!.trimEnd()}`;
	ctx.events.push({type: 'failure', pod: ctx.pod, at: at(), kind: remote ? 'remote-error' : 'nccl-error', proc: proc.key, rank: null, message, remote, where: m[1]!});
}

export function warn(ctx: StreamCtx, proc: ProcCtx, where: string | null, msg: string, at: AtFn): void {
	const message = msg.trim();
	const remote = isRemoteText(message);
	const error = isErrorWarn(message) && !isRasBindNoise(where, message);
	// the back trace that follows an error WARN is that error's (errorTrace)
	if (error) proc.failed = true;
	ctx.events.push({type: 'nccl-warn', pod: ctx.pod, at: at(), proc: proc.key, where, message, error, remote});
	// e.g. "transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer …": the IB transport is in use. A net
	// plugin's own IB code says it with the same `NET/IB` words from its own file: HPC-X's nccl-rdma-sharp plugin
	// "ib_plugin.c:1105 NCCL WARN NET/IB : Got completion from peer 10.0.35.1<49189> with error 4, …" (real, NVIDIA/nccl-tests#252)
	// ("NET/IB : No IP interface found." / "No device found." say the opposite: IB did not come up)
	if (((where !== null && where.startsWith('transport/net_ib')) || message.startsWith('NET/IB')) && !/No (IP interface|device) found/.test(message)) {
		ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'ib-in-use', from: 'warn', evidence: message}});
	}
	// an IB completion error fails this process's communicator (see IB_COMPLETION): a failure of this process, naming the
	// peer; a flush (5) only drains work posted before an earlier error, here or on the peer, so it is that error's follow-on
	const ib = ibCompletion(message);
	if (ib) {
		const remote = ib.status === IBV_WC_WR_FLUSH_ERR;
		ctx.events.push({type: 'failure', pod: ctx.pod, at: at(), kind: remote ? 'remote-error' : 'nccl-error', proc: proc.key, rank: null, message, remote, where});
	}
	// CUDA out of memory inside NCCL: src/include/checks.h CUDACHECK `WARN("Cuda failure '%s'", cudaGetErrorString(err))`,
	// src/include/cudawrap.h CUCHECK `WARN("Cuda failure %d '%s'", err, errStr)` (v2.18.3-1 → v2.30.7-1 unchanged), e.g.
	// "include/alloc.h:178 NCCL WARN Cuda failure 'out of memory'" (real, NVIDIA/nccl#1235): this process failed first,
	// its peers' "Connection closed by remote peer" follow from it
	if (message.startsWith('Cuda failure ') && message.endsWith("'out of memory'")) {
		ctx.events.push({type: 'failure', pod: ctx.pod, at: at(), kind: 'cuda-oom', proc: proc.key, rank: null, message, remote: false, where});
	}
	// NCCL_SOCKET_IFNAME matching nothing: "Bootstrap : no socket interface found", "NET/Socket : No usable listening interface found"
	if (/no socket interface found|No usable listening interface/i.test(message)) {
		ctx.events.push({type: 'failure', pod: ctx.pod, at: at(), kind: 'socket-ifname', proc: proc.key, rank: null, message, remote: false, where});
	}
}
