// Issue 24: a course page on another origin frames embed.html from the dev
// server (scripts/serve.mjs), in Debian's Chromium. The course page is a
// second local server on another port, with its own strict policy (the
// lesson's origin in frame-src and script-src, as the guides tell a host).
// By default embed.html may be framed by any http(s) page and every other
// file by its own origin only; --frame-ancestors narrows embed.html.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { launch, newPage, serve, site } from './harness.js';
import { serveSite, checkFrameAncestors } from '../../scripts/serve.mjs';

let browser;
let dir;
const servers = [];
const listen = async (...args) => {
  const s = await serveSite(...args);
  servers.push(s);
  return `http://127.0.0.1:${s.address().port}`;
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tt-origin-'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

/** A course page on its own origin framing `lesson`'s embed.html, under the policy the guides give a host. */
async function coursePage(lesson) {
  writeFileSync(join(dir, 'course.html'), `<!doctype html><html lang="en"><meta charset="utf-8"><title>course</title><link rel="icon" href="data:,">
<script src="${lesson}/assets/embed-host.js" defer></script>
<main><h1>A course page</h1>
<iframe src="${lesson}/embed.html?view=dropout&amp;batch=8" sandbox="allow-scripts" title="Dropout (live)" width="100%" height="300"></iframe></main>\n`);
  const policy = `default-src 'self'; script-src 'self' ${lesson}; frame-src ${lesson}; style-src 'self'; img-src 'self' data:`;
  const course = await serve(dir, { 'content-security-policy': policy });
  servers.push({ close: (cb) => course.close().then(cb) });
  return course.url;
}

test('the dev server\'s policy: embed.html may be framed from any origin by default, the other pages by their own; the option is checked', async () => {
  const lesson = await listen(site);
  const embed = await fetch(`${lesson}/embed.html`);
  assert.match(embed.headers.get('content-security-policy'), /frame-ancestors \*$/);
  assert.match(embed.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  const index = await fetch(`${lesson}/index.html`);
  assert.match(index.headers.get('content-security-policy'), /frame-ancestors 'self'$/);
  const narrow = await listen(site, 0, null, { frameAncestors: "'self' https://course.example" });
  assert.match((await fetch(`${narrow}/embed.html`)).headers.get('content-security-policy'), /frame-ancestors 'self' https:\/\/course\.example$/);
  assert.throws(() => checkFrameAncestors("'self'; script-src *"), TypeError);
  assert.throws(() => checkFrameAncestors("'none' https://a.example"), /must stand alone/);
  const cli = spawnSync(process.execPath, [join(site, '../../scripts/serve.mjs'), '0', '--frame-ancestors', 'a b;c'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /"b;c" is not a CSP source/);
});

test('a course page on another origin frames embed.html from the dev server: the view runs and the frame takes its height', async () => {
  const lesson = await listen(site);
  const course = await coursePage(lesson);
  assert.notEqual(new URL(course).origin, new URL(lesson).origin);
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  const page = await newPage(context, errors);
  await page.goto(`${course}/course.html`);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, null, { timeout: 20000 });
  const r = await frame.evaluate(() => ({ params: globalThis.__tinytorchApps[0].model.totals.params, batch: globalThis.__tinytorchApps[0].state.batch, masks: document.querySelectorAll('[data-testid="dropout-panel"]').length }));
  assert.deepEqual(r, { params: 235146, batch: 8, masks: 2 });
  await page.waitForFunction(() => Number(document.querySelector('iframe').dataset.ttHeight) > 300, null, { timeout: 10000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('with --frame-ancestors \'self\' the same course page gets no view (the browser refuses the frame)', async () => {
  const lesson = await listen(site, 0, null, { frameAncestors: "'self'" });
  const course = await coursePage(lesson);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${course}/course.html`);
  await page.waitForTimeout(3000);
  const frame = await (await page.$('iframe')).contentFrame();
  const apps = await frame.evaluate(() => globalThis.__tinytorchApps?.length ?? 0).catch(() => 0);
  assert.equal(apps, 0);
  assert.equal(await page.evaluate(() => document.querySelector('iframe').dataset.ttHeight), undefined);
  await context.close();
});
