/**
 * The network a process uses, as NCCL's INFO lines say it (docs/log-formats/nccl.md §1.2): NET plugin
 * search and load (`NET/Plugin: …`, 2.27+ `Initialized/Assigned/Failed … NET plugin`), IB and
 * socket devices (`NET/IB : Using [0]mlx5_0:1/IB …`), GPU Direct RDMA per HCA and per GPU,
 * the bootstrap interface and `Using network …`.
 */
import type {LogEvent, ParsedNetDevice} from '../log-events.js';
import type {AtFn, ProcCtx, StreamCtx} from '../context.js';

// e.g. "NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.0.0.1<0>"
// 2.30.7+ (transport/net_ib/init.cc) adds `:rail` and/or `:plane` after the port: "[0]mlx5_0:1:2/IB",
// "[0]mlx5_0:1:2:1/IB", and with a plane but no rail an empty field: "[0]mlx5_0:1::1/IB"
const IB_DEVICE = /\[(\d+)\]([^:\s]+):(\d+)(?::\d*)*\/(\w+)/g;
// e.g. "NET/Socket : Using [0]eth0:192.0.2.2<0> [1]eth1:10.0.0.2<0>"
const SOCKET_DEVICE = /\[(\d+)\]([^:\s]+):\S+/g;

// e.g. "NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'", "NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'"
const GDR_HCA = /^NET\/(\S+) : GPU Direct RDMA (Enabled|Disabled) for HCA (\d+) '([^']*)'/;
// e.g. "GPU Direct RDMA Enabled for GPU 81000 / HCA 0 (distance 4 <= 4), read 1" (2.18–2.23; 2.24–2.25 GPU is a rank; 2.26–2.28 adds "mode Default")
const GDR_GPU_OLD = /^GPU Direct RDMA (Enabled|Disabled) for (?:GPU|HCA) ([0-9a-fA-Fx]+) \/ HCA ([0-9a-fA-Fx]+)/;
// e.g. "GPU Direct RDMA Enabled for GPU/0-1b000 (rank 0) - NET/0-c (distance 3 <= 4, read 1, mode Default)" (2.29)
const GDR_GPU_NEW = /^GPU Direct RDMA (Enabled|Disabled) for GPU\/([0-9a-fA-F-]+)(?: \(rank \d+\))? - NET\/([0-9a-fA-F-]+)/;

export function handleNet(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const push = (fact: Parameters<typeof factEvent>[3]) => ctx.events.push(factEvent(ctx, proc, at, fact));
	// NET plugin search, every version's wording (docs/log-formats/nccl.md §1.2):
	//   2.18 "NET/Plugin : No plugin found, using internal implementation"
	//   2.19–2.20 "NET/Plugin : dlerror=… No plugin found (libnccl-net.so), using internal implementation"
	//   2.21 "NET/Plugin: No plugin found (libnccl-net.so)", "NET/Plugin: Using internal network plugin."
	//   2.22–2.25 "NET/Plugin: Could not find:libnccl-net.so. Using internal network plugin."
	//   2.26+ "NET/Plugin: Could not find: libnccl-net.so"
	//   all "NET/Plugin: Loaded net plugin NCCL RDMA Plugin v8 (v8)"
	if (msg.startsWith('NET/Plugin')) {
		if (/Loaded (?:net|coll(?:net)?) plugin/i.test(msg)) {
			const m = /Loaded net plugin (.+?)(?: \(v\d+\))?\s*$/.exec(msg);
			if (m) push({kind: 'external-net-plugin', found: true, name: m[1]!});
			return;
		}
		if (/No plugin found|Could not find|Using internal|Plugin load returned|Plugin load \(/.test(msg)) push({kind: 'external-net-plugin', found: false, name: null});
		return;
	}
	if (msg.startsWith('NET/IB : No device found') || msg.startsWith('NET/IB: No device found')) {
		push({kind: 'ib-none'});
		return;
	}
	if (msg.startsWith('NET/IB : Using') || msg.startsWith('NET/IB: Using')) {
		const list = msg.slice(0, msg.indexOf(';') === -1 ? msg.length : msg.indexOf(';'));
		const devices: ParsedNetDevice[] = [];
		IB_DEVICE.lastIndex = 0;
		let m: RegExpExecArray | null;
		while ((m = IB_DEVICE.exec(list))) {
			const ll = m[4]!;
			devices.push({name: m[2]!, port: Number(m[3]), linkLayer: ll === 'IB' ? 'IB' : ll === 'RoCE' ? 'RoCE' : null, speedGbps: null, pod: ctx.pod});
		}
		if (devices.length) push({kind: 'net-devices', devices});
		return;
	}
	if (msg.startsWith('NET/Socket : Using') || msg.startsWith('NET/Socket: Using [')) {
		const devices: ParsedNetDevice[] = [];
		SOCKET_DEVICE.lastIndex = 0;
		let m: RegExpExecArray | null;
		while ((m = SOCKET_DEVICE.exec(msg))) devices.push({name: m[2]!, port: null, linkLayer: 'Ethernet', speedGbps: null, pod: ctx.pod});
		if (devices.length) push({kind: 'net-devices', devices});
		return;
	}
	const g = GDR_HCA.exec(msg);
	if (g) {
		ctx.events.push({
			type: 'gdr',
			pod: ctx.pod,
			at: at(),
			proc: proc.key,
			host: proc.host,
			gpu: proc.busId ?? (proc.cudaDev === null ? '?' : `cudaDev ${proc.cudaDev}`),
			hca: g[4]!,
			enabled: g[2] === 'Enabled',
			evidence: msg.trim(),
		});
	}
}

/**
 * 2.27+ plugin lines of src/plugin/net.cc: "Initialized NET plugin %s" (each plugin that came up:
 * several per process, e.g. IB then Socket), "Assigned NET plugin %s to comm" (the one the comm
 * uses: what "Using network %s" says too), "Failed to initialize NET plugin %s" (INFO: that plugin
 * found no device or could not start; the next one is tried).
 */
function netPluginLine(ctx: StreamCtx, proc: ProcCtx, what: 'initialized' | 'assigned' | 'failed', raw: string, at: AtFn): void {
	const name = raw.trim();
	if (!name) return;
	const internal = name === 'IB' || name === 'Socket' || name.startsWith('IB (') || name.startsWith('Socket (');
	if (what === 'assigned') ctx.events.push(factEvent(ctx, proc, at, {kind: 'network', name}));
	else if (what === 'initialized') {
		if (!internal) ctx.events.push(factEvent(ctx, proc, at, {kind: 'external-net-plugin', found: true, name}));
	} else if (name === 'IB') ctx.events.push(factEvent(ctx, proc, at, {kind: 'ib-none'}));
}

function factEvent(ctx: StreamCtx, proc: ProcCtx, at: AtFn, fact: Extract<LogEvent, {type: 'nccl-fact'}>['fact']): LogEvent {
	return {type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact};
}

export function gdrPerGpu(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	let m = GDR_GPU_NEW.exec(msg);
	let gpu: string;
	let hca: string;
	let enabled: boolean;
	if (m) {
		enabled = m[1] === 'Enabled';
		const id = m[2]!;
		gpu = id.slice(id.lastIndexOf('-') + 1);
		hca = `NET/${m[3]}`;
	} else {
		m = GDR_GPU_OLD.exec(msg);
		if (!m) return;
		enabled = m[1] === 'Enabled';
		gpu = m[2]!.toLowerCase();
		hca = m[3]!;
	}
	ctx.events.push({type: 'gdr', pod: ctx.pod, at: at(), proc: proc.key, host: proc.host, gpu, hca, enabled, evidence: msg.trim()});
}

/** `Initialized NET plugin IB` (2.27+) */
export function pluginInitialized(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	netPluginLine(ctx, proc, 'initialized', msg.slice(23), at);
}

/** `Assigned NET plugin IB to comm` (2.27+); `Assigned GIN plugin GIN_IB_GDAKI to comm` (2.28+) is not the network */
export function pluginAssigned(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const name = msg.slice(20).trim();
	netPluginLine(ctx, proc, 'assigned', name.endsWith(' to comm') ? name.slice(0, -8) : name, at);
}

/** `Failed to initialize NET plugin IB` (2.27+) */
export function pluginFailed(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	netPluginLine(ctx, proc, 'failed', msg.slice(32), at);
}

/** ≤2.23 `Bootstrap : Using eth0:10.0.0.1<0>`, 2.24+ `Bootstrap: Using eth0:192.0.2.2<0>` */
export function bootstrapLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const rest = msg.slice(msg.indexOf('Using') + 5).trim();
	const iface = rest.split(':')[0]!.trim();
	if (iface && iface !== 'N/A') ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'bootstrap', iface}});
}

/** `Using network IB` */
export function usingNetwork(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'network', name: msg.slice(14).trim()}});
}
