// `npm run release`: the kubectl plugin's release for this platform, in dist/release/:
//   infertop-vX.Y.Z-linux-amd64.tar.gz   the executable as kubectl-infertop (krew's archive)
//   infertop.yaml                        deploy/krew/infertop.yaml filled in: version, uri, sha256
//   SHA256SUMS                           the archive's sha256, as sha256sum -c reads it
// The archive is reproducible: one entry, fixed owner and mode, mtime SOURCE_DATE_EPOCH (else
// the HEAD commit's time), gzip with no name or time; the same executable gives the same sha256.
// Settings (environment): INFERTOP_EXE — an executable already built (default: build it with
// scripts/build-exe.mjs into dist/infertop); INFERTOP_RELEASE_DIR — where to write (default
// dist/release); INFERTOP_RELEASE_URL — the folder URL the archive will be published at, for the
// manifest's uri (default: the release folder itself, as a file:// URL).
import {execFileSync, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {gzipSync} from 'node:zlib';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const {version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const tag = `v${version}`;
const krewArch = {x64: 'amd64', arm64: 'arm64'}[process.arch];
if (process.platform !== 'linux' || !krewArch) throw new Error(`release: builds for linux x64/arm64 only (this is ${process.platform}-${process.arch})`);
const platform = `linux-${krewArch}`;
const outDir = path.resolve(process.env.INFERTOP_RELEASE_DIR || path.join(root, 'dist', 'release'));

let exe = process.env.INFERTOP_EXE ? path.resolve(process.env.INFERTOP_EXE) : path.join(root, 'dist', 'infertop');
if (!process.env.INFERTOP_EXE) {
	execFileSync(process.execPath, [path.join(root, 'scripts', 'build-exe.mjs')], {stdio: 'inherit', env: {...process.env, INFERTOP_EXE_OUTFILE: exe}});
}
const body = readFileSync(exe);

function mtime() {
	if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
	const git = spawnSync('git', ['log', '-1', '--format=%ct'], {cwd: root, encoding: 'utf8'});
	return git.status === 0 && /^\d+\s*$/.test(git.stdout) ? Number(git.stdout) : 0;
}

/** A POSIX ustar archive of plain files (each name < 100 bytes). */
function tar(files) {
	const blocks = [];
	for (const f of files) {
		const h = Buffer.alloc(512);
		const put = (text, at, len) => h.write(text, at, len, 'ascii');
		const octal = (n, len) => n.toString(8).padStart(len - 1, '0') + '\0';
		put(f.name, 0, 100);
		put(octal(f.mode, 8), 100, 8);
		put(octal(0, 8), 108, 8);
		put(octal(0, 8), 116, 8);
		put(octal(f.data.length, 12), 124, 12);
		put(octal(f.mtime, 12), 136, 12);
		put('        ', 148, 8);
		put('0', 156, 1);
		put('ustar\0' + '00', 257, 8);
		put('root', 265, 32);
		put('root', 297, 32);
		let sum = 0;
		for (const b of h) sum += b;
		put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
		blocks.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
	}
	// two zero blocks end the archive
	blocks.push(Buffer.alloc(1024));
	return Buffer.concat(blocks);
}

mkdirSync(outDir, {recursive: true});
const archiveName = `infertop-${tag}-${platform}.tar.gz`;
// gzipSync writes no file name and a zero time: the bytes depend on the tar alone
const archive = gzipSync(tar([{name: 'kubectl-infertop', mode: 0o755, mtime: mtime(), data: body}]), {level: 9});
writeFileSync(path.join(outDir, archiveName), archive);
const sha256 = createHash('sha256').update(archive).digest('hex');
writeFileSync(path.join(outDir, 'SHA256SUMS'), `${sha256}  ${archiveName}\n`);

const base = (process.env.INFERTOP_RELEASE_URL || pathToFileURL(outDir).href).replace(/\/+$/, '');
const template = readFileSync(path.join(root, 'deploy', 'krew', 'infertop.yaml'), 'utf8');
const fields = {version: tag, [`uri ${platform}`]: `${base}/${archiveName}`, [`sha256 ${platform}`]: sha256};
// the template's head comment is about the template; the filled one says where it came from
const head = `# infertop ${tag}: filled in by npm run release from deploy/krew/infertop.yaml (${archiveName}).\n# kubectl krew install --manifest=infertop.yaml --archive=${archiveName}\n`;
const manifest = head + template.replace(/^(#.*\n)+/, '').replace(/\{\{([^}]+)\}\}/g, (whole, key) => fields[key] ?? whole);
// the template's own platform entry is linux-amd64; an arm64 build fills only what it built
const left = [...manifest.matchAll(/^\s*[a-z0-9]+:\s*"\{\{([^}]+)\}\}"/gm)].map(m => m[1]);
if (left.length) console.warn(`release: not filled (not built on this platform): ${left.join(', ')}`);
writeFileSync(path.join(outDir, 'infertop.yaml'), manifest);

const mib = n => `${(n / 1024 / 1024).toFixed(1)} MiB`;
console.log(`release ${tag} ${platform} in ${path.relative(process.cwd(), outDir) || outDir}:`);
console.log(`  ${archiveName}  ${mib(archive.length)} (executable ${mib(statSync(exe).size)})`);
console.log(`  sha256 ${sha256}`);
console.log('  infertop.yaml  the krew manifest: kubectl krew install --manifest=infertop.yaml --archive=' + archiveName);
