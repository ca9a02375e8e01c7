// Browser-test harness, shared by every file in tests/browser: the servers
// (dist/site with the lesson's CSP, the repo root), Debian's Chromium
// driven by playwright-core (never a downloaded browser), and the checks
// more than one test file makes (settle, notices, axe, hostile hashes, the
// ES-module page's result).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveSite, CSP } from '../../scripts/serve.mjs';
import { nativeDigests } from '../shared/native.js';
import { ensureFreshSite } from '../../scripts/site-freshness.mjs';

// Never test an old build: rebuild dist/site if web/, js/ or site/ changed
// since it was built (or refuse, naming the command, if the core did).
ensureFreshSite();

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The built lesson site (scripts/build.sh). */
export const site = join(repoRoot, 'dist/site');
/** axe-core's browser bundle, for page.addScriptTag({ path }). */
export const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Serve `root` on an ephemeral loopback port, uncached, with `headers` on
 * every response (none by default; startSite adds the lesson's CSP).
 * Resolves to { url, close }.
 */
export async function serve(root = repoRoot, headers = {}) {
  const server = await serveSite(root, 0, { 'cache-control': 'no-store', ...headers });
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * dist/site served as start.sh serves it (the lesson's CSP), after checking
 * that the build made `file`. Resolves to { url, close }.
 */
export function startSite(file = 'index.html', headers = { 'content-security-policy': CSP }) {
  assert.ok(existsSync(join(site, file)), `dist/site/${file} is missing: run scripts/build.sh first`);
  return serve(site, headers);
}

/**
 * Wait until every app on the page has rendered its latest state and every
 * view (off-screen ones too: web/lazy-views.js) shows it, then two frames.
 * Works with playwright-core and puppeteer-core pages.
 */
export const settle = (page) => page.evaluate(async () => {
  await Promise.all((globalThis.__tinytorchApps ?? []).map((app) => app.settled()));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
});

/** The text of every visible notice box on the page, joined by " | ". */
export const notices = (page) => page.evaluate(() => [...document.querySelectorAll('[data-notices]')]
  .filter((b) => !b.hidden).map((b) => b.textContent).join(' | '));

/** axe-core's violations on `page` ("id: n node(s): targets"); needs bypassCSP or a page without a CSP. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(globalThis.axe)))) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => (await globalThis.axe.run(document)).violations
    .map((v) => `${v.id}: ${v.nodes.length} node(s): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`));
}

/** xorshift32, seeded: the same sequence every run. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

/**
 * `count` hostile URL hashes (at least the fixed attacks): markup, script
 * URLs, huge and malformed networks, prototype names, bad encodings, then
 * random strings from the grammar's alphabet, seeded by `seed`.
 */
export function hostileHashes(count, seed = 20261124) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const out = [
    '<script>window.__pwned=1</script>', '"><img src=x onerror="window.__pwned=1">', 'javascript:window.__pwned=1',
    `net=${'L784-784,'.repeat(3000)}`, `net=${'R,'.repeat(5000)}R`, 'net=L784-2147483647', 'net=L999999999999-1', 'net=D-0.5',
    'net=D1e308', 'net=DNaN', 'batch=1e9', 'batch=-32', 'batch=0', 'depth=100000', 'seed=-1', `net=${'('.repeat(10000)}`,
    `${'a='.repeat(3000)}`, `net=${encodeURIComponent('L784-256,<b>R</b>')}`, 'net=%00%01%02', 'net=%E0%A4%A', '%%%%',
    `net=${'[['.repeat(500)}1${']]'.repeat(500)}`, 'layer=99999', 'mode=__proto__', '__proto__=1&constructor=2', 'net=L784-256&net=R',
    `net=L784-256,${'D0.5,'.repeat(22)}R`, 'input=../../etc/passwd', 'init=constructor', 'act=toString',
  ];
  const alphabet = ['L', 'R', 'D', 'S', 'T', 'G', 'X', ',', '-', '.', '0', '1', '9', '7', '&', '=', '%', '<', '>', '"', "'", 'n', 'net=', 'batch=', ' ', '#', '\u202e', '😀'];
  while (out.length < count) {
    // the state prefix, the older prefix-less form, and plain anchors
    let s = pick(['net=', 'batch=', 'mode=', 'seed=', 'layer=', '', 'tt:net=', 'tt:batch=', 'tt:']);
    for (let i = 1 + Math.floor(r() * 60); i > 0; i--) s += pick(alphabet);
    out.push(s);
  }
  return out;
}

/**
 * The Dropout masks drawn on `page` (one canvas per Dropout layer of the
 * lesson's network) are the core's Dropout.mask, cell for cell: each
 * cell's colour read at a pixel off the hatch stripes. Works with
 * playwright-core and puppeteer-core pages.
 */
export async function assertMasksAreTheCores(page) {
  const result = await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    return [...document.querySelectorAll('[data-testid="mask-canvas"]')].map((canvas) => {
      const i = Number(canvas.dataset.layer);
      const cell = Number(canvas.dataset.cell);
      const mask = app.model.layers[i].layer.mask;
      const [rows, cols] = [mask.shape[0], mask.size / mask.shape[0]];
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const m = mask.data;
      let mismatches = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const o = ((r * cell) * canvas.width + c * cell + 1) * 4; // (x+y) % 3 == 1: never a hatch pixel
          const drawnKept = px[o] > 150; // viridis(1) is yellow (253,231,37); viridis(0) dark (68,1,84)
          if (drawnKept !== (m[r * cols + c] === 1)) mismatches++;
        }
      }
      return { layer: i, cells: rows * cols, mismatches, kept: m.reduce((a, b) => a + b, 0) };
    });
  });
  assert.equal(result.length, 2, 'one mask per Dropout of the lesson\'s network');
  for (const r of result) {
    assert.equal(r.mismatches, 0, `layer ${r.layer}: ${r.mismatches} of ${r.cells} cells differ`);
    assert.ok(r.kept > 0 && r.kept < r.cells);
  }
}

/**
 * Set `hash` on the lesson `page`, wait for the render that follows, and
 * check it: the page rendered the state it holds, no markup was injected
 * or ran, the caps held (24 layers, batch 256). Resolves to { notice (a
 * notice is shown), wasm (bytes of wasm memory), layers }.
 */
export async function applyHostileHash(page, hash) {
  const r = await page.evaluate(async (h) => {
    const app = globalThis.__tinytorchApps[0];
    // hashchange is its own task (it may come after the next frame): wait
    // for it, then for the render that follows it (model.state is the
    // state it rendered)
    const changed = new Promise((ok) => { addEventListener('hashchange', ok, { once: true }); setTimeout(ok, 500); });
    location.hash = h;
    await changed;
    for (let i = 0; i < 120 && app.model.state !== app.state; i++) await new Promise((ok) => requestAnimationFrame(ok));
    return {
      ok: Boolean(app.model) && app.model.layers.length === app.state.net.length,
      layers: app.state.net.length,
      batch: app.state.batch,
      notice: !document.querySelector('[data-notices]').hidden,
      wasm: app.api.memoryInfo().wasmBytes,
      inline: document.querySelectorAll('script:not([src]), [onerror], [onload]').length,
      pwned: globalThis.__pwned,
    };
  }, hash);
  const where = `after #${hash.slice(0, 60)}`;
  assert.equal(r.ok, true, `${where}: the page did not render`);
  assert.equal(r.inline, 0, `${where}: markup was injected`);
  assert.equal(r.pwned, undefined);
  assert.ok(r.layers <= 24 && r.batch <= 256, `${where}: ${r.layers} layers, batch ${r.batch}`);
  return { notice: r.notice, wasm: r.wasm, layers: r.layers };
}

/**
 * Check what tests/browser/esm.html reports (window.__result) for `backend`
 * in `engine`: the lesson MLP's shape and count, a small Linear's values,
 * and every digest bit-identical to the native build's.
 */
export function checkEsmResult(r, backend, engine) {
  assert.equal(r.backend.build, backend);
  assert.equal(r.backend.simdSupported, true, `${engine} validates SIMD128`);
  assert.deepEqual(r.shape, [32, 10]);
  assert.equal(r.params, 235146);
  r.linear.flat().forEach((v, i) => assert.ok(Math.abs(v - [2.3, 3.0, 5.0, 6.6][i]) < 1e-6));
  assert.deepEqual(r.digests, nativeDigests());
  assert.equal(r.tensorsLeft, 0);
}

/** Launch Debian's Chromium headless with the flags this machine needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}

/**
 * The set-up most test files share, as node:test hooks: before the file's
 * tests, dist/site served with the lesson's CSP (after checking that the
 * build made `file`), the repo root too when `repo` (the host pages in
 * tests/browser), and Chromium; after them, all closed. Returns the
 * session, whose fields are set once the before hook has run:
 * { browser, server, base (dist/site's URL), repo ({ url } or null),
 *   open(url, opts) (openApp with `defaults` under `opts`) }.
 */
export function chromiumSite({ file = 'index.html', repo = false, ...defaults } = {}) {
  const session = { browser: null, server: null, base: '', repo: null };
  session.open = (url, opts) => openApp(session.browser, url, { ...defaults, ...opts });
  before(async () => {
    session.server = await startSite(file);
    session.base = session.server.url;
    if (repo) session.repo = await serve(repoRoot);
    session.browser = await launch();
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
    await session.repo?.close();
  });
  return session;
}

/**
 * Open `url` in a fresh Chromium context (viewport, CSP bypass for axe,
 * colour scheme) and wait until the page's app has rendered every view. Resolves to
 * { page, errors, context }; close the context.
 */
export async function openApp(browser, url, { width = 1200, height = 900, bypassCSP = false, colorScheme } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP, colorScheme });
  const errors = [];
  const page = await newPage(context, errors);
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, null, { timeout: 20000 });
  await settle(page); // the views below the fold too (web/lazy-views.js)
  return { page, errors, context };
}

/** A new page (of a browser or a context) that records console and page errors in `errors`. */
export async function newPage(target, errors = []) {
  const page = await target.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return page;
}
