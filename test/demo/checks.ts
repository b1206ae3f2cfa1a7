/**
 * What every serve-only demo test checks around its scenario: kubectl reads the
 * simulated cluster, and SIGINT stops the demo cleanly (exit 0, ports closed,
 * temporary folder gone).
 */
import {existsSync} from 'node:fs';
import {expect} from 'vitest';
import {snapshotValidator} from '../view/schema.js';
import {kubectl, pollUntil, portClosed, type Demo, type RunResult, type Snap} from './harness.js';

const validate = snapshotValidator();

/** The snapshot is valid per contract/snapshot.schema.json and carries no secret from the logs. */
export function expectValidSnapshot(snap: Snap, raw: string): void {
	const ok = validate(snap);
	expect(ok, JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
	// vLLM prints its non-default args, api_key included (the demo's leader does too): never in the output.
	expect(raw).not.toContain('sk-demo-not-a-real-key');
}

/** `kubectl get pods` lists the expected pods (eventually in `status`), and `kubectl logs POD --timestamps` has kubelet-stamped lines containing `logNeedle`. */
export async function expectKubectlSees(demo: Demo, pods: string[], status: RegExp, logPod: string, logNeedle: string): Promise<void> {
	let last: RunResult | null = null;
	await pollUntil(
		async () => {
			last = await kubectl(demo.kubeconfig, ['get', 'pods']);
			return last.code === 0 && pods.every(p => new RegExp(`^${p}\\s+${status.source}`, 'm').test(last!.out)) ? true : undefined;
		},
		`kubectl get pods: ${pods.join(', ')} ${status.source}`,
		30_000,
		() => `exit ${last?.code}: ${last?.out}${last?.err}`,
	);
	expect(last!.out).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
	let logs: RunResult | null = null;
	await pollUntil(
		async () => {
			logs = await kubectl(demo.kubeconfig, ['logs', logPod, '--timestamps']);
			// a pod that just started may have printed only its first lines: wait for a screenful
			return logs.code === 0 && logs.out.includes(logNeedle) && logs.out.split('\n').length > 51 ? true : undefined;
		},
		`kubectl logs ${logPod} containing ${JSON.stringify(logNeedle)}`,
		30_000,
		() => `exit ${logs?.code}: ${logs?.err}${logs?.out.slice(-300)}`,
	);
	const lines = logs!.out.split('\n').filter(l => l !== '');
	expect(lines.length).toBeGreaterThan(50);
	// every line as kubectl --timestamps prints it: RFC 3339 with nanoseconds, a space, the text
	for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
	expect(lines.some(l => / NCCL INFO /.test(l))).toBe(true);
}

/** SIGINT (Ctrl-C; or SIGTERM, as `kubectl delete`/systemd stop it): exit 0 within a few seconds, nothing listening on either port, the temporary folder removed. */
export async function expectCleanStop(demo: Demo, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
	const apiPort = demo.apiPort;
	const endpointPort = Number(new URL(demo.endpoint).port);
	const exit = await demo.interrupt(10_000, signal);
	expect(exit, `stderr: ${demo.err()}`).toEqual({code: 0, signal: null});
	expect(await portClosed(apiPort)).toBe(true);
	expect(await portClosed(endpointPort)).toBe(true);
	expect(existsSync(demo.dir)).toBe(false);
}
