/** Shared bits for the endpoint tests: options, a store, tiny raw HTTP servers. */
import http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import type {EndpointOptions} from '../../source/core/options.js';
import {createStore, type Store} from '../../source/store/store.js';
import {emptyState, type SourceInfo} from '../../source/model/state.js';

export function endpointOptions(over: Partial<EndpointOptions> = {}): EndpointOptions {
	return {
		url: null,
		service: null,
		tokenFile: null,
		tokenFromEnv: false,
		insecureToken: false,
		probeIntervalMs: 2000,
		stallAfterMs: 30_000,
		probeCompletion: false,
		...over,
	};
}

export function newStore(source: SourceInfo = {kind: 'stdin'}): Store {
	return createStore(emptyState(source), {flushMs: 0});
}

/** A fake clock shared by the simulated server and the prober: rates come out exact. */
export function fakeClock(start = 1_800_000_000_000) {
	let t = start;
	return {now: () => t, advance: (ms: number) => (t += ms)};
}

export interface RawServer {
	url: string;
	close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with a handler of the test's choosing. */
export async function rawServer(handler: http.RequestListener): Promise<RawServer> {
	const server = http.createServer(handler);
	const sockets = new Set<Socket>();
	server.on('connection', s => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () =>
			new Promise<void>(r => {
				for (const s of sockets) s.destroy();
				server.close(() => r());
			}),
	};
}

export const modelList = (id: string) => JSON.stringify({object: 'list', data: [{id, object: 'model', created: 1, owned_by: 'vllm', root: id, parent: null}]});
