/**
 * Kubernetes API failures → words a person can act on. A 403 names the verb and
 * resource and the `kubectl auth can-i` line to check; connection, TLS and 401
 * failures become one-paragraph UserErrors (exit 2), never a stack trace.
 */
import {UserError} from '../../core/io.js';

/** A non-2xx answer from the API server, with its `Status` body when it sent one. */
export class KubeApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly reason: string | null,
		readonly verb: string,
		readonly resource: string,
		readonly namespace: string | null,
	) {
		super(message);
		this.name = 'KubeApiError';
	}
}

/** Where a request to the API server was when it stopped getting anywhere. */
export type RequestStep = 'credentials' | 'connect' | 'tls' | 'response' | 'body';

const stepWords: Record<RequestStep, string> = {
	credentials: 'getting credentials from the kubeconfig (an exec plugin that does not return?)',
	connect: 'no TCP connection',
	tls: 'the TCP connection was accepted but the TLS handshake never finished',
	response: 'connected, but no answer to the request',
	body: 'the answer stopped arriving midway',
};

/** A request to the API server that missed one of its deadlines (client.ts). */
export class KubeDeadlineError extends Error {
	readonly code = 'ETIMEDOUT';
	constructor(
		readonly server: string,
		readonly what: string,
		readonly step: RequestStep,
		readonly ms: number,
	) {
		super(`${stepWords[step]} within ${Math.round(ms / 100) / 10}s (${what})`);
		this.name = 'KubeDeadlineError';
	}
}

/** What a person checks when the API server does not answer: the words after "no answer from …". */
export const unansweredHint =
	'A load balancer, firewall or proxy in front of it may be dropping traffic, or the server is overloaded or down. Try `kubectl get --raw /readyz --request-timeout 10s` with the same kubeconfig, check your VPN or bastion, or pick another --context / --kubeconfig.';

/** `the Kubernetes API server at https://… (context "x") is stuck: …` for a request that waits, or null when none does. */
export function describeWaiting(server: string | null, context: string | null, flight: {what: string; since: number; step: RequestStep} | null, now = Date.now()): string {
	const ctx = context ? ` (context "${context}")` : '';
	// stopped before the kubeconfig was even read (a slow start, a short --timeout): no server to name yet
	if (server === null) return `infertop was still loading the kubeconfig${ctx}: no request reached a Kubernetes API server yet`;
	const where = `the Kubernetes API server at ${server}${ctx}`;
	if (!flight) return `${where} has not answered yet`;
	return `${where} has not answered for ${Math.max(0, Math.round((now - flight.since) / 1000))}s: ${stepWords[flight.step]} (${flight.what})`;
}

/**
 * A 4xx that asking again cannot fix (a malformed selector's 400, 404 of an API, 422):
 * not 401/403 (said apart), 404 of an object (a lookup), 408/429 (retry later), 409/410 (resume).
 */
export function isPermanentRequestError(err: unknown): err is KubeApiError {
	return err instanceof KubeApiError && err.status >= 400 && err.status < 500 && ![401, 403, 404, 408, 409, 410, 425, 429].includes(err.status);
}

export function canIHint(verb: string, resource: string, namespace: string | null): string {
	return `kubectl auth can-i ${verb} ${resource}${namespace ? ` -n ${namespace}` : ''}`;
}

/** `forbidden: cannot get pods/log in namespace ns (check: kubectl auth can-i get pods/log -n ns)` */
export function forbiddenReason(verb: string, resource: string, namespace: string | null): string {
	return `forbidden: no permission to ${verb} ${resource}${namespace ? ` in namespace ${namespace}` : ''} (check: ${canIHint(verb, resource, namespace)}; deploy/rbac.yaml grants what infertop needs)`;
}

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME|DEPTH_ZERO/;

/** Turn a failure talking to the cluster into a UserError, or return null if it is not one of the well-known kinds. */
export function explainClusterError(err: unknown, ctx: {server: string; context: string | null}): UserError | null {
	const where = `the Kubernetes API server at ${ctx.server}${ctx.context ? ` (context "${ctx.context}")` : ''}`;
	if (err instanceof UserError) return err;
	if (err instanceof KubeApiError) {
		if (err.status === 401) {
			return new UserError(
				`${where} rejected infertop's credentials (401 Unauthorized): the token or client certificate is missing, expired or revoked. Try \`kubectl get pods\` with the same kubeconfig; refresh the login (e.g. re-run your cloud CLI's get-credentials command) or pick another --context.`,
			);
		}
		if (err.status === 403) {
			return new UserError(
				`${where} says infertop may not ${err.verb} ${err.resource}${err.namespace ? ` in namespace ${err.namespace}` : ''} (403 Forbidden: ${err.message}). Check with \`${canIHint(err.verb, err.resource, err.namespace)}\`; deploy/rbac.yaml has a read-only Role that grants what infertop needs.`,
			);
		}
		if (isPermanentRequestError(err)) {
			const selectorHint =
				err.status === 400 && (err.verb === 'list' || err.verb === 'watch')
					? ' Check the label selector (-l) or the workload name: kubectl accepts the same syntax (`kubectl get pods -l …`).'
					: ` Check the flags that make this request (-n, -l, -c) with \`kubectl get ${err.resource}${err.namespace ? ` -n ${err.namespace}` : ''}\`.`;
			return new UserError(
				`${where} refused to ${err.verb} ${err.resource}${err.namespace ? ` in namespace ${err.namespace}` : ''} (${err.status}${err.reason ? ` ${err.reason}` : ''}: ${err.message}); asking again would not help.${selectorHint}`,
			);
		}
		return null;
	}
	if (err instanceof KubeDeadlineError) {
		return new UserError(`no answer from ${where}: ${err.message}. ${unansweredHint}`);
	}
	const e = err as NodeJS.ErrnoException;
	const code = e?.code ?? '';
	if (tlsCodes.test(code)) {
		return new UserError(
			`could not verify the TLS certificate of ${where} (${code}: ${e.message}). The kubeconfig's certificate-authority(-data) does not match the server: check that the context points at the right cluster, or refresh the kubeconfig from your cluster provider.`,
		);
	}
	if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET)$/.test(code)) {
		return new UserError(
			`could not reach ${where} (${code}${code === 'ENOTFOUND' ? ': host not found' : code === 'ECONNREFUSED' ? ': connection refused' : ''}). Is the cluster up and are you on its network (VPN, bastion)? Try \`kubectl cluster-info\`, or pick another --context / --kubeconfig.`,
		);
	}
	if (e instanceof Error && /exec|credential|plugin/i.test(e.message)) {
		return new UserError(`could not get credentials for ${where}: ${e.message}. Check the kubeconfig user's exec plugin (run it by hand), or pick another --context.`);
	}
	return null;
}
