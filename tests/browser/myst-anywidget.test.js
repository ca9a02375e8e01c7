// Issue 24: the Jupyter Book 2 (MyST-MD) example's {anywidget} page, built by
// npm's mystmd (scripts/build-myst-example.sh) and rendered by npm's
// @myst-theme/anywidget (the book theme's renderer, hosted in the example's
// local theme), served under the lesson's strict CSP, in Debian's Chromium
// (playwright-core) and firefox-esr (puppeteer-core): the three widgets
// render, the two of group "lesson" keep one network (an edit in the editor
// widget redraws the masks of the dropout widget and its host model follows),
// the widgets take the column's width at a desktop and a phone width, and
// unmounting them through the renderer (leaving the page) frees every tensor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations, launch, newPage, settle, site, startSite } from './harness.js';
import { launchFirefox, newFirefoxPage } from './firefox-harness.js';

let server;
before(async () => {
  assert.ok(existsSync(join(site, 'myst-example/anywidget/index.html')), 'dist/site/myst-example/anywidget is missing: bash scripts/build-myst-example.sh');
  server = await startSite('myst-example/anywidget/index.html');
});
after(() => server?.close());

const PAGE = () => `${server.url}/myst-example/anywidget/index.html`;

/** In the page: the widgets' apps once all three have rendered, and what each shows. */
const widgetsReady = () => globalThis.__tinytorchApps?.length === 3 && globalThis.__tinytorchApps.every((a) => a.model)
  && document.querySelectorAll('.tt-anywidget').length === 3;

function inspect() {
  // .tt-anywidget > (the renderer's div, shadow) > .myst-anywidget > .tinytorch-widget (shadow) > .tt-root
  const widgets = [...document.querySelectorAll('.tt-anywidget')].map((mount) => {
    const outer = mount.firstElementChild?.shadowRoot;
    const host = outer?.querySelector('.myst-anywidget > .tinytorch-widget');
    const root = host?.shadowRoot;
    const view = root?.querySelector('.tt-view');
    return {
      renderer: Boolean(outer?.querySelector('.myst-anywidget')),
      view: view?.className.replace('tt-view tt-view-', ''),
      width: Math.round(host?.getBoundingClientRect().width ?? 0),
      column: Math.round(mount.getBoundingClientRect().width),
      rows: root?.querySelectorAll('[data-testid="layer-row"]').length ?? 0,
      panels: root?.querySelectorAll('[data-testid="dropout-panel"]').length ?? 0,
      notices: [...(root?.querySelectorAll('[data-notices]') ?? [])].filter((b) => !b.hidden).map((b) => b.textContent).join(' '),
    };
  });
  return { widgets, overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };
}

/** The student adds a Dropout in the editor widget. */
function addDropout() {
  const root = document.querySelector('.tt-anywidget').firstElementChild.shadowRoot.querySelector('.tinytorch-widget').shadowRoot;
  const kind = root.querySelector('[data-testid="add-kind"]');
  kind.value = 'dropout';
  kind.dispatchEvent(new Event('change', { bubbles: true }));
  root.querySelector('[data-testid="add"]').click();
}

/** Unmount every widget through the renderer, then the tensors the module's core still holds. */
async function unmountAll() {
  const esm = JSON.parse(document.querySelector('[data-anywidget]').dataset.anywidget).esm;
  const mod = await import(new URL(esm, document.baseURI).href); // the same module instance the renderer imported
  const before = mod.api.memoryInfo().tensors;
  for (const r of globalThis.__mystAnywidgetRoots) r.unmount();
  await new Promise((r) => setTimeout(r, 200)); // the renderer's cleanup runs after an abort event and awaits
  return { before, after: mod.api.memoryInfo().tensors, apps: globalThis.__tinytorchApps.length };
}

function check(name, start, linked, narrow, freed, errors) {
  assert.deepEqual(start.widgets.map((w) => [w.renderer, w.view, w.rows, w.panels, w.notices]), [
    [true, 'editor', 4, 0, ''],
    [true, 'dropout', 0, 1, ''],
    [true, 'memory', 0, 0, ''],
  ], name);
  for (const w of [...start.widgets, ...narrow.widgets]) assert.ok(Math.abs(w.width - w.column) <= 1, `${name}: the widget takes the column (${w.width} of ${w.column} px)`);
  assert.equal(start.overflow, 0, `${name}: no horizontal overflow at 1280 px`);
  assert.equal(narrow.overflow, 0, `${name}: no horizontal overflow at 420 px`);
  assert.ok(narrow.widgets[0].width < 420, name);
  assert.deepEqual(linked.widgets.map((w) => [w.rows, w.panels]), [[5, 0], [0, 2], [0, 0]], `${name}: the masks followed the editor of their group; the memory widget did not`);
  assert.ok(freed.before > 0, name);
  assert.deepEqual({ after: freed.after, apps: freed.apps }, { after: 0, apps: 0 }, `${name}: the renderer's unmount ran the widgets' cleanup`);
  assert.deepEqual(errors, [], name);
}

test('Chromium: the {anywidget} page built by mystmd, rendered by @myst-theme/anywidget: renders, links, resizes, cleans up', async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    const page = await newPage(context, errors);
    await page.goto(PAGE());
    await page.waitForFunction(widgetsReady, null, { timeout: 30000 });
    await settle(page);
    const start = await page.evaluate(inspect);
    await page.evaluate(addDropout);
    await settle(page);
    await page.waitForFunction(() => globalThis.__tinytorchApps.filter((a) => a.state.net.length === 5).length === 2); // the editor's and its group's
    await settle(page);
    const linked = await page.evaluate(inspect);
    await page.setViewportSize({ width: 420, height: 900 });
    await settle(page);
    const narrow = await page.evaluate(inspect);
    const freed = await page.evaluate(unmountAll);
    check('chromium', start, linked, narrow, freed, errors);
    await context.close();
    // axe-core, into the widgets' shadow roots, at a desktop and a phone width
    for (const width of [1280, 360]) {
      const axeContext = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const axePage = await newPage(axeContext, []);
      await axePage.goto(PAGE());
      await axePage.waitForFunction(widgetsReady, null, { timeout: 30000 });
      await settle(axePage);
      assert.deepEqual(await axeViolations(axePage), [], `axe at ${width} px`);
      await axeContext.close();
    }
  } finally {
    await browser.close();
  }
});

test('Firefox: the same page, the same checks', async () => {
  const browser = await launchFirefox();
  try {
    const { page, context, errors } = await newFirefoxPage(browser, { width: 1280, height: 900 });
    await page.goto(PAGE());
    await page.waitForFunction(widgetsReady, { timeout: 30000 });
    await settle(page);
    const start = await page.evaluate(inspect);
    await page.evaluate(addDropout);
    await settle(page);
    await page.waitForFunction(() => globalThis.__tinytorchApps.filter((a) => a.state.net.length === 5).length === 2); // the editor's and its group's
    await settle(page);
    const linked = await page.evaluate(inspect);
    await page.setViewport({ width: 420, height: 900 });
    await settle(page);
    const narrow = await page.evaluate(inspect);
    const freed = await page.evaluate(unmountAll);
    check('firefox', start, linked, narrow, freed, errors);
    await context.close();
  } finally {
    await browser.close();
  }
});
