/**
 * `net-plugin-missing` (info): `NET/Plugin: Could not find: libnccl-net.so` (2.22+; older wordings
 * in docs/log-formats/nccl.md §1.2) — NCCL uses its built-in IB or Socket transport. Normal without a
 * vendor plugin; matters on fabrics that need one (AWS EFA, GCP gIB/TCPX).
 */
import type {Rule} from './types.js';

export const netPluginMissing: Rule = state => {
	if (state.nccl.externalNetPlugin !== false) return [];
	const builtin = state.nccl.netPlugin;
	return [
		{
			id: 'net-plugin-missing',
			severity: 'info',
			subject: 'NCCL net plugin libnccl-net.so',
			message: `libnccl-net.so was not found, so NCCL uses its built-in ${builtin ? `${builtin} ` : ''}transport. Fine for InfiniBand/RoCE or TCP; if this cluster's network needs a vendor plugin (AWS EFA/OFI, GCP gIB/TCPX), add it to the image and LD_LIBRARY_PATH (or set NCCL_NET_PLUGIN).`,
		},
	];
};
