import {mkdtempSync, writeFileSync, chmodSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {readEndpointToken, startEndpointProber} from '../../source/sources/endpoint/prober.js';
import {UserError} from '../../source/core/io.js';
import {startVllmSim} from '../../source/sim/vllm-server.js';
import {endpointOptions, newStore} from './helpers.js';

const secret = 'sk-very-secret-4242';
const dir = mkdtempSync(path.join(os.tmpdir(), 'infertop-token-'));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

function thrown(fn: () => unknown): UserError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		return error as UserError;
	}
	throw new Error('did not throw');
}

describe('endpoint token validation (up front, never printing the token)', () => {
	it('refuses a token over plain http to a non-loopback host', () => {
		const e = thrown(() => readEndpointToken(endpointOptions({url: 'http://10.1.2.3:8000', tokenFromEnv: true}), {INFERTOP_ENDPOINT_TOKEN: secret}));
		expect(e.message).toMatch(/refusing to send the endpoint token over plain http to 10\.1\.2\.3:8000.*--insecure-token/);
		expect(e.message).not.toContain(secret);
	});

	it('allows it with --insecure-token, over https, and to loopback', () => {
		const env = {INFERTOP_ENDPOINT_TOKEN: secret};
		expect(readEndpointToken(endpointOptions({url: 'http://10.1.2.3:8000', insecureToken: true}), env)).toBe(secret);
		expect(readEndpointToken(endpointOptions({url: 'https://vllm.example.com'}), env)).toBe(secret);
		expect(readEndpointToken(endpointOptions({url: 'http://127.0.0.1:8000'}), env)).toBe(secret);
		expect(readEndpointToken(endpointOptions({url: 'http://localhost:8000'}), env)).toBe(secret);
		expect(readEndpointToken(endpointOptions({url: 'http://[::1]:8000'}), env)).toBe(secret);
	});

	it('an unreadable token file names the path, never the token', () => {
		const missing = path.join(dir, 'missing-token');
		expect(thrown(() => readEndpointToken(endpointOptions({url: 'http://127.0.0.1:1', tokenFile: missing}), {})).message).toBe(`cannot read --token-file ${missing}: no such file`);
		const empty = path.join(dir, 'empty');
		writeFileSync(empty, '\n');
		expect(thrown(() => readEndpointToken(endpointOptions({url: 'http://127.0.0.1:1', tokenFile: empty}), {})).message).toMatch(/is empty/);
		if (process.getuid?.() !== 0) {
			const locked = path.join(dir, 'locked');
			writeFileSync(locked, secret);
			chmodSync(locked, 0o000);
			const e = thrown(() => readEndpointToken(endpointOptions({url: 'http://127.0.0.1:1', tokenFile: locked}), {}));
			expect(e.message).toBe(`cannot read --token-file ${locked}: permission denied`);
		}
		const twoLines = path.join(dir, 'two');
		writeFileSync(twoLines, `${secret}\nsecond`);
		const e2 = thrown(() => readEndpointToken(endpointOptions({url: 'http://127.0.0.1:1', tokenFile: twoLines}), {}));
		expect(e2.message).not.toContain(secret);
	});

	it('startEndpointProber rejects before probing; the token file wins over the environment', async () => {
		await expect(startEndpointProber({options: endpointOptions({url: 'http://192.0.2.1:8000'}), store: newStore(), env: {INFERTOP_ENDPOINT_TOKEN: secret}, autoStart: false})).rejects.toBeInstanceOf(UserError);
		const file = path.join(dir, 'token');
		writeFileSync(file, `${secret}\n`);
		expect(readEndpointToken(endpointOptions({tokenFile: file}), {INFERTOP_ENDPOINT_TOKEN: 'other'})).toBe(secret);
	});

	it('a token file reaches a server that wants it; the token never lands in the state or the describe', async () => {
		const sim = await startVllmSim({token: secret});
		cleanups.push(() => sim.close());
		const file = path.join(dir, 'token2');
		writeFileSync(file, secret);
		const store = newStore();
		const prober = (await startEndpointProber({options: endpointOptions({url: sim.url, tokenFile: file}), store, env: {}, autoStart: false}))!;
		cleanups.push(() => prober.stop());
		await prober.probeOnce();
		store.flush();
		expect(store.getState().endpoint!.health).toBe('ok');
		expect(prober.describe).toMatch(/with a bearer token/);
		expect(prober.describe + JSON.stringify(store.getState())).not.toContain(secret);
	});

	it('no endpoint configured and no cluster → null', async () => {
		expect(await startEndpointProber({options: endpointOptions(), store: newStore(), env: {}})).toBeNull();
	});
});
