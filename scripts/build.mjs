// One-file build: dist/infertop.mjs runs with a plain `node` (20+) and no node_modules,
// so it can be copied to an air-gapped bastion host.
import {build} from 'esbuild';
import {mkdirSync, writeFileSync, chmodSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
mkdirSync(path.join(root, 'dist'), {recursive: true});
// Ink imports react-devtools-core only from its development devtools module; never needed here.
const stub = path.join(root, 'dist', '.devtools-stub.mjs');
writeFileSync(stub, 'export default {connectToDevTools() {}};\n');

await build({
	entryPoints: [path.join(root, 'cli.tsx')],
	outfile: path.join(root, 'dist', 'infertop.mjs'),
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'esm',
	minify: false,
	sourcemap: false,
	legalComments: 'none',
	jsx: 'automatic',
	alias: {'react-devtools-core': stub},
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {
		js: [
			"import {createRequire as __infertopCreateRequire} from 'node:module';",
			'const require = __infertopCreateRequire(import.meta.url);',
		].join('\n'),
	},
	logLevel: 'warning',
});
chmodSync(path.join(root, 'dist', 'infertop.mjs'), 0o755);
console.log('built dist/infertop.mjs');
