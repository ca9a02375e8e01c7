// The ES-module package in Chromium: it loads with no build step, computes
// the lesson's numbers, and gives the same bits as the native build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, newPage } from './harness.js';
import { nativeDigests } from '../shared/native.js';

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
    assert.equal(r.backend.build, backend);
    assert.equal(r.backend.simdSupported, true, 'Chromium validates SIMD128');
    assert.deepEqual(r.shape, [32, 10]);
    assert.equal(r.params, 235146);
    r.linear.flat().forEach((v, i) => assert.ok(Math.abs(v - [2.3, 3.0, 5.0, 6.6][i]) < 1e-6));
    assert.deepEqual(r.digests, nativeDigests());
    assert.equal(r.tensorsLeft, 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
