// The lesson page in Debian's Chromium: it loads everywhere a course puts it
// (a local server with the strict CSP, file://, a sandboxed iframe; a real
// Jupyter Server's /files/ route is in jupyter.test.js), shows exactly what
// the core computes, keeps its state in the URL, treats the hash as
// untrusted, passes axe-core, and the Sphinx example embeds working views.
// Screenshots for people to look at go to tests/browser/screenshots/.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertMasksAreTheCores, axeViolations, chromiumSite, newPage, repoRoot, serve, settle, site } from './harness.js';
import { CSP } from '../../scripts/serve.mjs';

const shots = join(repoRoot, 'tests/browser/screenshots');

const session = chromiumSite({ repo: true }); // repo: the sandboxed-iframe host page
before(() => mkdirSync(shots, { recursive: true }));

const { open } = session;
const appState = (page) => page.evaluate(() => globalThis.__tinytorchApps[0].state);

test('served with the strict CSP: loads, renders every view, no console errors', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html`);
  // one mounted view per data-view placeholder of the page (views are added over time)
  const views = await page.evaluate(() => ({ mounted: globalThis.__tinytorchApps[0].views.length, slots: document.querySelectorAll('[data-view]').length }));
  assert.ok(views.slots >= 9, `${views.slots} views on the page`);
  assert.equal(views.mounted, views.slots);
  const csp = await page.evaluate(() => fetch(location.href).then((r) => r.headers.get('content-security-policy')));
  assert.equal(csp, CSP);
  await page.screenshot({ path: join(shots, 'lesson-1200.png'), fullPage: true });
  await page.setViewportSize({ width: 360, height: 800 });
  await settle(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at 360px`);
  await page.screenshot({ path: join(shots, 'lesson-360.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('opened straight from disk (file://): works, no console errors', async () => {
  const { page, errors, context } = await open(`file://${site}/index.html`);
  const model = await page.evaluate(() => ({ params: globalThis.__tinytorchApps[0].model.totals.params, error: globalThis.__tinytorchApps[0].model.error }));
  assert.equal(model.params, 235146);
  assert.equal(model.error, null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('inside a sandboxed iframe (embed.html?view=dropout): works', async () => {
  const context = await session.browser.newContext();
  const errors = [];
  const page = await newPage(context, errors);
  await page.goto(`${session.repo.url}/tests/browser/sandbox-host.html`);
  const frame = page.frameLocator('iframe');
  await frame.locator('[data-testid="mask-canvas"]').first().waitFor({ timeout: 20000 });
  const inFrame = page.frames().find((f) => f.url().includes('embed.html'));
  assert.equal(await inFrame.evaluate(() => origin), 'null');
  assert.ok(await inFrame.evaluate(() => globalThis.__tinytorchApps[0].model.layers.length) > 0);
  await page.screenshot({ path: join(shots, 'embed-sandboxed.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the drawn dropout mask is the core\'s Dropout.mask, cell for cell', async () => {
  const { page, errors, context } = await open(`${session.base}/embed.html?view=dropout&batch=8`);
  await assertMasksAreTheCores(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('editing the network: shapes, parameters and summary are the core\'s', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html`);
  // widen the first hidden layer to 512 through the editor
  const out0 = page.locator('[data-testid="layer-row"][data-index="0"] [data-testid="linear-out"]');
  await out0.fill('512');
  await out0.press('Enter');
  await out0.dispatchEvent('change');
  const in3 = page.locator('[data-testid="layer-row"][data-index="3"] [data-testid="linear-in"]');
  await in3.fill('512');
  await in3.dispatchEvent('change');
  await settle(page);
  const check = await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    const { api } = app;
    // the same network built directly through the API, for the expected numbers
    const specs = app.state.net;
    const layers = specs.map((s) => (s.kind === 'linear' ? new api.Linear(s.in, s.out, { bias: s.bias }) : s.kind === 'dropout' ? new api.Dropout(s.p) : new api.ReLU()));
    const net = new api.Sequential(layers);
    const summary = net.summary([app.state.batch, 784]);
    net.dispose();
    const shapes = [...document.querySelectorAll('[data-testid="shape-box"] [data-testid="shape-text"]')].map((e) => e.textContent.trim());
    const params = [...document.querySelectorAll('[data-testid="mem-params"]')].map((e) => e.textContent.trim());
    return {
      shapes,
      expectShapes: summary.rows.map((r) => `[${r.outputShape.join(',')}]`),
      params,
      expectParams: summary.rows.filter((r) => r.type === 'Linear').map((r) => r.params.toLocaleString('en-US')),
      total: document.querySelector('[data-testid="mem-total-params"]').textContent,
      expectTotal: summary.totalParams,
      summaryText: document.querySelector('[data-testid="summary-text"]').textContent,
    };
  });
  assert.deepEqual(check.shapes, check.expectShapes);
  assert.deepEqual(check.params, check.expectParams);
  assert.equal(check.expectTotal, 784 * 512 + 512 + 512 * 128 + 128 + 128 * 10 + 10);
  assert.ok(check.total.replace(/[^0-9]/g, '').includes(String(check.expectTotal)), check.total);
  assert.match(check.summaryText, new RegExp(`Total params: ${check.expectTotal.toLocaleString('en-US')}`));
  await page.waitForFunction(() => location.hash.includes('L784-512'), null, { timeout: 5000 }); // URL writes are debounced
  // break the chain: the core's ShapeError appears at the layer that broke
  await in3.fill('200');
  await in3.dispatchEvent('change');
  await settle(page);
  const broken = await page.evaluate(() => ({
    error: globalThis.__tinytorchApps[0].model.error,
    shown: document.querySelector('[data-testid="layer-row"][data-index="3"] [data-testid="layer-error"]')?.textContent ?? '',
  }));
  assert.equal(broken.error.index, 3);
  assert.equal(broken.error.name, 'ShapeError');
  assert.ok(broken.shown.includes(broken.error.message), `editor shows "${broken.shown}"`);
  assert.match(broken.error.message, /\[32,512\].*\[200,128\]/);
  await page.screenshot({ path: join(shots, 'lesson-broken-chain.png'), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the URL round-trips: a link reopens the same state', async () => {
  const { page, context } = await open(`${session.base}/index.html`);
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({
    batch: 8, mode: 'eval', input: 'random', seed: 9, draw: 2, depth: 16, act: 'tanh', init: 'he_normal',
    net: [{ kind: 'linear', in: 784, out: 64, bias: false }, { kind: 'gelu' }, { kind: 'dropout', p: 0.2 }, { kind: 'linear', in: 64, out: 10, bias: true }],
  }));
  await page.waitForFunction(() => location.hash.includes('batch=8'), null, { timeout: 5000 }); // URL writes are debounced
  const hash = await page.evaluate(() => location.hash);
  const state = await appState(page);
  await context.close();
  const again = await open(`${session.base}/index.html${hash}`);
  assert.deepEqual(await appState(again.page), state);
  assert.equal(await again.page.locator('[data-notices]').isHidden(), true);
  assert.deepEqual(again.errors, []);
  await again.context.close();
});

test('a hostile hash: defaults, a visible notice, nothing injected', async () => {
  const evil = encodeURIComponent('<img src=x onerror="window.__pwned=1">');
  const { page, errors, context } = await open(`${session.base}/index.html#mode=${evil}&net=${evil}&batch=99999999&zzz=${evil}`);
  const r = await page.evaluate(() => ({
    state: globalThis.__tinytorchApps[0].state,
    notices: document.querySelector('[data-notices]').textContent,
    visible: !document.querySelector('[data-notices]').hidden,
    injected: document.querySelectorAll('img[src="x"]').length,
    pwned: globalThis.__pwned,
  }));
  assert.equal(r.visible, true);
  assert.match(r.notices, /<img src=x/); // shown as text
  assert.equal(r.injected, 0);
  assert.equal(r.pwned, undefined);
  assert.equal(r.state.batch, 32);
  assert.equal(r.state.net.length, 7);
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe-core finds no accessibility violations (lesson and embeds)', async () => {
  const views = ['editor', 'inputs', 'shapes', 'activations', 'dropout', 'inverted', 'init', 'memory', 'cost'];
  for (const path of ['index.html', ...views.map((v) => `embed.html?view=${v}`), 'sphinx-example/index.html']) {
    for (const width of [1200, 360]) {
      const { page, context } = await open(`${session.base}/${path}`, { bypassCSP: true, width });
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${path} at ${width}px`);
      await context.close();
    }
  }
});

test('the Sphinx (MyST) example page embeds two working views', async () => {
  const path = join(site, 'sphinx-example/index.html');
  assert.ok(existsSync(path), 'dist/site/sphinx-example is missing: scripts/build-sphinx-example.sh builds it');
  const context = await session.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  const page = await newPage(context, errors);
  await page.goto(`${session.base}/sphinx-example/index.html`);
  await page.waitForFunction(() => (globalThis.__tinytorchApps ?? []).length >= 1, null, { timeout: 20000 });
  await page.locator('tt-view .tt-view').first().waitFor();
  await page.frameLocator('iframe').locator('.tt-view').first().waitFor({ timeout: 20000 });
  await page.screenshot({ path: join(shots, 'sphinx-example.png'), fullPage: true });
  // the iframe takes its content's height (no fixed height that cuts the view off), also on a phone
  for (const width of [1100, 360]) {
    await page.setViewportSize({ width, height: 900 });
    // a frame out of sight is not laid out again (Chromium throttles it): look at it, as a reader does
    await page.locator('iframe').scrollIntoViewIfNeeded();
    await settle(page);
    const inFrame = page.frames().find((f) => f.url().includes('embed.html'));
    await page.waitForFunction(() => document.querySelector('iframe').dataset.ttHeight);
    const inner = await inFrame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    await page.waitForFunction((h) => Math.abs(document.querySelector('iframe').clientHeight - h) <= 1, inner, { timeout: 5000 });
    assert.ok(inner > 600, `the dropout view is ${inner}px tall at ${width}px`);
  }
  // the linked pair: one app drives the editor and the dropout view
  const linked = await page.evaluate(() => globalThis.__tinytorchApps.find((a) => a.views.length === 2)?.state.net.length);
  assert.equal(linked, 4);
  // the page's own styles are Sphinx's: no lesson stylesheet in the document
  assert.equal(await page.locator('link[href$="assets/style.css"]').count(), 0);
  const ours = errors.filter((e) => !/Content Security Policy/.test(e)); // Sphinx's own theme script, not ours
  assert.deepEqual(ours, []);
  await context.close();
});

test('the same seed gives the same page; a resample draws new masks and keeps the weights; no summary per render', async () => {
  const url = `${session.base}/index.html#seed=7&draw=3&input=random&batch=8`;
  const snapshot = (page) => page.evaluate(() => {
    const m = globalThis.__tinytorchApps[0].model;
    return {
      input: Array.from(m.input.data.slice(0, 64)),
      weights: m.layers.filter((r) => r.spec.kind === 'linear').map((r) => Array.from(r.layer.weight.data.slice(0, 64))),
      masks: m.layers.filter((r) => r.spec.kind === 'dropout').map((r) => Array.from(r.layer.mask.data)),
      stats: m.layers.map((r) => r.stats),
    };
  });
  const a = await open(url);
  const first = await snapshot(a.page);
  await a.context.close();
  const b = await open(url);
  const again = await snapshot(b.page);
  assert.deepEqual(again, first, 'the same link shows the same input, weights, masks and statistics');
  assert.equal(first.masks.length, 2);
  for (const m of first.masks) assert.ok(m.includes(0) && m.includes(1));
  // count Sequential.summary() calls from here on
  await b.page.evaluate(() => {
    const { api } = globalThis.__tinytorchApps[0];
    const proto = api.Sequential.prototype;
    const original = proto.summary;
    globalThis.__summaries = 0;
    proto.summary = function summary(...args) { globalThis.__summaries++; return original.apply(this, args); };
  });
  const resample = b.page.locator('[data-testid="resample"]').first();
  for (let i = 0; i < 3; i++) {
    await resample.click();
    await settle(b.page);
  }
  const after = await snapshot(b.page);
  assert.equal(await b.page.evaluate(() => globalThis.__tinytorchApps[0].state.draw), 6);
  assert.deepEqual(after.input, first.input);
  assert.deepEqual(after.weights, first.weights, 'resampling masks never redraws the weights');
  assert.notDeepEqual(after.masks[0], first.masks[0], 'a resample draws a new mask');
  assert.equal(await b.page.evaluate(() => globalThis.__summaries), 0, 'the summary is made once per network, not per render');
  // a network change makes one new summary
  await b.page.evaluate(() => globalThis.__tinytorchApps[0].setState({ batch: 9 }));
  await settle(b.page);
  assert.equal(await b.page.evaluate(() => globalThis.__summaries), 1);
  // the initialiser the student picks says what it is
  const note = await b.page.locator('[data-testid="init-note"]').textContent();
  assert.match(note, /LeCun normal/);
  assert.match(note, /xavier_normal_/);
  await b.page.locator('[data-testid="init"]').selectOption('he_normal');
  await settle(b.page);
  assert.match(await b.page.locator('[data-testid="init-note"]').textContent(), /He \(Kaiming\) normal.*std 0\.0505/);
  assert.deepEqual(b.errors, []);
  await b.context.close();
});
