/**
 * Debian's chromium, driven by playwright-core, as a person opens the report: the file
 * by file://, nothing else allowed to load. One browser per test file (CI has 2 cores).
 * Absent chromium (a dev machine without it): `browserMissing` says why and tests skip.
 */
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import type {BrowserContext, Page} from 'playwright-core';

export const chromiumPath = process.env['INFERTOP_CHROMIUM'] ?? '/usr/bin/chromium';

export const browserMissing: string | null = existsSync(chromiumPath) ? null : `${chromiumPath} not found (apt-get install chromium; .ci/run installs it)`;

const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
	/** open `file` at `width` px, with what went wrong while it loaded */
	open(file: string, width: number, opts?: {dark?: boolean; height?: number}): Promise<{page: Page; problems: string[]}>;
	close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
	const {chromium} = await import('playwright-core');
	const profile = mkdtempSync(path.join(tmpdir(), 'infertop-chromium-'));
	const context: BrowserContext = await chromium.launchPersistentContext(profile, {executablePath: chromiumPath, headless: true, args, offline: true});
	return {
		async open(file, width, opts = {}) {
			const url = pathToFileURL(file).href;
			const page = await context.newPage();
			const problems: string[] = [];
			// the file itself is the one request a self-contained report makes
			await page.route('**/*', route => (route.request().url() === url ? route.continue() : (problems.push(`request: ${route.request().url()}`), route.abort())));
			page.on('request', r => {
				if (r.url() !== url && !r.url().startsWith('data:')) problems.push(`request seen: ${r.url()}`);
			});
			page.on('console', m => {
				if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
			});
			page.on('pageerror', e => problems.push(`page error: ${e.message}`));
			page.on('dialog', d => {
				problems.push(`dialog: ${d.message()}`);
				void d.dismiss();
			});
			await page.setViewportSize({width, height: opts.height ?? 900});
			await page.emulateMedia({colorScheme: opts.dark ? 'dark' : 'light'});
			await page.goto(url, {waitUntil: 'load'});
			return {page, problems};
		},
		async close() {
			await context.close();
			rmSync(profile, {recursive: true, force: true});
		},
	};
}
