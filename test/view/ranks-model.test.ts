/**
 * The Ranks pane's model marks a late rank the way a person watching would want it:
 * NCCL init is collective, so a rank that joins late holds all its peers in bootstrap
 * and they all complete together — the lateness is at Init START. Real logs: the
 * straggler recorded on 4x H200 (global rank 3 slept 30 s before init_process_group).
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {emptyState} from '../../source/model/state.js';
import {buildRanks, type RankRow} from '../../source/view/ranks-model.js';
import {loadScenario, parseInto, podLogs} from '../helpers/load-scenario.js';

const opts = {stragglerMs: 10_000, silentMs: 30_000};
const rows = (m: ReturnType<typeof buildRanks>): RankRow[] => m.groups.flatMap(g => g.rows);

describe('straggler-h200x4', () => {
	it('after the fact: rank 3 is the one marked, late joining init, and sorts first in its pod', () => {
		const {state} = loadScenario('straggler-h200x4');
		const model = buildRanks(state, state.lastTs!, opts);
		const flagged = rows(model).filter(r => r.reason !== null);
		expect(flagged.map(r => [r.globalRank, r.pod, r.busId, r.severity, r.reason])).toEqual([[3, 'pod1', '90', 'warn', 'joined 30s late']]);
		expect(model.groups.find(g => g.id === 'pod1')!.rows[0]!.globalRank).toBe(3);
	});

	it('while it happens: 20 s into the wait, the rank that has not joined is named, its peers are not', () => {
		// every line stamped before 04:57:20 (rank 3 starts at 04:57:28): what a live view had then
		const cut = '2026-11-27T04:57:20';
		let state = emptyState({kind: 'kubernetes', context: 'test', namespace: 'llm', selector: null, workload: 'straggler'});
		for (const {pod, file} of podLogs('straggler-h200x4')) {
			const early = readFileSync(file, 'utf8')
				.split('\n')
				.filter(l => l !== '' && l < cut);
			state = parseInto(state, pod, [early.join('\n') + '\n']);
		}
		const now = Date.parse('2026-11-27T04:57:20Z');
		const model = buildRanks(state, now, opts);
		const flagged = rows(model).filter(r => r.reason !== null);
		expect(flagged).toHaveLength(1);
		expect(flagged[0]!.globalRank).toBe(3);
		expect(flagged[0]!.reason).toMatch(/^never seen, peers wait 2[01]s$/);
		// the three that are waiting are initialising, not late
		expect(
			rows(model)
				.filter(r => r.globalRank !== 3)
				.map(r => r.state),
		).toEqual(['initializing', 'initializing', 'initializing']);
	});
});
