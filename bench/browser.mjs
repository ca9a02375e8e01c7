// bench/browser.mjs — the same bench in Debian's Chromium:
//   node bench/browser.mjs
// Serves the repository's js/, bench/, build/wasm/tt-peak.wasm and the
// peers' node_modules dists on 127.0.0.1, drives /usr/bin/chromium
// (headless, via playwright-core; no browser is downloaded) through
// bench/browser-page.mjs, prints the same table as bench.mjs and writes
// bench/results-chromium.json and bench/results-chromium.md. The scalar
// public API runs on a second page with TINYTORCH_WASM_BACKEND = 'scalar'.

import fs from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { bestCeilings } from './ceilings.mjs';
import { launchChromium } from './chromium.mjs';
import { buildReport } from './report.mjs';
import { ROWS } from './rows.mjs';
import { mergeScalarTimes } from './run.mjs';
import { loadFashionTrain } from './fashion.mjs';
import { deservedCoretype, runNativePeers } from './native-peers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const SERVED = ['/js/', '/bench/', '/web/data/mulberry32.js', '/build/wasm/tt-peak.wasm', '/node_modules/@tensorflow/tfjs/dist/',
  '/node_modules/@tensorflow/tfjs-backend-wasm/dist/', '/node_modules/onnxruntime-web/dist/'];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.map': 'application/json' };
const PAGE = `<!doctype html><meta charset="utf-8"><title>tinytorch-wasm bench</title>
<script src="/node_modules/@tensorflow/tfjs/dist/tf.min.js"></script>
<script src="/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js"></script>
<script src="/node_modules/onnxruntime-web/dist/ort.wasm.min.js"></script>
<script type="module" src="/bench/browser-page.mjs"></script>`;
const log = (msg) => process.stderr.write(`${msg}\n`);

let fashionData;
const fashion = () => (fashionData ??= loadFashionTrain());

/** Serves PAGE at / and the files under SERVED (and the Fashion-MNIST bytes at /__fashion/), nothing else. */
function serve() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/') { res.writeHead(200, { 'content-type': TYPES['.html'] }).end(PAGE); return; }
    if (url.pathname === '/favicon.ico') { res.writeHead(204).end(); return; }
    if (url.pathname === '/__fashion/images' || url.pathname === '/__fashion/labels') { // the epoch's data (bench/fashion.mjs)
      const f = fashion();
      if (f.error) { res.writeHead(404, { 'content-type': 'text/plain' }).end(f.error); return; }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-source': f.source }).end(url.pathname.endsWith('images') ? f.images : f.labels);
      return;
    }
    const file = path.normalize(path.join(ROOT, decodeURIComponent(url.pathname)));
    const rel = `/${path.relative(ROOT, file)}`;
    if (!SERVED.some((p) => rel.startsWith(p))) { res.writeHead(404).end(); return; }
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function openPage(browser, url, backend) {
  const page = await browser.newPage();
  page.on('console', (m) => log(`  [page] ${m.text()}`));
  page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
  if (backend) await page.addInitScript((b) => { globalThis.TINYTORCH_WASM_BACKEND = b; }, backend);
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__benchReady === true, null, { timeout: 60000 });
  return page;
}

/** The scalar public-API rows on a page of their own, or { error }. */
async function scalarWorker(browser, url, mode) {
  const page = await openPage(browser, url, 'scalar');
  try {
    const out = await page.evaluate((m) => globalThis.__benchWorker(m), mode);
    return out.build === 'scalar' ? out : { error: `the scalar page ran the ${out.build} build` };
  } catch (e) {
    return { error: `scalar page (${mode}): ${e.message}` };
  } finally {
    await page.close();
  }
}

const loadStart = os.loadavg()[0];
const t0 = performance.now();
const server = await serve();
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launchChromium();
try {
  log('scalar public API: verifying on a second page...');
  const scalarVerify = await scalarWorker(browser, url, 'verify');
  const page = await openPage(browser, url);
  const main = await page.evaluate((sv) => globalThis.__benchMain(sv), scalarVerify);
  await page.close();
  // the native column runs here, beside Chromium's figures, as in Node (same inputs, same checks)
  const nativePeers = [runNativePeers(log)];
  const want = deservedCoretype();
  const picked = nativePeers[0].info?.blas?.openblas_core;
  if (want && picked && picked.toLowerCase() !== want.toLowerCase()) nativePeers.push(runNativePeers(log, { coretype: want }));
  log('scalar public API: timing on a second page...');
  mergeScalarTimes(main.results, await scalarWorker(browser, url, 'time'));
  for (const r of main.results) r.row = ROWS.find((row) => row.id === r.row.id); // the same objects as in Node
  const report = buildReport({
    where: `Chromium ${browser.version()}`,
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown CPU', cores: os.cpus().length, platform: `${os.platform()} ${os.release()}`, load: { start: loadStart, end: os.loadavg()[0] } },
    ours: main.ours,
    scalarKernel: scalarVerify.kernel,
    tfjs: main.tfjs,
    ort: main.ort,
    ceilStart: main.ceilStart, ceilEnd: main.ceilEnd, ceilings: bestCeilings(main.ceilStart, main.ceilEnd),
    results: main.results,
    training: main.training,
    readout: main.readout,
    sweep: main.sweep,
    nativePeers,
    wallSeconds: (performance.now() - t0) / 1000,
  });
  console.log(report.text);
  await fs.writeFile(path.join(HERE, 'results-chromium.md'), report.markdown);
  await fs.writeFile(path.join(HERE, 'results-chromium.json'), `${JSON.stringify(report.json, null, 2)}\n`);
  if (report.failed) process.exitCode = 1;
} finally {
  await browser.close();
  server.close();
}
