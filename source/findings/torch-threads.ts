/** `torch-threads` (info): vLLM reduced torch's CPU threads (`Reducing Torch parallelism from N threads to 1 …`). */
import type {Rule} from './types.js';
import {oneLine} from './group-records.js';

export const torchThreads: Rule = state => {
	const text = state.nccl.torchThreadsReduced;
	if (!text) return [];
	return [
		{
			id: 'torch-threads',
			severity: 'info',
			subject: 'torch CPU threads',
			message: `"${oneLine(text, 160)}". Expected with several workers per pod; set OMP_NUM_THREADS explicitly if CPU-side work (tokenization, sampling) is slow.`,
		},
	];
};
