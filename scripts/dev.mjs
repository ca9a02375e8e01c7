// npm run dev: serve the lesson (dist/site, with its CSP) and rebuild it
// whenever a file under web/, js/ or site/ changes; reload the page to see
// the change. The wasm core is not rebuilt here (Emscripten takes minutes):
// after a src/ change, run `bash scripts/build.sh serve`.
// Usage: node scripts/dev.mjs [port]
import { watch } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { serveSite } from './serve.mjs';
import { repoRoot, staleParts } from './site-freshness.mjs';

const port = Number(process.argv[2] ?? 8040);
let building = null; // the running build, if any
let again = false; // a change came in while it ran

function build(why) {
  if (building) {
    again = true;
    return building;
  }
  const t0 = performance.now();
  building = new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'scripts/build-site.mjs')], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => {
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      console.log(code === 0 ? `rebuilt in ${s} s (${why}): reload the page` : `build failed (${why}); fix it and save again`);
      building = null;
      if (again) {
        again = false;
        build('more changes');
      }
      resolve();
    });
  });
  return building;
}

const core = staleParts().find((s) => s.what === 'core');
if (core) console.warn(`note: the wasm core is stale (${core.because}); run \`${core.fix}\` for it`);
if (staleParts().some((s) => s.what === 'site')) await build('dist/site was stale');

let timer = null;
for (const dir of ['web', 'js', 'site']) {
  watch(join(repoRoot, dir), { recursive: true }, (event, file) => {
    if (dir === 'js' && file?.startsWith('wasm')) return; // written by the core's build
    clearTimeout(timer);
    timer = setTimeout(() => build(`${dir}/${file}`), 150);
  });
}
const server = await serveSite(join(repoRoot, 'dist/site'), port);
console.log(`The Layers lesson, rebuilt on every change: http://127.0.0.1:${server.address().port}/  (Ctrl+C stops)`);
