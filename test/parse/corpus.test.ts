/**
 * Recorded NCCL 2.28.9 runs on 4x H200 (test/fixtures/corpus): every pod log goes
 * through its own stream parser and the one reducer; the state must say what
 * truth.json (written when the run was recorded) says.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {loadScenario, podLogs, scenarioNames} from '../helpers/load-scenario.js';

const names = scenarioNames();

describe.each(names)('corpus scenario %s', name => {
	const {state, truth} = loadScenario(name);
	const text = podLogs(name)
		.map(p => readFileSync(p.file, 'utf8'))
		.join('\n');
	const procs = Object.values(state.procs);

	it('finds every rank that logged NCCL init with its pod, bus id, global rank, cudaDev and nvmlDev', () => {
		for (const r of truth.ranks) {
			const logged = text.includes(`busId ${r.bus_id} `) && podLogs(name).some(p => p.pod === r.pod && readFileSync(p.file, 'utf8').includes(`busId ${r.bus_id} `));
			const p = procs.find(x => x.pod === r.pod && x.busId === r.bus_id);
			if (!logged) {
				// e.g. bad-socket-ifname: bootstrap failed before any rank printed its bus id, and none is made up
				expect(p, `rank ${r.global_rank} never logged NCCL init`).toBeUndefined();
				continue;
			}
			expect(p, `rank ${r.global_rank}`).toBeDefined();
			expect(p!.worldRank).toBe(r.global_rank);
			expect(p!.cudaDev).toBe(r.cuda_dev);
			expect(p!.nvmlDev).toBe(r.nvml_dev);
		}
	});

	it('knows the NCCL version and CUDA driver', () => {
		expect(state.nccl.version?.startsWith(truth.nccl_version)).toBe(true);
		if (text.includes('cudaDriverVersion')) expect(state.nccl.cudaDriverVersion).toBe(truth.cuda_driver_version);
		else expect(state.nccl.cudaDriverVersion).toBeNull();
	});

	it('knows the bootstrap interface, the missing external net plugin and the network used', () => {
		expect(state.nccl.bootstrapInterface).toBe(truth.bootstrap_interface);
		if (truth.bootstrap_interface !== null) {
			expect(state.nccl.externalNetPlugin).toBe(!truth.net_plugin_external_missing);
			expect(state.nccl.netPlugin).toBe(truth.net_transport_between_nodes);
			expect(state.nccl.ibDeviceFound).toBe(truth.ib_devices.length > 0);
		}
	});

	it('reports NCCL_* variables set by the environment', () => {
		for (const [k, v] of Object.entries(truth.nccl_env ?? {})) {
			// NCCL reports only the variables it reads through its param code (not NCCL_DEBUG_TIMESTAMP_LEVELS)
			if (text.includes(`${k} set by environment`)) expect(state.nccl.env[k]).toBe(v);
			else expect(state.nccl.env[k]).toBeUndefined();
		}
		for (const v of Object.values(state.nccl.env)) expect(v.endsWith('.')).toBe(false);
	});

	it('reads the transports: intra-node and inter-node', () => {
		const all = new Set(Object.values(state.comms).flatMap(c => c.transports));
		for (const t of truth.transports_intra_node ?? []) expect(all).toContain(t);
		for (const t of truth.transports_inter_node ?? []) expect(all).toContain(t);
		if (!truth.transports_inter_node) expect([...all].some(t => t.startsWith('NET/'))).toBe(false);
	});

	it('sizes communicators from their init lines', () => {
		const comms = Object.values(state.comms);
		for (const c of comms) expect(Object.keys(c.members).length).toBeLessThanOrEqual(c.nranks);
		const world = comms.filter(c => c.nranks === truth.world_size);
		if (procs.some(p => p.comms.length)) expect(world.length).toBeGreaterThan(0);
		// bad-socket-ifname: no process joined a communicator, so none is known
		else expect(comms).toEqual([]);
		for (const want of truth.communicators ?? []) {
			expect(comms.some(c => c.nranks === want.nranks && c.nNodes === want.n_nodes)).toBe(true);
		}
	});

	it('records GPU Direct RDMA evidence as printed', () => {
		// SUBSYS=default logs (tp2-timestamps) print no GDR lines at all
		if (truth.gdr_enabled === false && text.includes('GPU Direct RDMA')) {
			expect(state.gdr.length).toBeGreaterThan(0);
			for (const g of state.gdr) {
				expect(g.enabled).toBe(false);
				expect(g.evidence).toMatch(/GPU Direct RDMA Disabled/);
			}
		}
		// `Connected all rings … GDR 1` is not GDR evidence
		expect(state.gdr.some(g => g.evidence.includes('Connected all rings'))).toBe(false);
	});

	it('gets the outcome right', () => {
		const crash = truth.crash;
		if (crash) {
			const crashed = procs.find(p => p.pod === crash.pod && p.busId === crash.bus_id)!;
			expect(crashed.worldRank).toBe(crash.global_rank);
			expect(crashed.exitCode).toBe(crash.exit_code);
			expect(crashed.state).toBe('failed');
			const exit = state.failures.find(f => f.kind === 'rank-exit' && f.exitCode === crash.exit_code)!;
			expect(exit.rank).toBe(crash.global_rank);
			expect(exit.remote).toBe(false);
			// the survivors' errors are follow-on: remote
			expect(state.failures.filter(f => f.kind === 'remote-error' || f.kind === 'watchdog-timeout').every(f => f.remote)).toBe(true);
		}
		if (name === 'bad-socket-ifname') {
			const f = state.failures.find(x => x.kind === 'socket-ifname')!;
			expect(f.message).toMatch(/no socket interface found/);
			expect(state.nccl.env.NCCL_SOCKET_IFNAME).toBe('net1');
		}
		if (truth.outcome === 'completed') {
			expect(state.failures).toEqual([]);
			for (const p of procs) expect(p.state).toBe('ready');
		}
	});

	it('counts lines per pod and keeps collective lines as a counter', () => {
		for (const {pod, file} of podLogs(name)) {
			const n = readFileSync(file, 'utf8')
				.split('\n')
				.filter((l, i, a) => i < a.length - 1 || l !== '').length;
			expect(state.pods[pod]!.lines).toBe(n);
			expect(state.pods[pod]!.firstLineAt).not.toBeNull();
		}
		const opCount = (text.match(/: opCount /g) ?? []).length;
		expect(state.nccl.collectiveLines).toBe(opCount);
	});
});

describe('topology dumps', () => {
	it('groups two processes interleaved dumps per process (tp2x2-two-pods-all)', () => {
		const {state} = loadScenario('tp2x2-two-pods-all');
		const t = state.topology.pod0!;
		// each comm init prints a dump; the latest one of the pod is kept
		expect([1.2, 370.8]).toContain(t.maxBw);
		expect(t.totalBw).toBe(370.8);
		expect(t.gpus.map(g => g.busId).sort()).toEqual(['60', '70']);
		expect(t.links).toContainEqual({from: 'GPU/0-60', to: 'NVS/0-0', type: 'NVL', bw: 370.8});
		expect(t.paths).toContainEqual({from: 'GPU/0-60', to: 'GPU/0-70', type: 'NVL', bw: 370.8, hops: 2});
		expect(state.topology.pod1!.gpus.map(g => g.busId).sort()).toEqual(['80', '90']);
	});
});
