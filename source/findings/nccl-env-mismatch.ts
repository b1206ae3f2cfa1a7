/**
 * `nccl-env-mismatch`: an NCCL setting that shapes how ranks talk set to different values
 * in different pods of one rollout. Every rank of a communicator must agree on protocol,
 * algorithm, channel counts, P2P/SHM/IB/GDR use; a pod built from another template (a
 * leader/worker pair with diverging env, a patched StatefulSet) hangs or slows the whole
 * job. Only such settings are compared: dump files, debug switches, NCCL_HOSTID and
 * interface names differ per pod or node by design (the corpus's tp2x2 has all three).
 */
import type {Rule} from './types.js';
import {joinList} from './subject.js';

/** settings that shape transports, protocols and channel counts: ranks that disagree on them can build graphs or connections that do not match */
const MUST_AGREE = new Set(
	[
		'P2P_DISABLE',
		'P2P_LEVEL',
		'SHM_DISABLE',
		'IB_DISABLE',
		'NET',
		'NET_PLUGIN',
		'NET_GDR_LEVEL',
		'NET_GDR_READ',
		'PROTO',
		'ALGO',
		'NVLS_ENABLE',
		'CUMEM_ENABLE',
		'CROSS_NIC',
		'MIN_NCHANNELS',
		'MAX_NCHANNELS',
		'BUFFSIZE',
		'NTHREADS',
		'COLLNET_ENABLE',
		'IB_GID_INDEX',
		'IB_TC',
		'IB_SL',
		'IB_QPS_PER_CONNECTION',
		'PXN_DISABLE',
		'LL128_ENABLE',
		'RUNTIME_CONNECT',
	].map(k => `NCCL_${k}`),
);

export const ncclEnvMismatch: Rule = state => {
	const byPod = state.nccl.envByPod;
	const pods = Object.keys(byPod).sort();
	if (pods.length < 2) return [];
	const keys = new Set<string>();
	for (const p of pods) for (const k of Object.keys(byPod[p]!)) keys.add(k);
	const out = [];
	for (const k of [...keys].sort()) {
		if (!MUST_AGREE.has(k)) continue;
		// a pod that does not print the variable may simply not have logged it yet: only disagreeing values count
		const values = new Map<string, string[]>();
		for (const p of pods) {
			const v = byPod[p]![k];
			if (v === undefined) continue;
			const list = values.get(v);
			if (list) list.push(p);
			else values.set(v, [p]);
		}
		if (values.size < 2) continue;
		const parts = [...values].map(([v, ps]) => `${v} in ${joinList(ps.slice(0, 4))}${ps.length > 4 ? ` and ${ps.length - 4} more` : ''}`);
		out.push({
			id: 'nccl-env-mismatch',
			severity: 'warn' as const,
			subject: k,
			message: `${k} differs between pods: ${parts.join('; ')}. Ranks of one communicator must agree on NCCL settings, or init fails, hangs or falls back to a slower path. Fix: set it the same in every pod's template (LeaderWorkerSet leader and worker templates both), unless the nodes really differ.`,
		});
	}
	return out;
};
