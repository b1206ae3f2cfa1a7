/** NCCL 2.31+ diagnostics report lines (`NCCL DIAG …`), kept bounded for the nccl-diag finding. */
import type {NcclDiagEvent} from '../parse/log-events.js';
import type {RolloutState} from './state.js';

export const MAX_DIAG_RECORDS = 400;

export function reduceNcclDiag(state: RolloutState, e: NcclDiagEvent): RolloutState {
	const list = state.ncclDiag ?? [];
	// every communicator init prints a report: the same line again from the same pod adds nothing
	if (list.some(r => r.pod === e.pod && r.text === e.text)) return state;
	// problems are kept past the bound (the first ones), passes roll
	if (list.length >= MAX_DIAG_RECORDS && !e.problem) return state;
	const rec = {pod: e.pod, proc: e.proc, at: e.at, report: e.report, kind: e.kind, check: e.check, text: e.text, problem: e.problem};
	const next = list.length >= MAX_DIAG_RECORDS ? [...list.filter(r => r.problem).slice(-(MAX_DIAG_RECORDS - 1)), rec] : [...list, rec];
	return {...state, ncclDiag: next};
}
