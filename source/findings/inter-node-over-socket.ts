/**
 * `inter-node-over-socket`: a communicator spanning nodes sends between them via
 * `NET/Socket` (TCP through the kernel), not IB/RoCE. Evidence: NET channel lines
 * between ranks of different pods (`Channel 00/0 : 1[1] -> 2[2] [send] via NET/Socket/0`),
 * else the communicator's transports with nNodes > 1.
 */
import type {Rule} from './types.js';
import {commName} from '../model/mid-run.js';
import {interNodeNetTransports, isSocket, rdmaDevices, socketInterfaces} from './net-facts.js';
import {isMultiNode} from './topology.js';
import {joinList, nodesPhrase} from './subject.js';

export const interNodeOverSocket: Rule = state => {
	const comms: string[] = [];
	const places: string[] = [];
	for (const comm of Object.values(state.comms)) {
		if (!isMultiNode(state, comm)) continue;
		let net = interNodeNetTransports(state, comm);
		// No channel lines (SUBSYS without NET/INIT detail): NCCL said which network it uses.
		if (net.length === 0 && state.nccl.netPlugin && /^Socket$/i.test(state.nccl.netPlugin)) net = ['NET/Socket'];
		if (!net.some(isSocket)) continue;
		comms.push(`${commName(comm.id)} (${comm.nranks} ranks${comm.nNodes !== null ? `, ${comm.nNodes} nodes` : ''})`);
		places.push(nodesPhrase(state, comm));
	}
	if (comms.length === 0) return [];
	const ifs = socketInterfaces(state);
	const rdma = rdmaDevices(state);
	const ib = state.nccl.env['NCCL_IB_DISABLE'];
	const why =
		ib && ib !== '0'
			? `NCCL_IB_DISABLE=${ib} is set`
			: rdma.length
				? `NCCL saw ${joinList(rdma)} but did not use them`
				: state.nccl.ibDeviceFound === false || state.nccl.netDevices.length > 0
					? 'NCCL found no InfiniBand/RoCE device'
					: 'no IB/RoCE device was reported';
	return [
		{
			id: 'inter-node-over-socket',
			severity: 'warn',
			subject: `NET/Socket${ifs.length ? ` over ${joinList(ifs)}` : ''} between ${joinList([...new Set(places)])}`,
			message: `traffic between nodes goes over TCP sockets (NET/Socket) for communicator ${joinList(comms, 4)}: ${why}. TCP is typically 10–50x slower than RDMA for all-reduce. Fix: give the pods an RDMA NIC (RDMA/SR-IOV device plugin or host network) and make sure NCCL can open it (NCCL_IB_HCA, no NCCL_IB_DISABLE).`,
		},
	];
};
