/**
 * The report as a person opens it: Debian's chromium (headless, one launch for the
 * file), the file by file://, every other request refused and counted. For every corpus
 * scenario at 1280 and 390 px: no console error, no request, the page holds what a reader
 * looks for (each GPU's bus id, the straggler's rank and pod, each finding's subject) and
 * the page itself never scrolls sideways (drawings scroll in their own box). Dark mode,
 * print on A4 and letter, hostile log text, and a 64-host rollout are looked at too.
 * Screenshots go to $INFERTOP_SCREENSHOTS (default: a temporary folder).
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {computeFindings} from '../../source/findings/index.js';
import {toSnapshot} from '../../source/view/snapshot.js';
import {scenarioDir, scenarioNames} from '../helpers/load-scenario.js';
import {browserMissing, launch, type Browser} from './browser.js';
import {hostileLog, payload} from './hostile.js';
import {loadWithLines, reportOf} from './load.js';
import {podName, syntheticCluster} from './synthetic.js';

if (browserMissing) console.log(`test/html/browser.test.ts skipped: ${browserMissing}`);

interface Expect {
	file: string;
	busIds: string[];
	subjects: string[];
}

describe.skipIf(browserMissing !== null)('the HTML report in chromium', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'infertop-report-'));
	const shots = process.env['INFERTOP_SCREENSHOTS'] ?? dir;
	const reports = new Map<string, Expect>();
	let browser: Browser;
	let hostile: ReturnType<typeof hostileLog>;

	beforeAll(async () => {
		mkdirSync(shots, {recursive: true});
		for (const name of scenarioNames()) {
			const l = await loadWithLines([scenarioDir(name)]);
			const file = path.join(dir, `${name}.html`);
			writeFileSync(file, reportOf(l));
			const snap = toSnapshot(l.state, l.findings, {now: l.now, generatedAt: new Date(0)});
			reports.set(name, {file, busIds: snap.ranks.map(r => r.busId).filter((b): b is string => b !== null), subjects: l.findings.map(f => f.subject)});
		}
		hostile = hostileLog();
		writeFileSync(path.join(dir, 'hostile.html'), reportOf(await loadWithLines([hostile.file])));
		const big = syntheticCluster({hosts: 64, gpus: 8, odd: {17: 'gdr-off', 42: 'late', 63: 'nics4'}});
		writeFileSync(path.join(dir, 'cluster-64.html'), reportOf({state: big, findings: computeFindings(big, big.lastTs!), now: big.lastTs!}));
		browser = await launch();
	});

	afterAll(async () => {
		await browser?.close();
		if (hostile) rmSync(hostile.dir, {recursive: true, force: true});
		rmSync(dir, {recursive: true, force: true});
	});

	it('every scenario at 1280 and 390 px: no error, no request, bus ids and findings on the page, no sideways scroll', async () => {
		for (const [name, r] of reports) {
			for (const width of [1280, 390]) {
				const {page, problems} = await browser.open(r.file, width);
				const text = await page.evaluate<string>('document.body.textContent');
				expect(problems, `${name} @${width}`).toEqual([]);
				for (const b of r.busIds) expect(text, `${name} @${width}`).toContain(`GPU ${b}`);
				for (const s of r.subjects) expect(text, `${name} @${width}`).toContain(s);
				const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
				expect(overflow, `${name} @${width} scrolls sideways`).toBeLessThanOrEqual(1);
				if (name === 'crash-rank1' || name === 'straggler-h200x4') await page.screenshot({path: path.join(shots, `report-${name}-${width}.png`), fullPage: width === 390});
				await page.close();
			}
		}
	});

	it('the straggler: its rank and pod, and the wait on its bar, as a reader sees them', async () => {
		const {page, problems} = await browser.open(reports.get('straggler-h200x4')!.file, 1280);
		expect(problems).toEqual([]);
		const gpu = await page.locator('[data-node="GPU/90"]').first().textContent();
		expect(gpu).toContain('rank 3');
		expect(gpu).toContain('joined 30s late');
		expect(await page.locator('figure.host[data-pod="pod1"]').count()).toBe(1);
		expect(await page.locator('svg.timeline text', {hasText: 'joined 30s late'}).count()).toBe(1);
		await page.locator('#timeline').screenshot({path: path.join(shots, 'report-timeline.png')});
		await page.close();
	});

	it('dark mode: dark page, light text, and it is drawn', async () => {
		const {page, problems} = await browser.open(reports.get('crash-rank1')!.file, 1280, {dark: true});
		expect(problems).toEqual([]);
		const [bg, fg] = await page.evaluate<string[]>('[getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).color]');
		expect(bg).toBe('rgb(13, 17, 23)');
		expect(fg).toBe('rgb(230, 237, 243)');
		await page.screenshot({path: path.join(shots, 'report-crash-rank1-dark.png')});
		await page.close();
	});

	it('print: no navigation, drawings fit the page, A4 and letter PDFs', async () => {
		const {page, problems} = await browser.open(reports.get('tp2x2-two-pods-all')!.file, 1280);
		expect(problems).toEqual([]);
		await page.emulateMedia({media: 'print'});
		expect(await page.locator('nav.toc').isVisible()).toBe(false);
		for (const format of ['A4', 'Letter'] as const) {
			const pdf = await page.pdf({format, printBackground: true});
			expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
			const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
			expect(pages, format).toBeGreaterThanOrEqual(2);
			expect(pages, format).toBeLessThan(20);
		}
		await page.close();
	});

	it('hostile log text stays text: no dialog, no script or image element, the text readable', async () => {
		const {page, problems} = await browser.open(path.join(dir, 'hostile.html'), 1280);
		expect(problems).toEqual([]);
		expect(await page.evaluate<number>("document.querySelectorAll('script, img, iframe').length")).toBe(0);
		const text = await page.evaluate<string>('document.body.textContent');
		expect(text).toContain(payload);
		expect(text).toContain(hostile.pod);
		await page.close();
	});

	it('64 hosts: each drawing fits the page width, the odd hosts are drawn', async () => {
		const {page, problems} = await browser.open(path.join(dir, 'cluster-64.html'), 1280, {height: 1000});
		expect(problems).toEqual([]);
		const widths = await page.evaluate<number[]>("[...document.querySelectorAll('figure.host svg')].map(s => s.getBoundingClientRect().width)");
		expect(widths.length).toBe(4);
		for (const w of widths) expect(w).toBeLessThanOrEqual(1240);
		for (const i of [17, 42, 63]) expect(await page.locator(`figure.host[data-pod="${podName(i)}"]`).count()).toBe(1);
		await page.locator('#topology').screenshot({path: path.join(shots, 'report-cluster-64.png')});
		await page.close();
	});
});
