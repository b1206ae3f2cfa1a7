/** The failures slice: notable errors kept (bounded) for root-cause analysis, and WARNs grouped by text. */
import type {ParsedFailureKind} from '../../parse/log-events.js';

export type FailureKind = ParsedFailureKind;

/** A notable error, kept (bounded) for root-cause analysis. */
export interface FailureRecord {
	kind: FailureKind;
	at: number | null;
	pod: string | null;
	/** proc key when the line could be attributed to a GPU process */
	proc: string | null;
	/** world/global rank when the text names it */
	rank: number | null;
	message: string;
	/** true when this error says a peer died (`Connection closed by remote peer`, ncclRemoteError …) */
	remote: boolean;
	exitCode?: number | null;
	/** e.g. `socket.cc:120` for NCCL WARN */
	where?: string | null;
	/** the process as vLLM names it (`VllmWorker-1`, `EngineCore_DP0`) */
	procName?: string | null;
}

export interface WarnGroup {
	message: string;
	where: string | null;
	count: number;
	firstAt: number | null;
	pods: string[];
}

export const MAX_FAILURES = 200;
export const MAX_WARN_GROUPS = 100;
