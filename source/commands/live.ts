/**
 * `infertop [WORKLOAD]` (contract/cli.md): the live TUI on a cluster, or with
 * `--once` read what exists now and print the snapshot (`--json`) or the report.
 * Exit 1 on an error-severity finding, 2 when the cluster cannot be reached or
 * `--wait` runs out (naming what was not read), else 0.
 */
import {safeText} from '../core/text-safety.js';
import {computeFindings} from '../findings/index.js';
import {emptyState} from '../model/state.js';
import type {Options} from '../core/options.js';
import {createPipeline} from '../store/pipeline.js';
import {createStore} from '../store/store.js';
import type {InFlight, KubeClient} from '../sources/kube/client.js';
import type {KubeSource} from '../sources/kube/source.js';
import type {TuiTitle} from '../view/header-model.js';
import {exitCodes, UserError, type Io} from '../core/io.js';
import {evidenceLines, tuiReportWriter, withEvidence, writeHtmlReport, writtenLine, type EvidenceLines} from './html-report.js';

const fmtMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** How `infertop demo` runs the ordinary live path: only the header label and the snapshot's source kind differ. */
export interface LiveExtra {
	label?: string;
	sourceKind?: 'demo';
	scenario?: string;
}

export async function run(options: Options, io: Io, extra: LiveExtra = {}): Promise<number> {
	// --wait bounds the whole --once run from here, the first instant: connecting included
	const startedAt = Date.now();
	// the Kubernetes client is loaded only here, never before the first frame of other commands
	const [{loadKubeConfig}, {startKubeSource}, {describeWaiting, unansweredHint}] = await Promise.all([import('../sources/kube/config.js'), import('../sources/kube/source.js'), import('../sources/kube/errors.js')]);
	const cfg = await loadKubeConfig({kubeconfig: options.kube.kubeconfig, context: options.kube.context, namespace: options.kube.namespace, env: io.env});
	const workload = options.args[0] ?? null;
	const store = createStore(
		emptyState(
			extra.sourceKind === 'demo'
				? {kind: 'demo', scenario: extra.scenario ?? 'healthy', context: cfg.context, namespace: cfg.namespace, selector: options.kube.selector, workload}
				: {kind: 'kubernetes', context: cfg.context, namespace: cfg.namespace, selector: options.kube.selector, workload},
		),
		{
			flushMs: options.once ? 0 : 50,
		},
	);
	// --once --html quotes log lines as evidence: kept while reading (bounded); the TUI keeps its log pane's ring
	const evidence = options.once && options.html ? evidenceLines() : null;
	const pipeline = createPipeline(withEvidence(store, evidence, !options.once), {keepLines: !options.once || evidence !== null});
	// The run's stop: the user (signal), --wait running out, or the TUI quit while connecting.
	const ac = new AbortController();
	let client: KubeClient | null = null;
	/** what the oldest request waited for when the run was stopped (the stop itself ends it) */
	let stuckAt: InFlight | null = null;
	const stopRun = () => {
		stuckAt ??= (client as KubeClient | null)?.inFlight() ?? null;
		ac.abort();
	};
	const onAbort = () => stopRun();
	io.signal.addEventListener('abort', onAbort, {once: true});
	if (io.signal.aborted) ac.abort();
	let ranOut = false;
	const waitTimer = options.once
		? setTimeout(
				() => {
					ranOut = true;
					stopRun();
				},
				Math.max(0, options.waitMs - (Date.now() - startedAt)),
			)
		: null;
	const stopped = new Promise<'stopped'>(resolve => (ac.signal.aborted ? resolve('stopped') : ac.signal.addEventListener('abort', () => resolve('stopped'), {once: true})));
	const starting = startKubeSource({options, pipeline, io: {...io, signal: ac.signal}, once: options.once, onClient: c => (client = c)});
	starting.catch(() => undefined); // a start cut short by the stop is answered below
	const waiting = () => describeWaiting(cfg.server, cfg.context, stuckAt ?? (client as KubeClient | null)?.inFlight() ?? null);
	/** a start that did not finish: --wait ran out, or the user stopped it */
	const notStarted = () => (ranOut ? new UserError(`--wait ${fmtMs(options.waitMs)} ran out before the pods were listed: ${waiting()}. ${unansweredHint}`) : new UserError(`stopped before the pods were listed: ${waiting()}.`));
	const title: TuiTitle = {kind: extra.sourceKind === 'demo' ? 'demo' : 'kubernetes', label: extra.label, context: cfg.context, namespace: cfg.namespace, workload, matchedBy: null};
	let source: KubeSource | null = null;
	let prober: {probeOnce(): Promise<void>; stop(): void} | null = null;
	const startProber = async (s: KubeSource) => {
		if (!(!options.once || Boolean(options.endpoint.url || options.endpoint.service))) return;
		const {startEndpointProber} = await import('../sources/endpoint/prober.js');
		prober = await startEndpointProber({
			options: options.endpoint,
			store,
			env: io.env,
			kube: {kubeConfig: s.kubeConfig, namespace: s.describe.namespace, workload},
			signal: ac.signal,
			autoStart: !options.once,
			log: options.once ? m => io.stderr.write(`infertop: ${m}\n`) : undefined,
		});
		if (ac.signal.aborted) prober?.stop();
	};
	try {
		if (!options.once && io.stdout.isTTY) {
			// The screen comes up at once, says what it connects to, and quits on q while it waits.
			const tuiStop = new AbortController();
			let startError: unknown = null;
			title.connecting = () => (source || startError ? null : `connecting to ${cfg.server} (${Math.floor((Date.now() - startedAt) / 1000)} s)`);
			void starting.then(
				async s => {
					source = s;
					Object.assign(title, {context: s.describe.context, namespace: s.describe.namespace, matchedBy: s.describe.matchedBy});
					try {
						await startProber(s);
					} catch (error) {
						startError = error;
						tuiStop.abort();
					}
				},
				(error: unknown) => {
					startError = error;
					tuiStop.abort();
				},
			);
			const {runTui} = await import('../ui/run-tui.js');
			const code = await runTui({store, options, io: {...io, signal: AbortSignal.any([io.signal, tuiStop.signal])}, title, writeReport: tuiReportWriter(store, options, title)});
			if (startError && !io.signal.aborted) throw startError;
			// quit (q, or a signal) before the API server answered: nothing was read from the cluster
			if (!source) throw notStarted();
			for (const n of (source as KubeSource | null)?.notices ?? []) io.stderr.write(`infertop: ${safeText(n)}\n`);
			return code;
		}
		const started = await Promise.race([starting, stopped]);
		if (started === 'stopped') throw notStarted();
		source = started;
		Object.assign(title, {context: started.describe.context, namespace: started.describe.namespace, matchedBy: started.describe.matchedBy});
		if ((await Promise.race([startProber(started), stopped])) === 'stopped') throw notStarted();
		if (options.once) return await once(options, io, store, started, prober, ac.signal, () => ranOut, evidence);
		const {runTui} = await import('../ui/run-tui.js');
		const code = await runTui({store, options, io, title, writeReport: tuiReportWriter(store, options, title)});
		for (const n of started.notices) io.stderr.write(`infertop: ${safeText(n)}\n`);
		return code;
	} finally {
		if (waitTimer) clearTimeout(waitTimer);
		ac.abort();
		io.signal.removeEventListener('abort', onAbort);
		(prober as {stop(): void} | null)?.stop();
		// a source still starting ends itself on the abort; one that started is stopped here
		const s = source ?? (await starting.catch(() => null));
		await s?.stop();
		store.dispose();
	}
}

async function once(
	options: Options,
	io: Io,
	store: ReturnType<typeof createStore>,
	source: Awaited<ReturnType<typeof import('../sources/kube/source.js').startKubeSource>>,
	prober: {probeOnce(): Promise<void>} | null,
	stop: AbortSignal,
	ranOut: () => boolean,
	evidence: EvidenceLines | null,
): Promise<number> {
	// --wait's clock started with the run (run() aborts `stop` when it runs out)
	const outcome = await Promise.race([
		Promise.all([source.done, prober?.probeOnce()]).then(() => 'done' as const),
		new Promise<'timeout' | 'aborted'>(resolve => {
			const settle = () => resolve(ranOut() ? 'timeout' : 'aborted');
			if (stop.aborted) settle();
			else stop.addEventListener('abort', settle, {once: true});
		}),
	]);
	if (outcome !== 'done') {
		const left = source.unfinished();
		const what = left.length ? `not read to the end: ${left.slice(0, 20).join(', ')}${left.length > 20 ? ` and ${left.length - 20} more` : ''}` : 'the endpoint probe did not answer';
		if (outcome === 'aborted') throw new UserError(`stopped before everything was read (${what}).`);
		throw new UserError(`--wait ${fmtMs(options.waitMs)} ran out before every log was read (${what}). Give it longer with --wait (e.g. --wait 2m), narrow it with --since/--tail or -c, or check the API server's load.`);
	}
	const [{toSnapshot}, {formatReport}] = await Promise.all([import('../view/snapshot.js'), import('../view/report.js')]);
	store.flush();
	const state = store.getState();
	const now = Date.now();
	const findings = computeFindings(state, now, options.findings);
	const snapshot = toSnapshot(state, findings, {now, generatedAt: new Date()});
	const d = source.describe;
	// the resolved selector (e.g. the LWS label a WORKLOAD became), as the contract's source fields
	if (snapshot.source.kind === 'kubernetes') snapshot.source = {kind: 'kubernetes', context: d.context, namespace: d.namespace, selector: d.selector};
	const out = options.json ? `${(await import('../core/text-safety.js')).terminalJson(snapshot)}\n` : formatReport(snapshot, {color: options.color && Boolean(io.stdout.isTTY), ascii: options.ascii});
	await new Promise<void>(resolve => (io.stdout.write(out) ? resolve() : io.stdout.once('drain', () => resolve())));
	if (options.html) {
		const html = state.source.kind === 'kubernetes' ? {...state, source: {kind: 'kubernetes' as const, context: d.context, namespace: d.namespace, selector: d.selector, workload: d.workload, matchedBy: d.matchedBy}} : state;
		const file = await writeHtmlReport({file: options.html, state: html, findings, now, findingOptions: options.findings, lines: evidence?.lines(), withEndpoint: prober !== null});
		io.stderr.write(writtenLine(file));
	}
	return snapshot.findings.some(f => f.severity === 'error') ? exitCodes.findings : exitCodes.ok;
}
