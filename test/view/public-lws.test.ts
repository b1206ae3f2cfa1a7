/**
 * Real vLLM 0.8.3 + Ray + LWS logs (third-party, read from ../shared only): the
 * snapshot is schema-valid and says what each `.json`'s hand-read truth says.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadPathsSnapshot, publicLwsDir} from './corpus.js';
import {snapshotValidator} from './schema.js';

const present = existsSync(publicLwsDir);
if (!present) console.log(`skipped: ${publicLwsDir} not present (third-party logs live only in ../shared)`);
const logs = present ? readdirSync(publicLwsDir).filter(n => n.endsWith('.log')).sort() : [];
const validate = snapshotValidator();

interface LwsTruth {
	nccl_version: string;
	world_size: number;
	final_state: string;
	vllm: {version: string; model: string; tensor_parallel_size: number; pipeline_parallel_size: number};
}

describe.skipIf(!present)('public-vllm-lws snapshots', () => {
	for (const log of logs) {
		it(`${log}: valid snapshot, phase, NCCL version, engine parallelism`, async () => {
			const truth = (JSON.parse(readFileSync(path.join(publicLwsDir, log.replace(/\.log$/, '.json')), 'utf8')) as {truth: LwsTruth}).truth;
			const s = await loadPathsSnapshot([path.join(publicLwsDir, log)]);
			expect(validate(JSON.parse(JSON.stringify(s))), JSON.stringify(validate.errors)).toBe(true);
			expect(s.phase).toBe(truth.final_state);
			expect(s.nccl.version).toBe(truth.nccl_version);
			expect(s.engine?.model).toBe(truth.vllm.model);
			expect(s.engine?.tensorParallelSize).toBe(truth.vllm.tensor_parallel_size);
			expect(s.engine?.pipelineParallelSize).toBe(truth.vllm.pipeline_parallel_size);
		});
	}
});
