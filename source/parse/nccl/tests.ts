/**
 * nccl-tests' own lines (all_reduce_perf & co., github:NVIDIA/nccl-tests), which are no NCCL
 * lines: no `host:pid:tid [dev] NCCL INFO` head. The device table that every rank's line
 * is gathered into by rank 0 says which rank runs on which host, process, CUDA device and
 * PCI address; the summary after the bandwidth table says whether results were right and the
 * average bus bandwidth. Formats (docs/log-formats/nccl.md §1.13):
 *
 * - v2.14.1+ (src/common.cu, src/util.cu at v2.19.6 `printRankInfo`):
 *   `"#  Rank %2d Group %2d Pid %6d on %10s device %2d [%04x:%02x:%02x] %s\n"`
 *   rank, color (the -c group), getpid(), hostname, cudaDev, prop.pciDomainID, pciBusID, pciDeviceID, prop.name
 *   e.g. `#  Rank  0 Group  0 Pid 895544 on     h100-2 device  0 [0002:00:01] NVIDIA H100 80GB HBM3` (NVIDIA/nccl-tests#294)
 * - v2.10 … v2.13.13 (src/common.cu): the same with `[0x%02x]` (pciBusID only)
 *   e.g. `#  Rank  0 Group  0 Pid  28307 on      gpu59 device  0 [0x16] NVIDIA GeForce RTX 4090` (NVIDIA/nccl#1530)
 * - `# Out of bounds values : %d %s` ("OK" / "FAILED") and `# Avg bus bandwidth    : %g %s`
 *   (v2.19.6 src/util.cu: `"# %-20s : %d %s\n"`, `"# %-20s : %g %s\n"`; the second `%s` is "" unless -C/check_avg_bw).
 *   e.g. `# Avg bus bandwidth    : 745.53 ` (coreweave/nccl-tests#43)
 *
 * Both are told by a fixed prefix (`#  Rank `, `# Out of bounds values`, `# Avg bus bandwidth`): a line
 * that does not start with `#` costs one character test. The stream router (parse/stream/router.ts)
 * hands every `#` line to ncclTestsLine below.
 */
import type {AtFn, StreamCtx} from '../context.js';

/** One rank of nccl-tests' `# Using devices` table. */
export interface NcclTestsRank {
	rank: number;
	/** the -c/color group (0 unless the test splits its comm) */
	group: number;
	/** null: the ≤2.13 "Rank N Pid P" form without Group, or before 2.x "Rank N on host" */
	pid: number | null;
	host: string;
	cudaDev: number;
	/** NCCL's busId form (`%lx` of "dddd:bb:dd.0", leading zeros off); a bus-only `0x16` is read as `16000` (domain 0, device 0) */
	busId: string;
	/** as printed: `0002:00:01` or `0x16` */
	pci: string;
	gpu: string;
}

export type NcclTestsLine = {kind: 'rank'; rank: NcclTestsRank} | {kind: 'out-of-bounds'; errors: number; ok: boolean} | {kind: 'avg-bus-bandwidth'; gbps: number};

// v2.10+: `#  Rank %2d Group %2d Pid %6d on %10s device %2d [%s] %s` (host right-aligned in 10, may be longer)
// older (still in pasted logs, NVIDIA/nccl#583): `#   Rank  0 Pid 1821213 on HOST device  0 [0x00] NAME`, without Group
const RANK_LINE = /^#? +Rank +(\d+)(?: Group +(\d+))?(?: Pid +(\d+))? on +(\S+) device +(\d+) \[([0-9a-fA-Fx:]+)\] (.*?)\s*$/;
// `# Out of bounds values : 0 OK`, `# Avg bus bandwidth    : 745.53 ` (v2.19.6 src/util.cu "# %-20s : …")
const OUT_OF_BOUNDS = /^# Out of bounds values : (\d+) (OK|FAILED)/;
const AVG_BUS_BW = /^# Avg bus bandwidth +: ([0-9.eE+-]+)/;

/**
 * NCCL's busId for nccl-tests' `dddd:bb:dd` (domain, bus, device): NCCL prints
 * `cudaDeviceGetPCIBusId`'s "dddd:bb:dd.f" as one hex number (src/misc/utils.cc busIdToInt64,
 * `%lx`): `0000:9a:00` → `9a000`, `0002:00:01` → `200010`; a bus-only `0x16` → `16000`.
 */
export function testsPciToBusId(pci: string): string {
	const m = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})$/.exec(pci);
	// ≤v2.13's bus-only `0x4c`: NCCL's form for domain 0, device 0 on that bus (`4c000`), as NCCL's own Init line
	// names that GPU (a GPU is device 0 behind its own switch port), so both readings of one GPU are one bus id
	const bus = /^0x([0-9a-fA-F]{1,2})$/.exec(pci);
	if (bus) return `${Number.parseInt(bus[1]!, 16).toString(16)}000`;
	if (!m) return pci.toLowerCase();
	const n = `${m[1]}${m[2]}${m[3]}0`.toLowerCase().replace(/^0+/, '');
	return n === '' ? '0' : n;
}

/** One line of nccl-tests' output that says something, or null (a fixed first-character test first). */
export function readNcclTestsLine(text: string): NcclTestsLine | null {
	// every form starts with `#` (the older ones with spaces: `   Rank  0 Pid …` when printed without `#`)
	const c0 = text.charCodeAt(0);
	if (c0 !== 35 /* # */) return null;
	const c2 = text.charCodeAt(2);
	if (c2 === 32 /* space */ || c2 === 82 /* R */) {
		if (text.indexOf('Rank ', 2) === -1) return null;
		const m = RANK_LINE.exec(text);
		if (!m) return null;
		const pci = m[6]!;
		return {
			kind: 'rank',
			rank: {
				rank: Number(m[1]),
				group: m[2] === undefined ? 0 : Number(m[2]),
				pid: m[3] === undefined ? null : Number(m[3]),
				host: m[4]!,
				cudaDev: Number(m[5]),
				busId: testsPciToBusId(pci),
				pci,
				gpu: m[7]!,
			},
		};
	}
	if (c2 === 79 /* O */) {
		const m = OUT_OF_BOUNDS.exec(text);
		return m ? {kind: 'out-of-bounds', errors: Number(m[1]), ok: m[2] === 'OK'} : null;
	}
	if (c2 === 65 /* A */) {
		const m = AVG_BUS_BW.exec(text);
		return m ? {kind: 'avg-bus-bandwidth', gbps: Number(m[1])} : null;
	}
	return null;
}

/**
 * One nccl-tests line of the stream: a device-table row places its rank on its process and GPU
 * (proc-seen with the row's device and bus id, then the rank); `# Out of bounds values : N FAILED`
 * is a failure (the collective's results were wrong); `# Avg bus bandwidth` ends the benchmark
 * (printed once, after the last size of the table: src/common.cu's run(), then it tears down). A process that drives several GPUs (`-g N`)
 * is a row per GPU, keyed as model/procs.ts gpuProcKey keys it: the first device of a pid keeps
 * `pod|host|pid`, another one is `pod|host|pid#dev`. True when the line was one.
 */
export function ncclTestsLine(ctx: StreamCtx, text: string, at: AtFn): boolean {
	const t = readNcclTestsLine(text);
	if (t === null) return false;
	if (t.kind === 'rank') {
		const r = t.rank;
		const base = `${ctx.pod}|${r.host}|${r.pid ?? `rank${r.rank}`}`;
		const first = ctx.testsFirstDev.get(base);
		if (first === undefined) ctx.testsFirstDev.set(base, r.cudaDev);
		const proc = first === undefined || first === r.cudaDev ? base : `${base}#${r.cudaDev}`;
		ctx.events.push({type: 'proc-seen', pod: ctx.pod, at: at(), proc, host: r.host, pid: r.pid, dev: r.cudaDev, busId: r.busId});
		ctx.events.push({type: 'proc-ranks', pod: ctx.pod, at: at(), proc, worldRank: r.rank, tpRank: null, ppRank: null, dpRank: null});
	} else if (t.kind === 'avg-bus-bandwidth') {
		ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: null, fact: {kind: 'tests-summary', avgBusBandwidthGBs: t.gbps}});
	} else if (t.kind === 'out-of-bounds' && !t.ok) {
		ctx.events.push({type: 'failure', pod: ctx.pod, at: at(), kind: 'nccl-error', proc: null, rank: null, message: `nccl-tests: ${t.errors} out-of-bounds values (wrong results)`, remote: false});
	}
	return true;
}
