/**
 * The snapshot (contract/snapshot.md, snapshot.schema.json: `infertop.snapshot/v1`):
 * the state as one JSON object for scripts, rollout gates and tests. Fields are
 * added, never renamed. Every array is sorted so two runs over the same logs print
 * the same bytes (bar `generatedAt`).
 */
import type {Finding} from '../findings/types.js';
import {safeUrlText} from '../core/text-safety.js';
import {derivePhase} from '../model/phase.js';
import {unseenRanks, worldSize} from '../model/world.js';
import {initNotSeen, initNotSeenText} from '../model/mid-run.js';
import {ringOrdersOf} from '../model/comm-graph.js';
import {shownComms} from '../model/comms.js';
import {withJoinedComms} from '../model/comm-join.js';
import {networkInUse} from '../model/nccl.js';
import type {CommState, EndpointMetrics, LinkType, PodState, ProcState, RolloutState, SourceInfo} from '../model/state.js';
import {podNameForFile} from '../core/pod-name.js';

export * from './snapshot-types.js';
import {SNAPSHOT_SCHEMA} from './snapshot-types.js';
import type {ByChannels, Snapshot, SnapshotCommMember, SnapshotCommunicator, SnapshotEndpoint, SnapshotEngine, SnapshotLinkType, SnapshotNccl, SnapshotPod, SnapshotRank, SnapshotTopology} from './snapshot-types.js';

export interface SnapshotOptions {
	/** the clock findings and lag were computed against (ms) */
	now: number;
	/** when the snapshot was made (wall clock): the caller's, the view layer reads no clock */
	generatedAt: Date;
}

const cmpStr = (a: string | null | undefined, b: string | null | undefined): number => ((a ?? '\uffff') < (b ?? '\uffff') ? -1 : (a ?? '\uffff') > (b ?? '\uffff') ? 1 : 0);
const cmpNum = (a: number | null | undefined, b: number | null | undefined): number => (a ?? Number.POSITIVE_INFINITY) - (b ?? Number.POSITIVE_INFINITY) || 0;

/** Every process prints the same device lines at each communicator's init: one row per thing. */
function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
	const seen = new Map<string, T>();
	for (const t of items) if (!seen.has(key(t))) seen.set(key(t), t);
	return [...seen.values()];
}

/** 0 while connected and caught up; while reconnecting, seconds since the stream dropped. */
function lagSeconds(pod: PodState, now: number): number {
	let lag = 0;
	for (const s of pod.streams) {
		if (s.connected || s.droppedAt === null) continue;
		lag = Math.max(lag, Math.max(0, (now - s.droppedAt) / 1000));
	}
	return Math.round(lag * 1000) / 1000;
}

function toPod(pod: PodState, now: number): SnapshotPod {
	return {
		name: pod.name,
		node: pod.node,
		phase: pod.phase,
		restarts: pod.restarts,
		exitCode: pod.exitCode,
		lines: pod.lines,
		workload: pod.workload,
		group: pod.group,
		role: pod.role,
		workerIndex: pod.workerIndex,
		lagSeconds: lagSeconds(pod, now),
		reconnects: pod.streams.reduce((n, s) => n + s.reconnects, 0),
	};
}

function emptySnapshotPod(name: string): SnapshotPod {
	return {name, node: null, phase: null, restarts: null, exitCode: null, lines: 0, workload: null, group: null, role: null, workerIndex: null, lagSeconds: 0, reconnects: 0};
}

function pods(state: RolloutState, now: number): SnapshotPod[] {
	const out = new Map<string, SnapshotPod>();
	for (const p of Object.values(state.pods)) out.set(p.name, toPod(p, now));
	// For saved logs every file is a pod, even one that held no line.
	if (state.source.kind === 'files')
		for (const f of state.source.files) {
			const name = podNameForFile(f);
			if (!out.has(name)) out.set(name, emptySnapshotPod(name));
		}
	else if (state.source.kind === 'stdin' && !out.has('stdin')) out.set('stdin', emptySnapshotPod('stdin'));
	return [...out.values()].sort((a, b) => cmpStr(a.name, b.name));
}

/** Larger first; ties: the earliest started, then by id. */
function commOrder(a: CommState, b: CommState): number {
	return b.nranks - a.nranks || cmpNum(a.firstStartAt, b.firstStartAt) || cmpStr(a.id, b.id);
}

/**
 * `globalRank` fallback (contract): the rank in the one largest communicator
 * containing the process — when there is one: with vLLM TP=8 x PP=2 and no world
 * communicator in the log (public-vllm-lws 04) two TP groups of 8 tie, and their
 * ranks 0..7 are not global ranks. So the communicator must be the only one of its
 * size and span every rank the rollout has.
 */
function rankInLargestComm(proc: ProcState, sorted: CommState[], world: number): number | null {
	const largest = sorted[0];
	if (!largest || largest.nranks < world) return null;
	// several comms of the largest size: the rank they all give it (a world and a group of all
	// ranks); a process in only some of them (TP groups of PP stages) has no global rank from them
	let rank: number | null = null;
	for (const c of sorted) {
		if (c.nranks !== largest.nranks) break;
		let here: number | null = null;
		for (const m of Object.values(c.members)) if (m.proc === proc.key) here = m.rank;
		if (here === null || (rank !== null && rank !== here)) return null;
		rank = here;
	}
	return rank;
}

function ranks(state: RolloutState): SnapshotRank[] {
	const sorted = Object.values(state.comms).sort(commOrder);
	const out: SnapshotRank[] = [];
	const procs = Object.values(state.procs);
	const world = worldSize(state);
	for (const p of procs) {
		const globalRank = p.worldRank ?? rankInLargestComm(p, sorted, world?.size ?? 0);
		out.push({
			pod: p.pod,
			host: p.host,
			pid: p.pid,
			cudaDev: p.cudaDev,
			nvmlDev: p.nvmlDev,
			busId: p.busId,
			globalRank,
			state: p.state,
			initSeconds: p.initSeconds,
			initSecondsFrom: p.initSeconds === null ? null : (p.initSecondsFrom ?? null),
			exitCode: p.exitCode,
		});
	}
	// Ranks that must exist but no process of which was seen (model/world.ts): numbered by
	// the free global ranks, lowest first; a process seen without a rank counts against them.
	for (const r of unseenRanks(state, p => p.worldRank ?? rankInLargestComm(p, sorted, world?.size ?? 0), world)) {
		out.push({pod: null, host: null, pid: null, cudaDev: null, nvmlDev: null, busId: null, globalRank: r, state: 'unseen', initSeconds: null, initSecondsFrom: null, exitCode: null});
	}
	return out.sort((a, b) => cmpNum(a.globalRank, b.globalRank) || cmpStr(a.pod, b.pod) || cmpStr(a.busId, b.busId) || cmpNum(a.pid, b.pid) || cmpStr(a.host, b.host));
}

/** `items` (sorted by channel) with equal values merged into one entry listing their channels, in first-channel order. */
function byChannels<T extends {channel: number}, V extends object>(items: readonly T[], value: (t: T) => V): ByChannels<V>[] {
	const groups = new Map<string, ByChannels<V>>();
	for (const t of items) {
		const v = value(t);
		const key = JSON.stringify(v);
		const g = groups.get(key);
		if (g) g.channels.push(t.channel);
		else groups.set(key, {channels: [t.channel], ...v});
	}
	return [...groups.values()];
}

function members(state: RolloutState, c: CommState): SnapshotCommMember[] {
	return Object.values(c.members)
		.map(m => {
			const p = state.procs[m.proc];
			return {
				rank: m.rank,
				pod: p?.pod ?? null,
				host: p?.host ?? null,
				pid: p?.pid ?? null,
				busId: p?.busId ?? null,
				initTimings: m.initTimings ? {...m.initTimings} : null,
				ring: byChannels(m.ring ?? [], r => ({prev: r.prev, next: r.next})),
				tree: byChannels(m.tree ?? [], t => ({up: t.up, down: [...t.down]})),
			};
		})
		.sort((a, b) => a.rank - b.rank);
}

function communicators(state: RolloutState): SnapshotCommunicator[] {
	return shownComms(state)
		.map(c => ({
			id: c.id,
			nranks: c.nranks,
			nNodes: c.nNodes,
			localRanks: c.localRanks,
			ranksStarted: c.ranksStarted,
			ranksComplete: c.ranksComplete,
			transports: [...c.transports].sort(),
			channels: c.channels ? {...c.channels} : null,
			state: c.state,
			rings: byChannels(ringOrdersOf(c), o => ({ranks: o.ranks, truncated: o.truncated, from: o.from})),
			members: members(state, c),
		}))
		.sort((a, b) => b.nranks - a.nranks || cmpStr(a.id, b.id));
}

/** The schema's link types: NCCL's NVB (NVLink through a peer GPU) is NVLink, a bare PCI edge is one PCIe switch hop. */
function linkType(t: LinkType): SnapshotLinkType {
	if (t === 'NVB') return 'NVL';
	if (t === 'PCI') return 'PIX';
	return t;
}

function topology(state: RolloutState): SnapshotTopology[] {
	return Object.entries(state.topology)
		.map(([pod, t]) => {
			// GPU pairs with their best path when NCCL printed paths (SUBSYS GRAPH), else the dump's edges.
			const source = t.paths.length > 0 ? t.paths : t.links;
			const links = source.map(l => ({from: l.from, to: l.to, type: linkType(l.type), bw: l.bw})).sort((a, b) => cmpStr(a.from, b.from) || cmpStr(a.to, b.to) || cmpStr(a.type, b.type));
			return {
				pod: t.pod ?? pod,
				host: t.host,
				maxBw: t.maxBw,
				totalBw: t.totalBw,
				gpus: t.gpus.map(g => ({busId: g.busId, index: g.index})).sort((a, b) => cmpNum(a.index, b.index) || cmpStr(a.busId, b.busId)),
				nics: t.nics.map(n => ({...n})),
				links,
			};
		})
		.sort((a, b) => cmpStr(a.pod, b.pod) || cmpStr(a.host, b.host));
}

function nccl(state: RolloutState): SnapshotNccl {
	const n = state.nccl;
	const env: Record<string, string> = {};
	for (const k of Object.keys(n.env).sort()) env[k] = n.env[k]!;
	const envByPod: Record<string, Record<string, string>> = {};
	for (const pod of Object.keys(n.envByPod).sort()) {
		const vars = n.envByPod[pod]!;
		envByPod[pod] = Object.fromEntries(
			Object.keys(vars)
				.sort()
				.map(k => [k, vars[k]!]),
		);
	}
	// no `Using network X` line: the NET channel transports name it (model/nccl.ts networkInUse), and netPluginFrom says so
	const net = networkInUse(state);
	return {
		version: n.version,
		cudaDriverVersion: n.cudaDriverVersion,
		netPlugin: net?.name ?? null,
		netPluginFrom: net?.from ?? null,
		externalNetPlugin: n.externalNetPlugin,
		bootstrapInterface: n.bootstrapInterface,
		netDevices: uniqueBy(
			n.netDevices.map(d => ({name: d.name, port: d.port, linkLayer: d.linkLayer, speedGbps: d.speedGbps, pod: d.pod})),
			d => `${d.pod}|${d.name}|${d.port}`,
		).sort((a, b) => cmpStr(a.pod, b.pod) || cmpStr(a.name, b.name) || cmpNum(a.port, b.port)),
		env,
		envByPod,
		ibInUse: n.ibInUse ? {...n.ibInUse} : null,
		testsAvgBusBandwidthGBs: n.testsAvgBusBandwidthGBs ?? null,
		diag: state.ncclDiag.map(d => ({pod: d.pod, at: d.at === null ? null : new Date(d.at).toISOString(), report: d.report, kind: d.kind, check: d.check, text: d.text, problem: d.problem})),
	};
}

function engine(state: RolloutState): SnapshotEngine | null {
	const e = state.engine;
	if (!e) return null;
	return {
		vllmVersion: e.vllmVersion,
		model: e.model,
		servedModelName: e.servedModelName,
		architecture: e.architecture,
		dtype: e.dtype,
		quantization: e.quantization,
		maxSeqLen: e.maxSeqLen,
		tensorParallelSize: e.tensorParallelSize,
		pipelineParallelSize: e.pipelineParallelSize,
		dataParallelSize: e.dataParallelSize,
		chunkedPrefill: e.chunkedPrefill,
		maxNumBatchedTokens: e.maxNumBatchedTokens,
		prefixCaching: e.prefixCaching,
		kvCacheTokens: e.kvCacheTokens,
		gpuBlocks: e.gpuBlocks,
		maxConcurrency: e.maxConcurrency,
		weightsLoadSeconds: e.weightsLoadSeconds,
		graphCaptureSeconds: e.graphCaptureSeconds,
		initEngineSeconds: e.initEngineSeconds ?? null,
		compilationSeconds: e.compilationSeconds ?? null,
		apiServer: e.apiServer ?? null,
		stats: e.stats
			? {
					promptTokensPerSec: e.stats.promptTokensPerSec,
					generationTokensPerSec: e.stats.generationTokensPerSec,
					running: e.stats.running,
					waiting: e.stats.waiting,
					swapped: e.stats.swapped,
					kvCacheUsagePct: e.stats.kvCacheUsagePct,
					prefixCacheHitRatePct: e.stats.prefixCacheHitRatePct,
					at: e.stats.at === null ? null : new Date(e.stats.at).toISOString(),
				}
			: null,
	};
}

/** The scalar metrics; the two labelled breakdowns go to their own endpoint fields. */
function metricsOf(m: EndpointMetrics): EndpointMetrics {
	const {waitingByReason: _w, sleepState: _s, ...rest} = m;
	return rest;
}

function endpoint(state: RolloutState): SnapshotEndpoint | null {
	const e = state.endpoint;
	if (!e) return null;
	return {
		url: safeUrlText(e.url),
		...(e.health ? {health: e.health} : {}),
		lastStatus: e.lastStatus,
		latencyMs: e.latencyMs,
		models: [...e.models],
		version: e.version,
		metrics: e.metrics ? metricsOf(e.metrics) : null,
		waitingByReason: e.metrics?.waitingByReason ? {...e.metrics.waitingByReason} : null,
		sleepState: e.metrics?.sleepState ? {...e.metrics.sleepState} : null,
		notVllm: e.notVllm ?? null,
	};
}

const severityOrder = {error: 0, warn: 1, info: 2} as const;

function source(s: SourceInfo): SourceInfo {
	return s.kind === 'files' ? {kind: 'files', files: [...s.files]} : {...s};
}

function notSeen(state: RolloutState): Snapshot['initNotSeen'] {
	const x = initNotSeen(state);
	if (!x) return null;
	return {pods: x.pods, engine: x.engine, logStartsAt: x.startsAt === null ? null : new Date(x.startsAt).toISOString(), text: initNotSeenText(x)};
}

/** The snapshot of `state` with `findings` (computed against `opts.now`). */
export function toSnapshot(raw: RolloutState, findings: readonly Finding[], opts: SnapshotOptions): Snapshot {
	// a log read mid-run: per-process views of one communicator read as one (model/comm-join.ts)
	const state = withJoinedComms(raw);
	return {
		schema: SNAPSHOT_SCHEMA,
		generatedAt: opts.generatedAt.toISOString(),
		source: source(state.source),
		phase: derivePhase(state),
		pods: pods(state, opts.now),
		ranks: ranks(state),
		communicators: communicators(state),
		nccl: nccl(state),
		topology: topology(state),
		gdr: uniqueBy(
			state.gdr.map(g => ({pod: g.pod, host: g.host, gpu: g.gpu, hca: g.hca, enabled: g.enabled})),
			g => `${g.pod}|${g.host}|${g.gpu}|${g.hca}`,
		).sort((a, b) => cmpStr(a.pod, b.pod) || cmpStr(a.host, b.host) || cmpStr(a.gpu, b.gpu) || cmpStr(a.hca, b.hca)),
		engine: engine(state),
		endpoint: endpoint(state),
		// stable: rules' own order within a severity is kept
		findings: findings
			.map((f, i) => ({f, i}))
			.sort((a, b) => severityOrder[a.f.severity] - severityOrder[b.f.severity] || a.i - b.i)
			.map(({f}) => ({...f})),
		initNotSeen: notSeen(state),
	};
}
