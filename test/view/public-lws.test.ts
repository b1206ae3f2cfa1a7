/**
 * Real vLLM 0.8.3 + Ray + LWS logs (third-party, read from ../shared only): the
 * snapshot is schema-valid and says what each `.json`'s hand-read truth says.
 */
import {existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadPathsSnapshot} from './corpus.js';
import {snapshotValidator} from './schema.js';
import {lwsDir, lwsTruthOf} from '../helpers/shared.js';

const present = existsSync(lwsDir);
if (!present) console.log(`skipped: ${lwsDir} not present (third-party logs live only in ../shared)`);
const logs = present
	? readdirSync(lwsDir)
			.filter(n => n.endsWith('.log'))
			.sort()
	: [];
const validate = snapshotValidator();

describe.skipIf(!present)('public-vllm-lws snapshots', () => {
	for (const log of logs) {
		it(`${log}: valid snapshot, phase, NCCL version, engine parallelism`, async () => {
			const truth = lwsTruthOf(log.replace(/\.log$/, ''));
			const s = await loadPathsSnapshot([path.join(lwsDir, log)]);
			expect(validate(JSON.parse(JSON.stringify(s))), JSON.stringify(validate.errors)).toBe(true);
			expect(s.phase).toBe(truth.final_state);
			expect(s.nccl.version).toBe(truth.nccl_version);
			expect(s.engine?.model).toBe(truth.vllm.model);
			expect(s.engine?.tensorParallelSize).toBe(truth.vllm.tensor_parallel_size);
			expect(s.engine?.pipelineParallelSize).toBe(truth.vllm.pipeline_parallel_size);
		});
	}
});
