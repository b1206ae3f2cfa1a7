/**
 * NCCL settings per pod: nothing is lost when pods differ (tp2x2 sets NCCL_HOSTID per
 * pod, as a real multi-node job has one host id per node), and a setting that differs
 * between the pods of one rollout is a finding. Real logs; the mismatch case adds one
 * line in NCCL 2.28.9's format to each pod of the recorded straggler run.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {computeFindings, defaultFindingOptions} from '../../source/findings/index.js';
import {emptyState} from '../../source/model/state.js';
import {toSnapshot} from '../../source/view/snapshot.js';
import {loadScenario, parseInto, podLogs} from '../helpers/load-scenario.js';

describe('NCCL_* per pod', () => {
	it('tp2x2: both pods keep their own NCCL_HOSTID; the per-host variable is no finding', () => {
		const {state} = loadScenario('tp2x2-two-pods-all');
		expect(state.nccl.envByPod['pod0']!['NCCL_HOSTID']).toBe('node0');
		expect(state.nccl.envByPod['pod1']!['NCCL_HOSTID']).toBe('node1');
		expect(state.nccl.env['NCCL_HOSTID']).toBe('node0');
		const now = state.lastTs ?? 0;
		const snap = toSnapshot(state, computeFindings(state, now, defaultFindingOptions), {now, generatedAt: new Date(0)});
		expect(snap.nccl.envByPod).toEqual({pod0: expect.objectContaining({NCCL_HOSTID: 'node0'}), pod1: expect.objectContaining({NCCL_HOSTID: 'node1'})});
		expect(computeFindings(state, state.lastTs ?? 0, defaultFindingOptions).filter(f => f.id === 'nccl-env-mismatch')).toEqual([]);
	});

	it('a setting that differs between pods is named with each value and its pods', () => {
		let state = emptyState({kind: 'files', files: []});
		const logs = podLogs('straggler-h200x4');
		const extra: Record<string, string> = {
			pod0: '2026-11-27T04:56:58.600000000Z vm:1082:1082 [0] NCCL INFO NCCL_P2P_LEVEL set by environment to NVL\n',
			pod1: '2026-11-27T04:56:58.600000000Z vm:1083:1083 [0] NCCL INFO NCCL_P2P_LEVEL set by environment to PHB\n',
		};
		for (const {pod, file} of logs) state = parseInto(state, pod, [readFileSync(file), extra[pod]!]);
		const found = computeFindings(state, state.lastTs ?? 0, defaultFindingOptions).filter(f => f.id === 'nccl-env-mismatch');
		expect(found).toHaveLength(1);
		expect(found[0]!.subject).toBe('NCCL_P2P_LEVEL');
		expect(found[0]!.message).toMatch(/^NCCL_P2P_LEVEL differs between pods: NVL in pod0; PHB in pod1\./);
		// the variables both pods agree on raise nothing
		expect(state.nccl.envByPod['pod0']!['NCCL_NVLS_ENABLE']).toBe('0');
	});
});
