// `npm run build:exe`: dist/infertop, one executable that needs no Node.js, no node_modules
// and no network: Node's own single-executable application (SEA) — the node binary that runs
// this script, with the CLI injected into it. Why SEA and not bun: docs/executable.md.
//
// Node 20's SEA runs its main script as CommonJS, with a `require` that knows only built-in
// modules, so the CLI is bundled by esbuild to one CommonJS file. Two dependencies use
// top-level await, which CommonJS cannot hold; the plugin below rewrites just those:
// - yoga-layout (Ink's layout engine) awaits its inline-WASM instance at import: here it
//   exports an object filled in when the instance is ready, and the entry waits for that
//   before the CLI runs;
// - Ink's reconciler awaits the devtools and its own package.json only when DEV=true
//   (React devtools, not bundled): here that branch is gone.
// INFERTOP_EXE_OUTFILE: build somewhere else (tests build into a temp folder, so they never
// race a developer's build over dist/).
import {build} from 'esbuild';
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outfile = process.env.INFERTOP_EXE_OUTFILE ? path.resolve(process.env.INFERTOP_EXE_OUTFILE) : path.join(root, 'dist', 'infertop');
const work = mkdtempSync(path.join(tmpdir(), 'infertop-exe-'));
const started = performance.now();

/** `text` with `from` replaced, or a build failure naming the file: a dependency update that moves the code must not pass silently. */
function patch(file, text, from, to) {
	if (!text.includes(from)) throw new Error(`build-exe: ${file} no longer contains ${JSON.stringify(from)}; see scripts/build-exe.mjs`);
	return text.split(from).join(to);
}

const noTopLevelAwait = {
	name: 'no-top-level-await',
	setup(b) {
		b.onLoad({filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/}, args => {
			let text = readFileSync(args.path, 'utf8');
			text = patch(args.path, text, 'const Yoga = wrapAssembly(await loadYoga());', 'const Yoga = {};\nexport const yogaReady = loadYoga().then(lib => { Object.assign(Yoga, wrapAssembly(lib)); });');
			return {contents: text, loader: 'js'};
		});
		b.onLoad({filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/}, args => {
			let text = readFileSync(args.path, 'utf8');
			text = patch(args.path, text, "await import('./devtools.js');", "throw new Error('React devtools are not part of the infertop executable');");
			text = patch(args.path, text, '? await loadPackageJson()', '? {name: undefined, version: undefined}');
			return {contents: text, loader: 'js'};
		});
	},
};

// the entry: Yoga's instance first, then the CLI exactly as the .mjs runs it
const entry = path.join(work, 'entry.mjs');
writeFileSync(
	entry,
	[
		`import {yogaReady} from 'yoga-layout';`,
		`yogaReady.then(() => import(${JSON.stringify(path.join(root, 'cli.tsx'))}), error => {`,
		`\tprocess.stderr.write('infertop: could not start the layout engine: ' + (error && error.message) + '\\n');`,
		`\tprocess.exit(2);`,
		`});`,
	].join('\n'),
);
const stub = path.join(work, 'devtools-stub.mjs');
writeFileSync(stub, 'export default {connectToDevTools() {}};\n');
const bundle = path.join(work, 'infertop.cjs');

await build({
	entryPoints: [entry],
	outfile: bundle,
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	minify: true,
	keepNames: true,
	legalComments: 'none',
	jsx: 'automatic',
	absWorkingDir: root,
	nodePaths: [path.join(root, 'node_modules')],
	alias: {'react-devtools-core': stub},
	plugins: [noTopLevelAwait],
	// import.meta is empty in CommonJS: here its url is the executable's own path, as the .mjs's
	// is its own (meow looks for a package.json from there; Yoga's inline WASM needs no folder)
	define: {'process.env.NODE_ENV': '"production"', 'import.meta': '__infertopImportMeta'},
	banner: {
		js: [
			"var __infertopImportMeta = {url: require('node:url').pathToFileURL(process.execPath).href};",
			// SEA's require loads built-in modules only, and warns on anything else. What is left for
			// it are optional packages tried inside try/catch (ws's bufferutil and utf-8-validate,
			// node-fetch's encoding, debug's supports-color): absent here, as when not installed, and
			// they say so the way Node does, with no warning on the user's terminal.
			'var require = (r => id => {',
			"\tif (r('node:module').isBuiltin(id)) return r(id);",
			"\tthrow Object.assign(new Error(`Cannot find module '${id}' (not part of the infertop executable)`), {code: 'MODULE_NOT_FOUND'});",
			'})(require);',
		].join('\n'),
	},
	logLevel: 'warning',
});

// SEA: the blob (script + V8 code cache, so the bundle is not compiled again at every start)
const blob = path.join(work, 'sea.blob');
writeFileSync(path.join(work, 'sea-config.json'), JSON.stringify({main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true}));
const sea = spawnSync(process.execPath, ['--experimental-sea-config', path.join(work, 'sea-config.json')], {encoding: 'utf8'});
if (sea.status !== 0) throw new Error(`build-exe: node --experimental-sea-config failed:\n${sea.stdout}${sea.stderr}`);

mkdirSync(path.dirname(outfile), {recursive: true});
rmSync(outfile, {force: true});
copyFileSync(process.execPath, outfile);
chmodSync(outfile, 0o755);
// node's own binary carries its symbol table and debug info (about 12 MB) that no user needs
if (spawnSync('strip', ['--version']).status === 0) execFileSync('strip', ['--strip-all', outfile]);
else console.warn("build-exe: no `strip` (binutils): the executable keeps node's symbols");
// postject's ELF library warns about each of node's many note sections it cannot name; they are kept as they are
const warn = console.warn;
console.warn = (...args) => {
	if (!/Can't find string offset for section name/.test(String(args[0]))) warn(...args);
};
const {inject} = await import('postject');
await inject(outfile, 'NODE_SEA_BLOB', readFileSync(blob), {sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'});
rmSync(work, {recursive: true, force: true});

const mb = (statSync(outfile).size / 1024 / 1024).toFixed(1);
console.log(`built ${path.relative(process.cwd(), outfile) || outfile} (${mb} MiB, node ${process.version} ${process.platform}-${process.arch}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
