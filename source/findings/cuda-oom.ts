/** `cuda-oom`: CUDA out of memory (torch `OutOfMemoryError`, `CUDA out of memory`, NCCL `Cuda failure 2 'out of memory'`). */
import type {Finding, Rule} from './types.js';
import {groupRecords, oneLine} from './group-records.js';
import {fmtTime, joinList, rankLabel} from './subject.js';

export const cudaOom: Rule = state => {
	const out: Finding[] = [];
	for (const g of groupRecords(state, ['cuda-oom'], f => f.proc ?? `${f.pod ?? ''}|${f.rank ?? ''}`)) {
		const f = g.records[0]!;
		const proc = f.proc ? state.procs[f.proc] : undefined;
		// the process the line came from, as its prefix named it (`EngineCore pid=112`), when no GPU process is known for it
		const who = f.procName ? `, ${f.procName}` : '';
		const subject = proc ? rankLabel(state, proc) : f.rank !== null ? `rank ${f.rank} (${f.pod ?? 'unknown pod'}${who})` : `pod ${joinList(g.pods) || 'unknown'}${f.procName ? ` (${f.procName})` : ''}`;
		out.push({
			id: 'cuda-oom',
			severity: 'error',
			subject,
			message: `CUDA out of memory at ${fmtTime(g.firstAt)}: "${oneLine(f.message, 140)}". Fix: lower --gpu-memory-utilization, --max-model-len or --max-num-seqs, or use more tensor parallelism; check nothing else holds memory on that GPU.`,
		});
	}
	return out;
};
