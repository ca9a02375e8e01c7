// The lesson page as one workspace, in Debian's Chromium: the network
// diagram stays in view while the student scrolls (1280 px) and collapses
// to a bar with the shapes and the total on a phone (360 px); the editor's
// parameters() list follows a bias switch (6 -> 5 tensors); the arithmetic
// panel's numbers are the output cell's and the tensors'; the code view is
// web/export.js's text for the editor's network; undo/redo (buttons and
// keys, a slider drag is one entry, an insert at a position); predict-then-
// check with a teacher's ask= link; axe-core on the new states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, chromiumSite, newPage, settle } from './harness.js';
import { toPyTorch, toKeras } from '../../web/export.js';
import { DEFAULT_NET } from '../../web/state.js';

const session = chromiumSite();

const open = (hash = '', { width = 1280, height = 800 } = {}) => session.open(`${session.base}/index.html${hash}`, { width, height, bypassCSP: true });
const appState = (page) => page.evaluate(() => globalThis.__tinytorchApps[0].state);

async function axe(page, what) {
  assert.deepEqual(await axeViolations(page), [], what);
}

test('1280 px: the diagram stays in view while the lesson scrolls past the editor, dropout and memory views', async () => {
  const { page, errors, context } = await open();
  const chain = page.locator('[data-testid="ws-chain"]');
  const total = page.locator('[data-testid="ws-total"]');
  assert.equal(await page.locator('[data-testid="ws-node"]').count(), 7);
  for (const sel of ['[data-view="editor"]', '[data-view="dropout"]', '[data-view="memory"]', '.site-footer']) {
    // instant: the lesson scrolls smoothly where motion is allowed
    await page.evaluate((s) => document.querySelector(s).scrollIntoView({ block: 'center', behavior: 'instant' }), sel);
    await settle(page);
    const box = await chain.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 800, `diagram out of view at ${sel}: ${JSON.stringify(box)}`);
    assert.ok(await chain.isVisible());
    assert.ok(await total.isVisible());
    assert.ok(await page.evaluate(() => scrollY) > 800, 'the page did not scroll');
    // the view is really further down the page than the diagram stays
    const viewTop = await page.evaluate((s) => document.querySelector(s).getBoundingClientRect().top + scrollY, sel);
    assert.ok(viewTop > 1000, `${sel} at ${viewTop}`);
  }
  // what the bar says is the model's
  const m = await page.evaluate(() => {
    const model = globalThis.__tinytorchApps[0].model;
    return { params: model.totals.params, shapes: model.layers.map((r) => r.shape) };
  });
  assert.equal(m.params, 235146);
  assert.equal(await total.textContent(), '235,146 parameters');
  const shapes = await page.locator('[data-testid="ws-shapes"]').textContent();
  assert.equal(shapes, ['[32,784]', ...m.shapes.map((s) => `[${s.join(',')}]`)].join(' → '));
  // a click on a layer selects it for every view
  await page.locator('[data-testid="ws-layer"][data-index="2"]').click();
  await settle(page);
  assert.equal((await appState(page)).layer, 2);
  assert.equal(await page.locator('[data-testid="ws-layer"][data-index="2"]').getAttribute('aria-pressed'), 'true');
  // the Dropout thumbnail's label counts the kept cells of its real mask (first 16 x 64 block)
  const kept = await page.evaluate(() => {
    const row = globalThis.__tinytorchApps[0].model.layers[2];
    const d = row.layer.mask.data;
    let n = 0;
    for (let r = 0; r < 16; r++) for (let c = 0; c < 64; c++) n += d[r * 256 + c];
    return n;
  });
  const label = await page.locator('[data-testid="ws-thumb"]').nth(2).getAttribute('aria-label');
  assert.ok(label.includes(`${kept.toLocaleString('en-US')} of 1,024 cells kept`), label);
  assert.deepEqual(errors, []);
  await context.close();
});

test('360 px: the diagram is a bar with the shapes and the total, in view, no sideways scroll', async () => {
  const { page, errors, context } = await open('', { width: 360, height: 740 });
  assert.equal(await page.locator('[data-testid="ws-chain"]').isVisible(), false);
  await page.evaluate(() => document.querySelector('[data-view="memory"]').scrollIntoView({ behavior: 'instant' }));
  await settle(page);
  const bar = await page.locator('[data-testid="ws-bar"]').boundingBox();
  assert.ok(await page.evaluate(() => scrollY) > 2000, 'the page did not scroll');
  assert.ok(bar.y >= 0 && bar.y < 10, `bar at ${bar.y}`);
  assert.ok(bar.height < 140, `bar is ${bar.height}px tall`);
  assert.ok(await page.locator('[data-testid="ws-total"]').isVisible());
  assert.equal(await page.locator('[data-testid="ws-total"]').textContent(), '235,146 parameters');
  assert.match(await page.locator('[data-testid="ws-shapes"]').textContent(), /^\[32,784\] → \[32,256\].* → \[32,10\]$/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `scrolls sideways by ${overflow}px`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the editor\'s parameters() list: 6 tensors, then 5 when layer 0\'s bias is turned off; the total follows', async () => {
  const { page, errors, context } = await open();
  const rows = page.locator('[data-view="editor"] [data-testid="param-row"]');
  assert.equal(await rows.count(), 6);
  const list = async () => page.$$eval('[data-view="editor"] [data-testid="param-row"]', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(await list(), [
    ['0.weight', '[784,256]', 'true', '200,704'], ['0.bias', '[256]', 'true', '256'],
    ['3.weight', '[256,128]', 'true', '32,768'], ['3.bias', '[128]', 'true', '128'],
    ['6.weight', '[128,10]', 'true', '1,280'], ['6.bias', '[10]', 'true', '10'],
  ]);
  await page.locator('[data-view="editor"] [data-testid="layer-row"][data-index="0"] [data-testid="linear-bias"]').uncheck();
  await settle(page);
  assert.equal(await rows.count(), 5);
  assert.deepEqual((await list()).map((r) => r[0]), ['0.weight', '3.weight', '3.bias', '6.weight', '6.bias']);
  const total = page.locator('[data-testid="param-total"]');
  assert.equal(await total.getAttribute('data-tensors'), '5');
  assert.equal(await total.getAttribute('data-numbers'), String(235146 - 256));
  assert.equal(await page.locator('[data-testid="ws-total"]').textContent(), '234,890 parameters');
  // the core agrees: the model's own count
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].model.totals.params), 234890);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the arithmetic panel: a clicked cell, its terms and its value are the tensors\' numbers', async () => {
  const { page, errors, context } = await open();
  const heat = page.locator('[data-testid="ar-heatmap"]');
  await heat.scrollIntoViewIfNeeded();
  const box = await heat.boundingBox();
  const cell = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="ar-heatmap"]');
    return { w: c.width, h: c.height };
  });
  const cellPx = cell.w / 256; // canvas px per output column
  // click the middle of cell (row 5, column 17), in css px
  const sx = box.width / cell.w;
  await page.mouse.click(box.x + (17.5 * cellPx) * sx, box.y + (5.5 * cellPx) * sx);
  await settle(page);
  const result = page.locator('[data-testid="ar-result"]');
  assert.equal(await result.getAttribute('data-row'), '5');
  assert.equal(await result.getAttribute('data-col'), '17');
  const ref = await page.evaluate(() => {
    const m = globalThis.__tinytorchApps[0].model;
    const row = m.layers[0];
    const x = m.input.data;
    const W = row.layer.weight.data;
    const b = row.layer.bias.data;
    const y = row.output.data;
    const prods = [];
    for (let k = 0; k < 784; k++) prods.push([k, Math.fround(x[5 * 784 + k] * W[k * 256 + 17])]);
    prods.sort((p, q) => Math.abs(q[1]) - Math.abs(p[1]));
    let sum = 0; // float64, an independent reference for the check line
    for (const [, p] of prods) sum += p;
    return { y: y[5 * 256 + 17], top: prods.slice(0, 5), sum: sum + b[17], b: b[17] };
  });
  assert.equal(Number(await result.getAttribute('data-value')), ref.y);
  assert.match(await result.textContent(), /^y\[5\]\[17\] = /);
  const check = Number(await page.locator('[data-testid="ar-check"]').getAttribute('data-value'));
  assert.ok(Math.abs(check - ref.y) <= 1e-5 * Math.max(1, Math.abs(ref.y)), `check ${check} vs y ${ref.y}`);
  assert.ok(Math.abs(check - ref.sum) <= 1e-5 * Math.max(1, Math.abs(ref.sum)), `check ${check} vs float64 sum ${ref.sum}`);
  const terms = await page.$$eval('[data-testid="ar-term"]', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(terms.length, 5);
  terms.forEach((t, n) => {
    assert.equal(t[0], `k = ${ref.top[n][0]}`);
    assert.ok(Math.abs(Number(t[3]) - ref.top[n][1]) <= 5e-4 * Math.abs(ref.top[n][1]) + 1e-9, `${t[3]} vs ${ref.top[n][1]}`);
  });
  assert.equal(await page.locator('[data-testid="ar-rest"] td').first().textContent(), 'the other 779 terms');
  // typing the cell works too, on another Linear
  await page.locator('[data-testid="ar-layer"]').selectOption('6');
  await page.locator('[data-testid="ar-row"]').fill('31');
  await page.locator('[data-testid="ar-row"]').press('Tab');
  await page.locator('[data-testid="ar-col"]').fill('9');
  await page.locator('[data-testid="ar-col"]').press('Tab');
  await settle(page);
  const y = await page.evaluate(() => globalThis.__tinytorchApps[0].model.layers[6].output.data[31 * 10 + 9]);
  assert.equal(Number(await result.getAttribute('data-value')), y);
  assert.equal(await result.getAttribute('data-layer'), '6');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the code view is export.js\'s text for the editor\'s network, and follows an edit', async () => {
  const { page, errors, context } = await open();
  const code = page.locator('[data-testid="code-text"]');
  const js = await code.textContent();
  assert.ok(js.includes('  new Linear(784, 256),\n  new ReLU(),\n  new Dropout(0.5),'), js);
  assert.ok(js.includes('params.length; // 6'));
  assert.ok(js.includes('params.reduce((n, p) => n + p.size, 0); // 235,146 numbers, × 4 bytes = 940,584 bytes'));
  await page.locator('[data-testid="code-pytorch"]').check();
  await settle(page);
  const lesson = { net: DEFAULT_NET, init: 'xavier', batch: 32, mode: 'train' };
  assert.equal(await code.textContent(), toPyTorch(lesson));
  await page.locator('[data-testid="code-keras"]').check();
  await settle(page);
  assert.equal(await code.textContent(), toKeras(lesson));
  // an edit in the editor: the code follows
  await page.locator('[data-view="editor"] [data-testid="layer-row"][data-index="3"] [data-testid="linear-bias"]').uncheck();
  await settle(page);
  assert.ok((await code.textContent()).includes('    layers.Dense(128, use_bias=False, kernel_initializer='));
  await page.locator('[data-testid="code-copy"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="code-copied"]').textContent !== '');
  assert.deepEqual(errors, []);
  await context.close();
});

test('undo/redo: a bias switch, a whole slider drag as one entry, an insert at a position, by buttons and keys', async () => {
  const { page, errors, context } = await open();
  const net = async () => (await appState(page)).net;
  const size = () => page.evaluate(() => globalThis.__tinytorchApps[0].history.size);
  const undo = page.locator('[data-testid="undo"]');
  const redo = page.locator('[data-testid="redo"]');
  assert.equal(await undo.isDisabled(), true);

  // a drag: many input events, then one change
  await page.evaluate(async () => {
    const p = document.querySelector('[data-view="editor"] [data-testid="layer-row"][data-index="2"] [data-testid="dropout-p"]');
    for (const v of ['0.55', '0.6', '0.65', '0.7', '0.75', '0.8']) {
      p.value = v;
      p.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(r));
    }
    p.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle(page);
  assert.equal((await net())[2].p, 0.8);
  assert.deepEqual(await size(), { undo: 1, redo: 0 });

  // one more step: a bias off
  await page.locator('[data-view="editor"] [data-testid="layer-row"][data-index="0"] [data-testid="linear-bias"]').uncheck();
  await settle(page);
  assert.deepEqual(await size(), { undo: 2, redo: 0 });

  // insert a ReLU before layer 3
  await page.locator('[data-testid="add-kind"]').selectOption('relu');
  await page.locator('[data-testid="add-at"]').selectOption('3');
  await page.locator('[data-testid="add"]').click();
  await settle(page);
  let n = await net();
  assert.equal(n.length, 8);
  assert.equal(n[3].kind, 'relu');
  assert.equal(n[4].kind, 'linear');
  assert.equal(await page.locator('[data-testid="ws-node"]').count(), 8);

  // undo the insert with the button, the bias with Ctrl+Z, the drag with Cmd+Z
  await undo.click();
  await settle(page);
  assert.equal((await net()).length, 7);
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+z');
  await settle(page);
  assert.equal((await net())[0].bias, true);
  await page.keyboard.press('Meta+z');
  await settle(page);
  n = await net();
  assert.equal(n[2].p, 0.5);
  assert.deepEqual(n, DEFAULT_NET);
  assert.deepEqual(await size(), { undo: 0, redo: 3 });
  // the editor shows the restored values
  assert.equal(await page.locator('[data-view="editor"] [data-testid="layer-row"][data-index="2"] [data-testid="dropout-p"]').inputValue(), '0.5');

  // redo all three: Ctrl+Shift+Z, the redo button, Ctrl+Y
  await page.keyboard.press('Control+Shift+Z');
  await settle(page);
  assert.equal((await net())[2].p, 0.8);
  await redo.click();
  await settle(page);
  assert.equal((await net())[0].bias, false);
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+y');
  await settle(page);
  n = await net();
  assert.equal(n.length, 8);
  assert.equal(n[3].kind, 'relu');
  assert.deepEqual(await size(), { undo: 3, redo: 0 });
  assert.equal(await redo.isDisabled(), true);

  // Ctrl+Z inside a number field is the field's own undo, not the page's
  await page.locator('[data-testid="seed"]').focus();
  await page.keyboard.press('Control+z');
  await settle(page);
  assert.equal((await net()).length, 8);
  // the workspace bar's buttons drive the same history
  await page.locator('[data-testid="ws-undo"]').click();
  await settle(page);
  assert.equal((await net()).length, 7);

  // a "Try this" link is one entry: Ctrl+Z goes back to the state it replaced
  await page.locator('a[href="#batch=1"]').first().click();
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].state.batch === 1);
  await settle(page);
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+z');
  await settle(page);
  assert.equal((await appState(page)).batch, 32);
  assert.equal((await net()).length, 7);
  assert.deepEqual(errors, []);
  await context.close();
});

test('predict, then check: a teacher\'s ask= link hides the counts until the questions are answered', async () => {
  const { page, errors, context } = await open('#ask=p0,s6,k2,h');
  const items = page.locator('[data-testid="quiz-item"]');
  assert.equal(await items.count(), 4);
  assert.deepEqual(await items.evaluateAll((lis) => lis.map((li) => li.dataset.q)), ['p0', 's6', 'k2', 'h']);
  // the counts are hidden while a question is open
  assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), false);
  assert.equal(await page.locator('[data-testid="ws-hidden"]').isVisible(), true);
  assert.equal(await page.locator('[data-testid="param-total"]').isVisible(), false);
  const q = (id) => page.locator(`[data-testid="quiz-item"][data-q="${id}"]`);
  const answer = async (id, guess) => {
    await q(id).locator('[data-testid="quiz-guess"]').fill(guess);
    await q(id).locator('[data-testid="quiz-check"]').click();
    await settle(page);
    return q(id).locator('[data-testid="quiz-result"]');
  };
  // a wrong guess, the weights only: a hint that names the mistake, not the answer, and the question stays open
  let r = await answer('p0', '200,704');
  assert.equal(await r.getAttribute('data-state'), 'wrong');
  assert.match(await r.textContent(), /^Not yet: 200,704 is not it\. Hint: That is the weight matrix alone; this Linear has a bias too/);
  assert.ok(!(await r.textContent()).includes('200,960'));
  assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), false);
  r = await answer('p0', '200960');
  assert.equal(await r.getAttribute('data-state'), 'right');
  r = await answer('s6', '[32, 10]');
  assert.equal(await r.getAttribute('data-state'), 'right');
  r = await answer('k2', '4096'); // (1 - 0.5) x 32 x 256
  assert.equal(await r.getAttribute('data-state'), 'right');
  assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), false); // one still open
  r = await answer('h', '470,292'); // 235,146 x 2 bytes
  assert.equal(await r.getAttribute('data-state'), 'right');
  assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), true);
  assert.equal(await page.locator('[data-testid="param-total"]').isVisible(), true);
  // the answers are the core's: the trace's count and survivorStats
  const core = await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    return { p0: app.model.layers[0].params, k2: app.api.Dropout.survivorStats(app.model.layers[2].output.size, 0.5).expected };
  });
  assert.deepEqual(core, { p0: 200960, k2: 4096 });
  // the teacher's link names the chosen questions, written as state.js writes a hash (commas stay commas)
  assert.match(await page.locator('[data-testid="quiz-link"]').getAttribute('href'), /\/index\.html#tt:ask=p0,s6,k2,h$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a bad ask= is a notice, and the default questions are asked with nothing hidden', async () => {
  const { page, errors, context } = await open('#ask=p0,zz');
  assert.match(await page.locator('[data-notices]').textContent(), /"ask" was not used/);
  assert.deepEqual((await appState(page)).ask, []);
  assert.deepEqual(await page.locator('[data-testid="quiz-item"]').evaluateAll((lis) => lis.map((li) => li.dataset.q)), ['p0', 's6', 'k2', 'h']);
  assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the new views embedded one at a time: they render, no errors, no axe violations, no sideways scroll', async () => {
  for (const view of ['workspace', 'arithmetic', 'weights', 'probs', 'code', 'quiz']) {
    for (const width of [1280, 360]) {
      const { page, errors, context } = await session.open(`${session.base}/embed.html?view=${view}`, { width, height: 800, bypassCSP: true });
      assert.equal(await page.locator(`.tt-view-${view}`).count(), 1);
      await axe(page, `embed.html?view=${view} at ${width}px`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${view} scrolls sideways by ${overflow}px at ${width}px`);
      assert.deepEqual(errors, [], view);
      await context.close();
    }
  }
});

test('axe-core: no violations at 1280 and 360 px in the new states', async () => {
  for (const width of [1280, 360]) {
    const { page, context } = await open('#ask=p0,s6,k2,h', { width });
    await axe(page, `ask link at ${width}px`);
    await context.close();
    const b = await open('', { width });
    await b.page.locator('[data-testid="code-pytorch"]').check();
    await b.page.locator('[data-view="editor"] [data-testid="layer-row"][data-index="0"] [data-testid="linear-bias"]').uncheck();
    await b.page.locator('[data-testid="quiz-item"][data-q="p0"] [data-testid="quiz-reveal"]').click();
    if (width >= 700) await b.page.locator('[data-testid="ws-layer"][data-index="2"]').click();
    await settle(b.page);
    await axe(b.page, `edited page at ${width}px`);
    await b.context.close();
  }
});

// ---- a teacher's ask= link hides each asked answer in every view until it is answered (views/quiz.js, quiz.css)

const HIDE_KINDS = ['bytes', 'params', 'shapes', 'survivors'];

/**
 * The answer-bearing elements (data-answer) under every root in `scopes`
 * ('document' or tt-view shadow roots), the hide classes of their roots,
 * and for each element whether it is hidden: computed visibility,
 * checkVisibility and innerText.
 */
const answerMarks = (page) => page.evaluate((kinds) => {
  const scopes = [document, ...[...document.querySelectorAll('tt-view')].map((t) => t.shadowRoot).filter(Boolean)];
  return scopes.flatMap((scope) => [...scope.querySelectorAll('[data-answer]')].map((e) => ({
    view: e.closest('.tt-view')?.className.replace(/^tt-view tt-view-/, '') ?? 'lesson text',
    kinds: e.dataset.answer.split(' '),
    // its kinds that a root above it hides, by class
    hiddenKinds: kinds.filter((k) => e.dataset.answer.split(' ').includes(k) && e.closest(`.tt-hide-${k}`)),
    rendered: e.checkVisibility(), // false inside a display:none part (a closed view, an eval-only line)
    visibility: getComputedStyle(e).visibility,
    visible: e.checkVisibility({ visibilityProperty: true }),
    innerText: e.innerText,
    text: e.textContent,
  })));
}, HIDE_KINDS);

/** Every mark of a hidden kind is invisible and unreadable; every other rendered mark shows its text. */
function assertMarks(marks, hidden, what) {
  for (const m of marks) {
    const hide = m.kinds.some((k) => hidden.includes(k));
    assert.deepEqual(m.hiddenKinds, hidden.filter((k) => m.kinds.includes(k)), `${what}: ${m.view} ${m.text}`);
    if (hide) {
      assert.equal(m.visibility, 'hidden', `${what}: ${m.view} [${m.kinds}] "${m.text}" should be hidden`);
      assert.equal(m.visible, false, `${what}: ${m.view} "${m.text}"`);
      // (innerText of a part that is not rendered at all, display:none, is its text: nothing shows it)
      if (m.rendered) assert.equal(m.innerText.trim(), '', `${what}: ${m.view} "${m.text}" readable`);
    } else if (m.rendered) {
      assert.equal(m.visibility, 'visible', `${what}: ${m.view} [${m.kinds}] "${m.text}" should show`);
      assert.equal(m.innerText.trim(), m.text.trim(), `${what}: ${m.view}`);
    }
  }
}

const viewText = (page, view) => page.locator(`[data-view="${view}"]`).innerText();
const viewTree = (page, view) => page.locator(`[data-view="${view}"]`).ariaSnapshot();
const rootClasses = (page) => page.evaluate(() => [...document.body.classList].filter((c) => c.startsWith('tt-hide-')).sort());

async function answerQuestion(page, id, guess) {
  const q = page.locator(`[data-testid="quiz-item"][data-q="${id}"]`);
  if (guess === null) await q.locator('[data-testid="quiz-reveal"]').click();
  else {
    await q.locator('[data-testid="quiz-guess"]').fill(guess);
    await q.locator('[data-testid="quiz-check"]').click();
  }
  await settle(page);
  return q.locator('[data-testid="quiz-result"]').getAttribute('data-state');
}

/** What each view says of the default network's answers (batch 32), shown or not; the strings really are there once answered. */
async function readable(page) {
  const [memory, summary, box6, dropout, workspace, editor, code, ledger, cost, params] = await Promise.all([
    viewText(page, 'memory'), page.locator('[data-testid="summary-text"]').innerText(),
    page.locator('[data-testid="shape-box"][data-index="6"]').innerText(), viewText(page, 'dropout'),
    viewText(page, 'workspace'), viewText(page, 'editor'), viewText(page, 'code'), viewText(page, 'ledger'),
    viewText(page, 'cost'), viewText(page, 'params')]);
  const tree = (await Promise.all(['memory', 'shapes', 'dropout', 'workspace', 'editor', 'code', 'ledger', 'cost', 'params'].map((v) => viewTree(page, v)))).join('\n');
  return {
    p0: memory.includes('200,960') || editor.includes('200,960') || workspace.includes('200,960') || params.includes('[784,256]') || tree.includes('200,960') || tree.includes('[784,256]'),
    total: memory.includes('235,146') || workspace.includes('235,146') || editor.includes('235,146') || code.includes('235,146 numbers') || ledger.includes('235,146') || tree.includes('235,146') || tree.includes('235146'),
    bytes: memory.includes('940,584') || memory.includes('470,292') || ledger.includes('940,584') || tree.includes('940,584') || tree.includes('470,292'),
    summary: summary.includes('Total params: 235,146') || tree.includes('Total params'),
    s6: box6.includes('[32,10]') || workspace.includes('[32,10]') || tree.includes('[32,10]'),
    shapes: cost.includes('32 × 256 elements') || ledger.includes('[32,256]') || dropout.includes('Mask [32,256]') || tree.includes('[32,256]'),
    k2: /expected 4,096 ± 45/.test(dropout) || /of 8,192 kept/.test(dropout) || tree.includes('4,096 ±') || tree.includes('of 8,192 kept'),
  };
}

test('a teacher\'s #tt:ask=p0,s6,k2,h hides every answer it asks for, in every view, until each is answered', async () => {
  const { page, errors, context } = await open('#tt:ask=p0,s6,k2,h');
  await settle(page);
  assert.deepEqual(await rootClasses(page), ['tt-hide-bytes', 'tt-hide-params', 'tt-hide-shapes', 'tt-hide-survivors']);
  let marks = await answerMarks(page);
  // the views that state these numbers all mark them
  const views = [...new Set(marks.map((m) => m.view))].sort();
  assert.deepEqual(views, ['activations', 'code', 'cost', 'dropout', 'editor', 'ledger', 'lesson text', 'memory', 'params', 'shapes', 'workspace']);
  // nowhere on the page, the lesson's own sentences included, can the answers be read
  const whole = await page.locator('main').innerText();
  for (const answer of ['200,960', '235,146', '940,584', '470,292', '[32, 10]', '[32,10]']) assert.ok(!whole.includes(answer), `"${answer}" is readable on the page`);
  for (const kind of HIDE_KINDS) assert.ok(marks.some((m) => m.kinds.includes(kind) && m.text.trim()), kind);
  assertMarks(marks, HIDE_KINDS, 'all four open');
  assert.deepEqual(await readable(page), { p0: false, total: false, bytes: false, summary: false, s6: false, shapes: false, k2: false });
  // a "?" stands where a number was, and the box keeps its size (no jump)
  const mem0 = page.locator('[data-testid="mem-row"][data-index="0"] [data-testid="mem-params"]');
  assert.equal(await mem0.evaluate((e) => getComputedStyle(e, '::after').content.split(' / ')[0]), '"?"');
  assert.ok((await mem0.boundingBox()).width > 20);
  assert.ok((await page.locator('[data-testid="summary-text"]').boundingBox()).height > 100);

  // p0: the per-layer counts come back (no other p or t is open); totals stay hidden while h is open
  assert.equal(await answerQuestion(page, 'p0', '200960'), 'right');
  assert.deepEqual(await rootClasses(page), ['tt-hide-bytes', 'tt-hide-shapes', 'tt-hide-survivors']);
  assertMarks(await answerMarks(page), ['bytes', 'shapes', 'survivors'], 'after p0');
  assert.equal(await mem0.innerText(), '200,960');
  assert.match(await page.locator('[data-testid="ws-node"]').first().innerText(), /200,960 params/);
  assert.deepEqual(await readable(page), { p0: true, total: false, bytes: false, summary: false, s6: false, shapes: false, k2: false });
  // s6: every output shape
  assert.equal(await answerQuestion(page, 's6', '32, 10'), 'right');
  assertMarks(await answerMarks(page), ['bytes', 'survivors'], 'after s6');
  assert.equal(await page.locator('[data-testid="shape-box"][data-index="6"] [data-testid="shape-text"]').innerText(), '[32,10]');
  assert.deepEqual(await readable(page), { p0: true, total: false, bytes: false, summary: false, s6: true, shapes: true, k2: false });
  // k2, answered wrong: a hint, and the counts stay hidden; shown on request, they come back
  assert.equal(await answerQuestion(page, 'k2', '4000'), 'wrong');
  assertMarks(await answerMarks(page), ['bytes', 'survivors'], 'after a wrong k2');
  assert.equal(await answerQuestion(page, 'k2', null), 'revealed');
  assertMarks(await answerMarks(page), ['bytes'], 'after k2');
  assert.match(await page.locator('[data-testid="dropout-panel"][data-index="2"] [data-testid="expected"]').innerText(), /^expected 4,096 ± 45$/);
  assert.deepEqual(await readable(page), { p0: true, total: false, bytes: false, summary: false, s6: true, shapes: true, k2: true });
  // h: everything shows
  assert.equal(await answerQuestion(page, 'h', '470292'), 'right');
  assert.deepEqual(await rootClasses(page), []);
  marks = await answerMarks(page);
  assertMarks(marks, [], 'all answered');
  assert.ok(marks.every((m) => m.visibility === 'visible' || !m.rendered));
  assert.deepEqual(await readable(page), { p0: true, total: true, bytes: true, summary: true, s6: true, shapes: true, k2: true });
  assert.equal(await page.locator('[data-testid="ws-hidden"]').isVisible(), false);
  assert.match(await page.locator('main').innerText(), /For Linear\(784, 256\) that is 784 × 256 = 200,704 weights and 256 biases, 200,960 parameters/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('ask= hides per kind: p and t share the parameter counts, h hides bytes and the totals, k the survivors, a question this network lacks nothing', async () => {
  // p0 and t: the counts stay hidden until both are answered; nothing else is hidden
  let { page, errors, context } = await open('#tt:ask=p0,t');
  await settle(page);
  assert.deepEqual(await rootClasses(page), ['tt-hide-params']);
  assertMarks(await answerMarks(page), ['params'], 'p0,t');
  let r = await readable(page);
  assert.deepEqual([r.p0, r.total, r.bytes, r.s6, r.k2, r.summary], [false, false, false, true, true, false]);
  assert.equal(await answerQuestion(page, 'p0', '200960'), 'right');
  assert.deepEqual(await rootClasses(page), ['tt-hide-params'], 't is still open');
  assert.equal((await readable(page)).p0, false);
  assert.equal(await answerQuestion(page, 't', '235,146'), 'right');
  assert.deepEqual(await rootClasses(page), []);
  r = await readable(page);
  assert.deepEqual([r.p0, r.total, r.bytes, r.summary], [true, true, true, true]);
  assert.deepEqual(errors, []);
  await context.close();

  // h alone: bytes and the totals they follow from, not the per-layer counts; "Show answer" counts as answered
  ({ page, errors, context } = await open('#tt:ask=h'));
  await settle(page);
  assert.deepEqual(await rootClasses(page), ['tt-hide-bytes']);
  assertMarks(await answerMarks(page), ['bytes'], 'h');
  r = await readable(page);
  assert.deepEqual([r.p0, r.total, r.bytes, r.s6, r.k2, r.summary], [true, false, false, true, true, false]);
  assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), false);
  assert.equal(await answerQuestion(page, 'h', null), 'revealed');
  assert.deepEqual(await rootClasses(page), []);
  assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), true);
  await context.close();

  // k2 alone: the survivor counts, and the workspace's mask thumbnail whose label counts kept cells
  ({ page, errors, context } = await open('#tt:ask=k2'));
  await settle(page);
  assert.deepEqual(await rootClasses(page), ['tt-hide-survivors']);
  assertMarks(await answerMarks(page), ['survivors'], 'k2');
  r = await readable(page);
  assert.deepEqual([r.p0, r.total, r.s6, r.k2, r.summary], [true, true, true, false, true]);
  const thumb = page.locator('[data-testid="ws-thumb"]').nth(2);
  assert.equal(await thumb.evaluate((c) => getComputedStyle(c).visibility), 'hidden');
  assert.ok(!(await viewTree(page, 'workspace')).includes('cells kept'));
  assert.equal(await answerQuestion(page, 'k2', '4096'), 'right');
  assert.equal(await thumb.evaluate((c) => getComputedStyle(c).visibility), 'visible');
  assert.ok((await viewTree(page, 'workspace')).includes('of 1,024 cells kept'));
  assert.deepEqual(errors, []);
  await context.close();

  // a question this network cannot be asked (no layer 9) hides nothing
  ({ page, errors, context } = await open('#tt:ask=p9'));
  await settle(page);
  assert.deepEqual(await rootClasses(page), []);
  assert.equal(await page.locator('[data-testid="ws-total"]').isVisible(), true);
  await context.close();
});

test('answers hidden in embed.html and in linked <tt-view> shadow roots; no axe violations while hidden at 1280 and 360 px', async () => {
  for (const width of [1280, 360]) {
    // the lesson page
    const a = await open('#tt:ask=p0,s6,k2,h', { width });
    await settle(a.page);
    assertMarks(await answerMarks(a.page), HIDE_KINDS, `page at ${width}px`);
    await axe(a.page, `hidden answers, page at ${width}px`);
    await a.context.close();

    // one embed with the quiz and three views: the classes go on its root (main)
    const { page, errors, context } = await session.open(`${session.base}/embed.html?view=quiz,memory,dropout,shapes&ask=p0,s6,k2,h`, { width, height: 800, bypassCSP: true });
    await settle(page);
    assert.deepEqual(await page.evaluate(() => [...document.querySelector('main').classList].filter((c) => c.startsWith('tt-hide-')).sort()),
      ['tt-hide-bytes', 'tt-hide-params', 'tt-hide-shapes', 'tt-hide-survivors']);
    const marks = await answerMarks(page);
    assert.deepEqual([...new Set(marks.map((m) => m.view))].sort(), ['dropout', 'memory', 'shapes']);
    assertMarks(marks, HIDE_KINDS, `embed at ${width}px`);
    assert.equal(await page.locator('[data-testid="summary-text"]').innerText(), '');
    await axe(page, `hidden answers, embed at ${width}px`);
    // the embed's share link keeps its views, with the state in the query (commas stay commas)
    assert.match(await page.locator('[data-testid="quiz-link"]').getAttribute('href'), /\/embed\.html\?view=quiz,memory,dropout,shapes&ask=p0,s6,k2,h$/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `hidden answers scroll the embed sideways by ${overflow}px at ${width}px`);
    assert.deepEqual(errors, []);
    await context.close();
  }

  // <tt-view group="g">: the quiz in one shadow root hides the memory view's answers in another
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const errors = [];
  const page = await newPage(context, errors);
  await context.route('**/tt-ask-host.html', (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tt-view ask</title><link rel="icon" href="data:,">'
      + '<script src="assets/fashion-data.js" defer></script><script src="assets/tinytorch-page.js" defer></script></head>'
      + '<body><main><h1>Host</h1><tt-view view="quiz" group="g" state="ask=p0,s6"></tt-view><tt-view view="memory" group="g"></tt-view>'
      + '<tt-view view="memory"></tt-view></main></body></html>',
  }));
  await page.goto(`${session.base}/tt-ask-host.html`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.length === 2 && globalThis.__tinytorchApps.every((a) => a.model && a.views.length > 0));
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].views.length === 2);
  await settle(page);
  const r = await page.evaluate(() => {
    const [, linked, alone] = [...document.querySelectorAll('tt-view')].map((t) => t.shadowRoot);
    const mem = (root) => root.querySelector('[data-testid="mem-params"]');
    return {
      linked: [...linked.querySelector('.tt-root').classList].sort(), alone: [...alone.querySelector('.tt-root').classList].sort(),
      linkedVis: getComputedStyle(mem(linked)).visibility, linkedText: mem(linked).innerText, summary: linked.querySelector('[data-testid="summary-text"]').innerText,
      aloneVis: getComputedStyle(mem(alone)).visibility, aloneText: mem(alone).innerText,
    };
  });
  assert.deepEqual(r.linked, ['tt-answers-hidden', 'tt-hide-params', 'tt-hide-shapes', 'tt-root']);
  assert.deepEqual(r.alone, ['tt-root'], 'an element of no group has its own app, without questions');
  assert.deepEqual([r.linkedVis, r.linkedText, r.summary], ['hidden', '', '']);
  assert.deepEqual([r.aloneVis, r.aloneText], ['visible', '200,960']);
  assertMarks((await answerMarks(page)).filter((m) => m.hiddenKinds.length), ['params', 'shapes'], 'tt-view');
  assert.deepEqual(errors, []);
  await context.close();
});
