// Is dist/site older than what it is built from? The browser tests ask
// this before they start (tests/browser/harness.js), so that they never
// pass against a stale build: a stale page is rebuilt (node
// scripts/build-site.mjs, a few seconds; then the Sphinx and MyST examples
// if theirs are stale too), and a stale wasm core, which takes
// Emscripten, is refused with the command that rebuilds it.
//
// "Older" compares modification times: the newest file under each
// source folder against the output the build writes last.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time (ms) of the files under `paths` (files or folders), skipping `skip` names. */
export function newestMtime(paths, skip = new Set()) {
  let newest = 0;
  let newestPath = null;
  const visit = (p) => {
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const name of readdirSync(p)) if (!skip.has(name)) visit(join(p, name));
    } else if (s.mtimeMs > newest) {
      newest = s.mtimeMs;
      newestPath = p;
    }
  };
  for (const p of paths) if (existsSync(p)) visit(p);
  return { mtime: newest, path: newestPath };
}

const mtimeOf = (p) => (existsSync(p) ? statSync(p).mtimeMs : -1);

/**
 * What is stale, as a list of { what, because, fix } (empty: all fresh).
 * what: 'core' (src/ newer than js/wasm), 'site' (web/, js/, site/ or the
 * build script newer than the page bundle), 'sphinx' or 'myst' (an
 * example's sources or the page newer than its built index.html).
 */
export function staleParts(root = repoRoot) {
  const r = (...p) => join(root, ...p);
  const out = [];
  const core = newestMtime([r('src'), r('CMakeLists.txt')]);
  const wasm = Math.min(mtimeOf(r('js/wasm/tt-simd.js')), mtimeOf(r('js/wasm/tt-scalar.js')));
  if (wasm < core.mtime) out.push({ what: 'core', because: `${core.path.slice(root.length)} is newer than js/wasm/`, fix: 'bash scripts/build.sh serve' });
  const page = mtimeOf(r('dist/site/.built')); // build-site.mjs writes it last
  const sources = newestMtime([r('web'), r('js'), r('site'), r('scripts/build-site.mjs'), r('scripts/make-fashion-data.py'), r('scripts/make-mnist-data.mjs')], new Set(['sphinx-example', 'myst-example']));
  if (page < sources.mtime) out.push({ what: 'site', because: page < 0 ? 'dist/site is not built' : `${sources.path.slice(root.length)} is newer than dist/site`, fix: 'node scripts/build-site.mjs' });
  for (const [what, dir] of [['sphinx', 'sphinx-example'], ['myst', 'myst-example']]) {
    const built = mtimeOf(r('dist/site', dir, 'index.html'));
    const src = newestMtime([r('site', dir)]);
    if (built < Math.max(src.mtime, page)) out.push({ what, because: built < 0 ? `dist/site/${dir} is not built` : `dist/site/${dir} is older than its sources or the page`, fix: `bash scripts/build-${dir}.sh` });
  }
  return out;
}

/**
 * Make dist/site fresh: rebuild what can be rebuilt quickly (the site and
 * the two examples), or throw with the command for a stale core. Logs what
 * it rebuilt through `log`.
 */
export function ensureFreshSite({ root = repoRoot, log = (line) => console.log(line) } = {}) {
  if (staleParts(root).length === 0) return;
  // test files run in parallel processes: one rebuilds, the others wait for it
  const lock = join(root, 'dist/.rebuilding');
  mkdirSync(join(root, 'dist'), { recursive: true });
  const until = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (Date.now() > until) throw new Error(`${lock} has been there for 5 minutes: remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    rebuildStale(root, log);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function rebuildStale(root, log) {
  // the site first: rebuilding it makes the examples (built on it) stale
  for (let round = 0; round < 3; round++) {
    const stale = staleParts(root);
    if (stale.length === 0) return;
    const core = stale.find((s) => s.what === 'core');
    if (core) throw new Error(`the wasm core is stale (${core.because}): run \`${core.fix}\` first`);
    for (const part of stale.some((s) => s.what === 'site') ? stale.filter((s) => s.what === 'site') : stale) {
      log(`# ${part.because}: ${part.fix}`);
      const [cmd, ...args] = part.fix.split(' ');
      const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_PATH: `/usr/share/nodejs${process.env.NODE_PATH ? `:${process.env.NODE_PATH}` : ''}` } });
      if (r.status !== 0) throw new Error(`\`${part.fix}\` failed:\n${r.stdout}\n${r.stderr}`);
    }
  }
  const stale = staleParts(root);
  if (stale.length) throw new Error(`dist/site is still stale after rebuilding: ${stale.map((s) => s.because).join('; ')}`);
}
