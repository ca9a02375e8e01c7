// The ES-module package in Chromium: it loads with no build step, computes
// the lesson's numbers, and gives the same bits as the native build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkEsmResult, serve, launch, newPage } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

for (const backend of ['simd', 'scalar']) {
  test(`the package runs in Chromium (${backend} build) and matches the native build bit for bit`, async () => {
    const errors = [];
    const page = await newPage(browser, errors);
    await page.goto(`${server.url}/tests/browser/esm.html?backend=${backend}`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 20000 });
    const r = await page.evaluate(() => window.__result);
    checkEsmResult(r, backend, 'Chromium');
    assert.deepEqual(errors, []);
    await page.close();
  });
}
