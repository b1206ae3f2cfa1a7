/**
 * The shapes the report's topology drawing is made from (topology-model.ts builds them,
 * topology-svg.ts and topology-section.ts draw them): hosts as nodes and edges, GPU→NIC
 * GDR links, and the transports between hosts per communicator.
 */
import type {LinkType} from '../../model/state.js';

export type NodeKind = 'cpu' | 'pci' | 'gpu' | 'nic' | 'net' | 'nvs' | 'other';
export type Tone = 'ok' | 'warn' | 'error' | 'muted';

export interface TopoNode {
	id: string;
	kind: NodeKind;
	/** first line in the box: `GPU 60`, `mlx5_0`, `NVSwitch`, `CPU 0` */
	label: string;
	/** further lines: `rank 3`, `IB 400 Gb/s` */
	sub: string[];
	tone: Tone | null;
	/** why it stands out (a straggler, a failed rank), for the box's title */
	note: string | null;
	/** the same in a few words, written in the box: `exit 3 · 1st failure`, `joined 30s late` */
	short: string | null;
}

export interface TopoEdge {
	a: string;
	b: string;
	type: LinkType;
	bw: number | null;
	/** the transports whose channels went over it (P2P, SHM, NET); empty: NCCL did not use it */
	used: string[];
}

export interface GdrLink {
	gpu: string;
	/** the NIC (or NET) node the HCA is, when the dump has it */
	nic: string | null;
	hca: string;
	state: 'on' | 'off' | 'tcp';
}

export interface HostView {
	pod: string;
	host: string | null;
	node: string | null;
	maxBw: number | null;
	totalBw: number | null;
	/** NCCL printed its topology dump for this pod */
	dumped: boolean;
	nodes: TopoNode[];
	edges: TopoEdge[];
	gdr: GdrLink[];
	/** GPU rows of rank problems on this host (straggler, failed): such a host is always drawn */
	problems: string[];
	/** what makes two hosts look the same in a drawing (summary of a large cluster) */
	signature: string;
}

export interface InterNodePair {
	a: string;
	b: string;
	transports: string[];
	channels: number;
}

export interface InterNodeComm {
	id: string;
	nranks: number;
	nNodes: number | null;
	transports: string[];
	pairs: InterNodePair[];
}

export interface TopologyView {
	hosts: HostView[];
	interNode: InterNodeComm[];
}
