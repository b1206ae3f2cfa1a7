/**
 * NCCL's error back trace (`file:line -> N`, src/include/checks.h NCCLCHECK; `[Progress Thread]` from
 * src/proxy.cc, `[Async thread]` from src/group.cc; 2.30.7+ names the function), docs/log-formats/nccl.md §1.8.
 * A chain that ends in NCCL's own thread with no error WARN of its process before it is that
 * process's failure; an API call's chain, or one after the process's WARN, adds nothing.
 * The real cases are in blind-nccl.test.ts (NVIDIA/nccl-tests#252) and the corpus crash logs; these
 * lines are built from the format strings for the forms no public log here shows.
 */
import {describe, expect, it} from 'vitest';
import {createStreamParser} from '../../source/parse/stream-parser.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';

// the fast path takes bare lines past a stream's first 32 (the wrapper probes'): 40 noise lines first
const noise = Array.from({length: 40}, (_, i) => `node-1:4242:4301 [2] NCCL INFO proxyProgressAsync opId=0x${i.toString(16)} op.type=1`);
function read(lines: string[], fullPathOnly = false): RolloutState {
	const p = createStreamParser({pod: 'pod0', fullPathOnly});
	const [first, ...rest] = lines;
	return reduceAll(emptyState({kind: 'files', files: []}), [...p.push(`${[first, ...noise, ...rest].join('\n')}\n`), ...p.end()]);
}
const head = 'node-1:4242:4300 [2] NCCL INFO ';
const init = `node-1:4242:4242 [2] NCCL INFO ncclCommInitRank comm 0x1 rank 2 nranks 4 cudaDev 2 nvmlDev 2 busId 3b000 commId 0xabc - Init COMPLETE`;
const failures = (s: RolloutState) => s.failures.map(f => `${f.kind} ${f.proc} ${f.rank} ${f.message}`);

describe('NCCL error back traces', () => {
	for (const fullPathOnly of [false, true]) {
		const path = fullPathOnly ? 'full path' : 'fast path';
		it(`${path}: a progress-thread chain with no WARN is the process's ncclRemoteError, a peer's failure`, () => {
			const s = read([init, `${head}transport/net.cc:1137 -> 6`, `${head}proxy.cc:698 -> 6`, `${head}proxy.cc:878 -> 6 [Progress Thread]`], fullPathOnly);
			expect(failures(s)).toEqual(['remote-error pod0|node-1|4242 2 ncclRemoteError (6) at proxy.cc:878 [Progress Thread]']);
		});
		it(`${path}: 2.30.7's function-named form, an async thread's internal error: the process failed`, () => {
			const s = read([init, `${head}group.cc:123 (groupLaunch) -> 3 [Async thread]`], fullPathOnly);
			expect(failures(s)).toEqual(['nccl-error pod0|node-1|4242 2 ncclInternalError (3) at group.cc:123 [Async thread]']);
			expect(s.procs['pod0|node-1|4242']!.state).toBe('failed');
		});
		it(`${path}: after the process's own error WARN, its chain adds nothing`, () => {
			const s = read([init, `node-1:4242:4300 [2] misc/socket.cc:72 NCCL WARN socketProgress: Connection closed by remote peer node-2<4411>`, `${head}misc/socket.cc:845 -> 6`, `${head}proxy.cc:965 -> 6 [Progress Thread]`], fullPathOnly);
			expect(s.failures.map(f => f.kind)).toEqual(['remote-error']);
			expect(s.failures[0]!.message).toMatch(/^socketProgress: Connection closed by remote peer/);
		});
		it(`${path}: an API call's chain (no thread of NCCL's at its end), ncclInProgress, and look-alike noise add nothing`, () => {
			const s = read(
				[init, `${head}init.cc:126 -> 5`, `${head}init.cc:160 -> 5`, `${head}group.cc:1 -> 7 [Async thread]`, `${head}channel.cc:42 Cuda Alloc Size 1216 pointer 0x7f975c600000`, `${head}proxyProgressAsync opId=0x3eacd780 op.type=1`],
				fullPathOnly,
			);
			expect(s.failures).toEqual([]);
		});
	}
});
