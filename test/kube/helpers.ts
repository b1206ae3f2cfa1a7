/**
 * Test harness: the local API server, infertop's real kube source through a real
 * kubeconfig, and a pipeline whose every handed-on chunk is recorded per sink.
 */
import {emptyState} from '../../source/model/state.js';
import {toOptions, type Options, type RawFlags} from '../../source/core/options.js';
import {createPipeline, type Pipeline} from '../../source/store/pipeline.js';
import {startKubeSource, type KubeSource, type KubeTuning} from '../../source/sources/kube/source.js';
import type {SimApiServer} from '../../source/sim/api-server.js';
import type {SimInstance} from '../../source/sim/objects.js';
import {createStore, type Store} from '../../source/store/store.js';
import {testIo, type TestIo} from '../helpers/io.js';

export const fastTuning: Partial<KubeTuning> = {
	stallCheckMs: 300,
	backoff: {initialMs: 20, maxMs: 200},
	watchBackoff: {initialMs: 20, maxMs: 200},
	eventsEveryMs: 50,
};

export function options(args: string[], flags: RawFlags): Options {
	const r = toOptions(args, flags, {});
	if (!r.ok) throw new Error(r.errors.join('; '));
	return r.options;
}

/** a pipeline that records, per sink (one per openStream call), the text handed to the parser */
export function capturePipeline(): {pipeline: Pipeline; store: Store; sinks: Map<string, string[]>; text(pod: string, container?: string, n?: number): string} {
	const store = createStore(emptyState({kind: 'kubernetes', context: null, namespace: 'default', selector: null}), {flushMs: 0});
	const inner = createPipeline(store);
	const sinks = new Map<string, string[]>();
	const counts = new Map<string, number>();
	const pipeline: Pipeline = {
		store,
		openStream(pod, container, o) {
			const base = `${pod}/${container}`;
			const n = counts.get(base) ?? 0;
			counts.set(base, n + 1);
			const chunks: string[] = [];
			sinks.set(`${base}#${n}`, chunks);
			const s = inner.openStream(pod, container, o);
			return {
				write(chunk) {
					chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
					s.write(chunk);
				},
				end() {
					s.end();
				},
			};
		},
	};
	return {pipeline, store, sinks, text: (pod, container = 'main', n = 0) => (sinks.get(`${pod}/${container}#${n}`) ?? []).join('')};
}

/** the log of one container instance as `kubectl logs --timestamps` prints it */
export function expectedLog(inst: SimInstance): string {
	return inst.lines.map(l => `${l.stamp} ${l.text}${l.noNewline ? '' : '\n'}`).join('');
}

export async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
		await new Promise(r => setTimeout(r, 10));
	}
}

export const lines = (prefix: string, n: number, from = 0) => Array.from({length: n}, (_, i) => `${prefix} line ${from + i} NCCL INFO something ${'x'.repeat(i % 7)}`);

export interface Harness {
	server: SimApiServer;
	source: KubeSource;
	cap: ReturnType<typeof capturePipeline>;
	io: TestIo;
	close(): Promise<void>;
}

export async function startHarness(server: SimApiServer, args: string[] = [], flags: RawFlags = {}, opts: {once?: boolean; tuning?: Partial<KubeTuning>} = {}): Promise<Harness> {
	const cap = capturePipeline();
	const io = testIo();
	const source = await startKubeSource({
		options: options(args, {kubeconfig: server.kubeconfigPath, ...flags}),
		pipeline: cap.pipeline,
		io,
		once: opts.once ?? false,
		tuning: {...fastTuning, ...opts.tuning},
	});
	return {
		server,
		source,
		cap,
		io,
		async close() {
			await source.stop();
		},
	};
}
