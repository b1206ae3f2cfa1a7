/**
 * `npx tsx test/html/screenshots.ts`: the report's pictures in screenshots/ (the README
 * shows them), taken in Debian's chromium as browser.test.ts opens the page: the
 * topology and the init timeline of real corpus scenarios, the 64-host summary, dark mode.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {computeFindings} from '../../source/findings/index.js';
import {scenarioDir} from '../helpers/load-scenario.js';
import {repoRoot} from '../helpers/run-cli.js';
import {browserMissing, launch} from './browser.js';
import {loadWithLines, reportOf} from './load.js';
import {syntheticCluster} from './synthetic.js';

if (browserMissing) throw new Error(browserMissing);
const out = path.join(repoRoot, 'screenshots');
const dir = mkdtempSync(path.join(tmpdir(), 'infertop-shots-'));
const page = async (name: string, html: string) => {
	const file = path.join(dir, `${name}.html`);
	writeFileSync(file, html);
	return file;
};
const crash = await page('crash', reportOf(await loadWithLines([scenarioDir('crash-rank1')])));
const straggler = await page('straggler', reportOf(await loadWithLines([scenarioDir('straggler-h200x4')])));
const big = syntheticCluster({hosts: 64, gpus: 8, odd: {17: 'gdr-off', 42: 'late', 63: 'nics4'}});
const cluster = await page('cluster', reportOf({state: big, findings: computeFindings(big, big.lastTs!), now: big.lastTs!}));
const b = await launch();
const shots: [string, string, string, boolean][] = [
	[crash, '#topology', 'report-topology.png', false],
	[straggler, '#timeline', 'report-timeline.png', false],
	[crash, 'header.top', 'report-header-dark.png', true],
	[cluster, '#topology', 'report-cluster-64.png', false],
];
for (const [file, selector, name, dark] of shots) {
	const {page: p, problems} = await b.open(file, 1280, {dark});
	if (problems.length) throw new Error(`${name}: ${problems.join('; ')}`);
	await p
		.locator(selector)
		.first()
		.screenshot({path: path.join(out, name)});
	await p.close();
	console.log(`screenshots/${name}`);
}
await b.close();
rmSync(dir, {recursive: true, force: true});
