/**
 * Property: whatever the cut points (mid-line, mid-UTF-8 character, mid-stamp)
 * and however many lines share a second, the lines handed to the parser equal
 * the container's log. Real server, real TLS, real source; a few dozen runs, end to
 * end. The exhaustive version (thousands of cuts and reconnects) is pure:
 * resume-cursor.test.ts.
 */
import fc from 'fast-check';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {startApiServer, type SimApiServer} from '../../source/sim/api-server.js';
import {expectedLog, startHarness, until} from './helpers.js';

let server: SimApiServer;
beforeAll(async () => {
	server = await startApiServer();
});
afterAll(async () => {
	await server.close();
});

let run = 0;
it('resumed streams hand on exactly the container log', async () => {
	await fc.assert(
		fc.asyncProperty(
			fc.array(fc.array(fc.string({unit: fc.constantFrom('a', 'b', ' ', 'é', '漢', '|'), maxLength: 40}), {minLength: 1, maxLength: 30}), {minLength: 1, maxLength: 4}),
			fc.array(fc.integer({min: 1, max: 3000}), {maxLength: 4}),
			fc.boolean(),
			async (bursts, cuts, trickle) => {
				const name = `prop-${run++}`;
				const c = server.cluster;
				c.addPod({name});
				// same timestamp second for everything in a burst; cuts at any byte
				c.writeLines(name, 'main', bursts[0]!);
				for (const at of cuts) c.injectFault({kind: 'log-cut', pod: name, afterBytes: at});
				if (trickle) c.injectFault({kind: 'log-trickle', pod: name});
				const h = await startHarness(server, [name]);
				try {
					for (const b of bursts.slice(1)) c.writeLines(name, 'main', b);
					c.appendLog(name, 'main', 'final without newline');
					c.terminateContainer(name);
					const want = expectedLog(c.container(name).current);
					await until(() => h.cap.text(name) === want, `${name} complete`, 15_000);
					expect(h.cap.text(name)).toBe(want);
				} finally {
					await h.close();
					c.faults.length = 0;
				}
			},
		),
		{numRuns: 25},
	);
});
