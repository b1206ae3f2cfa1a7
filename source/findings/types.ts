export type Severity = 'error' | 'warn' | 'info';

/** One diagnosis: a pure function of the state and `now`. See contract/snapshot.md for ids. */
export interface Finding {
	id: string;
	severity: Severity;
	/** what it is about, in words a person can act on: pod, rank with pod and bus id, communicator, interface */
	subject: string;
	/** what is wrong and one line of advice */
	message: string;
}

export interface FindingOptions {
	/** a rank this many seconds later than its peers' median is a straggler */
	stragglerSeconds: number;
	/** init not complete this long after the first rank started, with ranks missing or silent */
	initStallSeconds: number;
	/** graph bandwidth floor inside a node whose GPUs share NVLink (GB/s) */
	minIntraNodeGBps: number;
	/** graph bandwidth floor between nodes (GB/s) */
	minInterNodeGBps: number;
	/** a stream this far behind is lagging */
	lagSeconds: number;
}

export const defaultFindingOptions: FindingOptions = {
	stragglerSeconds: 10,
	initStallSeconds: 60,
	minIntraNodeGBps: 20,
	minInterNodeGBps: 10,
	lagSeconds: 10,
};

export type Rule = (state: import('../model/state.js').RolloutState, now: number, options: FindingOptions) => Finding[];
