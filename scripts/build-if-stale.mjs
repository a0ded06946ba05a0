// `npm start` and `npm run cli` build only when a source changed since the last build: the build
// (Prisma generate + tsc) takes tens of seconds here, the check a few milliseconds. The fingerprint is
// every input's path, size and modification time; it is taken before building, so an edit made during
// a build is caught by the next start.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const sourceDirs = ['apps', 'libs', 'test', 'bench', 'evals'];
const sourceFiles = ['prisma/schema.prisma', 'tsconfig.json', 'package.json', 'package-lock.json', 'scripts/prisma-generate.mjs'];
// What tsc compiles under the source folders; notes and data files beside them (a benchmark's write-up,
// the evals' expected failures, read where they are) never change the build.
const compiled = /\.[cm]?tsx?$/;
// Written by the build itself (Prisma's generated client), so not an input.
const generatedDir = join('libs', 'shared', 'src', 'prisma', 'generated');

function* walk(dir, generated) {
  if (dir === generated || !existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path, generated);
    else if (entry.isFile() && compiled.test(entry.name)) yield path;
  }
}

/** The build's inputs under `root`, as one hash. */
export function fingerprint(root = projectRoot) {
  const hash = createHash('sha256');
  const generated = join(root, generatedDir);
  const files = [...sourceDirs.flatMap((dir) => [...walk(join(root, dir), generated)]), ...sourceFiles.map((file) => join(root, file)).filter(existsSync)].sort();
  for (const file of files) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(root, file)}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex');
}

// `--always` (npm run build) builds unconditionally and records the fingerprint for the next start.
function buildIfStale(root) {
  const stampFile = join(root, 'dist', '.build-stamp');
  const always = process.argv.includes('--always');
  const current = fingerprint(root);
  const built = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (!always && current === built && existsSync(join(root, 'dist', 'apps', 'api', 'src', 'main.js'))) return;
  if (!always) console.error(built ? 'Sources changed since the last build: building…' : 'Building (first run)…');
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'prisma-generate.mjs')], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  } catch {
    console.error('The build failed (see above); nothing was started.');
    process.exit(1);
  }
  writeFileSync(stampFile, current);
}

// Imported (by its spec), the module only lends `fingerprint`. Real paths: a checkout reached through a
// symbolic link must still build.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) buildIfStale(projectRoot);
