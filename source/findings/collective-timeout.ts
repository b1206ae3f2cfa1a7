/**
 * `collective-timeout`: PyTorch's NCCL watchdog timed out a collective, e.g.
 * `[Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE, … Timeout(ms)=25000) ran for 25…`.
 * After another rank died this is a follow-on (warn, pointing to it); alone it is an error.
 */
import type {Finding, Rule} from './types.js';
import {followOnOf} from './follow-on.js';
import {labelForRecord} from './root-cause.js';
import {groupRecords, oneLine} from './group-records.js';
import {fmtTime} from './subject.js';

// `WorkNCCL(SeqNum=2, OpType=ALLREDUCE, …, Timeout(ms)=25000)`
const opTypeRe = /OpType=(\w+)/;
const timeoutMsRe = /Timeout\(ms\)=(\d+)/;

export const collectiveTimeout: Rule = state => {
	const out: Finding[] = [];
	const groups = groupRecords(state, ['watchdog-timeout'], f => `${f.pod ?? ''}|${f.rank ?? ''}`);
	for (const g of groups) {
		const f = g.records[0]!;
		const op = f.message.match(opTypeRe)?.[1];
		const limit = f.message.match(timeoutMsRe)?.[1];
		const subject = labelForRecord(state, f);
		const what = `${op ? `${op} ` : 'a collective '}timed out${limit ? ` after ${Number(limit) / 1000} s` : ''} at ${fmtTime(g.firstAt)}: "${oneLine(f.message, 140)}"`;
		const root = followOnOf(state, f);
		out.push(
			root
				? {id: 'collective-timeout', severity: 'warn', subject, message: `${what} — a follow-on of ${root} failing first (see rank-exited).`}
				: {
						id: 'collective-timeout',
						severity: 'error',
						subject,
						message: `${what}. Fix: a peer stopped calling this collective or the network stalled; find the rank that fell behind (straggler, rank-exited) before raising the timeout.`,
					},
		);
	}
	return out;
};
