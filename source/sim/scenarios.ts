/**
 * Demo scenarios: a LeaderWorkerSet rollout whose containers print recorded NCCL
 * logs (real, from the corpus, with their original timing) and then vLLM's startup
 * in vLLM's exact formats (vllm-lines.ts). Pure data: the player (demo-player.ts)
 * turns it into pods, log bytes and endpoint modes on the simulated cluster.
 */
import {gunzipSync} from 'node:zlib';
import {scenarios} from '../core/flags.js';
import {recordedLogs} from './recorded-logs.generated.js';
import {leaderPreamble, leaderReady, workerStartup, type TimedText, type VllmDemoConfig} from './vllm-lines.js';

/** `--scenario`'s names are the one list (flags.ts); each has a builder below. */
export type ScenarioName = (typeof scenarios)[number];

export interface DemoContainer {
	name: string;
	/** ms after the container starts */
	lines: TimedText[];
	/** the container's process ends (ms after start) with this code */
	exit: {at: number; code: number} | null;
}

export interface DemoPod {
	name: string;
	labels: Record<string, string>;
	annotations: Record<string, string>;
	node: string;
	/** ms after the demo starts that the pod is created (Pending) */
	createdAt: number;
	/** ms Pending before it is scheduled and its container starts */
	pendingMs: number;
	pendingReason: string;
	/** GPUs it asks for (one per rank its recorded log runs) */
	gpus: number;
	container: DemoContainer;
}

export interface EndpointStep {
	/** ms after the demo starts */
	at: number;
	mode: 'starting' | 'serving' | 'dead' | 'stalled' | 'exited';
}

export interface DemoScenario {
	name: ScenarioName;
	description: string;
	namespace: string;
	workload: string;
	model: string;
	servedModelName: string;
	pods: DemoPod[];
	endpoint: EndpointStep[];
}

const recorded = new Map<string, string>();
function recordedLog(file: string): string {
	let text = recorded.get(file);
	if (text === undefined) {
		const b64 = recordedLogs[file];
		if (!b64) throw new Error(`no recorded log ${file}`);
		text = gunzipSync(Buffer.from(b64, 'base64')).toString('utf8');
		recorded.set(file, text);
	}
	return text;
}

/** A recorded line, its Kubernetes stamp removed (the simulated kubelet stamps it again when written), with its original offset. */
interface Recorded {
	at: number;
	text: string;
}

const stampRe = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /;

function recordedLines(file: string): Recorded[] {
	const out: Recorded[] = [];
	let t0: number | null = null;
	let last = 0;
	for (const raw of recordedLog(file).split('\n')) {
		if (raw === '') continue;
		const m = stampRe.exec(raw);
		let at = last;
		let text = raw;
		if (m) {
			const t = Date.parse(m[1]!);
			t0 ??= t;
			at = t - t0;
			text = raw.slice(m[0].length);
		}
		last = at;
		out.push({at, text});
	}
	return out;
}

/** pid of each local GPU process, read from the NCCL prefix of its Init START line (`host:pid:tid [cudaDev]`). */
function ncclPids(lines: Recorded[]): number[] {
	const pids = new Map<number, number>();
	const re = /^\S+:(\d+):\d+ \[(\d+)\] NCCL INFO \S* ?comm 0x[0-9a-f]+ rank \d+ nranks \d+ cudaDev (\d+)/;
	for (const l of lines) {
		const m = re.exec(l.text);
		if (m && !pids.has(Number(m[3]))) pids.set(Number(m[3]), Number(m[1]));
	}
	return [...pids.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]);
}

/** The NCCL init part of a recorded job: everything before the job's own benchmark output. */
function initPart(lines: Recorded[]): Recorded[] {
	const i = lines.findIndex(l => l.text.startsWith('capture:'));
	return i < 0 ? lines : lines.slice(0, i);
}

const asTimed = (lines: Recorded[], offset: number): TimedText[] => lines.map(l => ({at: l.at + offset, text: () => l.text}));

const lwsLabels = (workload: string, group: number, worker: number): Record<string, string> => ({
	'leaderworkerset.sigs.k8s.io/name': workload,
	'leaderworkerset.sigs.k8s.io/group-index': String(group),
	'leaderworkerset.sigs.k8s.io/worker-index': String(worker),
	'leaderworkerset.sigs.k8s.io/group-key': 'f1d2a3b4c5e6',
	...(worker === 0 ? {role: 'leader'} : {role: 'worker'}),
	app: workload,
});

const lwsAnnotations = (workload: string, size: number, worker: number): Record<string, string> => ({
	'leaderworkerset.sigs.k8s.io/size': String(size),
	...(worker > 0 ? {'leaderworkerset.sigs.k8s.io/leader-name': `${workload}-0`} : {}),
});

const MODEL = 'meta-llama/Llama-3.3-70B-Instruct';
const SERVED = 'llama-3.3-70b';

interface PodPlan {
	file: string;
	/** shift the part after this pod's first Init START by this much (a late peer) */
	holdAfterInitStartMs?: number;
	/** start this pod's container late */
	lateMs?: number;
	serve: boolean;
	/** play the whole recorded job (crashes) instead of the init part then vLLM */
	wholeJob: boolean;
	exitCode: number | null;
}

/** `… total 0.48 (kernels 0.39, alloc 0.03, bootstrap 0.02, …)` with `seconds` more in total and bootstrap. */
function withWait(line: string, seconds: number): string {
	const add = (_m: string, head: string, v: string) => `${head}${(Number(v) + seconds).toFixed(2)}`;
	return line.replace(/( total )(\d+\.\d+)/, add).replace(/( bootstrap )(\d+\.\d+)/, add);
}

function build(name: ScenarioName, description: string, plans: PodPlan[], tp: number, pp: number): DemoScenario {
	const workload = 'vllm';
	const size = plans.length;
	let firstRank = 0;
	let servingAt: number | null = null;
	const pods: DemoPod[] = plans.map((plan, worker) => {
		const rec = recordedLines(plan.file);
		const pids = ncclPids(rec);
		const cfg: VllmDemoConfig = {
			version: '0.11.0',
			model: MODEL,
			servedModelName: SERVED,
			tp,
			pp,
			maxModelLen: 32768,
			workerPids: pids.length ? pids : [1000],
			firstRank,
			ppRank: pp > 1 ? worker : 0,
			apiPid: 412,
			enginePid: 689,
			shards: 30,
			kvTokens: 623_392,
		};
		firstRank += cfg.workerPids.length;
		const pre = worker === 0 ? leaderPreamble(cfg) : [];
		const ncclStart = worker === 0 ? 1500 : 300;
		let lines: TimedText[] = [...pre];
		let exit: DemoContainer['exit'] = null;
		if (plan.wholeJob) {
			const job = asTimed(rec, ncclStart);
			lines.push(...job);
			exit = {at: (job.at(-1)?.at ?? ncclStart) + 400, code: plan.exitCode ?? 0};
		} else {
			let init = asTimed(initPart(rec), ncclStart);
			if (plan.holdAfterInitStartMs) {
				// Each GPU process blocks in its first Init START until every peer has joined: hold
				// that process's later lines (and the untagged lines after the first START) until
				// the late pod arrives. Lines before a process's own START play as recorded.
				const hold = plan.holdAfterInitStartMs;
				const started = new Set<string>();
				const timed = new Set<string>();
				let anyStarted = false;
				init = init.map(l => {
					const text = l.text(new Date(0));
					const pid = /^\S+:(\d+):\d+ /.exec(text)?.[1] ?? null;
					const held = pid ? started.has(pid) : anyStarted;
					if (text.includes('Init START')) {
						if (pid) started.add(pid);
						anyStarted = true;
					}
					if (!held) return l;
					// the wait happened in that init's bootstrap, and NCCL's own `Init timings` for it
					// says so (as in the recorded straggler, test/fixtures/corpus/recorded)
					if (pid && !timed.has(pid) && text.includes(' Init timings - ')) {
						timed.add(pid);
						const waited = withWait(text, hold / 1000);
						return {at: l.at + hold, text: () => waited};
					}
					return {...l, at: l.at + hold};
				});
				init.sort((a, b) => a.at - b.at);
			}
			lines.push(...init);
			const afterInit = (init.at(-1)?.at ?? ncclStart) + 500;
			lines.push(...workerStartup(cfg, afterInit));
			if (plan.serve) {
				const ready = leaderReady(cfg, afterInit + 600 + cfg.shards * 900 + 3500);
				lines.push(...ready.lines);
				servingAt = ready.servingAt;
			}
		}
		lines = lines.sort((a, b) => a.at - b.at);
		const pendingMs = 4000 + worker * 600 + (plan.lateMs ?? 0);
		return {
			name: worker === 0 ? `${workload}-0` : `${workload}-0-${worker}`,
			labels: lwsLabels(workload, 0, worker),
			annotations: lwsAnnotations(workload, size, worker),
			node: `gpu-node-${String.fromCharCode(97 + worker)}`,
			createdAt: 0,
			pendingMs,
			pendingReason: plan.lateMs ? '0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) were unschedulable.' : '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
			gpus: cfg.workerPids.length,
			container: {name: 'vllm', lines, exit},
		};
	});
	const leader = pods[0]!;
	const endpoint: EndpointStep[] = [{at: 0, mode: 'starting'}];
	if (servingAt !== null) endpoint.push({at: leader.pendingMs + servingAt, mode: 'serving'});
	return {name, description, namespace: 'inference', workload, model: MODEL, servedModelName: SERVED, pods, endpoint};
}

export function scenario(name: ScenarioName): DemoScenario {
	switch (name) {
		case 'healthy':
			return build(
				name,
				'TP=2 x PP=2 over two pods: NVLink inside each pod, TCP sockets between them (no IB on the recording host)',
				[
					{file: 'tp2x2-two-pods-all/pod0.log', serve: true, wholeJob: false, exitCode: null},
					{file: 'tp2x2-two-pods-all/pod1.log', serve: false, wholeJob: false, exitCode: null},
				],
				2,
				2,
			);
		case 'straggler':
			// The recorded lines re-timed: the worker pod is scheduled 40 s late and the
			// leader's ranks wait in the world communicator's init until it arrives.
			return build(
				name,
				'the worker pod is scheduled 40 s late; the leader waits in NCCL init',
				[
					{file: 'tp2x2-two-pods-all/pod0.log', serve: true, wholeJob: false, exitCode: null, holdAfterInitStartMs: 41_000},
					{file: 'tp2x2-two-pods-all/pod1.log', serve: false, wholeJob: false, exitCode: null, lateMs: 40_000},
				],
				2,
				2,
			);
		case 'crash':
			return build(
				name,
				'global rank 1 (leader pod, GPU 70) exits with code 3 after the first collectives; its peers fail with remote errors',
				[
					{file: 'crash-rank1/pod0.log', serve: false, wholeJob: true, exitCode: 1},
					{file: 'crash-rank1/pod1.log', serve: false, wholeJob: true, exitCode: 1},
				],
				2,
				2,
			);
		case 'bad-ifname':
			return build(name, 'NCCL_SOCKET_IFNAME=net1 names no interface: bootstrap fails at once', [{file: 'bad-socket-ifname/pod0.log', serve: false, wholeJob: true, exitCode: 1}], 2, 1);
		case 'p2p-disabled':
			return build(name, 'NCCL_P2P_DISABLE=1: NVLink present but traffic goes through host shared memory', [{file: 'p2p-disabled-shm/pod0.log', serve: true, wholeJob: false, exitCode: null}], 4, 1);
	}
}
