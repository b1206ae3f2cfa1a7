/**
 * `cuda-oom`: CUDA out of memory (torch `OutOfMemoryError`, `CUDA out of memory`, NCCL `Cuda failure 2 'out of memory'`).
 * The fix depends on who ran out: vLLM's own allocations are sized by its flags; NCCL's (its buffers, at init or when it
 * connects a peer) are small and fail because the GPU's memory was already taken, or because NCCL's buffers were made large.
 */
import type {FailureRecord} from '../model/state.js';
import type {Finding, Rule} from './types.js';
import {groupRecords, oneLine} from './group-records.js';
import {fmtTime, joinList, rankLabel} from './subject.js';

// NCCL's own: a WARN with its file:line, e.g. "include/alloc.h:178 NCCL WARN Cuda failure 'out of memory'" then
// "include/alloc.h:185 NCCL WARN Failed to CUDA calloc 6291456 bytes" (real, NVIDIA/nccl#1235; parse/nccl/warn.ts)
function fromNccl(f: FailureRecord): boolean {
	return (f.where !== undefined && f.where !== null) || f.message.startsWith('Cuda failure ');
}

// NCCL's buffers: NCCL_BUFFSIZE (default 4 MiB, src/init.cc `NCCL_PARAM(BuffSize, "BUFFSIZE", -2)`) per channel and peer,
// channels (NCCL_MAX_NCHANNELS, src/graph/connect.cc), NVLink SHARP's buffers (NCCL_NVLS_ENABLE, src/transport/nvls.cc): v2.18.3-1 on
const NCCL_FIX =
	"NCCL could not allocate its own buffers on that GPU: its memory was already taken — by another process on the same GPU (nvidia-smi on the node: a second rank or job on that GPU, a leftover process) or by this process before NCCL's init; check what holds memory on that GPU first. NCCL's share shrinks with a smaller NCCL_BUFFSIZE (default 4 MiB per channel and peer), fewer channels (NCCL_MAX_NCHANNELS) or, on NVSwitch systems, NCCL_NVLS_ENABLE=0.";
const VLLM_FIX = 'lower --gpu-memory-utilization, --max-model-len or --max-num-seqs, or use more tensor parallelism; check nothing else holds memory on that GPU.';

export const cudaOom: Rule = state => {
	const out: Finding[] = [];
	for (const g of groupRecords(state, ['cuda-oom'], f => f.proc ?? `${f.pod ?? ''}|${f.rank ?? ''}`)) {
		const f = g.records[0]!;
		const proc = f.proc ? state.procs[f.proc] : undefined;
		// the process the line came from, as its prefix named it (`EngineCore pid=112`), when no GPU process is known for it
		const who = f.procName ? `, ${f.procName}` : '';
		const subject = proc ? rankLabel(state, proc) : f.rank !== null ? `rank ${f.rank} (${f.pod ?? 'unknown pod'}${who})` : `pod ${joinList(g.pods) || 'unknown'}${f.procName ? ` (${f.procName})` : ''}`;
		const nccl = fromNccl(f);
		out.push({
			id: 'cuda-oom',
			severity: 'error',
			subject,
			message: `CUDA out of memory${nccl ? ' inside NCCL' : ''} at ${fmtTime(g.firstAt)}: "${oneLine(f.message, 140)}". Fix: ${nccl ? NCCL_FIX : VLLM_FIX}`,
		});
	}
	return out;
};
