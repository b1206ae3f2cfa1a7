/** `infertop analyze --endpoint URL`: saved logs and a live endpoint in one snapshot (cli.md: endpoint flags work with every source). */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startVllmSim, type VllmSim} from '../../source/sim/vllm-server.js';
import {snapshotValidator} from '../view/schema.js';

const root = path.resolve(import.meta.dirname, '../..');
const log = 'test/fixtures/corpus/nccl-2.28.9-h200x4/tp2-seed-shape-all/pod0.log';
const validate = snapshotValidator();

// async: the simulated server lives in this process and must answer while the CLI runs
function infertop(args: string[], extraEnv: Record<string, string> = {}): Promise<{code: number | null; stdout: string; stderr: string}> {
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', ...extraEnv};
	delete env['CI'];
	return new Promise(resolve => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'cli.tsx', ...args], {cwd: root, env: env as NodeJS.ProcessEnv});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', d => (stdout += d));
		child.stderr.on('data', d => (stderr += d));
		child.on('close', code => resolve({code, stdout, stderr}));
	});
}

let sim: VllmSim;
beforeAll(async () => {
	sim = await startVllmSim({model: 'llama-3.3-70b', mode: 'serving', token: 'sk-analyze-secret'});
});
afterAll(async () => sim.close());

describe('infertop analyze --endpoint', () => {
	it('probes the endpoint once after reading the logs; the token is used, never printed', async () => {
		const r = await infertop(['analyze', '--json', '--endpoint', sim.url, log], {INFERTOP_ENDPOINT_TOKEN: 'sk-analyze-secret'});
		expect(r.code, r.stderr).toBe(0);
		const snap = JSON.parse(r.stdout);
		expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);
		expect(snap.endpoint.health).toBe('ok');
		expect(snap.endpoint.models).toEqual(['llama-3.3-70b']);
		expect(snap.pods.map((p: {name: string}) => p.name)).toEqual(['pod0']);
		expect(r.stdout + r.stderr).not.toContain('sk-analyze-secret');
	});

	it('an unreachable endpoint is in the snapshot with its reason, and is an error finding', async () => {
		const r = await infertop(['analyze', '--json', '--endpoint', 'http://127.0.0.1:9', log]);
		const snap = JSON.parse(r.stdout);
		expect(snap.endpoint.health).toBe('unreachable');
		expect(snap.findings.map((f: {id: string}) => f.id)).toContain('endpoint-unhealthy');
	});

	it('--service needs a cluster: a usage error that says so', async () => {
		const r = await infertop(['analyze', '--service', 'vllm-leader', log]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--service needs a cluster/);
	});
});
