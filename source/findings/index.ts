import type {RolloutState} from '../model/state.js';
import {withJoinedComms} from '../model/comm-join.js';
import {defaultFindingOptions, type Finding, type FindingOptions, type Rule} from './types.js';
import {rankExited} from './rank-exited.js';
import {straggler} from './straggler.js';
import {initStalled} from './init-stalled.js';
import {ncclError} from './nccl-error.js';
import {ncclWarn} from './nccl-warn.js';
import {ncclDiag} from './nccl-diag.js';
import {collectiveTimeout} from './collective-timeout.js';
import {socketIfnameNoMatch} from './socket-ifname-no-match.js';
import {cudaOom} from './cuda-oom.js';
import {engineDead} from './engine-dead.js';
import {podRestarting} from './pod-restarting.js';
import {nvlinkUnused} from './nvlink-unused.js';
import {pcieFallback} from './pcie-fallback.js';
import {interNodeOverSocket} from './inter-node-over-socket.js';
import {gdrDisabled} from './gdr-disabled.js';
import {lowBandwidth} from './low-bandwidth.js';
import {netPluginMissing} from './net-plugin-missing.js';
import {ibDisabled} from './ib-disabled.js';
import {ncclEnvMismatch} from './nccl-env-mismatch.js';
import {deprecatedFlag} from './deprecated-flag.js';
import {torchThreads} from './torch-threads.js';
import {engineStalled} from './engine-stalled.js';
import {endpointUnhealthy} from './endpoint-unhealthy.js';
import {logStreamLagging} from './log-stream-lagging.js';
import {rayLogDedup} from './ray-log-dedup.js';
import {initNotSeenRule} from './init-not-seen.js';

export type {Finding, FindingOptions} from './types.js';
export {defaultFindingOptions} from './types.js';

/**
 * Every rule, one file each. The order here is the order within a severity,
 * so causes come before their symptoms. To add a rule: import it and add one line.
 */
const rules: Rule[] = [
	// specific causes first, then the generic crash report (which names the first failure)
	socketIfnameNoMatch,
	cudaOom,
	rankExited,
	engineDead,
	engineStalled,
	endpointUnhealthy,
	ncclError,
	collectiveTimeout,
	initStalled,
	straggler,
	podRestarting,
	nvlinkUnused,
	pcieFallback,
	interNodeOverSocket,
	lowBandwidth,
	gdrDisabled,
	ibDisabled,
	ncclEnvMismatch,
	ncclDiag,
	ncclWarn,
	netPluginMissing,
	deprecatedFlag,
	torchThreads,
	logStreamLagging,
	rayLogDedup,
	initNotSeenRule,
];

const order = {error: 0, warn: 1, info: 2} as const;

/** All findings for the state at `now`, most severe first (stable within a severity). */
export function computeFindings(raw: RolloutState, now: number, options: FindingOptions = defaultFindingOptions): Finding[] {
	// a log read mid-run: per-process views of one communicator read as one (model/comm-join.ts)
	const state = withJoinedComms(raw);
	const out: Finding[] = [];
	for (const rule of rules) out.push(...rule(state, now, options));
	// Array.prototype.sort is stable: rule order, then each rule's own order, within a severity.
	return out.sort((a, b) => order[a.severity] - order[b.severity]);
}
