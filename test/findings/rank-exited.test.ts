import {describe, expect, it} from 'vitest';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {rankExited} from '../../source/findings/rank-exited.js';
import {addProc, failure, proc, s, state} from '../helpers/build.js';

const opts = defaultFindingOptions;

/**
 * crash-rank1's shape: rank 1 (pod0, busId 70) exits with code 3; rank 0 is
 * SIGTERMed by its launcher; rank 3's watchdog times out 25 s later; rank 2 gets
 * ncclRemoteError and aborts a minute later. The records arrive in the array in an
 * order where the root is NOT first.
 */
function crash() {
	const st = state();
	const r2 = addProc(st, proc('pod1', 1463, {busId: '80', worldRank: 2, state: 'failed', exitCode: -6, failedAt: s(66)}));
	const r3 = addProc(st, proc('pod1', 1465, {busId: '90', worldRank: 3, state: 'failed', exitCode: -15, failedAt: s(66)}));
	const r0 = addProc(st, proc('pod0', 1462, {busId: '60', worldRank: 0, state: 'failed', exitCode: -15, failedAt: s(0.3)}));
	const r1 = addProc(st, proc('pod0', 1464, {busId: '70', worldRank: 1, state: 'failed', exitCode: 3, failedAt: s(0.3)}));
	failure(st, {kind: 'remote-error', at: s(66), pod: 'pod1', proc: r2.key, rank: 2, remote: true, message: 'ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.'});
	failure(st, {
		kind: 'watchdog-timeout',
		at: s(25),
		pod: 'pod1',
		rank: 3,
		remote: true,
		message: '[Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=2, OpType=ALLREDUCE, NumelIn=262144, NumelOut=262144, Timeout(ms)=25000) ran for 25001 milliseconds before timing out.',
	});
	failure(st, {kind: 'rank-exit', at: s(0.3), pod: 'pod0', proc: r0.key, rank: 0, exitCode: -15, message: 'exitcode: -15 (pid: 1462) Signal 15 (SIGTERM)'});
	failure(st, {kind: 'rank-exit', at: s(0.3), pod: 'pod0', proc: r1.key, rank: 1, exitCode: 3, message: 'failed (exitcode: 3) local_rank: 1 (pid: 1464)'});
	void r3;
	return st;
}

describe('rank-exited: the earliest non-remote failure is the root cause', () => {
	it('names rank 1 (pod0, busId 70) exit code 3 as the root, with the others as its follow-ons', () => {
		const f = rankExited(crash(), s(70), opts);
		expect(f).toHaveLength(1);
		expect(f[0]!.severity).toBe('error');
		expect(f[0]!.subject).toBe('rank 1 (pod0, GPU busId 70)');
		expect(f[0]!.message).toMatch(/^exited with code 3 /);
		expect(f[0]!.message).toContain('This is the first failure');
		const follow = f[0]!.message.slice(f[0]!.message.indexOf('Follow-on'));
		for (const r of ['rank 0 (pod0, GPU busId 60) killed by SIGTERM', 'rank 3 (pod1, GPU busId 90)', 'rank 2 (pod1, GPU busId 80)']) expect(follow).toContain(r);
		expect(follow).toContain('watchdog timeout');
	});

	it('downgrades the follow-on watchdog timeout and remote error to warnings pointing to the root', () => {
		const all = computeFindings(crash(), s(70), opts);
		const errors = all.filter(f => f.severity === 'error');
		expect(errors.map(f => f.id)).toEqual(['rank-exited']);
		const timeout = all.find(f => f.id === 'collective-timeout');
		expect(timeout?.severity).toBe('warn');
		expect(timeout?.message).toContain('a follow-on of rank 1 (pod0, GPU busId 70)');
		expect(timeout?.message).toContain('ALLREDUCE timed out after 25 s');
		expect(all.find(f => f.id === 'nccl-error')?.severity).toBe('warn');
	});

	it('a watchdog timeout with no crash is an error of its own', () => {
		const st = state();
		failure(st, {kind: 'watchdog-timeout', at: s(600), pod: 'pod1', rank: 3, remote: true, message: 'Watchdog caught collective operation timeout: WorkNCCL(SeqNum=78, OpType=BROADCAST, Timeout(ms)=600000)'});
		const f = computeFindings(st, s(601), opts);
		expect(f.find(x => x.id === 'collective-timeout')?.severity).toBe('error');
		// and the rank whose peer vanished is reported, saying the first failure is not in the logs
		const r = f.find(x => x.id === 'rank-exited');
		expect(r?.subject).toBe('rank 3 (pod1)');
		expect(r?.message).toContain('not in the logs read');
	});

	it('reports independent failures on two nodes within clock skew as a tie', () => {
		const st = state();
		addProc(st, proc('pod0', 1, {busId: '60', worldRank: 0, state: 'failed', exitCode: 1, failedAt: s(10.5)}));
		addProc(st, proc('pod1', 2, {busId: '80', worldRank: 2, state: 'failed', exitCode: 1, failedAt: s(10)}));
		const f = rankExited(st, s(20), opts);
		expect(f[0]!.subject).toBe('rank 2 (pod1, GPU busId 80)');
		expect(f[0]!.message).toContain('rank 0 (pod0, GPU busId 60)');
		expect(f[0]!.message).toContain('a tie');
	});

	it('a later independent failure beyond skew is not a tie', () => {
		const st = state();
		addProc(st, proc('pod0', 1, {busId: '60', worldRank: 0, state: 'failed', exitCode: 1, failedAt: s(40)}));
		addProc(st, proc('pod1', 2, {busId: '80', worldRank: 2, state: 'failed', exitCode: 1, failedAt: s(10)}));
		const f = rankExited(st, s(50), opts);
		expect(f[0]!.subject).toBe('rank 2 (pod1, GPU busId 80)');
		expect(f[0]!.message).not.toContain('a tie');
	});

	it('says nothing for ranks that exited cleanly', () => {
		const st = state();
		addProc(st, proc('pod0', 1, {busId: '60', worldRank: 0, state: 'exited', exitCode: 0, failedAt: null}));
		expect(rankExited(st, s(1), opts)).toEqual([]);
	});

	it('uses the rank in the largest communicator when no world rank was logged', () => {
		const st = crash();
		for (const p of Object.values(st.procs)) p.worldRank = null;
		for (const f of st.failures) f.rank = null;
		const f = rankExited(st, s(70), opts);
		// no communicators: falls back to the pid
		expect(f[0]!.subject).toBe('process 1464 (pod0, GPU busId 70)');
	});

	it("a peer's remote error just before the root's exit report is still its follow-on; one long before is not", () => {
		const st = state();
		addProc(st, proc('pod0', 1, {busId: '70', worldRank: 1, state: 'failed', exitCode: 3, failedAt: s(100)}));
		// the launcher reports the exit ~0.3 s after the peers already saw the socket close
		failure(st, {kind: 'nccl-error', at: s(99.7), pod: 'pod1', rank: 2, remote: true, message: 'socketProgress: Connection closed by remote peer'});
		failure(st, {kind: 'remote-error', at: s(10), pod: 'pod1', rank: 3, remote: true, message: 'ncclRemoteError: A call failed possibly due to a network error'});
		const f = computeFindings(st, s(101), opts).filter(x => x.id === 'nccl-error');
		expect(f.map(x => x.severity).sort()).toEqual(['error', 'warn']);
		expect(f.find(x => x.severity === 'warn')!.message).toContain('Connection closed by remote peer');
		expect(f.find(x => x.severity === 'error')!.subject).toBe('ncclRemoteError on pod pod1');
	});
});
