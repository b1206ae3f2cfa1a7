/** `nccl-warn`: `NCCL WARN` lines, grouped by message (state.warnGroups), with how often and where. */
import type {Finding, Rule} from './types.js';
import {oneLine} from './group-records.js';
import {fmtTime, joinList} from './subject.js';
import {ibCompletion, isRasBindNoise} from '../parse/nccl/warn.js';

// NCCL's IB transport on a failed work completion (net_ib.cc / HPC-X ib_plugin.c, 2.18+), e.g.
// "NET/IB : Got completion from peer 10.1.32.3<54891> with error 5, opcode 0, len 0, vendor err 249"
// (NVIDIA/nccl#1737), 2.28+ "status=IBV_WC_RETRY_EXC_ERR(12)"; the error is libibverbs' enum ibv_wc_status (parse/nccl/warn.ts ibCompletion).

/** What an ibv_wc_status in an IB completion error means for an NCCL job, and what to check. */
export function ibCompletionAdvice(status: number): string {
	switch (status) {
		case 5:
			return 'error 5 is IBV_WC_WR_FLUSH_ERR: the queue pair was already broken, so these follow an earlier failure — look for the first completion error (often on the peer, e.g. 12) or the rank that failed first.';
		case 12:
			return 'error 12 is IBV_WC_RETRY_EXC_ERR: the NIC gave up resending to the peer — packets are lost on the path (link, switch, RoCE PFC/ECN, wrong NCCL_IB_GID_INDEX) or the peer stopped; NCCL_IB_TIMEOUT/NCCL_IB_RETRY_CNT raise the tolerance, they do not fix the path.';
		case 13:
			return 'error 13 is IBV_WC_RNR_RETRY_EXC_ERR: the peer was not ready to receive — it hung or fell behind; look at that rank.';
		case 4:
		case 8:
		case 10:
			return `error ${status} is a memory protection/access error (${status === 4 ? 'IBV_WC_LOC_PROT_ERR' : status === 8 ? 'IBV_WC_LOC_ACCESS_ERR' : 'IBV_WC_REM_ACCESS_ERR'}): with GPU Direct RDMA, usually nvidia-peermem/DMA-BUF missing or PCIe ACS blocking peer-to-peer; NCCL_NET_GDR_LEVEL=LOC (GDR off) tells whether GDR is the cause.`;
		default:
			return `error ${status} is libibverbs' ibv_wc_status ${status} (ibv_wc_status_str names it); read the lines around it (NCCL_DEBUG_SUBSYS=INIT,NET gives more).`;
	}
}

function advice(message: string, where: string | null): string {
	const ib = ibCompletion(message);
	if (ib) return ibCompletionAdvice(ib.status);
	if (/bind failed|Binding to socket/i.test(message) && /Address already in use/i.test(message)) {
		// e.g. "ras/client_support.cc:160 … Call to bind failed: Address already in use" (2.26, vllm-project/vllm#19204)
		// 2.30.7+: "ras/client_support.cc:179 (rasClientInitSocket) NCCL WARN …" (the head's where is still file:line)
		if (where?.startsWith('ras/'))
			return "nothing: NCCL's RAS monitoring service (2.24+) could not listen on its client port (localhost:28028, NCCL_RAS_ADDR) because another NCCL process on the node holds it; RAS does not carry the job's traffic (NCCL_RAS_ENABLE=0 silences it).";
		// e.g. "misc/ipcsocket.cc:57 … UDS: Binding to socket /tmp/nccl-socket-2-… failed : Address already in use (98)" (NVIDIA/nccl#1185)
		if (/UDS|ipcsocket/.test(`${message} ${where ?? ''}`)) return 'a stale /tmp/nccl-socket-* from an earlier process on the node: give each pod its own /tmp (an emptyDir) or clean it up.';
		// e.g. "misc/socket.cc:409 … Call to bind failed: Address already in use" at 256x8 ranks (NVIDIA/nccl#1882)
		return 'the node ran out of local TCP ports (large jobs open many sockets): widen net.ipv4.ip_local_port_range, and keep PXN on (NCCL_PXN_DISABLE unset).';
	}
	if (/Connection closed by remote peer|remote process/i.test(message)) return 'a peer went away: see rank-exited for the rank that failed first.';
	if (/no socket interface|No usable listening interface/i.test(message)) return "check NCCL_SOCKET_IFNAME against the pod's interfaces (socket-ifname-no-match).";
	if (/shared memory|\/dev\/shm/i.test(message)) return "the pod's /dev/shm is too small: mount a memory emptyDir at /dev/shm.";
	if (/NET plugin/i.test(message)) return 'the network plugin failed to load: check the plugin library and its dependencies in the image.';
	return 'read the lines around it (NCCL_DEBUG_SUBSYS=INIT,NET gives more).';
}

export const ncclWarn: Rule = state => {
	const out: Finding[] = [];
	const groups = Object.values(state.warnGroups).sort((a, b) => (a.firstAt ?? Infinity) - (b.firstAt ?? Infinity) || (a.message < b.message ? -1 : 1));
	for (const g of groups) {
		out.push({
			id: 'nccl-warn',
			// a second NCCL process per host failing to bind the RAS port is expected: not a problem
			severity: isRasBindNoise(g.where, g.message) ? 'info' : 'warn',
			subject: `NCCL WARN${g.where ? ` ${g.where}` : ''} on pod ${joinList(g.pods) || 'unknown'}`,
			message: `${g.count}× "${oneLine(g.message)}", first at ${fmtTime(g.firstAt)}. Fix: ${advice(g.message, g.where)}`,
		});
	}
	return out;
};
