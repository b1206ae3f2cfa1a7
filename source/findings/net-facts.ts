/** Shared reading of how traffic leaves a node: the NET transport, its interfaces, the evidence. */
import type {CommState, RolloutState} from '../model/state.js';
import {family, isMultiNode, p2pBlockers, resolvedLinks, sameNode} from './topology.js';

/** The NET links of a communicator that join processes on different nodes (sameNode); else, for a communicator across nodes, its NET transports. */
export function interNodeNetTransports(state: RolloutState, comm: CommState): string[] {
	const out = new Set<string>();
	for (const {link, from, to} of resolvedLinks(state, comm)) {
		if (family(link.transport) !== 'NET') continue;
		// traffic that never leaves a host is not inter-node, whatever NCCL's nNodes says; but one
		// host name is no proof of one host where NCCL chose NET with P2P and SHM allowed
		if (sameNode(state, from, to) && p2pBlockers(state, from.pod).length > 0) continue;
		out.add(link.transport);
	}
	if (out.size === 0 && isMultiNode(state, comm)) for (const t of comm.transports) if (family(t) === 'NET') out.add(t);
	return [...out].sort();
}

/** Whether NCCL's network is TCP sockets. */
export function isSocket(transport: string): boolean {
	return /^NET\/Socket/i.test(transport);
}

/** Names of the Ethernet interfaces NCCL's Socket transport (or bootstrap) uses. */
export function socketInterfaces(state: RolloutState): string[] {
	const names = state.nccl.netDevices.filter(d => d.linkLayer !== 'IB' && d.linkLayer !== 'RoCE').map(d => d.name);
	if (names.length === 0 && state.nccl.bootstrapInterface) names.push(state.nccl.bootstrapInterface.split(':')[0]!);
	return [...new Set(names)].sort();
}

export function rdmaDevices(state: RolloutState): string[] {
	return [...new Set(state.nccl.netDevices.filter(d => d.linkLayer === 'IB' || d.linkLayer === 'RoCE').map(d => d.name))].sort();
}

/** Any communicator spans nodes. */
export function jobIsMultiNode(state: RolloutState): boolean {
	return Object.values(state.comms).some(c => isMultiNode(state, c));
}
