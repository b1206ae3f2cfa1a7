/**
 * Which cluster, which user, which namespace — in kubectl's order: `--kubeconfig`,
 * then `KUBECONFIG` (files merged, first wins), then `~/.kube/config`, then the
 * in-cluster service account. Every failure is a readable UserError (exit 2).
 * @kubernetes/client-node is imported lazily so the TUI's first frame never waits on it.
 */
import {existsSync} from 'node:fs';
import path from 'node:path';
import type {KubeConfig} from '@kubernetes/client-node';
import {UserError} from '../../core/io.js';

export interface LoadedConfig {
	kc: KubeConfig;
	/** null in-cluster */
	context: string | null;
	namespace: string;
	server: string;
	/** where it came from, for messages: a path, or `in-cluster` */
	origin: string;
}

export interface LoadConfigArgs {
	kubeconfig: string | null;
	context: string | null;
	namespace: string | null;
	env: Record<string, string | undefined>;
	/** prefix for /var/run/secrets/kubernetes.io/serviceaccount (tests point it at a fixture folder) */
	inClusterPrefix?: string;
}

export const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export async function loadKubeConfig(args: LoadConfigArgs): Promise<LoadedConfig> {
	const k8s = await import('@kubernetes/client-node');
	const kc = new k8s.KubeConfig();
	const env = args.env;
	let origin: string;
	const load = (file: string, into: KubeConfig) => {
		try {
			into.loadFromFile(file);
		} catch (err) {
			const msg = (err as Error).message.split('\n')[0];
			throw new UserError(`could not read the kubeconfig ${file}: ${msg}. Check the path (--kubeconfig or KUBECONFIG) and that it is a valid kubeconfig YAML (\`kubectl config view --kubeconfig ${file}\`).`);
		}
	};
	const home = env['HOME'] ?? env['USERPROFILE'];
	const defaultFile = home ? path.join(home, '.kube', 'config') : null;
	const prefix = args.inClusterPrefix ?? '';
	const saToken = `${prefix}${SA_DIR}/token`;

	if (args.kubeconfig) {
		if (!existsSync(args.kubeconfig)) throw new UserError(`the kubeconfig ${args.kubeconfig} (--kubeconfig) does not exist. Pass the path of a kubeconfig file, or leave --kubeconfig out to use KUBECONFIG or ~/.kube/config.`);
		load(args.kubeconfig, kc);
		origin = args.kubeconfig;
	} else if (env['KUBECONFIG']) {
		const files = env['KUBECONFIG'].split(path.delimiter).filter(f => f && existsSync(f));
		if (!files.length) throw new UserError(`none of the files in KUBECONFIG (${env['KUBECONFIG']}) exists. Fix KUBECONFIG, or pass --kubeconfig PATH.`);
		load(files[0]!, kc);
		// kubectl's merge: the first file that defines a name wins (client-node's mergeConfig throws on duplicates)
		for (const f of files.slice(1)) {
			const more = new k8s.KubeConfig();
			load(f, more);
			for (const c of more.clusters) if (!kc.getCluster(c.name)) kc.addCluster(c);
			for (const u of more.users) if (!kc.getUser(u.name)) kc.addUser(u);
			for (const c of more.contexts) if (!kc.getContextObject(c.name)) kc.addContext(c);
			if (!kc.currentContext && more.currentContext) kc.setCurrentContext(more.currentContext);
		}
		origin = files.join(path.delimiter);
	} else if (defaultFile && existsSync(defaultFile)) {
		load(defaultFile, kc);
		origin = defaultFile;
	} else if (env['KUBERNETES_SERVICE_HOST'] && existsSync(saToken)) {
		// client-node's loadFromCluster reads process.env; take host/port from our env instead
		kc.loadFromCluster(prefix);
		const host = env['KUBERNETES_SERVICE_HOST'];
		const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
		const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
		kc.loadFromOptions({
			clusters: kc.clusters.map(c => ({...c, server})),
			users: kc.users,
			contexts: kc.contexts,
			currentContext: kc.currentContext,
		});
		origin = 'in-cluster';
	} else {
		throw new UserError(
			`no Kubernetes configuration found: no --kubeconfig, no KUBECONFIG, no ${defaultFile ?? '~/.kube/config'}, and not running in a pod. Point infertop at a cluster with --kubeconfig PATH (or KUBECONFIG), or analyse saved logs with \`infertop analyze PATH\`.`,
		);
	}

	const inCluster = origin === 'in-cluster';
	if (args.context) {
		if (!kc.getContextObject(args.context)) {
			const names = kc.getContexts().map(c => c.name);
			throw new UserError(`the context "${args.context}" is not in ${origin}${names.length ? ` (it has: ${names.join(', ')})` : ' (it has no contexts)'}. Pick one with --context, or see \`kubectl config get-contexts\`.`);
		}
		kc.setCurrentContext(args.context);
	}
	if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
		throw new UserError(`${origin} has no current context. Pass --context NAME (see \`kubectl config get-contexts\`) or run \`kubectl config use-context NAME\`.`);
	}
	const cluster = kc.getCurrentCluster();
	if (!cluster?.server) throw new UserError(`the context "${kc.getCurrentContext()}" in ${origin} names no cluster with a server URL. Fix the kubeconfig, or pick another --context.`);
	if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
		throw new UserError(`the cluster of context "${kc.getCurrentContext()}" uses plain http (${cluster.server}); the Kubernetes client refuses it without insecure-skip-tls-verify. Use the https URL of the API server.`);
	}
	const ctxNs = kc.getContextObject(kc.getCurrentContext())?.namespace?.trim();
	return {
		kc,
		context: inCluster ? null : kc.getCurrentContext(),
		namespace: args.namespace ?? (ctxNs || 'default'),
		server: cluster.server,
		origin,
	};
}
