/**
 * What `check` and `--once` say when the API server has not answered: the server and
 * the request that waits, or — stopped before the kubeconfig was read — that no request
 * left yet, never a sentence that names "the Kubernetes API server at the Kubernetes API server".
 */
import {describe, expect, it} from 'vitest';
import {describeWaiting} from '../../source/sources/kube/errors.js';

describe('describeWaiting', () => {
	it('names the server, the context and how long the oldest request waits', () => {
		const flight = {what: 'GET /api/v1/namespaces/ml/pods', since: 1_000, step: 'response' as const};
		const text = describeWaiting('https://10.0.0.1:6443', 'prod', flight, 13_400);
		expect(text).toMatch(/^the Kubernetes API server at https:\/\/10\.0\.0\.1:6443 \(context "prod"\) has not answered for 12s: /);
		expect(text).toContain('GET /api/v1/namespaces/ml/pods');
		expect(describeWaiting('https://10.0.0.1:6443', null, null)).toBe('the Kubernetes API server at https://10.0.0.1:6443 has not answered yet');
	});

	it('before the kubeconfig is read there is no server to name, and it says so', () => {
		const text = describeWaiting(null, 'prod', null);
		expect(text).toBe('infertop was still loading the kubeconfig (context "prod"): no request reached a Kubernetes API server yet');
		expect(text).not.toMatch(/at the Kubernetes API server/);
	});
});
