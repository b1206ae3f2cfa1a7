/**
 * ../shared (the project's contract, design notes and third-party corpus) sits beside
 * the repo on the machines this project is built on, and is absent from a clone (CI).
 * A test that reads from it skips there, saying which file it needed.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import type {TestContext} from 'vitest';

export const sharedDir = path.resolve(import.meta.dirname, '../../../shared');

/** A path under ../shared, e.g. sharedPath('corpus/public-vllm-lws'). */
export const sharedPath = (rel: string): string => path.join(sharedDir, rel);

/** Skip this test (or, called from beforeEach, each test of its describe) when `file` is absent. */
export function skipWithout(ctx: TestContext, file: string): void {
	ctx.skip(!existsSync(file), `${path.relative(process.cwd(), file)} is absent (../shared is not part of a clone)`);
}

/** Third-party vLLM 0.8.3 + Ray + LWS logs (never copied into the repo), each with a `.json` of its hand-read truth. */
export const lwsDir = sharedPath('corpus/public-vllm-lws');

/** The `truth` of a public-vllm-lws `.json`: what was read off its log by hand. */
export interface LwsTruth {
	nccl_version: string;
	cuda_driver_version?: number;
	world_size: number;
	hosts: Record<string, string>;
	/** entries without commId are notes about lines lost to interleaving */
	communicators?: {
		commId?: string;
		nranks: number;
		nNodes?: number;
		role?: string;
		rank_lines_seen: {rank: number; host: string; pid: number; cudaDev: number; nvmlDev: number; busId: string; init_complete: boolean | null; note?: string}[];
	}[];
	transports_seen: string[];
	net_devices?: {index: number; name: string; port?: number; link_layer?: string; type?: string; speed: number | null}[];
	/** the NET plugin used between nodes: 'IB' or 'Socket' */
	using_network: string;
	gdr: {per_channel?: string; explicit_lines?: string | null; NCCL_NET_GDR_LEVEL?: string} | null;
	bootstrap_interface?: string;
	nccl_warn_count: number;
	lines_with_ansi_escapes?: number;
	vllm: {
		version: string;
		model: string;
		dtype: string;
		quantization: string | null;
		max_seq_len: number;
		tensor_parallel_size: number;
		pipeline_parallel_size: number;
		enable_prefix_caching: boolean;
		chunked_prefill_enabled: boolean;
		enforce_eager: boolean;
		gpu_kv_cache_blocks: number;
		gpu_kv_cache_tokens: number | null;
		max_concurrency: string;
		pp_tp_rank_assignments_seen?: string[];
	};
	final_state: string;
}

/** The truth beside the log `name` (no extension) of public-vllm-lws. */
export function lwsTruthOf(name: string): LwsTruth {
	return (JSON.parse(readFileSync(path.join(lwsDir, `${name}.json`), 'utf8')) as {truth: LwsTruth}).truth;
}
