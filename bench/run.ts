/**
 * `npm run bench`: runs every benchmark part that exists, in order. Parts are
 * written by different people at different times, so each is imported only when
 * its file is there; a missing part is listed, not an error. Each part prints its
 * own numbers (ratios against a baseline measured in the same run).
 */
import {existsSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

interface Part {
	file: string;
	/** the exported function that runs it */
	name: string;
	what: string;
}

const parts: Part[] = [
	{file: 'parse.ts', name: 'benchParse', what: 'parser throughput over the corpus'},
	{file: 'ingest.ts', name: 'benchIngest', what: 'files → parser → store, end to end'},
	{file: 'render.ts', name: 'benchRender', what: 'pane rendering under a log storm'},
	{file: 'startup.ts', name: 'benchStartup', what: 'CLI start to first frame'},
	{file: 'html.ts', name: 'benchHtml', what: 'the --html report: build time and size'},
];

async function main(): Promise<number> {
	const here = import.meta.dirname;
	const only = process.argv.slice(2);
	const summary: string[] = [];
	let failed = 0;
	for (const part of parts) {
		const label = part.file.replace(/\.ts$/, '');
		if (only.length > 0 && !only.includes(label)) continue;
		const file = path.join(here, part.file);
		if (!existsSync(file)) {
			summary.push(`${label}: not built yet (bench/${part.file})`);
			continue;
		}
		console.log(`\n== ${label}: ${part.what}`);
		const started = performance.now();
		try {
			const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
			const fn = mod[part.name];
			if (typeof fn !== 'function') {
				summary.push(`${label}: bench/${part.file} does not export ${part.name}()`);
				failed++;
				continue;
			}
			await (fn as () => unknown)();
			summary.push(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
		} catch (error) {
			failed++;
			summary.push(`${label}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
			console.error(error);
		}
	}
	console.log(`\n== summary\n${summary.map(s => `  ${s}`).join('\n')}`);
	return failed ? 1 : 0;
}

process.exitCode = await main();
