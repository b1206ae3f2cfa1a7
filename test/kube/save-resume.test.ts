/**
 * `--save DIR` twice into one folder (issue 16, "Data"): the second run resumes the
 * save — what is already there (same stamp, same text) is not written again — so no
 * line is doubled and `analyze DIR` counts each line once; new lines are appended.
 * Saved logs hold secrets: files are 0600 in a 0700 folder.
 */
import {mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/live.js';
import {run as analyze} from '../../source/commands/analyze.js';
import {startApiServer, type SimApiServer} from '../../source/sim/api-server.js';
import {SimCluster} from '../../source/sim/cluster.js';
import {expectedLog, lines, options} from './helpers.js';
import {testIo} from '../helpers/io.js';

let server: SimApiServer;
beforeAll(async () => {
	server = await startApiServer({cluster: new SimCluster()});
});
afterAll(async () => {
	await server.close();
});

async function once(save: string) {
	const io = testIo();
	const code = await run(options([], {kubeconfig: server.kubeconfigPath, once: true, json: true, wait: '20s', save}), io);
	expect(code, io.err()).not.toBe(2);
}

const count = (text: string) => text.split('\n').filter(Boolean).length;

describe('--save into a folder used before', () => {
	it('resumes: no line twice, new lines appended, analyze counts each line once', async () => {
		const c = server.cluster;
		c.addPod({name: 'resume-0'});
		c.writeLines('resume-0', 'main', lines('x', 20));
		const dir = path.join(mkdtempSync(path.join(tmpdir(), 'infertop-save-resume-')), 'evidence');
		const file = path.join(dir, 'resume-0.log');

		await once(dir);
		expect(count(readFileSync(file, 'utf8'))).toBe(20);

		// the same logs again: nothing new
		await once(dir);
		expect(readFileSync(file, 'utf8')).toBe(expectedLog(c.container('resume-0').current));
		expect(count(readFileSync(file, 'utf8'))).toBe(20);

		// the container logged more meanwhile: only the new lines are added
		c.writeLines('resume-0', 'main', lines('y', 5));
		await once(dir);
		const saved = readFileSync(file, 'utf8');
		expect(count(saved)).toBe(25);
		expect(saved).toBe(expectedLog(c.container('resume-0').current));

		const io = testIo();
		await analyze(options([dir], {json: true}), io);
		const snap = JSON.parse(io.out());
		expect(snap.pods.find((p: {name: string}) => p.name === 'resume-0').lines).toBe(25);
	}, 60_000);

	it('writes the logs 0600 in a 0700 folder', async () => {
		const c = server.cluster;
		c.addPod({name: 'perm-0'});
		c.writeLines('perm-0', 'main', lines('p', 3));
		const dir = path.join(mkdtempSync(path.join(tmpdir(), 'infertop-save-perm-')), 'evidence');
		await once(dir);
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		expect(statSync(path.join(dir, 'perm-0.log')).mode & 0o777).toBe(0o600);
	}, 60_000);
});
