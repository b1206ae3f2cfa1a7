/**
 * What a process runs with, as its INFO lines say it: environment settings (`NCCL_P2P_LEVEL
 * set by environment to NVL`, `NCCL_IB_HCA set to mlx5_4`), the NCCL version (and 2.29+'s git
 * version) and the CUDA driver version.
 */
import type {AtFn, ProcCtx, StreamCtx} from '../context.js';

// NCCL_IB_HCA is reported only this way, whenever the user set it (transport/net_ib.cc, 2.18 → 2.30):
// e.g. "NCCL_IB_HCA set to mlx5_4" (public excerpt, NVIDIA/nccl#1052, NCCL 2.18.5), also
// "NCCL_SOCKET_IFNAME set to enp9s0np0" beside its "set by environment to" line (NVIDIA/nccl#1866, 2.27.6)
const ENV_SET_TO = /^(NCCL_[A-Z0-9_]+) set to (\S.*)$/;

export function env(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	// e.g. "NCCL_NVLS_ENABLE set by environment to 0." (params end in '.'), "NCCL_SOCKET_IFNAME set by environment to net1"
	const i = msg.indexOf(' set by environment to ');
	const key = msg.slice(0, i).trim();
	if (!/^[A-Z][A-Z0-9_]*$/.test(key)) return;
	let value = msg.slice(i + 23).trim();
	if (value.endsWith('.')) value = value.slice(0, -1);
	ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'env', key, value}});
}

export function envSetTo(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const m = ENV_SET_TO.exec(msg);
	if (m) ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'env', key: m[1]!, value: m[2]!.trim()}});
}

/** `NCCL version 2.21.5+cuda12.4` */
export function versionLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'version', version: msg.slice(13).trim().split(' ')[0]!}});
}

/** `NCCL git version HEAD v2.29.2-1` (2.29+), see gitVersion */
export function gitVersionLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const v = gitVersion(msg);
	if (v) ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'version', version: v}});
}

/** `cudaDriverVersion 12080` */
export function cudaDriverLine(ctx: StreamCtx, proc: ProcCtx, msg: string, at: AtFn): void {
	const v = Number(msg.slice(18).trim());
	if (Number.isFinite(v)) ctx.events.push({type: 'nccl-fact', pod: ctx.pod, at: at(), proc: proc.key, fact: {kind: 'cuda-driver', version: v}});
}

// `git describe --dirty --always` naming a release tag exactly: "v2.29.2-1", "v2.30.7-1-dirty"
const GIT_RELEASE = /^v(\d+\.\d+\.\d+)-\d+(?:-dirty)?$/;

/**
 * 2.29+ "NCCL git version <branch> <describe>" (src/misc/git_version.cc, printed by showVersion()
 * after "NCCL version …"): a version only when the build sat exactly on a release tag; a branch
 * build ("master 3e9b1a4c", "HEAD v2.29.2-1-5-g3e9b1a4c") or one made without git ("unknown unknown")
 * says nothing the version line does not.
 */
// e.g. "NCCL git version HEAD v2.29.2-1" → "2.29.2"
export function gitVersion(msg: string): string | null {
	const parts = msg.slice(17).trim().split(/\s+/);
	const m = GIT_RELEASE.exec(parts[parts.length - 1] ?? '');
	return m ? m[1]! : null;
}
