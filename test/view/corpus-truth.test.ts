/**
 * Snapshot-level truth for every corpus scenario: truth.json says what is known from
 * how each job was run (not from parsing). A fact is asserted when the log prints it.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {phaseTimeline} from '../../source/model/phase.js';
import type {Snapshot} from '../../source/view/snapshot.js';
import {scenarioDir} from '../helpers/load-scenario.js';
import {truthOf} from '../helpers/load-scenario.js';
import {loadScenarioSnapshot, loadScenarioState, scenarios} from './corpus.js';

function logText(_scenario: string, snap: Snapshot): string {
	return snap.source.kind === 'files' ? snap.source.files.map(f => readFileSync(f, 'utf8')).join('') : '';
}

describe('corpus truth at snapshot level', () => {
	for (const scenario of scenarios()) {
		describe(scenario, () => {
			const truth = truthOf(scenario);
			let snap: Snapshot;
			let text: string;
			const load = async () => {
				snap ??= await loadScenarioSnapshot(scenario);
				text ??= logText(scenario, snap);
				return snap;
			};

			it(`phase is ${truth.outcome}`, async () => {
				const s = await load();
				expect(s.phase).toBe(truth.outcome);
			});

			it(`the phase timeline runs forward in time and ends in ${truth.outcome}`, async () => {
				const t = phaseTimeline(await loadScenarioState(scenario));
				expect(t.at(-1)?.phase).toBe(truth.outcome);
				expect(t.at(-1)?.endedAt).toBeNull();
				const starts = t.map(x => x.startedAt);
				expect(starts.every(x => x !== null)).toBe(true);
				expect([...starts].sort((a, b) => a! - b!)).toEqual(starts);
				for (let i = 0; i < t.length - 1; i++) expect(t[i]!.endedAt).toBe(t[i + 1]!.startedAt);
			});

			it('one pod per file, named by the file name, each with its lines counted', async () => {
				const s = await load();
				expect(s.pods.map(p => p.name)).toEqual(Object.keys(truth.exit).sort());
				for (const p of s.pods) {
					// what `wc -l` says (plus a last line without newline, if any)
					const body = readFileSync(path.join(scenarioDir(scenario), `${p.name}.log`), 'utf8');
					const lines = body.split('\n').length - (body.endsWith('\n') ? 1 : 0);
					expect(p.lines, p.name).toBe(lines);
				}
			});

			it('NCCL facts: version, CUDA driver, bootstrap interface, net plugin', async () => {
				const s = await load();
				expect(s.nccl.version?.split('+')[0]).toBe(truth.nccl_version);
				if (text.includes('cudaDriverVersion')) expect(s.nccl.cudaDriverVersion).toBe(truth.cuda_driver_version);
				expect(s.nccl.bootstrapInterface).toBe(truth.bootstrap_interface);
				if (text.includes('libnccl-net')) expect(s.nccl.externalNetPlugin).toBe(!truth.net_plugin_external_missing);
				if (text.includes('Using network')) expect(s.nccl.netPlugin).toBe(truth.net_transport_between_nodes);
				// NCCL reports only some variables (`X set by environment to V`); NCCL_DEBUG_TIMESTAMP_LEVELS it never prints
				for (const [k, v] of Object.entries(truth.nccl_env ?? {})) if (text.includes(`${k} set`)) expect(s.nccl.env[k], k).toBe(v);
			});

			it('ranks: pod, busId and global rank of every GPU process', async () => {
				const s = await load();
				const printedBusIds = new Set([...text.matchAll(/ busId (\w+)/g)].map(m => m[1]));
				const expected = truth.ranks.filter(r => printedBusIds.has(r.bus_id)).map(r => ({pod: r.pod, busId: r.bus_id, globalRank: r.global_rank, cudaDev: r.cuda_dev}));
				const seen = s.ranks.filter(r => r.state !== 'unseen').filter(r => r.busId !== null);
				expect(seen.map(r => ({pod: r.pod, busId: r.busId, globalRank: r.globalRank, cudaDev: r.cudaDev}))).toEqual(expected);
				if (printedBusIds.size > 0) expect(s.ranks.filter(r => r.state === 'unseen')).toEqual([]);
			});

			it('communicators: nranks and nNodes', async () => {
				const s = await load();
				if (!text.includes('Init START')) {
					expect(s.communicators.every(c => c.state !== 'ready')).toBe(true);
					return;
				}
				if (truth.communicators) {
					const got = s.communicators.map(c => `${c.nranks}/${c.nNodes}`).sort();
					expect(got).toEqual(truth.communicators.map(c => `${c.nranks}/${c.n_nodes}`).sort());
				}
				const world = s.communicators[0]!;
				expect(world.nranks).toBe(truth.world_size);
				expect(world.nNodes).toBe(truth.n_nodes);
			});

			it('transports within and between nodes', async () => {
				const s = await load();
				const all = new Set(s.communicators.flatMap(c => c.transports));
				for (const t of truth.transports_intra_node ?? []) expect([...all]).toContain(t);
				for (const t of truth.transports_inter_node ?? []) expect([...all]).toContain(t);
				if (truth.transports_intra_node?.includes('SHM')) expect([...all].some(t => t.startsWith('P2P'))).toBe(false);
				if (truth.n_nodes === 1) expect([...all].some(t => t.startsWith('NET'))).toBe(false);
			});

			if (truth.crash) {
				const crash = truth.crash;
				it(`the crashed rank ${crash.global_rank} (${crash.pod}, busId ${crash.bus_id}) is shown failed with exit code ${crash.exit_code}`, async () => {
					const s = await load();
					const r = s.ranks.find(x => x.globalRank === crash.global_rank && x.state !== 'unseen');
					expect(r?.pod).toBe(crash.pod);
					expect(r?.busId).toBe(crash.bus_id);
					expect(['failed', 'exited']).toContain(r?.state);
					expect(r?.exitCode).toBe(crash.exit_code);
				});
			}
		});
	}
});
