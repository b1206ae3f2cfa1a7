/**
 * `init-not-seen` (info): the logs start mid-run (model/mid-run.ts), so what NCCL and
 * vLLM print only while starting — Init START, the topology dump, rings and trees, GDR
 * per GPU, the engine config — is not in them. Said once, so a person reads the panes
 * as what the rest of the log shows, not as a rollout that is still starting.
 */
import {initNotSeen, initNotSeenText} from '../model/mid-run.js';
import type {Rule} from './types.js';
import {joinList} from './subject.js';

export const initNotSeenRule: Rule = state => {
	const x = initNotSeen(state);
	if (!x) return [];
	const parts = [x.pods.length ? "NCCL's init" : null, x.engine ? "vLLM's startup" : null].filter(Boolean);
	const subject = x.pods.length ? `pod${x.pods.length > 1 ? 's' : ''} ${joinList(x.pods, 6)}` : 'the vLLM engine';
	return [
		{
			id: 'init-not-seen',
			severity: 'info',
			subject,
			message: `${initNotSeenText(x)}; ${joinList(parts as string[])} came before it (kubelet rotates a container's log at 10 MiB by default, minutes at NCCL_DEBUG_SUBSYS=ALL; or --since/--tail cut it). Communicators, ranks, transports and the engine's state are read from what follows; init times, the topology dump and the engine config may be missing. For the start, read the container's rotated files on the node (/var/log/pods/…) or run with --save DIR from the first minute.`,
		},
	];
};
