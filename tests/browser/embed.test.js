// Issue 10 in Debian's Chromium: anchors that only scroll, a hash grammar
// that old links still open, embeds that show their errors, a page that
// says when WebAssembly cannot start, a work budget per state with
// build-then-swap, a cost view that measures only when asked, iframes that
// size themselves, <tt-view> in a shadow root (host styles untouched, host
// theme followed, linked views) and the small accessibility fixes. Every
// new state passes axe-core at 1280 and 360 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations, chromiumSite, newPage, notices, serve, settle, site } from './harness.js';

const session = chromiumSite({ file: 'assets/view.css', repo: true, width: 1280 }); // repo: the host pages in tests/browser

const { open } = session;

async function axe(url) {
  for (const width of [1280, 360]) {
    const { page, context } = await open(url, { bypassCSP: true, width });
    assert.deepEqual(await axeViolations(page), [], `${url} at ${width}px`);
    await context.close();
  }
}

test('anchors only scroll: the table of contents, "Skip to the lesson" and in-text links keep the student\'s work', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html#tt:batch=8&mode=eval&net=L784-64,R,L64-10`);
  const work = await page.evaluate(() => globalThis.__tinytorchApps[0].state);
  assert.equal(work.batch, 8);
  assert.equal(work.net.length, 3);
  for (const selector of ['nav.toc a[href="#reflect"]', 'a.skip-link', 'main a[href="#memory"]']) {
    const before = await page.evaluate(() => scrollY);
    if (selector === 'a.skip-link') {
      await page.focus(selector); // shown only when focused, as a keyboard user meets it
      await page.keyboard.press('Enter');
    } else {
      await page.locator(selector).first().click();
    }
    await page.waitForFunction((h) => location.hash === h, await page.locator(selector).first().getAttribute('href'));
    await settle(page);
    const after = await page.evaluate(() => ({ state: globalThis.__tinytorchApps[0].state, model: globalThis.__tinytorchApps[0].model.state, y: scrollY }));
    assert.deepEqual(after.state, work, `${selector} changed the state`);
    assert.deepEqual(after.model, work);
    assert.equal(await notices(page), '', `${selector} showed a notice`);
    if (selector !== 'a.skip-link') assert.notEqual(after.y, before, `${selector} did not scroll`);
  }
  // the next change writes the state back, with the prefix and plain commas
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ batch: 9 }));
  await page.waitForFunction(() => location.hash.startsWith('#tt:'));
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#tt:net=L784-64,R,L64-10&batch=9&mode=eval$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('links made before the prefix open the same lesson; a key given twice says which value it used', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html#net=L784-256,R,D0.2,L256-10&batch=8&mode=eval`);
  const state = await page.evaluate(() => globalThis.__tinytorchApps[0].state);
  assert.deepEqual(state.net, [{ kind: 'linear', in: 784, out: 256, bias: true }, { kind: 'relu' }, { kind: 'dropout', p: 0.2 }, { kind: 'linear', in: 256, out: 10, bias: true }]);
  assert.equal(state.batch, 8);
  assert.equal(await notices(page), '');
  // a "Try this" link of the lesson still sets state through the hashchange
  await page.locator('a[href="#batch=1"]').first().click();
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].model.state.batch === 1);
  await context.close();
  const twice = await open(`${session.base}/index.html#batch=8&batch=9999`);
  assert.equal(await twice.page.evaluate(() => globalThis.__tinytorchApps[0].model.input.shape[0]), 8);
  const text = await notices(twice.page);
  assert.match(text, /"batch" 2 times; only the first is used \(8\)/);
  assert.doesNotMatch(text, /default/);
  assert.deepEqual([...errors, ...twice.errors], []);
  await twice.context.close();
});

test('an embed shows its errors: unknown views (listing the valid ones), bad values, unknown keys; no name breaks it', async () => {
  const cases = [
    ['view=dropuot', /no view called "dropuot".*dropout, inverted/],
    ['view=dropout&batch=9999', /"batch" was not used \(9999 is outside 1\.\.256\)/],
    ['view=dropout&net=L784-256,Q', /"net" was not used \(layer 2: unknown kind "Q"\)/],
    ['view=dropout&p=0.2', /unknown setting "p"/],
    ['view=constructor', /no view called "constructor"/],
    ['view=toString', /no view called "toString"/],
    ['view=__proto__', /no view called "__proto__"/],
    ['view=hasOwnProperty', /no view called "hasOwnProperty"/],
  ];
  for (const [query, expected] of cases) {
    const { page, errors, context } = await open(`${session.base}/embed.html?${query}`);
    const text = await notices(page);
    assert.match(text, expected, query);
    assert.equal(await page.locator('main [data-notices]').isVisible(), true, `${query}: the notice is inside <main> and visible`);
    assert.deepEqual(errors, [], query);
    await context.close();
  }
  // a chosen set of views, sharing one state
  const { page, errors, context } = await open(`${session.base}/embed.html?view=editor,dropout&batch=4`);
  const r = await page.evaluate(() => ({ views: globalThis.__tinytorchApps[0].views.length, hosts: [...document.querySelectorAll('main > .tt-view')].map((e) => e.className) }));
  assert.equal(r.views, 2);
  assert.deepEqual(r.hosts, ['tt-view tt-view-editor', 'tt-view tt-view-dropout']);
  assert.deepEqual(errors, []);
  await context.close();
  await axe(`${session.base}/embed.html?view=dropuot`);
  await axe(`${session.base}/embed.html?view=editor,dropout&batch=4`);
});

test('a host CSP without \'wasm-unsafe-eval\': the page says WebAssembly could not start and how the host fixes it', async () => {
  const strict = await serve(site, { 'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'" });
  try {
    for (const path of ['embed.html?view=dropout', 'index.html']) {
      const context = await session.browser.newContext();
      const page = await newPage(context, []);
      await page.goto(`${strict.url}/${path}`);
      const box = page.locator('[data-notices][data-start-failed]');
      await box.waitFor({ timeout: 20000 });
      const text = await box.textContent();
      assert.match(text, /could not start/);
      assert.match(text, /'wasm-unsafe-eval'/);
      assert.match(text, /script-src 'self' 'wasm-unsafe-eval'/);
      await context.close();
    }
  } finally {
    await strict.close();
  }
});

test('a link over the work budget is refused before anything is built; a state over it keeps the previous network', async () => {
  const huge = `net=${Array(24).fill('L4096-4096').join(',')}&input=random&batch=256`;
  const { page, errors, context } = await open(`${session.base}/index.html#${huge}`);
  const r = await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    return { params: app.model.totals.params, wasm: app.api.memoryInfo().wasmBytes, state: app.state };
  });
  assert.equal(r.params, 235146, 'the default network is shown');
  assert.ok(r.wasm < 64 * 2 ** 20, `wasm memory ${r.wasm}`);
  const text = await notices(page);
  // 24 × 16,781,312 parameters and 25 × 256 × 4096 inputs and outputs, 4 bytes each
  assert.match(text, /about 1\.72 GB of memory \(the budget is 100\.0 MB\)/);
  // 24 × (2 × 256 × 4096 × 4096 + 256 × 4096) FLOPs
  assert.match(text, /206\.2 GFLOP per forward pass \(the budget is 1\.00 GFLOP\)/);
  assert.match(text, /default network is shown/);
  // an edit over the budget: refused, the previous network stays
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ net: [{ kind: 'linear', in: 784, out: 64, bias: true }], batch: 16 }));
  await settle(page);
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ net: [{ kind: 'linear', in: 784, out: 4096, bias: true }, { kind: 'linear', in: 4096, out: 4096, bias: true }], batch: 256 }));
  await settle(page);
  const kept = await page.evaluate(() => ({ state: globalThis.__tinytorchApps[0].state, params: globalThis.__tinytorchApps[0].model.totals.params }));
  assert.equal(kept.params, 784 * 64 + 64);
  assert.equal(kept.state.batch, 16);
  assert.match(await notices(page), /previous network is still shown/);
  assert.deepEqual(errors, []);
  await context.close();
  await axe(`${session.base}/index.html#${huge}`);
});

test('build-then-swap: when the core runs out of memory building a new network, the previous one stays intact and a notice says so', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html#tt:net=L4096-2048,R,L2048-10&input=random&batch=1`);
  const r = await page.evaluate(async () => {
    const app = globalThis.__tinytorchApps[0];
    const { api } = app;
    const w0 = Array.from(app.model.layers[0].layer.weight.data.slice(0, 16));
    // fill the core's memory (2 GB at most) so that a new Linear(4096, 2048) cannot fit
    const filler = [];
    for (const n of [16 * 2 ** 20, 2 ** 18]) {
      try { for (;;) filler.push(api.Tensor.zeros([n])); } catch { /* full at this size */ }
    }
    for (let i = 0; i < 4; i++) filler.pop().dispose(); // room for a small run, not for 33 MB of new weights
    app.setState({ seed: 43 });
    await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
    const after = {
      seed: app.state.seed,
      w1: Array.from(app.model.layers[0].layer.weight.data.slice(0, 16)),
      params: app.model.totals.params,
      notice: document.querySelector('[data-notices]').textContent,
    };
    for (const t of filler) t.dispose();
    return { w0, ...after };
  });
  assert.equal(r.seed, 42, 'the state is the previous one');
  assert.deepEqual(r.w1, r.w0, 'the same weights: the previous layers were kept, not rebuilt');
  assert.equal(r.w0.length, 16);
  assert.equal(r.params, 4096 * 2048 + 2048 + 2048 * 10 + 10);
  assert.match(r.notice, /could not be built \(.*out of memory.*\)\. The previous network is still shown, unchanged\./);
  // with the memory back, the seed change goes through
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ seed: 43 }));
  await settle(page);
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].model.state.seed), 43);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the cost view measures only when asked: no timing and no scalar bundle on load', async () => {
  const context = await session.browser.newContext();
  const errors = [];
  const page = await newPage(context, errors);
  const requests = [];
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(`${session.base}/embed.html?view=cost&batch=4`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model);
  await page.waitForTimeout(1500); // well past the old 400 ms auto-start
  assert.equal(requests.some((u) => u.includes('tinytorch-scalar.js')), false, 'the scalar bundle was fetched without a Measure');
  assert.equal(await page.locator('script[data-tt-scalar]').count(), 0);
  assert.match(await page.locator('[data-testid="measure-status"]').textContent(), /press Measure/);
  await page.locator('[data-testid="measure"]').click();
  await page.waitForFunction(() => /^Done/.test(document.querySelector('[data-testid="measure-status"]').textContent), null, { timeout: 60000 });
  assert.equal(requests.filter((u) => u.includes('tinytorch-scalar.js')).length, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('small: the survivor count is announced, the long RMS sentence is not, the summary <pre> is a named region', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html`);
  const r = await page.evaluate(() => ({
    survivors: [...document.querySelectorAll('[data-testid="survivors"]')].map((e) => e.getAttribute('aria-live')),
    rms: document.querySelector('.tt-inv-result').closest('[aria-live]'),
    pre: [document.querySelector('[data-testid="summary-text"]').getAttribute('role'), document.querySelector('[data-testid="summary-text"]').getAttribute('aria-label')],
  }));
  assert.deepEqual(r.survivors, ['polite', 'polite']);
  assert.equal(r.rms, null);
  assert.deepEqual(r.pre, ['region', 'Model summary (text)']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('small: every Dropout mask is shown at one cell size, never under 3 px; at 360 px a wide mask scrolls and the keyboard reaches it', async () => {
  for (const width of [1280, 360]) {
    const { page, errors, context } = await open(`${session.base}/embed.html?view=dropout`, { width });
    await settle(page);
    const masks = await page.evaluate(() => [...document.querySelectorAll('[data-testid="mask-canvas"]')].map((c) => {
      const app = globalThis.__tinytorchApps[0];
      const mask = app.model.layers[Number(c.dataset.layer)].layer.mask;
      const cols = mask.size / mask.shape[0];
      const wrap = c.parentElement;
      return {
        cols, cssPerCell: c.getBoundingClientRect().width / cols,
        scrolls: wrap.scrollWidth > wrap.clientWidth, tabIndex: wrap.tabIndex, role: wrap.getAttribute('role'),
      };
    }));
    assert.deepEqual(masks.map((m) => m.cols), [256, 128]);
    const cells = masks.map((m) => Math.round(m.cssPerCell * 100) / 100);
    assert.equal(cells[0], cells[1], `one cell size at ${width}px: ${cells}`);
    assert.ok(cells[0] >= 3, `${cells[0]} css px per cell at ${width}px`);
    if (width === 360) {
      assert.equal(masks[0].scrolls, true, 'the [32,256] mask scrolls at 360 px');
      assert.equal(masks[0].tabIndex, 0);
      assert.equal(masks[0].role, 'region');
    }
    for (const m of masks) if (!m.scrolls) assert.equal(m.role, null);
    assert.deepEqual(errors, []);
    await context.close();
  }
  await axe(`${session.base}/embed.html?view=dropout`);
});

test('an iframe of embed.html takes its content\'s height through the postMessage protocol (wide and narrow)', async () => {
  for (const width of [1280, 360]) {
    const context = await session.browser.newContext({ viewport: { width, height: 800 } });
    const errors = [];
    const page = await newPage(context, errors);
    await page.goto(`${session.repo.url}/tests/browser/autosize-host.html`);
    await page.frameLocator('iframe').locator('[data-testid="mask-canvas"]').first().waitFor({ timeout: 20000 });
    const frame = page.frames().find((f) => f.url().includes('embed.html'));
    await page.waitForFunction(() => document.querySelector('iframe').dataset.ttHeight);
    await settle(page);
    const inner = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    await page.waitForFunction((h) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) <= 1, inner);
    assert.ok(inner > 400, `content height ${inner}`);
    const scrolls = await frame.evaluate(() => document.documentElement.scrollHeight - innerHeight);
    assert.ok(scrolls <= 1, `the frame still scrolls by ${scrolls}px at ${width}px`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('<tt-view> draws in a shadow root: the host page keeps its own styles; linked views share one network', async () => {
  const { page, errors, context } = await open(`${session.repo.url}/tests/browser/ttview-host.html`);
  await page.waitForFunction(() => globalThis.__tinytorchApps.length === 2 && globalThis.__tinytorchApps.every((a) => a.model && a.views.length > 0));
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].views.length === 2);
  await settle(page);
  const r = await page.evaluate(() => {
    const cs = (e) => getComputedStyle(e);
    const view = document.querySelector('tt-view[view="memory"]');
    const td = view.shadowRoot.querySelector('td');
    return {
      body: [cs(document.body).backgroundColor, cs(document.body).color, cs(document.body).margin],
      h2: [cs(document.querySelector('h2')).color, cs(document.querySelector('h2')).borderBottomStyle],
      td: cs(document.querySelector('td')).textAlign,
      box: [cs(document.querySelector('.host-box')).boxSizing, document.querySelector('.host-box').getBoundingClientRect().width],
      shadow: [...document.querySelectorAll('tt-view')].map((e) => Boolean(e.shadowRoot?.querySelector('.tt-view'))),
      viewTd: cs(td).textAlign,
      viewBox: cs(view.shadowRoot.querySelector('.tt-view')).boxSizing,
      apps: globalThis.__tinytorchApps.map((a) => a.views.length),
    };
  });
  assert.deepEqual(r.body, ['rgb(250, 240, 230)', 'rgb(20, 30, 40)', '8px']);
  assert.deepEqual(r.h2, ['rgb(120, 0, 0)', 'none']);
  assert.equal(r.td, 'center');
  assert.deepEqual(r.box, ['content-box', 120]);
  assert.deepEqual(r.shadow, [true, true, true]);
  assert.equal(r.viewBox, 'border-box', 'the views still get their own styles');
  assert.ok(['right', 'left'].includes(r.viewTd));
  assert.deepEqual(r.apps, [2, 1], 'the editor and dropout of group "g" share one app; the memory view has its own');
  // linked: an edit through the group's app reaches both of its views
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ net: [{ kind: 'linear', in: 784, out: 32, bias: true }, { kind: 'dropout', p: 0.25 }, { kind: 'linear', in: 32, out: 10, bias: true }] }));
  await settle(page);
  const linked = await page.evaluate(() => ({
    rows: document.querySelector('tt-view[view="editor"]').shadowRoot.querySelectorAll('[data-testid="layer-row"]').length,
    panels: document.querySelector('tt-view[view="dropout"]').shadowRoot.querySelectorAll('[data-testid="dropout-panel"]').length,
    other: globalThis.__tinytorchApps[1].state.net.length,
  }));
  assert.deepEqual(linked, { rows: 3, panels: 1, other: 7 });
  assert.deepEqual(errors, []);
  await context.close();
  // the host's dark theme (prefers-color-scheme) reaches the views
  const dark = await open(`${session.repo.url}/tests/browser/ttview-host.html`, { colorScheme: 'dark' });
  await dark.page.waitForFunction(() => globalThis.__tinytorchApps.length === 2 && globalThis.__tinytorchApps[1].model);
  const fg = await dark.page.evaluate(() => getComputedStyle(document.querySelector('tt-view[view="memory"]')).color);
  assert.equal(fg, 'rgb(230, 230, 234)');
  assert.deepEqual(await axeViolations(dark.page), []);
  await dark.context.close();
  await axe(`${session.repo.url}/tests/browser/ttview-host.html`);
});

test('the Jupyter Book 2 (MyST-MD) example, built by mystmd: an iframe and a <tt-view>, both live, under the strict CSP', async () => {
  assert.ok(existsSync(join(site, 'myst-example/index.html')), 'dist/site/myst-example is missing: scripts/build-myst-example.sh builds it');
  const { page, errors, context } = await open(`${session.base}/myst-example/index.html`);
  await page.locator('tt-view[view="memory"] .tt-view').waitFor();
  await page.frameLocator('iframe.tt-embed').locator('[data-testid="mask-canvas"]').first().waitFor({ timeout: 20000 });
  const r = await page.evaluate(() => ({
    params: globalThis.__tinytorchApps[0].model.totals.params,
    batch: globalThis.__tinytorchApps[0].state.batch,
    sandbox: document.querySelector('iframe.tt-embed').getAttribute('sandbox'),
  }));
  assert.deepEqual(r, { params: 235146, batch: 64, sandbox: 'allow-scripts' });
  await page.locator('iframe.tt-embed').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => Number(document.querySelector('iframe.tt-embed').dataset.ttHeight) > 600);
  assert.deepEqual(errors, []);
  await context.close();
  await axe(`${session.base}/myst-example/index.html`);
});
