// Long use of the page, in Debian's Chromium with the lesson's strict CSP:
// 1,000 scripted interactions (slider steps, layer edits, resamples, mode
// and batch changes) keep the JS heap, the wasm memory and the live tensors
// bounded; it prints its figures. Its own tier (npm run test:browser:soak),
// which the test command runs after the browser tests: it takes minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumSite, newPage, settle } from '../browser/harness.js';

const session = chromiumSite();

test('1,000 scripted interactions keep the JS heap and wasm memory bounded', async () => {
  const context = await session.browser.newContext({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  const page = await newPage(context, errors);
  await page.goto(`${session.base}/index.html`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model);
  const cdp = await context.newCDPSession(page);
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const mem = await page.evaluate(() => globalThis.__tinytorchApps[0].api.memoryInfo());
    return { heap, ...mem };
  };
  const slider = page.locator('[data-testid="dropout-panel"] [data-testid="dropout-p"]').first();
  const out0 = page.locator('[data-testid="layer-row"][data-index="0"] [data-testid="linear-out"]');
  const in3 = page.locator('[data-testid="layer-row"][data-index="3"] [data-testid="linear-in"]');
  const resample = page.locator('[data-testid="resample"]').first();
  const mode = page.locator('[data-testid="mode"]').first();
  const interact = async (i) => {
    switch (i % 10) {
      case 0: case 1: case 2: case 3: // slider drags, as the keyboard does them
        await slider.focus();
        await page.keyboard.press(i % 20 < 10 ? 'ArrowRight' : 'ArrowLeft');
        break;
      case 4: case 5: { // layer edits: a width, and the next layer following it
        const w = String(128 + 32 * (i % 7));
        await out0.fill(w);
        await out0.dispatchEvent('change');
        await in3.fill(w);
        await in3.dispatchEvent('change');
        break;
      }
      case 6: case 7:
        await resample.click();
        break;
      case 8:
        await mode.selectOption(i % 20 < 10 ? 'eval' : 'train');
        break;
      default:
        await page.evaluate((s) => globalThis.__tinytorchApps[0].setState({ batch: 8 + (s % 5) * 8 }), i);
    }
    await settle(page);
  };
  for (let i = 0; i < 50; i++) await interact(i); // warm-up: caches, JIT, first growth
  const start = await measure();
  const t0 = Date.now();
  for (let i = 0; i < 1000; i++) await interact(i);
  const end = await measure();
  const seconds = (Date.now() - t0) / 1000;
  const mib = (b) => (b / 2 ** 20).toFixed(2);
  console.log(`# page soak: 1000 interactions in ${seconds.toFixed(1)} s; JS heap ${mib(start.heap)} -> ${mib(end.heap)} MiB; wasm memory ${mib(start.wasmBytes)} -> ${mib(end.wasmBytes)} MiB; live tensors ${start.tensors} -> ${end.tensors}`);
  assert.ok(end.heap < start.heap * 1.5 + 4 * 2 ** 20, `JS heap grew from ${start.heap} to ${end.heap}`);
  assert.ok(end.wasmBytes <= start.wasmBytes * 2, `wasm memory grew from ${start.wasmBytes} to ${end.wasmBytes}`);
  assert.ok(end.tensors <= start.tensors + 8, `live tensors ${start.tensors} -> ${end.tensors}`);
  assert.deepEqual(errors, []);
  await context.close();
});
