/**
 * `infertop check [WORKLOAD | --files PATH] [--timeout D] [--json]` (contract/cli.md):
 * a rollout gate. Saved logs: read them to the end, then 0 if the final phase is
 * serving or completed with no error finding, 1 on an error finding (printed), 3 if
 * the logs end earlier (printing where it was stuck). With --endpoint, also wait up
 * to --timeout for the endpoint's verdict — for a completed job too — where `ok`
 * with requests in flight needs generated tokens seen rising (else, after
 * --stall-after, `stalled`: exit 1; check-verdict.ts). Live (a WORKLOAD, or every pod of the
 * namespace): follow the pods until serving (and, with an endpoint, healthy) → 0, an
 * error finding → 1, or --timeout → 3. Output is one line per finding and a final
 * `check: …` line; --json prints the snapshot instead (the verdict goes to stderr).
 */
import {computeFindings} from '../findings/index.js';
import {derivePhase} from '../model/phase.js';
import {emptyState, type RolloutState} from '../model/state.js';
import type {Options} from '../core/options.js';
import {createPipeline} from '../store/pipeline.js';
import {readSavedLogs, resolveLogPaths} from '../sources/files.js';
import {createStore, type Store} from '../store/store.js';
import {toSnapshot} from '../view/snapshot.js';
import {terminalJson} from '../core/text-safety.js';
import {toAscii} from '../ui/theme.js';
import type {InFlight, KubeClient} from '../sources/kube/client.js';
import {findingLine, verdict, type Verdict} from './check-verdict.js';
import {exitCodes, UserError, type Io} from '../core/io.js';
import {evidenceLines, withEvidence, writeHtmlReport, writtenLine, type EvidenceLines} from './html-report.js';

/**
 * The endpoint hook: given the store, start probing and dispatch `endpoint-probe`
 * events into it; returns a stop function. Default: the endpoint prober.
 */
export type EndpointHook = (store: Store, options: Options, io: Io) => Promise<(() => void) | null>;

export const startEndpoint: EndpointHook = async (store, options, io) => {
	if (!options.endpoint.url && !options.endpoint.service) return null;
	if (!options.endpoint.url) throw new UserError('check --files can probe an endpoint given by --endpoint URL; --service needs a cluster (use it with a WORKLOAD)');
	const {startEndpointProber} = await import('../sources/endpoint/prober.js');
	const prober = await startEndpointProber({options: options.endpoint, store, env: io.env, signal: io.signal});
	return prober ? () => prober.stop() : null;
};

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
	return new Promise(resolve => {
		if (stream.write(text)) resolve();
		else stream.once('drain', () => resolve());
	});
}

/** Resolves when `done(state)` holds, the timeout passes, or the user stops: whichever first. */
function waitFor(store: Store, done: (s: RolloutState) => boolean, timeoutMs: number, signal: AbortSignal, onChangeOnly = false): Promise<void> {
	return new Promise(resolve => {
		let timer: NodeJS.Timeout | null = null;
		let unsubscribe: () => void = () => {};
		const finish = () => {
			if (timer) clearTimeout(timer);
			unsubscribe();
			signal.removeEventListener('abort', finish);
			resolve();
		};
		if ((!onChangeOnly && done(store.getState())) || signal.aborted) return resolve();
		unsubscribe = store.subscribe(() => {
			if (done(store.getState())) finish();
		});
		timer = setTimeout(finish, timeoutMs);
		signal.addEventListener('abort', finish, {once: true});
	});
}

interface Judged {
	state: RolloutState;
	now: number;
	result: Verdict;
	findings: ReturnType<typeof computeFindings>;
}

function judge(store: Store, options: Options, withEndpoint: boolean): Judged {
	store.flush();
	const state = store.getState();
	// Saved logs: findings are computed against the last timestamp read (contract/snapshot.md).
	const now = state.lastTs ?? Date.now();
	const findings = computeFindings(state, now, options.findings);
	const phase = derivePhase(state);
	const result = verdict({state, findings, phase, endpoint: withEndpoint ? (state.endpoint?.health ?? null) : undefined});
	return {state, now, result, findings};
}

async function report(j: Judged, options: Options, io: Io, evidence: EvidenceLines | null): Promise<number> {
	if (options.json) {
		await write(io.stdout, `${terminalJson(toSnapshot(j.state, j.findings, {now: j.now, generatedAt: new Date()}))}\n`);
		await write(io.stderr, `${j.result.line}\n`);
	} else {
		const text = [...j.findings.map(findingLine), j.result.line].join('\n') + '\n';
		// a locale that is not UTF-8 (or --ascii): finding messages' own `—`, `×` too
		await write(io.stdout, options.ascii ? toAscii(text) : text);
	}
	// the gate leaves the report as an artifact whatever its verdict: pass, fail or timeout
	if (options.html) {
		const file = await writeHtmlReport({file: options.html, state: j.state, findings: j.findings, now: j.now, findingOptions: options.findings, lines: evidence?.lines(), verdictLine: j.result.line});
		await write(io.stderr, writtenLine(file));
	}
	return j.result.code;
}

/** A stop for the whole run: the user's signal, or --timeout from the first instant. */
function runStop(io: Io, timeoutMs: number): {signal: AbortSignal; ranOut: () => boolean; left: () => number; dispose(): void} {
	const startedAt = Date.now();
	const ac = new AbortController();
	let ranOut = false;
	const onUser = () => ac.abort();
	io.signal.addEventListener('abort', onUser, {once: true});
	if (io.signal.aborted) ac.abort();
	const timer = setTimeout(() => {
		ranOut = true;
		ac.abort();
	}, timeoutMs);
	return {
		signal: ac.signal,
		ranOut: () => ranOut,
		left: () => Math.max(0, startedAt + timeoutMs - Date.now()),
		dispose() {
			clearTimeout(timer);
			io.signal.removeEventListener('abort', onUser);
		},
	};
}

const fmtMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

async function checkFiles(options: Options, io: Io, endpointHook: EndpointHook): Promise<number> {
	const entries = await resolveLogPaths(options.files);
	const onlyStdin = entries.every(e => e.path === '-');
	const store = createStore(emptyState(onlyStdin ? {kind: 'stdin'} : {kind: 'files', files: entries.map(e => e.path)}), {flushMs: 0});
	// --html quotes log lines as evidence: they are kept while reading (bounded), only then
	const evidence = options.html ? evidenceLines() : null;
	const pipeline = createPipeline(withEvidence(store, evidence, false), {keepLines: evidence !== null});
	// --timeout bounds reading too: a stdin that never closes, a FIFO with no writer
	const run = runStop(io, options.timeoutMs);
	let waitingFor: string | null = null;
	try {
		const read = await readSavedLogs(entries, pipeline, {
			speed: 0,
			signal: run.signal,
			stdin: io.stdin,
			onWaiting: what => {
				waitingFor ??= what;
				io.stderr.write(`infertop: waiting for ${what}; --timeout ${fmtMs(options.timeoutMs)} bounds it\n`);
			},
		});
		store.flush();
		if (!read) {
			const j = judge(store, options, false);
			const why = run.ranOut() ? `check: TIMEOUT after ${fmtMs(options.timeoutMs)}: the logs did not end` : 'check: STOPPED before the logs ended';
			const line = `${why}${waitingFor ? ` (waiting for ${waitingFor})` : ''}; ${j.result.kind === 'waiting' ? j.result.line.replace(/^check: TIMEOUT /, '') : `read so far: ${j.result.line.replace(/^check: /, '')}`}`;
			return await report({...j, result: {kind: 'waiting', code: exitCodes.timeout, line}}, options, io, evidence);
		}
		const endpointIo: Io = {...io, signal: run.signal};
		const stop = await endpointHook(store, options, endpointIo);
		if (!stop) return await report(judge(store, options, false), options, io, evidence);
		try {
			// The logs are read; wait for the gate's verdict: an error finding, a bad endpoint,
			// or a healthy one — which, with requests in flight, means tokens seen rising
			// between two probes (a first `/health` 200 proves nothing about a hung worker).
			await waitFor(store, () => judge(store, options, true).result.kind !== 'waiting', run.left(), run.signal);
			return await report(judge(store, options, true), options, io, evidence);
		} finally {
			stop();
		}
	} finally {
		run.dispose();
		store.dispose();
	}
}

/** Live: follow the workload's pods until serving (and healthy), an error finding, or --timeout. */
async function checkLive(options: Options, io: Io): Promise<number> {
	const {startKubeSource} = await import('../sources/kube/source.js');
	const {describeWaiting, unansweredHint} = await import('../sources/kube/errors.js');
	const store = createStore(emptyState({kind: 'kubernetes', context: options.kube.context, namespace: options.kube.namespace ?? 'default', selector: options.kube.selector}), {flushMs: 100});
	// --html quotes log lines as evidence: they are kept while reading (bounded), only then
	const evidence = options.html ? evidenceLines() : null;
	const pipeline = createPipeline(withEvidence(store, evidence, false), {keepLines: evidence !== null});
	// --timeout bounds the whole run from here: connecting to the API server included
	const run = runStop(io, options.timeoutMs);
	const stop = new AbortController();
	let client: KubeClient | null = null;
	/** what the oldest request waited for when the run was stopped (the stop itself ends it) */
	let stuckAt: InFlight | null = null;
	const onRun = () => {
		stuckAt ??= (client as KubeClient | null)?.inFlight() ?? null;
		stop.abort();
	};
	run.signal.addEventListener('abort', onRun, {once: true});
	const sourceIo: Io = {...io, signal: stop.signal};
	const starting = startKubeSource({options, pipeline, io: sourceIo, once: false, onClient: c => (client = c)});
	starting.catch(() => undefined); // a start cut short by the stop is answered below
	const stopped = new Promise<'stopped'>(resolve => (stop.signal.aborted ? resolve('stopped') : stop.signal.addEventListener('abort', () => resolve('stopped'), {once: true})));
	let source: Awaited<typeof starting>;
	try {
		const started = await Promise.race([starting, stopped]);
		if (started === 'stopped') {
			const server = (client as KubeClient | null)?.server ?? null;
			const waiting = describeWaiting(server, options.kube.context, stuckAt ?? (client as KubeClient | null)?.inFlight() ?? null);
			const line = run.ranOut() ? `check: TIMEOUT after ${fmtMs(options.timeoutMs)}: ${waiting}. ${unansweredHint}` : `check: STOPPED before the pods were listed: ${waiting}`;
			await write(options.json ? io.stderr : io.stdout, `${line}\n`);
			return exitCodes.timeout;
		}
		source = started;
	} catch (error) {
		run.signal.removeEventListener('abort', onRun);
		run.dispose();
		throw error;
	}
	let prober: {stop(): void; status: 'probing' | 'discovering' | 'none'} | null = null;
	try {
		const {startEndpointProber} = await import('../sources/endpoint/prober.js');
		prober = await startEndpointProber({
			options: options.endpoint,
			store,
			env: io.env,
			signal: stop.signal,
			kube: {kubeConfig: source.kubeConfig, namespace: source.describe.namespace, workload: source.describe.workload},
		});
		// An endpoint counts when the user named one, or discovery is still looking for the
		// leader's Service or found one: "serving" without its endpoint's verdict is not OK yet.
		// Only a discovery that found no Service (status none) lets the logs decide alone.
		const explicit = options.endpoint.url !== null || options.endpoint.service !== null;
		const withEndpoint = (raw: RolloutState) => prober !== null && (explicit || raw.endpoint !== null || prober.status !== 'none');
		const d = source.describe;
		const live = (): Judged => {
			store.flush();
			const raw = store.getState();
			const state: RolloutState = {...raw, source: {kind: 'kubernetes', context: d.context, namespace: d.namespace, selector: d.selector, workload: d.workload, matchedBy: d.matchedBy}};
			// Live, `now` is the wall clock: it advances while every pod is silent (init-stalled).
			const now = Date.now();
			const findings = computeFindings(state, now, options.findings);
			const result = verdict({state, findings, phase: derivePhase(state), endpoint: withEndpoint(raw) ? (state.endpoint?.health ?? null) : undefined});
			return {state, now, result, findings};
		};
		const deadline = Date.now() + run.left();
		let last = live();
		while (last.result.kind === 'waiting' && Date.now() < deadline && !stop.signal.aborted) {
			// re-judge on every flush, and at least once a second so clock-driven findings fire
			await waitFor(store, () => true, Math.min(1000, Math.max(0, deadline - Date.now())), stop.signal, true);
			last = live();
		}
		if (last.result.kind === 'fail') {
			// Pods stream independently: a peer's remote error can arrive before the root
			// rank's own lines. Let the streams settle (quiet for 500 ms, at most 3 s) so
			// the report names the first failure, not whichever log was read first.
			const settleUntil = Math.min(deadline, Date.now() + 3000);
			while (Date.now() < settleUntil && !stop.signal.aborted) {
				const before = store.getState();
				await waitFor(store, () => true, Math.min(500, settleUntil - Date.now()), stop.signal, true);
				store.flush();
				if (store.getState() === before) break;
			}
			last = live();
		}
		if (last.result.kind === 'waiting' && stop.signal.aborted && !run.ranOut()) last = {...last, result: {...last.result, line: last.result.line.replace('check: TIMEOUT', 'check: STOPPED')}};
		return await report(last, options, io, evidence);
	} finally {
		prober?.stop();
		stop.abort();
		run.signal.removeEventListener('abort', onRun);
		run.dispose();
		await source.stop();
		store.dispose();
	}
}

export async function run(options: Options, io: Io, hooks: {endpoint?: EndpointHook} = {}): Promise<number> {
	if (options.files.length > 0) return checkFiles(options, io, hooks.endpoint ?? startEndpoint);
	return checkLive(options, io);
}
