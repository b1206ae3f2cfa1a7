/** The findings' thresholds: flags set them (core/options.ts), rules read them (findings/). */
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
