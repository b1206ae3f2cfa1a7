/**
 * `gdr-disabled`: GPU Direct RDMA is not used for traffic leaving a node.
 * Evidence, named in the message: NCCL's per-HCA lines
 * (`NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'`, topo.cc, all versions) and
 * NET channel lines without the `/GDRDMA` suffix (`… [send] via NET/Socket/0`).
 * NOT `Connected all rings, use ring PXN 0 GDR 1`: it prints GDR 1 over TCP too.
 * Severity is about the deployment: a single-node job's traffic never leaves the node (info);
 * a multi-node job pays for it on every inter-node step (warn).
 */
import type {Finding, Rule} from './types.js';
import {isSocket, jobIsMultiNode, rdmaDevices} from './net-facts.js';
import {family} from './topology.js';
import {joinList} from './subject.js';

export const gdrDisabled: Rule = state => {
	const disabled = state.gdr.filter(g => !g.enabled);
	let netLinks = 0;
	let netLinksNoGdr = 0;
	const netTransports = new Set<string>();
	for (const comm of Object.values(state.comms)) {
		for (const l of comm.links) {
			if (family(l.transport) !== 'NET') continue;
			netLinks++;
			netTransports.add(l.transport);
			if (!/GDRDMA/.test(l.raw || l.transport)) netLinksNoGdr++;
		}
	}
	if (disabled.length === 0 && netLinksNoGdr === 0) return [];

	const hcas = [...new Set(disabled.map(g => g.hca))].sort();
	const pods = [...new Set(disabled.map(g => g.pod).filter((p): p is string => Boolean(p)))].sort();
	const socket = (state.nccl.netPlugin !== null && /^Socket$/i.test(state.nccl.netPlugin)) || disabled.some(g => /NET\/Socket/.test(g.evidence)) || [...netTransports].some(isSocket);
	const multi = jobIsMultiNode(state);

	const evidence: string[] = [];
	if (disabled[0]) evidence.push(`"${disabled[0].evidence.trim()}"${disabled.length > 1 ? ` (${disabled.length} such lines)` : ''}`);
	if (netLinksNoGdr) evidence.push(`${netLinksNoGdr} of ${netLinks} NET channel connections without /GDRDMA`);
	if (socket && rdmaDevices(state).length === 0 && state.nccl.ibDeviceFound !== true) evidence.push('no IB/RoCE device (NET/IB : No device found)');

	const subject = `${socket ? 'NET/Socket' : 'GPU Direct RDMA'}${hcas.length ? ` HCA ${joinList(hcas)}` : ''}${pods.length ? ` on pod ${joinList(pods)}` : ''}`;
	const head = socket
		? 'GPU Direct RDMA is not used: the network transport is TCP (NET/Socket), which cannot do RDMA'
		: `GPU Direct RDMA is disabled${hcas.length ? ` for HCA ${joinList(hcas)}` : ''}: inter-node data is staged through host memory`;
	const impact = multi ? 'This job spans nodes, so every inter-node transfer pays for it.' : "This job's traffic stays inside the node, so it costs nothing now; it matters once the job spans nodes.";
	const fix = socket
		? 'Fix (for multi-node): an RDMA NIC (IB/RoCE) in the pod plus nvidia-peermem or DMA-BUF.'
		: 'Fix: load nvidia-peermem (or use a DMA-BUF capable driver/kernel), and keep GPU and NIC under one PCIe switch (NCCL_NET_GDR_LEVEL).';
	return [
		{
			id: 'gdr-disabled',
			severity: multi ? 'warn' : 'info',
			subject,
			message: `${head}. Evidence: ${evidence.join('; ')}. ${impact} ${fix}`,
		} satisfies Finding,
	];
};
