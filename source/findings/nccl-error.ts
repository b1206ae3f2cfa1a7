/**
 * `nccl-error`: NCCL returned an error (`ncclSystemError`, `ncclInvalidUsage`,
 * `ncclRemoteError`, …), grouped by message. Remote errors around or after the
 * root failure (see root-cause.ts) are follow-ons: one warning per pod pointing
 * to that rank, so the error list leads with the cause.
 */
import type {FailureRecord} from '../model/state.js';
import type {Finding, Rule} from './types.js';
import {followOnOf} from './follow-on.js';
import {groupRecords, oneLine} from './group-records.js';
import {fmtTime, joinList} from './subject.js';
import {ibCompletionAdvice} from './nccl-warn.js';
import {ibCompletion} from '../parse/nccl/warn.js';

// `ncclRemoteError: A call failed …` → the NCCL result name.
const ncclResultName = /\bnccl[A-Z][A-Za-z]+Error\b/;
// `socketProgress: Connection closed by remote peer`
const closedByPeer = /Connection closed by remote peer/i;

function advice(message: string): string {
	const ib = ibCompletion(message);
	if (ib) return `the IB transport failed a transfer to or from peer ${ib.peer} and returned ncclRemoteError, which ends the communicator; ${ibCompletionAdvice(ib.status)}`;
	if (/ncclRemoteError|remote process exited/i.test(message)) return 'a peer process exited or the network dropped: find the rank that failed first (rank-exited).';
	if (/ncclSystemError|system error/i.test(message)) return 'a system call failed: check /dev/shm size, ulimits (memlock), and the network interface NCCL chose.';
	if (/ncclInvalidUsage|invalid usage/i.test(message)) return 'NCCL refused the setup: read the NCCL WARN just before it (interface, env, rank count).';
	if (/ncclUnhandledCudaError|cuda/i.test(message)) return 'a CUDA call failed inside NCCL: check the GPU (Xid errors in dmesg), driver and memory.';
	if (/ncclInternalError|internal error/i.test(message)) return 'NCCL hit an internal error: report it with the NCCL_DEBUG=INFO log, or try another NCCL version.';
	return 'read the NCCL WARN lines just before it.';
}

// ncclGetErrorString texts (init.cc) as torch prints them: `NCCL error in: …, invalid usage (run with …)`
const resultTexts: [RegExp, string][] = [
	[/unhandled cuda error/i, 'ncclUnhandledCudaError'],
	[/unhandled system error/i, 'ncclSystemError'],
	[/internal error - please report/i, 'ncclInternalError'],
	[/invalid argument \(run with/i, 'ncclInvalidArgument'],
	[/invalid usage \(run with/i, 'ncclInvalidUsage'],
	[/remote process exited or there was a network error/i, 'ncclRemoteError'],
];

function resultName(message: string): string | null {
	// `NET/IB : Got completion from peer 10.0.35.1<49189> with error 4, …` (parse/nccl/warn.ts ibCompletion)
	const ib = ibCompletion(message);
	if (ib) return `IB completion error ${ib.status}`;
	const m = message.match(ncclResultName)?.[0];
	if (m) return m;
	for (const [re, name] of resultTexts) if (re.test(message)) return name;
	return null;
}

function shortName(f: FailureRecord): string {
	return resultName(f.message) ?? (closedByPeer.test(f.message) ? 'Connection closed by remote peer' : /remote process exited/i.test(f.message) ? 'remote process exited' : oneLine(f.message, 60));
}

export const ncclError: Rule = state => {
	const out: Finding[] = [];
	const kinds = ['nccl-error', 'remote-error'] as const;
	// Follow-ons: one warning per pod, listing what its ranks saw.
	const follow = new Map<string, {root: string; names: Map<string, number>; firstAt: number | null}>();
	for (const f of state.failures) {
		if (!(kinds as readonly string[]).includes(f.kind)) continue;
		const root = followOnOf(state, f);
		if (!root) continue;
		const pod = f.pod ?? 'unknown';
		const e = follow.get(pod) ?? {root, names: new Map<string, number>(), firstAt: null};
		const n = shortName(f);
		e.names.set(n, (e.names.get(n) ?? 0) + 1);
		if (f.at !== null && (e.firstAt === null || f.at < e.firstAt)) e.firstAt = f.at;
		follow.set(pod, e);
	}
	const independent = state.failures.filter(f => (kinds as readonly string[]).includes(f.kind) && !followOnOf(state, f));
	for (const g of groupRecords({...state, failures: independent}, kinds, f => resultName(f.message) ?? oneLine(f.message, 80))) {
		const name = resultName(g.message);
		out.push({
			id: 'nccl-error',
			severity: 'error',
			subject: `${name ?? 'NCCL error'} on pod ${joinList(g.pods) || 'unknown'}`,
			message: `${g.records.length > 1 ? `${g.records.length}× ` : ''}"${oneLine(g.message)}" first at ${fmtTime(g.firstAt)}. Fix: ${advice(g.message)}`,
		});
	}
	for (const [pod, e] of [...follow].sort((a, b) => (a[1].firstAt ?? Infinity) - (b[1].firstAt ?? Infinity))) {
		const names = [...e.names].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n));
		out.push({
			id: 'nccl-error',
			severity: 'warn',
			subject: `NCCL errors on pod ${pod}`,
			message: `${joinList(names)} from ${fmtTime(e.firstAt)} — follow-ons of ${e.root} failing first (see rank-exited), not a separate fault.`,
		});
	}
	return out;
};
