/**
 * The communicator slice for logs read from mid-run, on real corpus logs cut where a
 * person would meet them: after the Init START lines (a `comm 0x… rank R nRanks N`
 * line is the first identity), and a Destroy-only tail. No pointer-keyed or unknown
 * comm may stay beside the commId one it turned out to be.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {loadScenario, parseInto, podLogs} from '../helpers/load-scenario.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {derivePhase} from '../../source/model/phase.js';

/** Every pod of a scenario from the line after its last `Init START` of the first comm (so no process's START is left). */
function fromLine(name: string, pick: (lines: string[]) => number): RolloutState {
	let s = emptyState({kind: 'files', files: []});
	for (const {pod, file} of podLogs(name)) {
		const lines = readFileSync(file, 'utf8').split('\n');
		s = parseInto(s, pod, [lines.slice(pick(lines)).join('\n')]);
	}
	return reduceAll(s, [{type: 'source-ended', at: s.lastTs}]);
}

const afterWorldStarts = (lines: string[]) => {
	// both processes' world-comm Init START (`ncclCommInitRankConfig … commId … - Init START`)
	let last = -1;
	for (let i = 0; i < lines.length && !lines[i]!.includes(' nNodes '); i++) if (lines[i]!.includes('- Init START')) last = i;
	return last + 1;
};

describe("tp2x2-two-pods-all read from after the world comm's Init STARTs", () => {
	const s = fromLine('tp2x2-two-pods-all', afterWorldStarts);
	const full = loadScenario('tp2x2-two-pods-all').state;

	it('each `comm 0x… nRanks 4` became the commId comm its Init COMPLETE names: no pointer-keyed duplicate is left', () => {
		expect(Object.keys(s.comms).filter(id => id.includes('@'))).toEqual([]);
		expect(Object.keys(s.comms).sort()).toEqual(Object.keys(full.comms).sort());
	});

	it('the world comm has its 4 ranks over 2 nodes, the same members and transports as the whole log', () => {
		const c = s.comms['0x9c2d06060b6ee098']!;
		const f = full.comms['0x9c2d06060b6ee098']!;
		expect([c.nranks, c.nNodes, c.localRanks]).toEqual([4, 2, 2]);
		expect(Object.fromEntries(Object.values(c.members).map(m => [m.rank, m.proc]))).toEqual(Object.fromEntries(Object.values(f.members).map(m => [m.rank, m.proc])));
		expect([...c.transports].sort()).toEqual([...f.transports].sort());
		// their START was cut: no start time, but every rank destroyed at the end
		for (const m of Object.values(c.members)) expect([m.startAt, m.state]).toEqual([null, 'destroyed']);
	});

	it('each process lists each comm once, and the rollout completed (every comm destroyed)', () => {
		for (const p of Object.values(s.procs)) expect(new Set(p.comms).size).toBe(p.comms.length);
		expect(derivePhase(s)).toBe('completed');
	});
});

describe('p2p-disabled-shm read from its first Destroy COMPLETE', () => {
	const s = fromLine('p2p-disabled-shm', lines => lines.findIndex(l => l.includes('- Destroy COMPLETE')));

	it("every `comm 0x… rank R nranks 4 cudaDev D busId B - Destroy COMPLETE` is a destroyed member of a 4-rank comm, with the process's bus id and device", () => {
		const comms = Object.values(s.comms);
		expect(comms.length).toBe(8);
		for (const c of comms) {
			expect(c.nranks).toBe(4);
			expect(c.state).toBe('destroyed');
			expect(Object.values(c.members).map(m => m.state)).toEqual(['destroyed']);
		}
		// `comm 0x39800b30 rank 0 nranks 4 cudaDev 0 busId 60 - Destroy COMPLETE`
		const r0 = comms.find(c => c.id.endsWith('@0x39800b30'))!;
		const p = s.procs[r0.members[0]!.proc]!;
		expect([p.busId, p.cudaDev]).toEqual(['60', 0]);
		expect(p.comms).toContain(r0.id);
		expect(derivePhase(s)).toBe('completed');
	});
});
