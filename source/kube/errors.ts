/**
 * Kubernetes API failures → words a person can act on. A 403 names the verb and
 * resource and the `kubectl auth can-i` line to check; connection, TLS and 401
 * failures become one-paragraph UserErrors (exit 2), never a stack trace.
 */
import {UserError} from '../commands/io.js';

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

export function canIHint(verb: string, resource: string, namespace: string | null): string {
	return `kubectl auth can-i ${verb} ${resource}${namespace ? ` -n ${namespace}` : ''}`;
}

/** `forbidden: cannot get pods/log in namespace ns (check: kubectl auth can-i get pods/log -n ns)` */
export function forbiddenReason(verb: string, resource: string, namespace: string | null): string {
	return `forbidden: no permission to ${verb} ${resource}${namespace ? ` in namespace ${namespace}` : ''} (check: ${canIHint(verb, resource, namespace)}; deploy/rbac.yaml grants what infertop needs)`;
}

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME|DEPTH_ZERO/;

export function isNetworkError(err: unknown): boolean {
	const code = (err as NodeJS.ErrnoException)?.code ?? '';
	return /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED)$/.test(code) || tlsCodes.test(code);
}

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
		return null;
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
