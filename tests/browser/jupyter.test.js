// The lesson under a real Jupyter Server (Debian's python3-jupyter-server,
// started here on 127.0.0.1 with an empty token): its /files/ route serves
// every file with "Content-Security-Policy: ...; sandbox allow-scripts", so
// the page runs with an opaque origin. The lesson, an embed and the views of
// site/lesson.ipynb (read through the server's contents API) all work there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openApp, site } from './harness.js';
import { startJupyter } from './jupyter-server.js';

let browser;
let jupyter; // { base, stop }
let base;

before(async () => {
  assert.ok(existsSync(join(site, 'lesson.ipynb')), 'dist/site is missing or old: run scripts/build.sh first');
  jupyter = await startJupyter(site);
  base = jupyter.base;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await jupyter?.stop();
});

const open = (url) => openApp(browser, url);

test('Jupyter Server\'s /files/ serves the lesson sandboxed (opaque origin): it works, and anchors keep the state', async () => {
  const res = await fetch(`${base}/files/index.html`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy'), /sandbox allow-scripts/);
  const { page, errors, context } = await open(`${base}/files/index.html#tt:batch=8`);
  assert.equal(await page.evaluate(() => origin), 'null', 'the sandbox gives the page an opaque origin');
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].model.totals.params), 235146);
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].views.length === document.querySelectorAll('[data-view]').length), true);
  await page.locator('nav.toc a[href="#use"]').click();
  await page.waitForFunction(() => location.hash === '#use');
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].state.batch), 8);
  assert.deepEqual(errors, []);
  await context.close();
});

test('site/lesson.ipynb, read through the contents API: every view its outputs show opens from /files/', async () => {
  const res = await fetch(`${base}/api/contents/lesson.ipynb?content=1`);
  assert.equal(res.status, 200);
  const nb = await res.json();
  assert.equal(nb.type, 'notebook');
  assert.equal(nb.content.nbformat, 4);
  const html = nb.content.cells.flatMap((c) => c.outputs ?? []).map((o) => o.data?.['text/html']).filter(Boolean).map((h) => (Array.isArray(h) ? h.join('') : h));
  const srcs = html.flatMap((h) => [...h.matchAll(/<iframe src="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&')));
  assert.deepEqual(srcs, ['embed.html?view=editor,dropout&batch=8', 'embed.html?view=memory&batch=64']);
  for (const src of srcs) {
    const { page, errors, context } = await open(`${base}/files/${src}`);
    const r = await page.evaluate(() => ({
      views: globalThis.__tinytorchApps[0].views.length,
      batch: globalThis.__tinytorchApps[0].state.batch,
      notice: [...document.querySelectorAll('[data-notices]')].some((b) => !b.hidden),
    }));
    const query = new URLSearchParams(src.split('?')[1]);
    assert.deepEqual(r, { views: query.get('view').split(',').length, batch: Number(query.get('batch')), notice: false }, src);
    assert.deepEqual(errors, [], src);
    await context.close();
  }
});
