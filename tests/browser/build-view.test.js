// The Build section in Debian's Chromium: the editor (CodeMirror under the
// lesson's CSP, in a shadow root), code that survives a reload, the notice
// and the file where storage is refused, a teacher's link (exercise, hints,
// solution), the student's layers driving the page's network, its views and
// a training run, and axe-core at 1280 and 360 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations, chromiumSite, repoRoot, settle, site, startSite } from './harness.js';
import { mistakeSource } from '../fixtures/build/mistakes.mjs';
import { checkInPage, fixture, openEditor } from './build-helpers.js';
import * as api from '../../js/index.js';
import { PageTrainer } from '../../web/train/trainer.js';
import { siteTrainingData } from '../js/page-data.js';
import { trainSettings } from '../../web/train/controller.js';
import { readHash } from '../../web/state.js';

const session = chromiumSite({ file: 'assets/tinytorch-editor.js', repo: true });
const { open } = session;

/**
 * Host-side layer classes made in the page from its own API (what the
 * sandbox hands the page is the same kind of object: an api.Module whose
 * forward calls the core): `kind` 'plain' is a Dropout that forgets
 * 1/(1 − p), 'inverted' a right one, 'linear' a Linear as the lesson asks.
 * Installed as app.layerImpl, as Build's "use my layers" does.
 */
function useHostLayers(page, which) {
  return page.evaluate((which) => {
    const app = globalThis.__tinytorchApps[0];
    const { Module, Tensor } = app.api;
    const dropout = (scaled) => class Dropout extends Module {
      constructor(p = 0.5) { super(); this.p = p; }
      forward(x) {
        if (!this.training || this.p === 0) return x.mul(1);
        if (this.p === 1) return x.mul(0);
        const u = Tensor.rand(x.shape);
        const keep = new Tensor(Array.from(u.data, (v) => (v >= this.p ? 1 : 0)), { shape: x.shape });
        u.dispose();
        const kept = x.mul(keep);
        keep.dispose();
        if (!scaled) return kept;
        const y = kept.mul(1 / (1 - this.p));
        kept.dispose();
        return y;
      }
      parameters() { return []; }
    };
    class Linear extends Module {
      constructor(inFeatures, outFeatures, { bias = true } = {}) {
        super();
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        const d = Tensor.randn([inFeatures, outFeatures]);
        this.weight = d.mul(Math.sqrt(1 / inFeatures));
        d.dispose();
        this.weight.requiresGrad = true;
        this.bias = bias ? Tensor.zeros([outFeatures]) : null;
        if (this.bias) this.bias.requiresGrad = true;
      }
      forward(x) {
        const xw = x.matmul(this.weight);
        if (!this.bias) return xw;
        const y = xw.add(this.bias);
        xw.dispose();
        return y;
      }
      parameters() { return this.bias ? [this.weight, this.bias] : [this.weight]; }
    }
    const impl = {};
    if (which.includes('plain')) impl.Dropout = dropout(false);
    if (which.includes('inverted')) impl.Dropout = dropout(true);
    if (which.includes('linear')) impl.Linear = Linear;
    app.layerImpl = { impl, version: (app.layerImpl?.version ?? 0) + 1 };
    app.refresh();
  }, which);
}

/** Dropout layer i's input and output data, and which run it was. */
const dropoutIO = (page, i) => page.evaluate((i) => {
  const m = globalThis.__tinytorchApps[0].model;
  return { x: Array.from(m.layers[i - 1].output.data), y: Array.from(m.layers[i].output.data), p: m.state.net[i].p };
}, i);

/** The inverted view's table: [x, mean, plain, (1-p)x] per element, as shown (the core's numbers). */
const invertedTable = (page) => page.$$eval('.tt-view-inverted .tt-inv-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(1).map((td) => Number(td.textContent.replace(/[−]/g, '-')))));

test('a student\'s Dropout without 1/(1 − p) drives the network and the inverted view; the library\'s comes back when it is switched off', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html#tt:seed=3`);
  // the library's Dropout(0.5): every output is 0 or 2·x
  const lib = await dropoutIO(page, 2);
  assert.equal(lib.p, 0.5);
  let kept = 0;
  lib.y.forEach((y, k) => { if (y !== 0) { kept++; assert.ok(Math.abs(y - 2 * lib.x[k]) <= 1e-6 * Math.abs(y)); } });
  assert.ok(kept > 0);
  // the inverted view at N = 1000 with the library's layer: the mean comes back to x
  await page.locator('.tt-view-inverted').scrollIntoViewIfNeeded();
  await page.selectOption('[data-testid="inverted-n"]', '1000');
  const libTable = await invertedTable(page);
  assert.equal(libTable.length, 16);
  for (const [x, mean] of libTable) assert.ok(Math.abs(mean / x - 1) < 0.16, `library: mean ${mean} for x ${x} (5σ at N = 1000: 0.16)`);

  await useHostLayers(page, ['plain']);
  await settle(page);
  // the network's Dropout is the student's now: every kept value is x itself, not 2·x
  const mine = await dropoutIO(page, 2);
  let keptMine = 0;
  mine.y.forEach((y, k) => { if (y !== 0) { keptMine++; assert.equal(y, mine.x[k]); } });
  const frac = keptMine / mine.y.filter((_, k) => mine.x[k] !== 0).length;
  assert.ok(Math.abs(frac - 0.5) < 0.05, `kept ${frac} of the non-zero inputs at p = 0.5`);
  // the Dropout view reads the student's mask from what the layer did, and shows the factor it applied
  const panel = page.locator('[data-testid="dropout-panel"][data-index="2"]');
  assert.equal(await panel.getAttribute('data-student'), 'yes');
  assert.equal(await panel.locator('[data-testid="scale"]').textContent(), 'your layer: ×1.000; the lesson\'s 1/(1 − p) is 2.000');
  const nonZero = mine.x.filter((v) => v !== 0).length;
  assert.match(await panel.locator('[data-testid="survivors"]').textContent(), new RegExp(`^${keptMine.toLocaleString('en-US')} of ${nonZero.toLocaleString('en-US')} non-zero inputs kept`));
  // the same link gives the same masks: the default generator is seeded from the page seed
  await page.evaluate(() => { globalThis.__tinytorchApps[0].setState({ batch: 31 }); });
  await settle(page);
  await page.evaluate(() => { globalThis.__tinytorchApps[0].setState({ batch: 32 }); });
  await settle(page);
  assert.deepEqual((await dropoutIO(page, 2)).y, mine.y);
  // the inverted view runs the student's layer: its mean settles at (1 − p)·x
  await page.selectOption('[data-testid="inverted-n"]', '100');
  await page.selectOption('[data-testid="inverted-n"]', '1000');
  assert.equal(await page.getAttribute('.tt-view-inverted', 'data-mine'), 'yes');
  const mineTable = await invertedTable(page);
  for (const [x, mean, , scaled] of mineTable) {
    assert.ok(Math.abs(mean / x - 0.5) < 0.08, `student: mean ${mean} for x ${x} (5σ at N = 1000: 0.08)`);
    assert.ok(Math.abs(mean - scaled) < 0.08 * Math.abs(x));
  }
  assert.match(await page.textContent('.tt-view-inverted .tt-inv-legend'), /your Dropout/);
  // the badges say whose code runs: Build's, the workspace's (always in view), and the layer's name
  assert.match(await page.textContent('[data-testid="build-badge"]'), /your Dropout, the library's Linear/);
  assert.equal(await page.textContent('[data-testid="ws-whose"]'), 'running your Dropout, the library\'s Linear');
  assert.equal(await page.locator('[data-testid="ws-whose"]').isVisible(), true);
  assert.match(await page.textContent('[data-testid="ws-layer"][data-index="2"]'), /^2 your Dropout/);
  assert.match(await page.textContent('[data-testid="ws-layer"][data-index="0"]'), /^0 Linear/);

  // switched off: the library's layer again, the same masks as before
  await page.evaluate(() => { const app = globalThis.__tinytorchApps[0]; app.layerImpl = { impl: {}, version: app.layerImpl.version + 1 }; app.refresh(); });
  await settle(page);
  assert.deepEqual((await dropoutIO(page, 2)).y, lib.y);
  assert.match(await page.textContent('[data-testid="build-badge"]'), /the library's Linear and Dropout/);
  assert.equal(await page.locator('[data-testid="ws-whose"]').isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

/** The data the page loads (MNIST, the default dataset), decoded as the page decodes it. */
const siteData = () => siteTrainingData(site);

test('a training run on the student\'s Linear and Dropout, checked and loaded in the sandbox: the same curves as the engine in Node with the same module', async () => {
  const hash = 'tsize=100&epochs=2&seed=5';
  const { page, errors, context } = await open(`${session.base}/embed.html?view=training,build&${hash}`);
  const r = await checkInPage(page, fixture('examples/build/layers-solution.mjs'));
  assert.match(r.summary, / passed, 0 failed$/);
  await page.check('[data-testid="build-use-linear"]');
  await page.check('[data-testid="build-use-dropout"]');
  await settle(page);
  await page.click('[data-testid="train-play"]');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.status === 'done', null, { timeout: 60000 });
  const history = await page.evaluate(() => globalThis.__tinytorchApps[0].training.trainer.history);
  assert.equal(history.length, 3);
  // Node: the reference solution's classes (examples/build/layers-solution.mjs) through the same trainer
  const solution = await import(join(repoRoot, 'examples/build/layers-solution.mjs'));
  const settings = { ...trainSettings(readHash(hash).state), impl: { Linear: solution.Linear, Dropout: solution.Dropout } };
  const t = new PageTrainer(api, settings);
  t.setData(siteData());
  t.runToEnd();
  assert.deepEqual(history, t.history);
  t.dispose();
  // and not the library's run
  const lib = new PageTrainer(api, trainSettings(readHash(hash).state));
  lib.setData(siteData());
  lib.runToEnd();
  assert.notDeepEqual(history.at(-1), lib.history.at(-1));
  console.log(`student layers, 100 images, 2 epochs: val loss ${history.at(-1).runs[0].valLoss.toFixed(4)} (library's layers: ${lib.history.at(-1).runs[0].valLoss.toFixed(4)})`);
  lib.dispose();
  assert.deepEqual(errors, []);
  await context.close();
});

test('the quiz follows the checks\' policy: a hint first, another try, the answer on request; hints=off leaves the hint out', async () => {
  for (const hints of ['on', 'off']) {
    const { page, errors, context } = await open(`${session.base}/index.html#tt:ask=p0,h${hints === 'off' ? '&hints=off' : ''}`);
    const q = page.locator('[data-testid="quiz-item"][data-q="p0"]');
    const result = q.locator('[data-testid="quiz-result"]');
    const guess = async (text) => {
      await q.locator('[data-testid="quiz-guess"]').fill(text);
      await q.locator('[data-testid="quiz-check"]').click();
      await settle(page);
    };
    await guess('200704');
    assert.equal(await result.getAttribute('data-state'), 'wrong');
    const first = await result.textContent();
    if (hints === 'on') assert.equal(first, 'Not yet: 200704 is not it. Hint: That is the weight matrix alone; this Linear has a bias too, one number per output feature.');
    else assert.equal(first, 'Not yet: 200704 is not it. Try again, or show the answer.');
    assert.ok(!first.includes('200,960') && !first.includes('200960'));
    // still open: the teacher's hidden counts stay hidden, and another try is allowed
    assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), false);
    await guess('12');
    assert.match(await result.textContent(), /^Not yet: 12 is not it \(try 2\)\./);
    await guess('200960');
    assert.equal(await result.getAttribute('data-state'), 'right');
    assert.match(await result.textContent(), /^Right: 200,960/);
    // the answer on request
    const h = page.locator('[data-testid="quiz-item"][data-q="h"]');
    await h.locator('[data-testid="quiz-reveal"]').click();
    await settle(page);
    assert.equal(await h.locator('[data-testid="quiz-result"]').getAttribute('data-state'), 'revealed');
    assert.equal(await h.locator('[data-testid="quiz-result"]').textContent(), 'The core says 470,292 bytes (235,146 parameters × 2 bytes).');
    assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), true);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

/** The text in the Build editor (CodeMirror's document). */
const editorText = (page) => page.evaluate(() => {
  const shell = document.querySelector('[data-testid="build-cm"]');
  return shell ? shell.ttEditor.getText() : document.querySelector('[data-testid="build-textarea"]').value;
});
/** Put the keyboard's cursor at the end of the editor's text. */
async function focusEditorEnd(page) {
  await page.locator('[data-testid="build-cm"] .cm-content').click();
  await page.keyboard.press('Control+End');
}

test('the editor: CodeMirror under the lesson\'s CSP (no violation), labelled, keyboard-only (Tab indents, Escape then Tab leaves); the code survives a reload, per exercise', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html`);
  const violations = [];
  await page.exposeFunction('cspViolation', (t) => violations.push(t));
  await page.evaluate(() => document.addEventListener('securitypolicyviolation', (e) => globalThis.cspViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  // not loaded with the lesson: only when Build comes near the screen
  assert.equal(await page.evaluate(() => Boolean(globalThis.TinyTorchEditor)), false);
  await openEditor(page);
  const info = await page.evaluate(() => {
    const root = document.querySelector('[data-testid="build-cm"]').shadowRoot;
    const content = root.querySelector('.cm-content');
    const keyword = [...root.querySelectorAll('.cm-line span')].find((s) => s.textContent === 'import');
    return {
      label: content.getAttribute('aria-label'), role: content.getAttribute('role'), multiline: content.getAttribute('aria-multiline'),
      display: getComputedStyle(root.querySelector('.cm-editor')).display, // CodeMirror's own stylesheet applied
      keyword: keyword && getComputedStyle(keyword).color, adopted: root.adoptedStyleSheets.length,
    };
  });
  assert.deepEqual(info, { label: 'Your layers (a JavaScript module)', role: 'textbox', multiline: 'true', display: 'flex', keyword: 'rgb(139, 31, 122)', adopted: 1 });
  // keyboard only: type a class, Tab indents, Enter keeps the indent; Escape then Tab moves on to Check
  // (on a short text: CodeMirror parses a long one in slices, and indents by the parse it has)
  await page.evaluate(() => document.querySelector('[data-testid="build-cm"]').ttEditor.setText('// mine, typed\n'));
  await focusEditorEnd(page);
  await page.keyboard.type('\n// mine\nfunction f() {');
  await page.keyboard.press('Enter');
  await page.keyboard.type('return 1;');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await page.keyboard.type('// tabbed');
  assert.equal(await editorText(page), '// mine, typed\n\n// mine\nfunction f() {\n  return 1;\n    // tabbed\n}');
  // Ctrl+Z in the editor undoes the editor's typing, not the page's last edit of the network
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ batch: 8 }));
  await settle(page);
  const before = await editorText(page);
  await page.waitForTimeout(600); // past CodeMirror's 500 ms grouping of typed text into one undo step
  await page.keyboard.type('x');
  await page.keyboard.press('Control+z');
  await settle(page);
  assert.equal(await editorText(page), before);
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].state.batch), 8);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'build-check');
  await page.waitForFunction(() => /Saved in this browser/.test(document.querySelector('[data-testid="build-saved"]').textContent));
  const typed = await editorText(page);
  // another exercise has its own code; the link carries it
  await page.selectOption('[data-testid="build-exercise"]', 'dropout');
  await page.waitForFunction(() => location.hash.includes('ex=dropout'));
  await settle(page);
  const dropoutText = await editorText(page);
  assert.notEqual(dropoutText, typed);
  assert.match(dropoutText, /class Dropout/);
  // a reload keeps both
  await page.reload();
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model);
  await openEditor(page);
  assert.equal(await editorText(page), dropoutText);
  await page.selectOption('[data-testid="build-exercise"]', 'all');
  await settle(page);
  assert.equal(await editorText(page), typed);
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('download the file, open it again, start over and bring the code back', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html`);
  await openEditor(page);
  await focusEditorEnd(page);
  await page.keyboard.type('\n// downloaded\n');
  const mine = await editorText(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="build-download"]')]);
  assert.equal(download.suggestedFilename(), 'my-layers.mjs');
  const saved = readFileSync(await download.path(), 'utf8');
  assert.equal(saved, mine);
  // start over: the starter code; "Bring back my code" restores
  await page.click('[data-testid="build-reset"]');
  assert.doesNotMatch(await editorText(page), /downloaded/);
  await page.click('[data-testid="build-undo-reset"]');
  assert.equal(await editorText(page), mine);
  // open a file: its text replaces the editor's (and can be brought back too)
  await page.setInputFiles('[data-testid="build-open"]', { name: 'other.mjs', mimeType: 'text/javascript', buffer: Buffer.from('// from a file\n') });
  await page.waitForFunction(() => /other\.mjs/.test(document.querySelector('[data-testid="build-saved"]').textContent));
  assert.equal(await editorText(page), '// from a file\n');
  // a file that is not a layers module is refused with a reason, the code untouched
  await page.setInputFiles('[data-testid="build-open"]', { name: 'big.mjs', mimeType: 'text/javascript', buffer: Buffer.alloc(300 * 1024, 97) });
  await page.waitForFunction(() => /Could not open the file: big\.mjs is 307,200 bytes/.test(document.querySelector('[data-testid="build-saved"]').textContent));
  assert.equal(await editorText(page), '// from a file\n');
  await page.click('[data-testid="build-undo-reset"]');
  assert.equal(await editorText(page), mine);
  assert.deepEqual(errors, []);
  await context.close();
});

test('where the origin has no storage (sandboxed, opaque): the page says so and offers the file; opening one still works', async () => {
  const sandboxed = await startSite('embed.html', { 'content-security-policy': "frame-ancestors 'self'; sandbox allow-scripts" });
  try {
    const { page, errors, context } = await open(`${sandboxed.url}/embed.html?view=build`);
    assert.equal(await page.evaluate(() => origin), 'null');
    const note = page.locator('[data-testid="build-nostorage"]');
    assert.equal(await note.isVisible(), true);
    assert.match(await note.textContent(), /^Your code is not saved by this page: this page runs in a sandboxed frame \(an opaque origin\), where browsers give it no storage\. It is lost when the page is closed or reloaded\. Press "Download the file"/);
    await openEditor(page);
    await focusEditorEnd(page);
    await page.keyboard.type('// kept in memory\n');
    await page.waitForTimeout(600); // past the save delay: nothing thrown, nothing claimed
    assert.equal(await page.textContent('[data-testid="build-saved"]'), '');
    // downloads are refused here too (Chromium: no allow-downloads in the sandbox): the way out is to select and copy
    await page.click('[data-testid="build-select-all"]');
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="build-cm"]').ttEditor.selectedText()), await editorText(page));
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'build-cm', 'the editor has the focus, ready for Ctrl+C');
    await page.setInputFiles('[data-testid="build-open"]', { name: 'mine.mjs', mimeType: 'text/javascript', buffer: Buffer.from('// reopened\n') });
    await page.waitForFunction(() => /mine\.mjs/.test(document.querySelector('[data-testid="build-saved"]').textContent));
    assert.equal(await editorText(page), '// reopened\n');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await sandboxed.close();
  }
});

test('a teacher\'s link: ex= opens one exercise, solution=hide offers the reference solution (loaded only then), solution=none ships nothing', async () => {
  let { page, errors, context } = await open(`${session.base}/index.html#tt:ex=dropout&solution=hide`);
  await openEditor(page);
  assert.equal(await page.inputValue('[data-testid="build-exercise"]'), 'dropout');
  assert.match(await editorText(page), /class Dropout/);
  const solutionLoaded = () => page.evaluate(() => typeof globalThis.TT_LAYERS_SOLUTION === 'string');
  assert.equal(await page.locator('[data-testid="build-solution-show"]').isVisible(), true);
  assert.equal(await solutionLoaded(), false);
  await page.click('[data-testid="build-solution-show"]');
  await page.locator('[data-testid="build-solution"]').waitFor();
  assert.equal(await page.textContent('[data-testid="build-solution"]'), readFileSync(join(repoRoot, 'examples/build/layers-solution.mjs'), 'utf8'));
  assert.deepEqual(errors, []);
  await context.close();

  ({ page, errors, context } = await open(`${session.base}/index.html#tt:solution=show`));
  await page.locator('[data-testid="build-solution"]').waitFor();
  assert.match(await page.textContent('[data-testid="build-solution"]'), /export class Sequential extends Module/);
  await context.close();

  ({ page, errors, context } = await open(`${session.base}/index.html`));
  await openEditor(page);
  assert.equal(await page.locator('.tt-build-solution').isVisible(), false);
  assert.equal(await solutionLoaded(), false);
  assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('tinytorch-solution'))), false);
  // a bad value is a notice and the default
  await context.close();
  ({ page, errors, context } = await open(`${session.base}/index.html#tt:ex=conv&solution=yes`));
  assert.match(await page.textContent('[data-notices]'), /"ex" was not used/);
  assert.equal(await page.inputValue('[data-testid="build-exercise"]'), 'all');
  await context.close();
});

for (const width of [1280, 360]) {
  test(`axe-core: no violations on the Build section at ${width} px (the lesson and the embed), editor loaded, with results; no sideways scroll`, async () => {
    for (const [path, scope] of [['index.html#tt:solution=show', '#write'], ['embed.html?view=build&solution=show', 'main']]) {
      const { page, errors, context } = await open(`${session.base}/${path}`, { width, bypassCSP: true });
      await page.locator('[data-testid="build-solution"]').waitFor();
      const r = await checkInPage(page, mistakeSource('dropout-unscaled'));
      assert.ok(r.items.some((i) => i.status === 'fail'));
      const found = await axeOn(page, scope);
      assert.deepEqual(found, [], `${path} at ${width} px`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scroll');
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
}

/** axe-core's violations inside `selector` (the page must be opened with bypassCSP). */
async function axeOn(page, selector) {
  await axeViolations(page); // loads axe-core
  return page.evaluate(async (sel) => (await globalThis.axe.run({ include: [sel] })).violations
    .map((v) => `${v.id}: ${v.nodes.length} node(s): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`), selector);
}


test('Check in the page: the reference solution passes every check through the sandbox; "use my layers" then runs its Linear and Dropout', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html#tt:seed=3`);
  const lib = await page.evaluate(() => Array.from(globalThis.__tinytorchApps[0].model.layers[6].output.data));
  const t0 = Date.now();
  const r = await checkInPage(page, fixture('examples/build/layers-solution.mjs'));
  console.log(`Check on the reference solution: ${r.summary} in ${Date.now() - t0} ms (Chromium, with the sandbox's first load)`);
  assert.match(r.summary, /^(\d+) passed, 0 failed$/);
  assert.ok(r.items.length >= 29 && r.items.every((i) => i.status === 'pass'), JSON.stringify(r.items.filter((i) => i.status !== 'pass')));
  assert.equal(await page.textContent('[data-testid="build-use-linear-state"]'), '(all its checks pass)');
  await page.check('[data-testid="build-use-linear"]');
  await page.check('[data-testid="build-use-dropout"]');
  await settle(page);
  assert.match(await page.textContent('[data-testid="build-badge"]'), /^Running now: your Linear, your Dropout\.$/);
  assert.equal(await page.textContent('[data-testid="ws-whose"]'), 'running your Linear, your Dropout');
  // the page's network is the student's now: the same shapes and counts, other numbers
  const m = await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    return { params: app.model.totals.params, shapes: app.model.layers.map((l) => l.shape), out: Array.from(app.model.layers[6].output.data), error: app.model.error, lin: app.model.layers[0].layer instanceof app.api.Linear };
  });
  assert.equal(m.params, 235146);
  assert.deepEqual(m.shapes.at(-1), [32, 10]);
  assert.equal(m.error, null);
  assert.equal(m.lin, false);
  assert.notDeepEqual(m.out, lib);
  // unticked: the library's numbers, exactly, again
  await page.uncheck('[data-testid="build-use-linear"]');
  await page.uncheck('[data-testid="build-use-dropout"]');
  await settle(page);
  assert.deepEqual(await page.evaluate(() => Array.from(globalThis.__tinytorchApps[0].model.layers[6].output.data)), lib);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Check in the page: a Dropout without 1/(1 − p) fails the checks that name the mistake, with hints (hints=off hides them); used anyway, the inverted view shows its (1 − p)·x', async () => {
  for (const hints of ['on', 'off']) {
    const { page, errors, context } = await open(`${session.base}/index.html#tt:ex=dropout${hints === 'off' ? '&hints=off' : ''}`);
    const r = await checkInPage(page, mistakeSource('dropout-unscaled'));
    const failed = r.items.filter((i) => i.status !== 'pass');
    assert.ok(failed.length > 0);
    assert.ok(r.items.every((i) => i.id.startsWith('dropout.')), 'ex=dropout runs the Dropout checks only');
    assert.ok(failed.some((i) => i.mistake === 'dropout-unscaled'), JSON.stringify(failed));
    assert.match(await page.textContent('[data-testid="build-mistake"][data-mistake="dropout-unscaled"]'), /A known mistake: Dropout without the 1\/\(1−p\) scale/);
    for (const f of failed) {
      assert.ok(f.hint, `${f.id} has a hint`);
      assert.equal(f.hint.visible, hints === 'on', `${f.id}'s hint is ${hints === 'on' ? 'shown' : 'hidden'}`);
    }
    if (hints === 'on') {
      assert.equal(await page.textContent('[data-testid="build-use-dropout-state"]'), '(some of its checks fail: the page will show what your code does)');
      await page.check('[data-testid="build-use-dropout"]');
      await settle(page);
      await page.locator('.tt-view-inverted').scrollIntoViewIfNeeded();
      await page.selectOption('[data-testid="inverted-n"]', '1000');
      assert.equal(await page.getAttribute('.tt-view-inverted', 'data-mine'), 'yes');
      for (const [x, mean] of await invertedTable(page)) assert.ok(Math.abs(mean / x - 0.5) < 0.08, `mean ${mean} for x ${x}`);
      const io = await dropoutIO(page, 2);
      io.y.forEach((y, k) => { if (y !== 0) assert.equal(y, io.x[k]); });
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('Check in the page: code that does not load shows the error with its line and a way there; the page keeps working', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html`);
  const r = await checkInPage(page, "import { Module } from 'tinytorch-wasm';\n\nexport class Linear extends Module {\n  forward(x) { return x.; }\n}\n");
  assert.equal(r.summary, 'Your code did not run, so no check could.');
  const err = await page.textContent('[data-testid="build-error"]');
  assert.match(err, /line 4/);
  await page.click('[data-testid="build-goto"]');
  // an endless loop in a constructor: stopped, reported, and the page still computes
  const t0 = Date.now();
  const loop = await checkInPage(page, "import { Module } from 'tinytorch-wasm';\nexport class Linear extends Module { constructor() { super(); while (true) {} } }\n");
  assert.ok(Date.now() - t0 < 30000);
  assert.ok(loop.items.some((i) => i.status === 'error'), loop.summary);
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ batch: 4 }));
  await settle(page);
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].model.totals.params), 235146);
  assert.deepEqual(errors, []);
  await context.close();
});

test('<tt-view view="build"> on another page: the editor loads inside the element\'s shadow root, styled, with the starter code', async () => {
  const context = await session.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${session.base}/embed.html?view=dropout`); // an http origin, for storage
  await page.setContent(`<!doctype html><html lang="en"><head><title>host</title><script src="${session.base}/assets/tinytorch-page.js"></script></head><body><h1>A course page</h1><tt-view view="build"></tt-view></body></html>`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.model, null, { timeout: 20000 });
  const t0 = Date.now();
  await page.waitForFunction(() => document.querySelector('tt-view').shadowRoot.querySelector('.tt-view-build')?.dataset.editor === 'codemirror', null, { timeout: 20000 });
  console.log(`<tt-view view="build">: CodeMirror ready ${Date.now() - t0} ms after the app`);
  const r = await page.evaluate(() => {
    const root = document.querySelector('tt-view').shadowRoot;
    const shell = root.querySelector('[data-testid="build-cm"]');
    return { text: shell.ttEditor.getText(), display: getComputedStyle(shell.shadowRoot.querySelector('.cm-editor')).display };
  });
  assert.equal(r.display, 'flex');
  assert.equal(r.text, (await import('../../js/build/starter.js')).STARTER.all);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a student\'s layer that throws in the network, or whose module the sandbox stopped (an endless loop), turns "use my layers" off with its message; the page keeps computing', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html`);
  const solution = fixture('examples/build/layers-solution.mjs');
  const at = '  forward(x) {\n    // eval, or nothing to drop';
  const cases = [
    [solution.replace(at, "  forward(x) {\n    if (this.training && x.shape[1] === 256) throw new Error('my bug');\n    // eval, or nothing to drop"),
      /^Your Dropout raised an error in the network \(layer 2\), so the page went back to the library's layers\. It said: .*my bug/],
    // the checks run the loop first: the sandbox stops it and the module is dead, so it cannot even be built
    [solution.replace(at, '  forward(x) {\n    if (this.training) while (true) {}\n    // eval, or nothing to drop'),
      /^Your class could not be built for this network, so the page went back to the library's layers\. It said: .*more than 1 s in one call \(an endless loop\?\)/],
  ];
  for (const [code, message] of cases) {
    assert.notEqual(code, solution);
    await checkInPage(page, code);
    const t0 = Date.now();
    await page.click('[data-testid="build-use-dropout"]'); // (it unticks itself once the network has run)
    await page.waitForFunction(() => !document.querySelector('[data-testid="build-use-error"]').hidden, null, { timeout: 20000 });
    console.log(`back on the library's layers after ${Date.now() - t0} ms: ${(await page.textContent('[data-testid="build-use-error"]')).slice(0, 80)}...`);
    assert.match(await page.textContent('[data-testid="build-use-error"]'), message);
    await settle(page);
    assert.equal(await page.isChecked('[data-testid="build-use-dropout"]'), false);
    assert.match(await page.textContent('[data-testid="build-badge"]'), /the library's Linear and Dropout/);
    assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].model.error), null);
    assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].model.layers[2].layer instanceof globalThis.__tinytorchApps[0].api.Dropout), true);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
