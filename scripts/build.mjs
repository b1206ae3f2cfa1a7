// One-file build: dist/infertop.mjs runs with a plain `node` (20+) and no node_modules,
// so it can be copied to an air-gapped bastion host.
import {build} from 'esbuild';
import {mkdirSync, writeFileSync, chmodSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// INFERTOP_BUILD_OUTFILE: build somewhere else (the dist tests build into a temp folder, so they
// never race `npm pack` or a developer's build over dist/).
const outfile = process.env.INFERTOP_BUILD_OUTFILE ? path.resolve(process.env.INFERTOP_BUILD_OUTFILE) : path.join(root, 'dist', 'infertop.mjs');
mkdirSync(path.dirname(outfile), {recursive: true});
// Ink imports react-devtools-core only from its development devtools module; never needed here.
const stub = path.join(path.dirname(outfile), '.devtools-stub.mjs');
writeFileSync(stub, 'export default {connectToDevTools() {}};\n');

await build({
	entryPoints: [path.join(root, 'cli.tsx')],
	outfile,
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'esm',
	minify: true,
	// class and function names stay: error messages and client-node's model classes use them
	keepNames: true,
	sourcemap: false,
	legalComments: 'none',
	jsx: 'automatic',
	alias: {'react-devtools-core': stub},
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {
		js: ["import {createRequire as __infertopCreateRequire} from 'node:module';", 'const require = __infertopCreateRequire(import.meta.url);'].join('\n'),
	},
	logLevel: 'warning',
});
chmodSync(outfile, 0o755);
console.log(`built ${path.relative(process.cwd(), outfile) || outfile}`);
