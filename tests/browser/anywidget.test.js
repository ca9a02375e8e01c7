// Issue 24: assets/tinytorch-widget.mjs against the AnyWidget front-end
// module contract (https://anywidget.dev/en/afm/), in Debian's Chromium
// under the lesson's strict CSP. The host is scripted here as a notebook's
// model behaves (get, set, on, off, save_changes; Backbone calls a listener
// with no event object, so the widget must re-read the model): mount, the
// host's changes reach the views, the student's edits reach the host's model
// and are saved, widgets of one group keep one network, and the cleanup
// frees every tensor (the API's memoryInfo) and every listener. The same
// module also runs from a plain <script type="module"> page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, newPage, serve, site } from './harness.js';
import { CSP } from '../../scripts/serve.mjs';
import { VIEWS } from '../../web/views/index.js';

let browser;
let host; // { url, close }: a page folder with dist/site/assets next to it, under the lesson's CSP
let dir;

before(async () => {
  assert.ok(existsSync(join(site, 'assets/tinytorch-widget.mjs')), 'dist/site/assets/tinytorch-widget.mjs is missing: run node scripts/build-site.mjs');
  dir = mkdtempSync(join(tmpdir(), 'tt-anywidget-'));
  symlinkSync(join(site, 'assets'), join(dir, 'assets'));
  writeFileSync(join(dir, 'blank.html'), '<!doctype html><html lang="en"><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,"><main id="out"></main>\n');
  // a plain page: the module from a <script type="module"> (no inline script under the CSP)
  writeFileSync(join(dir, 'plain.html'), '<!doctype html><html lang="en"><meta charset="utf-8"><title>plain</title><link rel="icon" href="data:,"><main><div id="w"></div></main><script type="module" src="plain.mjs"></script>\n');
  writeFileSync(join(dir, 'plain.mjs'), "import widget, { createModel } from './assets/tinytorch-widget.mjs';\nwidget.render({ model: createModel({ view: 'memory', batch: 64 }), el: document.getElementById('w') });\n");
  host = await serve(dir, { 'content-security-policy': CSP });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * In the page: a scripted host model (Backbone-like: listeners get no
 * event), the module, and helpers on globalThis.__aw.
 */
async function openHost() {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  const page = await newPage(context, errors);
  await page.goto(`${host.url}/blank.html`);
  await page.evaluate(async () => {
    const mod = await import('/assets/tinytorch-widget.mjs');
    const scripted = (initial) => {
      const data = { ...initial };
      const listeners = new Map();
      const log = { sets: [], saves: 0, saved: [] };
      return {
        log,
        listeners,
        get: (k) => data[k],
        set(k, v) {
          log.sets.push([k, v]);
          data[k] = v;
          for (const fn of [...(listeners.get(`change:${k}`) ?? [])]) fn();
          for (const fn of [...(listeners.get('change') ?? [])]) fn();
        },
        on(name, fn) {
          if (!listeners.has(name)) listeners.set(name, new Set());
          listeners.get(name).add(fn);
        },
        off(name, fn) { listeners.get(name)?.delete(fn); },
        save_changes() { log.saves++; log.saved.push({ ...data }); },
        count: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
      };
    };
    const settled = async (el) => {
      const w = el.querySelector('.tinytorch-widget').ttWidget;
      const app = await w.ready();
      await app.settled();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return app;
    };
    await mod.api.init();
    globalThis.__aw = { mod, scripted, settled, baseline: mod.api.memoryInfo().tensors };
  });
  return { page, errors, context };
}

test('the module follows the AnyWidget contract: default export with render; mount, host -> views, student -> model + save_changes, cleanup frees every tensor and listener', async () => {
  const { page, errors, context } = await openHost();
  const r = await page.evaluate(async () => {
    const { mod, scripted, settled } = globalThis.__aw;
    const out = { exports: Object.keys(mod.default), names: mod.VIEW_NAMES };
    const model = scripted({ view: 'editor,dropout', state: 'batch=4&net=L784-64,R,D0.5,L64-10', batch: '4', mode: 'train' });
    const el = document.getElementById('out');
    const cleanup = mod.default.render({ model, el });
    out.cleanupIsFunction = typeof cleanup === 'function';
    let app = await settled(el);
    const root = el.querySelector('.tinytorch-widget').shadowRoot;
    out.mounted = {
      views: app.views.length,
      batch: app.state.batch,
      rows: root.querySelectorAll('.tt-view-editor [data-testid="layer-row"]').length,
      panels: root.querySelectorAll('.tt-view-dropout [data-testid="dropout-panel"]').length,
      inputShape: app.model.input.shape,
      sheets: root.adoptedStyleSheets.length,
      listeners: model.count(),
    };
    out.liveWhileMounted = mod.api.memoryInfo().tensors - globalThis.__aw.baseline;
    // host -> views: a single key, then the whole state
    model.set('batch', 6);
    app = await settled(el);
    out.afterBatch = { batch: app.state.batch, inputShape: app.model.input.shape };
    model.set('state', 'batch=2&mode=eval&net=L784-32,R,L32-10');
    app = await settled(el);
    out.afterState = { batch: app.state.batch, mode: app.state.mode, layers: app.model.layers.length, rows: root.querySelectorAll('.tt-view-editor [data-testid="layer-row"]').length, batchKey: model.get('batch') };
    // student -> host: a click in the editor (remove the ReLU)
    const savesBefore = model.log.saves;
    root.querySelectorAll('.tt-view-editor [data-testid="layer-row"]')[1].querySelector('[data-testid="remove"]').click();
    app = await settled(el);
    out.afterEdit = { state: model.get('state'), saves: model.log.saves - savesBefore, lastSaved: model.log.saved.at(-1).state, net: app.state.net.map((s) => s.kind) };
    // the view list: a change remounts
    model.set('view', 'memory');
    app = await settled(el);
    out.afterView = { views: app.views.map((v) => v.name), batch: app.state.batch };
    // an unknown view: a notice naming the registry's views
    model.set('view', 'dropuot');
    app = await settled(el);
    out.unknown = root.querySelector('[data-notices]').textContent;
    // the theme: the host's model can switch it; the views' dark colours follow
    const widgetHost = el.querySelector('.tinytorch-widget');
    const light = getComputedStyle(widgetHost).color;
    model.set('theme', 'dark');
    out.theme = { light, dark: getComputedStyle(widgetHost).color, attr: widgetHost.getAttribute('theme') };
    cleanup();
    out.afterCleanup = { tensors: mod.api.memoryInfo().tensors - globalThis.__aw.baseline, listeners: model.count(), children: el.childElementCount, apps: (globalThis.__tinytorchApps ?? []).length };
    return out;
  });
  assert.deepEqual(r.exports, ['render']);
  assert.deepEqual(r.names, Object.keys(VIEWS));
  assert.equal(r.cleanupIsFunction, true);
  assert.deepEqual(r.mounted, { views: 2, batch: 4, rows: 4, panels: 1, inputShape: [4, 784], sheets: 1, listeners: r.mounted.listeners });
  assert.ok(r.mounted.listeners > 20, `the widget follows every state key (${r.mounted.listeners} listeners)`);
  assert.ok(r.liveWhileMounted > 0, 'the network holds tensors while mounted');
  assert.deepEqual(r.afterBatch, { batch: 6, inputShape: [6, 784] });
  assert.deepEqual(r.afterState, { batch: 2, mode: 'eval', layers: 3, rows: 3, batchKey: '2' });
  assert.deepEqual(r.afterEdit.net, ['linear', 'linear']);
  assert.equal(r.afterEdit.state, 'net=L784-32,L32-10&batch=2&mode=eval');
  assert.equal(r.afterEdit.lastSaved, r.afterEdit.state, 'save_changes ran after the edit was set');
  assert.ok(r.afterEdit.saves >= 1);
  assert.deepEqual(r.afterView, { views: ['memory'], batch: 2 });
  assert.match(r.unknown, new RegExp(`no view called "dropuot"\\. The views are: ${Object.keys(VIEWS).join(', ')}\\.`));
  assert.deepEqual(r.theme, { light: r.theme.light, dark: 'rgb(230, 230, 234)', attr: 'dark' });
  assert.notEqual(r.theme.light, r.theme.dark);
  assert.deepEqual(r.afterCleanup, { tensors: 0, listeners: 0, children: 0, apps: 0 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('every view of the registry mounts as a widget and its cleanup leaves no live tensor', async () => {
  const { page, errors, context } = await openHost();
  const r = await page.evaluate(async (names) => {
    const { mod, scripted, settled } = globalThis.__aw;
    const out = {};
    for (const name of names) {
      const model = scripted({ view: name, batch: '8' });
      const el = document.getElementById('out');
      const cleanup = mod.default.render({ model, el });
      const app = await settled(el);
      out[name] = { views: app.views.length, notices: app.notices.length };
      cleanup();
      out[name].left = mod.api.memoryInfo().tensors - globalThis.__aw.baseline;
    }
    return out;
  }, Object.keys(VIEWS));
  for (const name of Object.keys(VIEWS)) assert.deepEqual(r[name], { views: 1, notices: 0, left: 0 }, name);
  assert.deepEqual(errors, []);
  await context.close();
});

test('widgets with one group keep one network: an edit in the editor widget redraws the masks of the dropout widget; a widget joining later starts from it', async () => {
  const { page, errors, context } = await openHost();
  const r = await page.evaluate(async () => {
    const { mod, scripted, settled } = globalThis.__aw;
    const main = document.getElementById('out');
    const els = [0, 1, 2].map(() => main.appendChild(document.createElement('div')));
    const editor = scripted({ view: 'editor', group: 'g', state: 'batch=4&net=L784-64,R,D0.5,L64-10' });
    const masks = scripted({ view: 'dropout', group: 'g' });
    const alone = scripted({ view: 'dropout', state: 'batch=4&net=L784-64,R,D0.5,L64-10' });
    const cleanups = [mod.default.render({ model: editor, el: els[0] }), mod.default.render({ model: masks, el: els[1] }), mod.default.render({ model: alone, el: els[2] })];
    const apps = [];
    for (const el of els) apps.push(await settled(el));
    const panels = (i) => els[i].querySelector('.tinytorch-widget').shadowRoot.querySelectorAll('[data-testid="dropout-panel"]').length;
    const out = { start: [apps[1].state.batch, panels(1), panels(2)] };
    // the student adds a second Dropout in the editor widget
    const root = els[0].querySelector('.tinytorch-widget').shadowRoot;
    const kind = root.querySelector('[data-testid="add-kind"]');
    kind.value = 'dropout';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    root.querySelector('[data-testid="add"]').click();
    for (const el of els) await settled(el);
    await settled(els[1]);
    out.after = { editor: apps[0].state.net.length, masks: apps[1].state.net.length, panels: [panels(1), panels(2)], modelState: masks.get('state') === editor.get('state'), same: apps[0].model.layers.length === apps[1].model.layers.length };
    // one network: the same weights, masks and outputs, layer by layer (each widget runs its own copy)
    out.identical = apps[0].model.layers.every((row, i) => {
      const a = row.output?.data; const b = apps[1].model.layers[i].output?.data;
      return a && b && a.length === b.length && a.every((v, j) => Object.is(v, b[j]));
    });
    // a widget joining the group later starts from the group's network, not its own state
    const late = scripted({ view: 'dropout', group: 'g', state: 'batch=1' });
    const el4 = main.appendChild(document.createElement('div'));
    cleanups.push(mod.default.render({ model: late, el: el4 }));
    const lateApp = await settled(el4);
    out.late = { batch: lateApp.state.batch, layers: lateApp.state.net.length };
    for (const c of cleanups) c();
    out.left = mod.api.memoryInfo().tensors - globalThis.__aw.baseline;
    return out;
  });
  assert.deepEqual(r.start, [4, 1, 1]);
  assert.deepEqual(r.after, { editor: 5, masks: 5, panels: [2, 1], modelState: true, same: true });
  assert.equal(r.identical, true, 'the two widgets of the group compute bit-identical outputs, masks included');
  assert.deepEqual(r.late, { batch: 4, layers: 5 });
  assert.equal(r.left, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('from a plain <script type="module"> page, under the lesson\'s CSP, with createModel', async () => {
  const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
  const errors = [];
  const page = await newPage(context, errors);
  await page.goto(`${host.url}/plain.html`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, null, { timeout: 20000 });
  const r = await page.evaluate(async () => {
    await globalThis.__tinytorchApps[0].settled();
    const root = document.querySelector('#w .tinytorch-widget').shadowRoot;
    return { params: globalThis.__tinytorchApps[0].model.totals.params, batch: globalThis.__tinytorchApps[0].state.batch, memory: Boolean(root.querySelector('.tt-view-memory')), width: root.querySelector('.tt-view-memory').getBoundingClientRect().width };
  });
  assert.equal(r.params, 235146);
  assert.equal(r.batch, 64);
  assert.equal(r.memory, true);
  assert.ok(r.width > 500, `the view takes the column (${r.width} px)`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the group\'s state is the one a widget gives, whatever order the host mounts them in (a stateless widget first)', async () => {
  const { page, errors, context } = await openHost();
  const r = await page.evaluate(async () => {
    const { mod, scripted, settled } = globalThis.__aw;
    const main = document.getElementById('out');
    const els = [0, 1].map(() => main.appendChild(document.createElement('div')));
    const masks = scripted({ view: 'dropout', group: 'h' }); // mounted first, gives no state
    const editor = scripted({ view: 'editor', group: 'h', state: 'batch=3&net=L784-16,D0.25,L16-10' });
    const cleanups = [mod.default.render({ model: masks, el: els[0] }), mod.default.render({ model: editor, el: els[1] })];
    const apps = [await settled(els[0]), await settled(els[1])];
    await settled(els[0]);
    const out = apps.map((a) => [a.state.batch, a.state.net.length]);
    out.push(masks.get('state'));
    for (const c of cleanups) c();
    return out;
  });
  assert.deepEqual(r, [[3, 3], [3, 3], 'net=L784-16,D0.25,L16-10&batch=3']);
  assert.deepEqual(errors, []);
  await context.close();
});
