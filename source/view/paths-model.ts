/**
 * The paths pane's view-model: per host (keyed by pod) the GPU-to-GPU matrix as
 * NCCL's topology dump saw it, the NICs, and per communicator the transport each
 * pair of ranks actually used — with "NVLink present but not used" flagged.
 */
import type {LinkType, RolloutState} from '../model/state.js';
import {shownComms} from '../model/comms.js';
import {commName} from '../model/mid-run.js';

export interface MatrixCell {
	type: LinkType;
	bw: number | null;
}

export interface HostPaths {
	pod: string;
	host: string | null;
	gpus: string[];
	matrix: (MatrixCell | null)[][];
	nics: string[];
}

export interface PairRow {
	fromRank: number;
	toRank: number;
	from: string;
	to: string;
	transport: string;
	/** same pod (host); null when either rank's process is not known */
	intra: boolean | null;
	/** the path NCCL's topology shows between the two GPUs (intra-node), if known */
	path: LinkType | null;
	/** NVLink in the topology but the channel went over SHM/NET/PCIe */
	nvlinkUnused: boolean;
	channels: number;
}

export interface CommPaths {
	id: string;
	nranks: number;
	state: string;
	transports: string[];
	pairs: PairRow[];
	nvlinkUnused: number;
}

export interface PathsModel {
	hosts: HostPaths[];
	comms: CommPaths[];
	nvlinkUnused: number;
}

/** `GPU/0-60`, `0x60`, `0000:60:00.0`-ish → `60`: NCCL prints bus ids in several spellings. */
export function normBus(id: string | null | undefined): string {
	if (!id) return '';
	let s = id.toLowerCase();
	const slash = s.lastIndexOf('/');
	if (slash >= 0) s = s.slice(slash + 1);
	const dash = s.lastIndexOf('-');
	if (dash >= 0) s = s.slice(dash + 1);
	s = s.replace(/^0x/, '').replace(/^0+(?=.)/, '');
	return s;
}

export function shortComm(id: string): string {
	// a comm met mid-run has no commId (model/mid-run.ts commName)
	if (id.indexOf('@') !== -1) return commName(id);
	// commId 0x9c2d06060b6ee098 → 0x9c2d06; split ids keep their color suffix.
	const [base, ...rest] = id.split('/');
	const short = base && base.length > 10 ? base.slice(0, 8) : base;
	return [short, ...rest].join('/');
}

export function buildPaths(state: RolloutState): PathsModel {
	const hosts: HostPaths[] = [];
	const pathIndex = new Map<string, MatrixCell>();
	for (const [pod, topo] of Object.entries(state.topology)) {
		const gpuIds = topo.gpus.length
			? topo.gpus.map(g => normBus(g.busId))
			: [
					...new Set(
						topo.paths
							.map(p => p.from)
							.filter(f => /gpu/i.test(f))
							.map(normBus),
					),
				];
		const cells = new Map<string, MatrixCell>();
		for (const p of topo.paths) cells.set(`${normBus(p.from)}>${normBus(p.to)}`, {type: p.type, bw: p.bw});
		for (const l of topo.links) {
			const k = `${normBus(l.from)}>${normBus(l.to)}`;
			if (!cells.has(k)) cells.set(k, {type: l.type, bw: l.bw});
		}
		for (const [k, v] of cells) pathIndex.set(`${pod}|${k}`, v);
		const matrix = gpuIds.map(a => gpuIds.map(b => (a === b ? {type: 'LOC' as LinkType, bw: null} : (cells.get(`${a}>${b}`) ?? cells.get(`${b}>${a}`) ?? null))));
		// NCCL's net devices (with link layer and speed) win over the topology's bare NIC names.
		const devs = state.nccl.netDevices.filter(d => d.pod === pod || d.pod === null);
		const nics = [
			...devs.map(d => [d.name + (d.port !== null && d.port !== 0 ? `:${d.port}` : ''), d.linkLayer ?? '', d.speedGbps ? `${d.speedGbps}Gb/s` : ''].filter(Boolean).join(' ')),
			...topo.nics.filter(n => !devs.some(d => d.name === (n.name ?? n.id)) && (n.name || devs.length === 0)).map(n => [n.name ?? n.id, n.speedGbps ? `${n.speedGbps}Gb/s` : ''].filter(Boolean).join(' ')),
		];
		hosts.push({pod, host: topo.host, gpus: gpuIds, matrix, nics: [...new Set(nics)]});
	}
	hosts.sort((a, b) => a.pod.localeCompare(b.pod));

	const comms: CommPaths[] = [];
	let total = 0;
	for (const comm of shownComms(state)) {
		const pairs = new Map<string, PairRow>();
		for (const l of comm.links) {
			const a = comm.members[l.fromRank];
			const b = comm.members[l.toRank];
			const pa = a ? state.procs[a.proc] : undefined;
			const pb = b ? state.procs[b.proc] : undefined;
			const intra = pa && pb && pa.pod !== null && pb.pod !== null ? pa.pod === pb.pod : null;
			const lo = Math.min(l.fromRank, l.toRank);
			const hi = Math.max(l.fromRank, l.toRank);
			const plo = l.fromRank === lo ? pa : pb;
			const phi = l.fromRank === lo ? pb : pa;
			const key = `${lo}-${hi}-${l.transport}`;
			const prev = pairs.get(key);
			if (prev) {
				prev.channels += l.channels;
				continue;
			}
			const path = intra && pa && pb ? (pathIndex.get(`${pa.pod}|${normBus(pa.busId)}>${normBus(pb.busId)}`)?.type ?? null) : null;
			const nvlinkUnused = path === 'NVL' && !/^P2P|^NVLS/.test(l.transport);
			pairs.set(key, {
				fromRank: lo,
				toRank: hi,
				from: label(plo, lo),
				to: label(phi, hi),
				transport: l.transport,
				intra,
				path,
				nvlinkUnused,
				channels: l.channels,
			});
		}
		const list = [...pairs.values()].sort((x, y) => Number(y.nvlinkUnused) - Number(x.nvlinkUnused) || x.fromRank - y.fromRank || x.toRank - y.toRank);
		const unused = list.filter(p => p.nvlinkUnused).length;
		total += unused;
		comms.push({id: comm.id, nranks: comm.nranks, state: comm.state, transports: comm.transports, pairs: list, nvlinkUnused: unused});
	}
	comms.sort((a, b) => b.nvlinkUnused - a.nvlinkUnused || b.nranks - a.nranks || a.id.localeCompare(b.id));
	return {hosts, comms, nvlinkUnused: total};
}

function label(p: {pod: string | null; busId: string | null} | undefined, rank: number): string {
	return p ? `r${rank} ${p.pod ?? '?'}${p.busId ? `/${p.busId}` : ''}` : `r${rank}`;
}
