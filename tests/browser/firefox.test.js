// The package and the lesson page in Firefox (Debian's firefox-esr over
// WebDriver BiDi, tests/browser/firefox-harness.js), beside the Chromium
// tests: the ES-module package gives the native build's bits (SIMD and
// scalar), the page loads from file://, from a server with the strict CSP,
// from a real Jupyter Server's /files/ (its sandbox CSP) and in a sandboxed iframe, its views draw the
// core's numbers, a hostile hash and a run of interactions leave it sound,
// and axe-core finds nothing at 1280 and 360 px. Kept to a sample of what
// the Chromium tests cover (50 hashes, 100 interactions) so it stays fast.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyHostileHash, assertMasksAreTheCores, axePath, checkEsmResult, hostileHashes, repoRoot, serve, settle, site, startSite } from './harness.js';
import { startJupyter } from './jupyter-server.js';
import { launchFirefox, newFirefoxPage, openFirefoxApp } from './firefox-harness.js';
import { CSP } from '../../scripts/serve.mjs';

const axeSource = readFileSync(axePath, 'utf8');

let browser;
let repo; // the repo root: the ES-module page and the sandboxed-iframe host
let server; // dist/site with the lesson's CSP
let jupyter; // a real Jupyter Server over dist/site: { base, stop }
let base;

before(async () => {
  server = await startSite();
  base = server.url;
  repo = await serve(repoRoot);
  // a real Jupyter Server: its /files/ route sandboxes every file it serves
  jupyter = await startJupyter(site);
  browser = await launchFirefox();
});
after(async () => {
  await browser?.close();
  await repo?.close();
  await server?.close();
  await jupyter?.stop();
});

const open = (url, size) => openFirefoxApp(browser, url, size);

/** Per view of the page: its canvases (size, visible, pixels painted) and SVGs. */
const drawing = (page) => page.evaluate(() => [...document.querySelectorAll('[data-view]')].map((v) => ({
  view: v.dataset.view,
  canvases: [...v.querySelectorAll('canvas')].map((c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted++;
    return { testid: c.dataset.testid ?? '', visible: c.checkVisibility(), painted };
  }),
  svgs: [...v.querySelectorAll('svg')].filter((s) => s.childElementCount > 0).length,
})));

for (const backend of ['simd', 'scalar']) {
  test(`Firefox: the package (${backend} build) matches the native build bit for bit`, async () => {
    const { page, context, errors } = await newFirefoxPage(browser);
    await page.goto(`${repo.url}/tests/browser/esm.html?backend=${backend}`);
    await page.waitForFunction(() => window.__result !== undefined, { timeout: 20000 });
    const r = await page.evaluate(() => window.__result);
    checkEsmResult(r, backend, 'Firefox');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('Firefox: the page opened from file:// works and every drawing view draws', async () => {
  const { page, context, errors } = await open(`file://${site}/index.html`);
  const model = await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    return { params: app.model.totals.params, error: app.model.error, views: app.views.length, slots: document.querySelectorAll('[data-view]').length, build: app.api.backendInfo().build };
  });
  assert.equal(model.params, 235146);
  assert.equal(model.error, null);
  assert.equal(model.views, model.slots); // one mounted view per data-view slot (18 with the workspace views)
  assert.ok(model.views >= 12);
  assert.equal(model.build, 'simd');
  const views = await drawing(page);
  const byName = Object.fromEntries(views.map((v) => [v.view, v]));
  for (const name of ['init', 'dropout', 'inverted', 'training', 'inputs', 'activations']) {
    const shown = byName[name].canvases.filter((c) => c.visible);
    assert.ok(shown.length > 0, `${name}: no visible canvas`);
    for (const c of shown) assert.ok(c.painted > 0, `${name}: canvas ${c.testid || '(unnamed)'} is blank`);
  }
  assert.ok(byName.shapes.svgs > 0, 'the shapes view draws no SVG');
  const canvases = views.reduce((n, v) => n + v.canvases.length, 0);
  const svgs = views.reduce((n, v) => n + v.svgs, 0);
  console.log(`# firefox: ${canvases} canvases (${views.reduce((n, v) => n + v.canvases.filter((c) => c.painted).length, 0)} painted), ${svgs} SVGs`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: served with the strict CSP: loads with no violation, no errors, no sideways scroll at 360 px', async () => {
  const opened = await newFirefoxPage(browser);
  const { page, context, errors } = opened;
  // Firefox reports a CSP violation both as a page error over BiDi and as a
  // securitypolicyviolation event: collect the events from the first script on.
  await page.evaluateOnNewDocument(() => {
    globalThis.__violations = [];
    addEventListener('securitypolicyviolation', (e) => globalThis.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  await page.goto(`${base}/index.html`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, { timeout: 20000 });
  const r = await page.evaluate(async () => ({
    csp: await fetch(location.href).then((res) => res.headers.get('content-security-policy')),
    views: globalThis.__tinytorchApps[0].views.length,
    slots: document.querySelectorAll('[data-view]').length,
    params: globalThis.__tinytorchApps[0].model.totals.params,
    violations: [...globalThis.__violations],
  }));
  assert.equal(r.csp, CSP);
  assert.equal(r.views, r.slots);
  assert.ok(r.views >= 12);
  assert.equal(r.params, 235146);
  assert.deepEqual(r.violations, []);
  assert.deepEqual(errors, []);
  // the policy is in force: an inline script is refused, and the refusal is seen
  const refused = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'globalThis.__inlineRan = 1';
    document.body.append(s);
    await new Promise((ok) => setTimeout(ok, 50));
    return { ran: globalThis.__inlineRan, violations: [...globalThis.__violations] };
  });
  assert.equal(refused.ran, undefined);
  assert.equal(refused.violations.length, 1);
  assert.match(refused.violations[0], /^script-src/);
  for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((ok) => setTimeout(ok, 20)); // the BiDi log event may trail
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /Content-Security-Policy.*inline script/);
  errors.length = 0;
  await page.setViewport({ width: 360, height: 800 });
  await settle(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at 360px`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: from a real Jupyter Server\'s /files/ (sandbox allow-scripts, opaque origin): works', async () => {
  const res = await fetch(`${jupyter.base}/files/index.html`);
  assert.match(res.headers.get('content-security-policy'), /sandbox allow-scripts/);
  const { page, context, errors } = await open(`${jupyter.base}/files/index.html`);
  assert.equal(await page.evaluate(() => origin), 'null', 'the sandbox gives the page an opaque origin');
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].model.totals.params), 235146);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: inside a sandboxed iframe (embed.html?view=dropout): works and draws', async () => {
  const { page, context, errors } = await newFirefoxPage(browser);
  await page.goto(`${repo.url}/tests/browser/sandbox-host.html`);
  const handle = await page.waitForSelector('iframe');
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model && document.querySelector('[data-testid="mask-canvas"]'), { timeout: 20000 });
  const r = await frame.evaluate(() => ({
    origin,
    layers: globalThis.__tinytorchApps[0].model.layers.length,
    masks: document.querySelectorAll('[data-testid="mask-canvas"]').length,
  }));
  assert.equal(r.origin, 'null');
  assert.equal(r.layers, 7);
  assert.equal(r.masks, 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: the drawn dropout mask is the core\'s Dropout.mask, cell for cell', async () => {
  const { page, context, errors } = await open(`${base}/embed.html?view=dropout&batch=8`);
  await assertMasksAreTheCores(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: 50 hostile hashes: no markup runs, the page stays usable, memory stays bounded', async () => {
  const { page, context, errors } = await open(`${base}/index.html`);
  const hashes = hostileHashes(50, 20261201);
  let noticed = 0;
  let maxWasm = 0;
  for (const hash of hashes) {
    const r = await applyHostileHash(page, hash);
    if (r.notice) noticed++;
    maxWasm = Math.max(maxWasm, r.wasm);
  }
  await page.evaluate(() => { location.hash = ''; });
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].model.totals.params === 235146, { timeout: 5000 });
  console.log(`# firefox hash sample: ${hashes.length} hashes, ${noticed} showed a notice; wasm memory at most ${(maxWasm / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(noticed >= 40, `${noticed} notices`);
  assert.ok(maxWasm <= 256 * 2 ** 20, `wasm memory reached ${maxWasm} bytes`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: 100 interactions by keyboard and mouse do what they say and keep memory bounded', async () => {
  const { page, context, errors } = await open(`${base}/index.html`);
  const state = () => page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    return { ...app.state, params: app.model.totals.params, error: app.model.error };
  });
  // The JS heap is measured in Chromium only (hardening.test.js, over CDP):
  // neither BiDi nor Firefox's page APIs expose it. Here the DOM node count
  // stands in for leaks a re-render could leave, beside the core's memory.
  const measure = () => page.evaluate(() => ({ nodes: document.getElementsByTagName('*').length, ...globalThis.__tinytorchApps[0].api.memoryInfo() }));
  const slider = await page.$('[data-testid="dropout-panel"] [data-testid="dropout-p"]');
  const dropIndex = Number(await slider.evaluate((s) => s.closest('[data-testid="dropout-panel"]').dataset.index));
  const retype = async (selector, text) => {
    await page.focus(selector);
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type(text);
    await page.keyboard.press('Tab'); // leaving the field commits it (change)
  };
  const out0 = '[data-testid="layer-row"][data-index="0"] [data-testid="linear-out"]';
  const in3 = '[data-testid="layer-row"][data-index="3"] [data-testid="linear-in"]';
  let p = (await state()).net[dropIndex].p;
  const interact = async (i) => {
    const before = await state();
    switch (i % 5) {
      case 0: { // the slider, by the keyboard
        const up = i % 20 < 10 && p < 1;
        await slider.focus();
        await page.keyboard.press(up ? 'ArrowRight' : 'ArrowLeft');
        await settle(page);
        if (up || p > 0) p = Math.round((p + (up ? 0.05 : -0.05)) * 100) / 100;
        const s = await state();
        assert.ok(Math.abs(s.net[dropIndex].p - p) < 1e-9, `step ${i}: p is ${s.net[dropIndex].p}, expected ${p}`);
        break;
      }
      case 1: { // a width typed in, and the next Linear following it
        const w = 64 + 32 * (i % 7);
        await retype(out0, String(w));
        await retype(in3, String(w));
        await settle(page);
        const s = await state();
        assert.equal(s.net[0].out, w);
        assert.equal(s.net[3].in, w);
        assert.equal(s.error, null);
        assert.equal(s.params, 784 * w + w + w * 128 + 128 + 128 * 10 + 10);
        break;
      }
      case 2: { // a resample, by the mouse
        await page.click('[data-testid="resample"]');
        await settle(page);
        assert.equal((await state()).draw, before.draw + 1);
        break;
      }
      case 3: { // the mode
        const mode = before.mode === 'train' ? 'eval' : 'train';
        await page.select('[data-testid="mode"]', mode);
        await settle(page);
        assert.equal((await state()).mode, mode);
        break;
      }
      default: { // the batch, through the app
        const batch = 8 + (i % 4) * 8;
        await page.evaluate((b) => globalThis.__tinytorchApps[0].setState({ batch: b }), batch);
        await settle(page);
        assert.equal((await state()).batch, batch);
      }
    }
  };
  for (let i = 0; i < 10; i++) await interact(i); // warm-up: caches, first growth
  const start = await measure();
  for (let i = 10; i < 110; i++) await interact(i);
  const end = await measure();
  const mib = (b) => (b / 2 ** 20).toFixed(2);
  console.log(`# firefox interactions: 100; DOM nodes ${start.nodes} -> ${end.nodes}; wasm memory ${mib(start.wasmBytes)} -> ${mib(end.wasmBytes)} MiB; live tensors ${start.tensors} -> ${end.tensors}`);
  assert.ok(end.nodes <= start.nodes * 1.1, `DOM nodes grew from ${start.nodes} to ${end.nodes}`);
  assert.ok(end.wasmBytes <= start.wasmBytes * 2, `wasm memory grew from ${start.wasmBytes} to ${end.wasmBytes}`);
  assert.ok(end.tensors <= start.tensors + 8, `live tensors ${start.tensors} -> ${end.tensors}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: axe-core finds no accessibility violations at 1280 and 360 px', async () => {
  for (const path of ['index.html', 'embed.html?view=training']) {
    for (const width of [1280, 360]) {
      const { page, context } = await open(`${base}/${path}`, { width, height: 900 });
      // injected through BiDi's script.evaluate, which the page's CSP does
      // not govern (Chromium's test turns the CSP off instead)
      await page.evaluate(axeSource);
      const r = await page.evaluate(async () => {
        const res = await globalThis.axe.run(document);
        return { passes: res.passes.length, violations: res.violations.map((v) => `${v.id}: ${v.nodes.length} node(s): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`) };
      });
      assert.deepEqual(r.violations, [], `${path} at ${width}px`);
      assert.ok(r.passes > 10, `${path} at ${width}px: axe checked only ${r.passes} rules`);
      await context.close();
    }
  }
});
