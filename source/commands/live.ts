/**
 * `infertop [WORKLOAD]` (contract/cli.md): the live TUI on a cluster, or with
 * `--once` read what exists now and print the snapshot (`--json`) or the report.
 * Exit 1 on an error-severity finding, 2 when the cluster cannot be reached or
 * `--wait` runs out (naming what was not read), else 0.
 */
import {computeFindings} from '../findings/index.js';
import {emptyState} from '../model/state.js';
import type {Options} from '../options.js';
import {createPipeline} from '../pipeline.js';
import {createStore} from '../store/store.js';
import {exitCodes, UserError, type Io} from './io.js';

const fmtMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** How `infertop demo` runs the ordinary live path: only the header label and the snapshot's source kind differ. */
export interface LiveExtra {
	label?: string;
	sourceKind?: 'demo';
	scenario?: string;
}

export async function run(options: Options, io: Io, extra: LiveExtra = {}): Promise<number> {
	// the Kubernetes client is loaded only here, never before the first frame of other commands
	const [{loadKubeConfig}, {startKubeSource}] = await Promise.all([import('../kube/config.js'), import('../kube/source.js')]);
	const cfg = await loadKubeConfig({kubeconfig: options.kube.kubeconfig, context: options.kube.context, namespace: options.kube.namespace, env: io.env});
	const workload = options.args[0] ?? null;
	const store = createStore(emptyState(extra.sourceKind === 'demo' ? {kind: 'demo', scenario: extra.scenario ?? 'healthy', context: cfg.context, namespace: cfg.namespace, selector: options.kube.selector, workload} : {kind: 'kubernetes', context: cfg.context, namespace: cfg.namespace, selector: options.kube.selector, workload}), {
		flushMs: options.once ? 0 : 50,
	});
	const pipeline = createPipeline(store, {keepLines: !options.once});
	const source = await startKubeSource({options, pipeline, io, once: options.once});
	const ac = new AbortController();
	const onAbort = () => ac.abort();
	io.signal.addEventListener('abort', onAbort, {once: true});
	const wantProber = !options.once || Boolean(options.endpoint.url || options.endpoint.service);
	let prober: {probeOnce(): Promise<void>; stop(): void} | null = null;
	try {
		if (wantProber) {
			const {startEndpointProber} = await import('../endpoint/prober.js');
			prober = await startEndpointProber({
				options: options.endpoint,
				store,
				env: io.env,
				kube: {kubeConfig: source.kubeConfig, namespace: source.describe.namespace, workload},
				signal: ac.signal,
				autoStart: !options.once,
				log: options.once ? m => io.stderr.write(`infertop: ${m}\n`) : undefined,
			});
		}
		if (options.once) return await once(options, io, store, source, prober);
		const {runTui} = await import('../ui/run-tui.js');
		const code = await runTui({
			store,
			options,
			io,
			title: {kind: extra.sourceKind === 'demo' ? 'demo' : 'kubernetes', label: extra.label, context: source.describe.context, namespace: source.describe.namespace, workload, matchedBy: source.describe.matchedBy},
		});
		for (const n of source.notices) io.stderr.write(`infertop: ${n}\n`);
		return code;
	} finally {
		ac.abort();
		io.signal.removeEventListener('abort', onAbort);
		prober?.stop();
		await source.stop();
		store.dispose();
	}
}

async function once(
	options: Options,
	io: Io,
	store: ReturnType<typeof createStore>,
	source: Awaited<ReturnType<typeof import('../kube/source.js').startKubeSource>>,
	prober: {probeOnce(): Promise<void>} | null,
): Promise<number> {
	let timer: NodeJS.Timeout | null = null;
	const outcome = await Promise.race([
		Promise.all([source.done, prober?.probeOnce()]).then(() => 'done' as const),
		new Promise<'timeout'>(resolve => (timer = setTimeout(() => resolve('timeout'), options.waitMs))),
		new Promise<'aborted'>(resolve => io.signal.addEventListener('abort', () => resolve('aborted'), {once: true})),
	]);
	if (timer) clearTimeout(timer);
	if (outcome !== 'done') {
		const left = source.unfinished();
		const what = left.length ? `not read to the end: ${left.slice(0, 20).join(', ')}${left.length > 20 ? ` and ${left.length - 20} more` : ''}` : 'the endpoint probe did not answer';
		if (outcome === 'aborted') throw new UserError(`stopped before everything was read (${what}).`);
		throw new UserError(
			`--wait ${fmtMs(options.waitMs)} ran out before every log was read (${what}). Give it longer with --wait (e.g. --wait 2m), narrow it with --since/--tail or -c, or check the API server's load.`,
		);
	}
	const [{toSnapshot}, {formatReport}] = await Promise.all([import('../view/snapshot.js'), import('../view/report.js')]);
	store.flush();
	const state = store.getState();
	const now = Date.now();
	const findings = computeFindings(state, now, options.findings);
	const snapshot = toSnapshot(state, findings, {now});
	const d = source.describe;
	// the resolved selector (e.g. the LWS label a WORKLOAD became), as the contract's source fields
	if (snapshot.source.kind === 'kubernetes') snapshot.source = {kind: 'kubernetes', context: d.context, namespace: d.namespace, selector: d.selector};
	const out = options.json ? `${JSON.stringify(snapshot, null, 2)}\n` : formatReport(snapshot, {color: options.color && Boolean(io.stdout.isTTY), ascii: options.ascii});
	await new Promise<void>(resolve => (io.stdout.write(out) ? resolve() : io.stdout.once('drain', () => resolve())));
	return snapshot.findings.some(f => f.severity === 'error') ? exitCodes.findings : exitCodes.ok;
}
