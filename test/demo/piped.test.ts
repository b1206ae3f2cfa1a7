/**
 * `infertop demo` with stdout piped (not a terminal): it plays the scenario to its
 * end, prints one plain frame of the outcome and exits with the ordinary code
 * (0 serving, 1 on an error finding), leaving no temporary folder behind.
 */
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {childEnv, cleanup, runCli, sourceCli} from './harness.js';
import {snapshotValidator} from '../view/schema.js';

afterEach(cleanup);

describe('infertop demo, stdout not a terminal', () => {
	// straggler has a quiet stretch (8 s at --speed 5: the leader waiting for the late pod) in which
	// a frame taken "once the streams are quiet" would show a rollout still pending
	it('straggler: one frame of the outcome (serving), not of the quiet wait before it; exit 0', async () => {
		// its own TMPDIR: other tests' servers come and go in the shared one meanwhile
		const tmp = mkdtempSync(path.join(tmpdir(), 'infertop-piped-'));
		const r = await runCli(sourceCli, ['demo', '--scenario', 'straggler', '--speed', '5'], {timeoutMs: 55_000, env: {...childEnv(), TMPDIR: tmp}});
		expect(r.code, r.err).toBe(0);
		// one frame, not a stream of redraws: no cursor movement, the header once
		expect(r.out).not.toContain('\x1b[');
		expect(r.out.match(/^infertop demo · straggler/gm)).toHaveLength(1);
		expect(r.out).toMatch(/ranks 4\/4 ready/);
		expect(r.out).toMatch(/^Endpoint\n\s+health\s+ok/m);
		expect(r.out).toMatch(/TP 2 PP 2/);
		expect(r.out).not.toContain('sk-demo-not-a-real-key');
		expect(r.err).toMatch(/playing "straggler" to its end \(about \d+s\)/);
		// the CA, keys and kubeconfig it made are gone
		expect(readdirSync(tmp).filter(n => n.startsWith('infertop-'))).toEqual([]); // (tsx keeps its compile cache here)
		rmSync(tmp, {recursive: true, force: true});
	});

	it('crash --json: the snapshot of the failed rollout, exit 1', async () => {
		const r = await runCli(sourceCli, ['demo', '--scenario', 'crash', '--speed', '50', '--json'], {timeoutMs: 45_000});
		expect(r.code, r.err).toBe(1);
		const snap = JSON.parse(r.out) as {phase: string; source: {kind: string; scenario?: string}; findings: {id: string; subject: string}[]};
		const validate = snapshotValidator();
		expect(validate(snap), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
		expect(snap.source).toMatchObject({kind: 'demo', scenario: 'crash'});
		expect(snap.phase).toBe('failed');
		expect(snap.findings[0]).toMatchObject({id: 'rank-exited', subject: 'rank 1 (vllm-0, GPU busId 70)'});
	});
});
