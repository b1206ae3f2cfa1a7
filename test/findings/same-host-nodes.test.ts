/**
 * "Ranks of one host are one node, whatever NCCL's nNodes says" (source/findings/topology.ts
 * nodeOf/sameNode/isMultiNode, net-facts.ts, nvlink-unused.ts, low-bandwidth.ts), checked on
 * real logs: public excerpts (test/fixtures/public/SOURCES.md says where each came from) and
 * the recorded corpus. What is asserted is what a person reads in the findings pane: which
 * finding is raised, and which variable it tells them to remove.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {computeFindings, type Finding} from '../../source/findings/index.js';
import {p2pBlockers} from '../../source/findings/topology.js';
import {reduceAll} from '../../source/model/reduce.js';
import {emptyState, type RolloutState} from '../../source/model/state.js';
import {loadExcerpt, loadScenario, parseInto, podLogs} from '../helpers/load-scenario.js';

const findings = (s: RolloutState): Finding[] => computeFindings(s, s.lastTs ?? 0);
const ids = (s: RolloutState) => findings(s).map(f => f.id);
/** Any finding that tells the reader traffic goes between nodes. */
const saysBetweenNodes = (s: RolloutState) => findings(s).filter(f => f.id === 'inter-node-over-socket' || /between nodes|This job spans nodes|inter-node hop/.test(f.message));

describe('NCCL 2.8.3, two T4s of one host, NCCL_P2P_DISABLE=1, Socket network (NVIDIA/nccl#428)', () => {
	const s = loadExcerpt('nccl-2.8.3-same-host-p2p-disable-shown-as-level-loc.log');

	it('names the P2P setting as NCCL printed it: the command line set NCCL_P2P_DISABLE=1, NCCL ≤2.19 reports it as NCCL_P2P_LEVEL=LOC', () => {
		// the excerpt's first line is the user's command; NCCL's own line says "NCCL_P2P_LEVEL set by environment to LOC"
		expect(p2pBlockers(s, 'pod0')).toEqual(['NCCL_P2P_LEVEL=LOC (or NCCL_P2P_DISABLE=1, which older NCCL reports this way)']);
	});

	it('says nothing about nodes although NCCL uses the Socket network: both ranks are one process on one host', () => {
		expect(s.nccl.netPlugin).toBe('Socket');
		expect(saysBetweenNodes(s)).toEqual([]);
	});

	it('raises no nvlink-unused: T4s have no NVLink and no topology dump claims one', () => {
		expect(ids(s)).not.toContain('nvlink-unused');
	});
});

describe('NCCL 2.29.2, rank 0 of two ranks on one host, P2P and SHM disabled on the command line (NVIDIA/nccl#2057)', () => {
	const s = loadExcerpt('nccl-2.29.2-same-host-p2p-shm-disabled-rank0.log');

	it('does not take the program\'s own "Initializing NCCL across 2 nodes..." for two nodes', () => {
		expect(Object.values(s.procs).map(p => p.host)).toEqual(['VM-16-64-ubuntu']);
		expect(saysBetweenNodes(s)).toEqual([]);
	});

	it('names no P2P blocker yet: the variables are on the shell line only, and NCCL had not printed them when the stored part ends', () => {
		// only "NCCL_COMM_ID set by environment" is in the excerpt; infertop reads NCCL's lines, not a shell prompt
		expect(s.nccl.env).toEqual({NCCL_COMM_ID: '172.17.16.64:23456'});
		expect(p2pBlockers(s, 'pod0')).toEqual([]);
	});
});

describe('NCCL 2.18+, two machines both named `ubuntu`, NET/Socket between them (NVIDIA/nccl-tests#166)', () => {
	// ranks 0-7 are pid 39964, ranks 8-15 pid 9621; SHM inside each, NET/Socket only 0<->8: NCCL saw two hosts
	const s = loadExcerpt('nccl-2.18plus-two-hosts-named-ubuntu-net-socket.log');

	it('keeps the NET/Socket links between rank 0 and rank 8 and the SHM link inside the second machine', () => {
		const transports = new Set(Object.values(s.comms).flatMap(c => c.transports));
		expect([...transports].sort()).toEqual(['NET/Socket', 'SHM']);
	});

	// One host name is no proof of one host: NCCL chose NET between the ranks with P2P and SHM
	// allowed, which it does only between hosts (topology.ts netMeansHosts).
	it('tells the reader the NET/Socket traffic leaves the host', () => {
		expect(findings(s).find(f => f.id === 'gdr-disabled')?.message).not.toMatch(/stays inside the node/);
		expect(ids(s)).toContain('inter-node-over-socket');
	});
});

describe('recorded corpus: NVLink present, NCCL_P2P_DISABLE=1 makes NCCL use SHM (p2p-disabled-shm)', () => {
	const {state} = loadScenario('p2p-disabled-shm');

	it('nvlink-unused names NCCL_P2P_DISABLE=1 and tells the reader to remove it', () => {
		const f = findings(state).find(x => x.id === 'nvlink-unused');
		expect(f?.message).toContain('NCCL_P2P_DISABLE=1 is set');
		expect(f?.message).toMatch(/Remove it so NCCL uses P2P over NVLink/);
		expect(f?.message).not.toContain('NCCL_SHM_DISABLE');
	});

	it('raises nothing between nodes for the one pod', () => {
		expect(saysBetweenNodes(state)).toEqual([]);
	});
});

/** Each pod's log from its first `Channel … via` line on (NCCL_HOSTID and `comm … nNodes` lines are above it). */
function fromFirstVia(name: string): RolloutState {
	let state = emptyState({kind: 'files', files: []});
	for (const {pod, file} of podLogs(name)) {
		const lines = readFileSync(file, 'utf8').split('\n');
		const first = lines.findIndex(l => / : \d+\[[0-9a-f]+\] -> \d+\[[0-9a-f]+\] .*via /.test(l));
		expect(first).toBeGreaterThan(0);
		state = parseInto(state, pod, [lines.slice(first).join('\n')]);
	}
	return reduceAll(state, [{type: 'source-ended', at: state.lastTs}]);
}

describe('recorded corpus: two launchers on one machine (host name `vm`), distinct NCCL_HOSTID, stand for two pods', () => {
	for (const name of ['tp2x2-two-pods-all', 'crash-rank1', 'straggler-h200x4']) {
		it(`${name}: inter-node-over-socket between pods pod0 and pod1`, () => {
			const f = findings(loadScenario(name).state).find(x => x.id === 'inter-node-over-socket');
			expect(f?.subject).toContain('between pods pod0 and pod1');
		});

		// Without the Init/`comm … nNodes` lines each process knows the world comm only by its own
		// pointer; model/comm-join.ts reads the four views (ranks 0–3, NET channels) as one comm.
		it(`${name}: still inter-node-over-socket when each pod's log starts at its first Channel … via line`, () => {
			const s = fromFirstVia(name);
			expect(Object.values(s.nccl.envByPod).some(e => e['NCCL_HOSTID'])).toBe(false);
			const f = findings(s).find(x => x.id === 'inter-node-over-socket');
			expect(f?.subject).toContain('between pods pod0 and pod1');
		});
	}
});
