// The page under hostile input, in Debian's Chromium with the lesson's
// strict CSP: a fuzzed URL hash never executes markup, never breaks the page
// and never makes memory unbounded (it prints its figures). Long use (1,000
// interactions) is the browser soak tier: tests/browser-soak/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { applyHostileHash, chromiumSite, hostileHashes, newPage, site } from './harness.js';

const session = chromiumSite();

test('a fuzzed URL hash: no markup runs, the page stays usable, memory stays bounded', async () => {
  const context = await session.browser.newContext();
  const errors = [];
  const page = await newPage(context, errors);
  await page.goto(`${session.base}/index.html`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model);
  const hashes = hostileHashes(300);
  let noticed = 0;
  let maxWasm = 0;
  let maxLayers = 0;
  for (const hash of hashes) {
    const r = await applyHostileHash(page, hash);
    if (r.notice) noticed++;
    maxWasm = Math.max(maxWasm, r.wasm);
    maxLayers = Math.max(maxLayers, r.layers);
  }
  // the page still works after all of it
  await page.evaluate(() => { location.hash = ''; });
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].model.totals.params === 235146);
  console.log(`# hash fuzz: ${hashes.length} hashes, ${noticed} showed a notice, none ran markup; at most ${maxLayers} layers; wasm memory at most ${(maxWasm / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(noticed > 200, `${noticed} notices`);
  assert.ok(maxWasm <= 256 * 2 ** 20, `wasm memory reached ${maxWasm} bytes`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('no eval or new Function anywhere in what the site ships', async () => {
  // The CSP (no 'unsafe-eval') already makes any eval throw, which the page
  // tests would see as a console error; this also checks the code itself.
  // A global eval( or Function( call, not a method named eval() (Module.eval).
  const { readFileSync } = await import('node:fs');
  const pattern = /(?<![.\w$"'`])eval\s*\((?!\s*\)\s*\{)|new\s+Function\s*\(|(?<![.\w$])Function\s*\(\s*["'`]/g;
  for (const f of ['assets/tinytorch-page.js', 'assets/tinytorch-scalar.js']) {
    const src = readFileSync(join(site, f), 'utf8');
    const found = [...src.matchAll(pattern)].map((m) => src.slice(Math.max(0, m.index - 40), m.index + 40));
    assert.deepEqual(found, [], f);
  }
});
