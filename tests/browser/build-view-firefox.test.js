// The Build section in Firefox (Debian's firefox-esr over WebDriver BiDi,
// tests/browser/firefox-harness.js), beside build-view.test.js in Chromium:
// CodeMirror under the lesson's CSP with no violation, the code kept across
// a reload, Check on the reference solution and on a Dropout that forgets
// 1/(1 − p) through the sandbox, that Dropout driving the network and the
// inverted view, the no-storage notice in an opaque origin, and axe-core on
// the Build section at 1280 and 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axePath, repoRoot, settle, startSite } from './harness.js';
import { mistakeSource } from '../fixtures/build/mistakes.mjs';
import { launchFirefox, newFirefoxPage, openFirefoxApp } from './firefox-harness.js';

const axeSource = readFileSync(axePath, 'utf8');
const fixture = (name) => readFileSync(join(repoRoot, name), 'utf8');

let browser;
let server; // dist/site with the lesson's CSP
let base;

before(async () => {
  server = await startSite('assets/tinytorch-editor.js');
  base = server.url;
  browser = await launchFirefox();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const open = (url, size) => openFirefoxApp(browser, url, size);

async function openEditor(page) {
  await page.evaluate(() => document.querySelector('.tt-view-build').scrollIntoView());
  await page.waitForFunction(() => document.querySelector('.tt-view-build')?.dataset.editor === 'codemirror', { timeout: 20000 });
}
const editorText = (page) => page.evaluate(() => document.querySelector('[data-testid="build-cm"]').ttEditor.getText());

/** Put `text` in the editor, press Check, wait for the results: { summary, items }. */
async function checkInPage(page, text) {
  await openEditor(page);
  await page.evaluate((t) => document.querySelector('[data-testid="build-cm"]').ttEditor.setText(t), text);
  await page.click('[data-testid="build-check"]');
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('.tt-build-results-box')?.dataset.state), { timeout: 90000 });
  return page.evaluate(() => ({
    summary: document.querySelector('[data-testid="build-summary"]').textContent,
    items: [...document.querySelectorAll('[data-testid="build-result"]')].map((li) => ({ id: li.dataset.id, status: li.dataset.status, mistake: li.querySelector('[data-testid="build-mistake"]')?.dataset.mistake ?? null })),
  }));
}

test('Firefox: CodeMirror under the lesson\'s CSP (no violation), typed by keyboard, kept across a reload', async () => {
  const { page, context, errors } = await newFirefoxPage(browser);
  await page.evaluateOnNewDocument(() => {
    globalThis.__violations = [];
    addEventListener('securitypolicyviolation', (e) => globalThis.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  await page.goto(`${base}/index.html`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, { timeout: 20000 });
  await settle(page);
  await openEditor(page);
  const info = await page.evaluate(() => {
    const root = document.querySelector('[data-testid="build-cm"]').shadowRoot;
    const keyword = [...root.querySelectorAll('.cm-line span')].find((s) => s.textContent === 'import');
    return { label: root.querySelector('.cm-content').getAttribute('aria-label'), display: getComputedStyle(root.querySelector('.cm-editor')).display, keyword: keyword && getComputedStyle(keyword).color };
  });
  assert.deepEqual(info, { label: 'Your layers (a JavaScript module)', display: 'flex', keyword: 'rgb(139, 31, 122)' });
  await page.click('[data-testid="build-cm"] >>> .cm-content');
  await page.keyboard.down('Control');
  await page.keyboard.press('End');
  await page.keyboard.up('Control');
  await page.keyboard.type('\n// typed in Firefox\n');
  await page.waitForFunction(() => /Saved in this browser/.test(document.querySelector('[data-testid="build-saved"]').textContent), { timeout: 5000 });
  const typed = await editorText(page);
  assert.match(typed, /\/\/ typed in Firefox\n$/);
  await page.reload();
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, { timeout: 20000 });
  await openEditor(page);
  assert.equal(await editorText(page), typed);
  assert.deepEqual(await page.evaluate(() => globalThis.__violations), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: Check runs the checks in the sandbox; a Dropout that forgets 1/(1 − p) fails by name and, used, drives the network and the inverted view', async () => {
  const { page, context, errors } = await open(`${base}/index.html#tt:seed=3`);
  const t0 = Date.now();
  const ok = await checkInPage(page, fixture('examples/build/layers-solution.mjs'));
  console.log(`Firefox: Check on the reference solution: ${ok.summary} in ${Date.now() - t0} ms (with the sandbox's first load)`);
  assert.match(ok.summary, /^\d+ passed, 0 failed$/);
  const bad = await checkInPage(page, mistakeSource('dropout-unscaled'));
  assert.ok(bad.items.some((i) => i.status === 'fail' && i.mistake === 'dropout-unscaled'), bad.summary);
  assert.ok(bad.items.filter((i) => i.id.startsWith('linear.')).every((i) => i.status === 'pass'), 'its Linear is right');
  await page.click('[data-testid="build-use-dropout"]');
  await settle(page);
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="ws-whose"]').textContent), 'running your Dropout, the library\'s Linear');
  const io = await page.evaluate(() => {
    const m = globalThis.__tinytorchApps[0].model;
    return { x: Array.from(m.layers[1].output.data), y: Array.from(m.layers[2].output.data) };
  });
  let kept = 0;
  io.y.forEach((y, k) => { if (y !== 0) { kept++; assert.equal(y, io.x[k]); } });
  assert.ok(kept > 1000);
  await page.evaluate(() => document.querySelector('.tt-view-inverted').scrollIntoView());
  await page.select('[data-testid="inverted-n"]', '1000');
  await settle(page);
  const table = await page.evaluate(() => [...document.querySelectorAll('.tt-view-inverted .tt-inv-table tbody tr')].map((r) => [...r.querySelectorAll('td')].slice(1, 3).map((td) => Number(td.textContent.replace(/[−]/g, '-')))));
  assert.equal(table.length, 16);
  for (const [x, mean] of table) assert.ok(Math.abs(mean / x - 0.5) < 0.08, `mean ${mean} for x ${x}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: an opaque origin (CSP sandbox) shows the no-storage notice', async () => {
  const sandboxed = await startSite('embed.html', { 'content-security-policy': "frame-ancestors 'self'; sandbox allow-scripts" });
  try {
    const { page, context, errors } = await open(`${sandboxed.url}/embed.html?view=build`);
    assert.equal(await page.evaluate(() => origin), 'null');
    assert.match(await page.evaluate(() => document.querySelector('[data-testid="build-nostorage"]').textContent), /^Your code is not saved by this page: this page runs in a sandboxed frame \(an opaque origin\)/);
    await openEditor(page);
    assert.match(await editorText(page), /export class Linear/);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await sandboxed.close();
  }
});

test('Firefox: axe-core finds nothing on the Build section at 1280 and 360 px, editor loaded', async () => {
  for (const width of [1280, 360]) {
    const { page, context, errors } = await open(`${base}/index.html#tt:solution=show`, { width, height: 900 });
    await openEditor(page);
    await page.waitForFunction(() => document.querySelector('[data-testid="build-solution"]')?.textContent.length > 0, { timeout: 10000 });
    await page.evaluate(axeSource);
    const r = await page.evaluate(async () => {
      const res = await globalThis.axe.run({ include: ['#write'] });
      return { passes: res.passes.length, violations: res.violations.map((v) => `${v.id}: ${v.nodes.length} node(s): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`) };
    });
    assert.deepEqual(r.violations, [], `${width} px`);
    assert.ok(r.passes > 10);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scroll');
    assert.deepEqual(errors, []);
    await context.close();
  }
});
