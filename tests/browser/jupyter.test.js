// The lesson under a real Jupyter Server (Debian's python3-jupyter-server,
// started here on 127.0.0.1 with an empty token): its /files/ route serves
// every file with "Content-Security-Policy: ...; sandbox allow-scripts", so
// the page runs with an opaque origin. The lesson, an embed and the views of
// site/lesson.ipynb (read through the server's contents API) all work there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, newPage, repoRoot } from './harness.js';

const site = join(repoRoot, 'dist/site');
const PY = '/usr/bin/python3'; // Debian's, which has jupyter_server (a pyenv python3 on PATH may not)
let browser;
let server; // the jupyter_server process
let base;
let home;

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

before(async () => {
  assert.ok(existsSync(join(site, 'lesson.ipynb')), 'dist/site is missing or old: run scripts/build.sh first');
  const probe = spawn(PY, ['-c', 'import jupyter_server'], { stdio: 'ignore' });
  const ok = await new Promise((r) => probe.on('exit', (c) => r(c === 0)));
  assert.ok(ok, `${PY} cannot import jupyter_server: apt-get install python3-jupyter-server (scripts/setup.sh does)`);
  home = mkdtempSync(join(tmpdir(), 'tt-jupyter-'));
  const port = await freePort();
  server = spawn(PY, ['-m', 'jupyter_server', '--allow-root', '--no-browser', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0', '--ServerApp.token=', '--ServerApp.password=', `--ServerApp.root_dir=${site}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // its runtime, config and data files go to a temporary folder, not the user's
    env: { ...process.env, HOME: home, JUPYTER_RUNTIME_DIR: join(home, 'runtime'), JUPYTER_CONFIG_DIR: join(home, 'config'), JUPYTER_DATA_DIR: join(home, 'data') },
  });
  let log = '';
  server.stderr.on('data', (d) => { log += d; });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/status`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 150 || server.exitCode !== null) throw new Error(`jupyter_server did not start:\n${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  if (home) rmSync(home, { recursive: true, force: true });
});

async function open(url) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  const page = await newPage(context, errors);
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, null, { timeout: 20000 });
  return { page, errors, context };
}

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
