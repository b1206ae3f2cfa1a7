/**
 * Live ingest: 64 pods x 20,000 real NCCL lines each, served by the local API
 * server (HTTPS, kubelet follow semantics; containers stopped after writing so
 * every follow ends). infertop (source → parser → store, rate-limited at its
 * default --qps) against `kubectl logs -f -l … --prefix --max-log-requests=64
 * --tail=-1 > /dev/null` on the same server in the same run. Both run as child
 * processes so neither shares the server's event loop. Goal: infertop under a
 * third of kubectl's time. Also: time until every stream is open, lines/s, and
 * infertop's peak RSS with 128 pods.
 *
 * Run alone: `npx tsx bench/ingest.ts`
 */
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const LINES = 20_000;

function corpusLines(): string[] {
	const dir = path.join(root, 'test/fixtures/corpus/nccl-2.28.9-h200x4');
	const text = ['crash-rank1/pod0.log', 'tp2x2-two-pods-all/pod0.log'].map(f => readFileSync(path.join(dir, f), 'utf8')).join('\n');
	// the corpus may carry its own kubelet stamps; the server adds fresh ones
	return text
		.split('\n')
		.filter(Boolean)
		.map(l => l.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, ''));
}

interface ChildResult {
	totalMs: number;
	openMs: number;
	lines: number;
	bytes: number;
	streams: number;
	requests: number;
	peakRssMb: number;
}

/** the infertop side, in its own process: start the live source, wait for every stream to end */
async function child(kubeconfig: string, pods: number, parse: boolean): Promise<void> {
	const t0 = performance.now();
	const [{startKubeSource}, {createStore}, {createPipeline}, {emptyState}, {toOptions}] = await Promise.all([
		import('../source/sources/kube/source.js'),
		import('../source/store/store.js'),
		import('../source/store/pipeline.js'),
		import('../source/model/state.js'),
		import('../source/core/options.js'),
	]);
	const store = createStore(emptyState({kind: 'kubernetes', context: null, namespace: 'default', selector: 'app=bench'}));
	const opened = new Set<string>();
	let openMs = 0;
	let ended = 0;
	let lines = 0;
	let bytes = 0;
	let resolveAll!: () => void;
	const all = new Promise<void>(r => (resolveAll = r));
	const base = createPipeline(store, {keepLines: true});
	const wrappedStore = {
		...store,
		dispatch(e: any) {
			for (const ev of Array.isArray(e) ? e : [e]) {
				if (ev.type === 'stream-status' && ev.connected && !opened.has(`${ev.pod}/${ev.container}`)) {
					opened.add(`${ev.pod}/${ev.container}`);
					if (opened.size === pods) openMs = performance.now() - t0;
				}
			}
			store.dispatch(e);
		},
	};
	const pipeline = {
		store: wrappedStore,
		openStream(pod: string, container: string, o?: {fresh?: boolean}) {
			const s = parse ? base.openStream(pod, container, o) : {write() {}, end() {}};
			return {
				write(chunk: Uint8Array | string) {
					const str = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
					bytes += str.length;
					for (let i = str.indexOf('\n'); i !== -1; i = str.indexOf('\n', i + 1)) lines++;
					s.write(chunk);
				},
				end() {
					s.end();
					if (++ended === pods) resolveAll();
				},
			};
		},
	};
	const r = toOptions([], {kubeconfig, selector: 'app=bench'}, {});
	if (!r.ok) throw new Error(r.errors.join('; '));
	const ac = new AbortController();
	const src = await startKubeSource({
		options: r.options,
		pipeline: pipeline as any,
		io: {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {HOME: '/nonexistent'}, signal: ac.signal},
		once: false,
	});
	await all;
	store.flush();
	const totalMs = performance.now() - t0;
	const requests = src.requests();
	await src.stop();
	const status = readFileSync('/proc/self/status', 'utf8');
	const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
	const result: ChildResult = {totalMs, openMs, lines, bytes, streams: ended, requests, peakRssMb: hwm};
	process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

function runChild(kubeconfig: string, pods: number, parse = true): Promise<ChildResult> {
	return new Promise((resolve, reject) => {
		const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kubeconfig, String(pods), parse ? 'parse' : 'no-parse'], {cwd: root, stdio: ['ignore', 'pipe', 'inherit']});
		let out = '';
		p.stdout.on('data', d => (out += d));
		p.on('exit', code => {
			const m = /RESULT (.*)/.exec(out);
			if (code !== 0 || !m) reject(new Error(`infertop child failed (${code}): ${out.slice(-500)}`));
			else resolve(JSON.parse(m[1]!));
		});
	});
}

function runKubectl(kubeconfig: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const t0 = performance.now();
		const p = spawn('kubectl', ['--kubeconfig', kubeconfig, 'logs', '-f', '-l', 'app=bench', '--prefix', '--max-log-requests=64', '--tail=-1'], {stdio: ['ignore', 'ignore', 'pipe']});
		let err = '';
		p.stderr.on('data', d => (err += d));
		p.on('error', reject);
		p.on('exit', code => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`kubectl exited ${code}: ${err.slice(-300)}`))));
	});
}

async function seed(pods: number) {
	const {startApiServer} = await import('../source/sim/api-server.js');
	const server = await startApiServer();
	const corpus = corpusLines();
	for (let i = 0; i < pods; i++) {
		const name = `bench-${String(i).padStart(3, '0')}`;
		server.cluster.addPod({name, labels: {app: 'bench'}});
		const out: string[] = new Array(LINES);
		for (let j = 0; j < LINES; j++) out[j] = corpus[(i * 131 + j) % corpus.length]!;
		server.cluster.writeLines(name, 'main', out);
		server.cluster.terminateContainer(name, 'main');
	}
	return server;
}

export async function benchIngest(): Promise<void> {
	const server = await seed(64);
	try {
		const kubectlAvailable = await new Promise<boolean>(r =>
			spawn('kubectl', ['version', '--client'], {stdio: 'ignore'})
				.on('exit', c => r(c === 0))
				.on('error', () => r(false)),
		);
		// warm both once (page cache, TLS session setup, tsx transform cache)
		await runChild(server.kubeconfigPath, 64);
		if (kubectlAvailable) await runKubectl(server.kubeconfigPath);
		const ours = await runChild(server.kubeconfigPath, 64);
		const theirs = kubectlAvailable ? await runKubectl(server.kubeconfigPath) : null;
		const sourceOnly = await runChild(server.kubeconfigPath, 64, false);
		const total = 64 * LINES;
		console.log(`64 pods x ${LINES} lines (${(ours.bytes / 1e6).toFixed(1)} MB with timestamps)`);
		console.log(`  infertop: ${(ours.totalMs / 1000).toFixed(2)} s to ingest and parse everything (${ours.lines} lines, ${ours.streams} streams, ${ours.requests} API requests at --qps 50)`);
		console.log(`  infertop: every stream open after ${(ours.openMs / 1000).toFixed(2)} s; ${Math.round(total / (ours.totalMs / 1000)).toLocaleString('en-US')} lines/s; peak RSS ${ours.peakRssMb.toFixed(0)} MB`);
		console.log(
			`  infertop source alone (lines counted, not parsed): ${(sourceOnly.totalMs / 1000).toFixed(2)} s, every stream open after ${(sourceOnly.openMs / 1000).toFixed(2)} s, ${Math.round(total / (sourceOnly.totalMs / 1000)).toLocaleString('en-US')} lines/s`,
		);
		if (theirs !== null) {
			console.log(`  kubectl logs -f -l app=bench --prefix --max-log-requests=64 --tail=-1: ${(theirs / 1000).toFixed(2)} s`);
			console.log(`  ratio infertop/kubectl: ${(ours.totalMs / theirs).toFixed(2)} with parsing, ${(sourceOnly.totalMs / theirs).toFixed(2)} source alone (goal < 0.33)`);
			console.log('  (kubectl waits on its client-side throttle: "Waited … due to client-side throttling")');
		} else console.log('  kubectl not installed: no baseline');
		if (ours.lines !== total) throw new Error(`infertop handed on ${ours.lines} lines, expected ${total}`);
	} finally {
		await server.close();
	}
	const big = await seed(128);
	try {
		const r = await runChild(big.kubeconfigPath, 128);
		console.log(`128 pods x ${LINES} lines: ${(r.totalMs / 1000).toFixed(2)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB (infertop process, store + parsers + 5000-line log buffer)`);
	} finally {
		await big.close();
	}
}

if (process.argv[2] === '--child') {
	await child(process.argv[3]!, Number(process.argv[4]), process.argv[5] !== 'no-parse');
	process.exit(0);
} else if (import.meta.url === `file://${process.argv[1]}`) {
	await benchIngest();
}
