// "Draw a digit" (web/views/draw/) in Debian's Chromium: a digit drawn with
// synthetic pointer events is read by the page's network, and what the
// view shows is the core's: the test takes the pad's pixels, preprocesses
// them in Node (web/views/draw/preprocess.js, itself tested against a
// float64 reference in tests/js/draw-preprocess.test.js) and runs that
// input through the page's layers with the API's own Sequential.forward in
// the page; the shown prediction and every probability must be those.
// Dropout in train mode gives a different answer on every pass, eval one
// answer; the keyboard path (cursor, Space, Enter, a test image) works
// without a pointer; axe-core finds nothing at 1280 and 360 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, chromiumSite, settle, site } from './harness.js';
import { preprocess } from '../../web/views/draw/preprocess.js';
import { PAD, coreProbs, padInk } from './draw-reads.js';
import * as api from '../../js/index.js';
import { PageTrainer } from '../../web/train/trainer.js';
import { trainSettings, weightsOf } from '../../web/train/controller.js';
import { readHash } from '../../web/state.js';
import { siteTrainingData } from '../js/page-data.js';

const session = chromiumSite();

/** Wait for the pad's next redraw (it runs on an animation frame). */
const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Draw a polyline on the pad with mouse events; points in pad pixels. */
async function drawPath(page, points) {
  const box = await page.locator('[data-testid="dr-pad"]').boundingBox();
  const at = ([x, y]) => [box.x + (x * box.width) / PAD, box.y + (y * box.height) / PAD];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
  await frames(page);
}

/** A 7: a bar across the top, then a diagonal down to the left. */
const SEVEN = [[60, 50], [170, 50], [150, 100], [120, 160], [100, 190]];

/** What the view shows: the prediction and the probabilities of its table. */
const shown = (page) => page.evaluate(() => {
  const pred = document.querySelector('[data-testid="dr-pred"]');
  return {
    pred: Number(pred.dataset.pred),
    text: pred.textContent,
    probs: [...document.querySelectorAll('[data-testid="dr-probs"] td[data-p]')].map((td) => Number(td.dataset.p)),
    label: document.querySelector('[data-testid="dr-pad"]').getAttribute('aria-label'),
  };
});

const argmax = (a) => a.reduce((b, v, i) => (v > a[b] ? i : b), 0);

test('a digit drawn with pointer events: the shown prediction and probabilities are the core\'s for the preprocessed drawing (eval mode)', async () => {
  const { page, errors, context } = await session.open(`${session.base}/embed.html?view=draw&mode=eval`);
  assert.match(await page.textContent('[data-testid="dr-note"]'), /Draw something/);
  await drawPath(page, SEVEN);
  const ink = await padInk(page);
  const prep = preprocess(Float32Array.from(ink), PAD, PAD);
  assert.ok(prep, 'the pad has ink');
  // the view's input is Node's preprocessing of the same pixels
  const input = await page.evaluate(() => Array.from(document.querySelector('.tt-view-draw').ttDraw.input));
  assert.deepEqual(input, Array.from(prep.input));
  const want = await coreProbs(page, Array.from(prep.input));
  const got = await shown(page);
  assert.equal(got.probs.length, 10);
  assert.deepEqual(got.probs, want.map((v) => Math.fround(v)));
  assert.equal(got.pred, argmax(want));
  assert.match(got.text, /eval mode/);
  // the text alternative: the top three
  const top = [...want.keys()].sort((a, b) => want[b] - want[a]).slice(0, 3);
  assert.match(got.label, /top three/);
  assert.equal((got.label.match(/%/g) ?? []).length, 3, got.label);
  // every layer's activations, one strip each
  assert.equal(await page.locator('[data-testid="dr-act"]').count(), await page.evaluate(() => globalThis.__tinytorchApps[0].model.layers.length));
  // eval: the same answer on every redraw
  const again = [];
  for (let k = 0; k < 3; k++) {
    await page.evaluate(() => globalThis.__tinytorchApps[0].refresh());
    await settle(page);
    again.push((await shown(page)).probs);
  }
  for (const p of again) assert.deepEqual(p, got.probs);
  const fl = await page.evaluate(() => document.querySelector('[data-testid="dr-flicker"]').dataset);
  assert.ok(Number(fl.hi) > Number(fl.lo), `train passes vary: ${fl.lo}..${fl.hi}`);
  assert.ok(top.length === 3);
  assert.deepEqual(errors, []);
  await context.close();
});

test('train mode: every pass draws a new Dropout mask, so the prediction flickers; the page\'s own masks stay as they were', async () => {
  const { page, errors, context } = await session.open(`${session.base}/embed.html?view=draw,dropout&mode=eval`);
  await drawPath(page, SEVEN);
  await page.check('[data-testid="dr-mode-train"]');
  await settle(page);
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].state.mode), 'train');
  const masksBefore = await page.evaluate(() => globalThis.__tinytorchApps[0].model.layers.filter((r) => r.spec.kind === 'dropout').map((r) => Array.from(r.layer.mask.data)));
  const runs = [];
  for (let k = 0; k < 4; k++) {
    await page.evaluate(() => globalThis.__tinytorchApps[0].refresh());
    await settle(page);
    runs.push(await shown(page));
  }
  assert.match(runs[0].text, /train mode/);
  // four redraws of one drawing, four different probability vectors
  const distinct = new Set(runs.map((r) => r.probs.join()));
  assert.equal(distinct.size, 4, 'train mode gives a new answer each pass');
  // the 20 train passes disagree with each other; eval's answer is the core's eval forward
  const { fl, evalPred, passes } = await page.evaluate(() => {
    const v = document.querySelector('.tt-view-draw').ttDraw;
    return { fl: { ...document.querySelector('[data-testid="dr-flicker"]').dataset }, evalPred: v.evalPred, passes: v.passes };
  });
  assert.equal(passes.length, 20);
  assert.ok(Number(fl.hi) > Number(fl.lo));
  const ink = await padInk(page);
  const want = await coreProbs(page, Array.from(preprocess(Float32Array.from(ink), PAD, PAD).input));
  assert.equal(evalPred, argmax(want));
  // the view drew its own masks: the page's Dropout layers still hold theirs (the batch's)
  const masksAfter = await page.evaluate(() => globalThis.__tinytorchApps[0].model.layers.filter((r) => r.spec.kind === 'dropout').map((r) => Array.from(r.layer.mask.data)));
  assert.equal(masksAfter.length, 2);
  assert.equal(masksAfter[0].length, 32 * 256, 'the first Dropout\'s mask is the batch\'s [32, 256]');
  assert.deepEqual(masksAfter, masksBefore);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the keyboard path: the cursor paints, a test image can be put on the pad, and both are read by the core', async () => {
  const { page, errors, context } = await session.open(`${session.base}/embed.html?view=draw&mode=eval`);
  await page.focus('[data-testid="dr-padbox"]');
  // a vertical stroke: pen down, eight cells down, pen up
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  for (let k = 0; k < 8; k++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press(' ');
  await frames(page);
  let prep = preprocess(Float32Array.from(await padInk(page)), PAD, PAD);
  assert.ok(prep, 'the keys painted');
  assert.ok(prep.box.y1 - prep.box.y0 > 60, `a stroke of 8 cells, box ${JSON.stringify(prep.box)}`);
  let want = await coreProbs(page, Array.from(prep.input));
  assert.deepEqual((await shown(page)).probs, want.map((v) => Math.fround(v)));
  // Delete erases under the cursor
  const before = (await padInk(page)).reduce((a, b) => a + b, 0);
  await page.keyboard.press('Delete');
  await frames(page);
  assert.ok((await padInk(page)).reduce((a, b) => a + b, 0) < before);
  // the live region says what the network reads, once the keys stop
  await page.waitForFunction(() => /reads your drawing as/.test(document.querySelector('[data-testid="dr-live"]').textContent));
  // a test image on the pad: its own 28 × 28 pixels, scaled up; the input is the core's to read
  await page.selectOption('[data-testid="dr-pick"]', '3');
  await frames(page);
  prep = preprocess(Float32Array.from(await padInk(page)), PAD, PAD);
  want = await coreProbs(page, Array.from(prep.input));
  const got = await shown(page);
  assert.deepEqual(got.probs, want.map((v) => Math.fround(v)));
  assert.equal(got.pred, argmax(want));
  // Clear empties it
  await page.click('[data-testid="dr-clear"]');
  await frames(page);
  assert.equal(preprocess(Float32Array.from(await padInk(page)), PAD, PAD), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('with trained weights (app.useWeights, source "trained"): the pad reads a drawn 7 as a 7, with the core\'s probabilities for the trained layers', async () => {
  // the page's network trained in Node on the site's MNIST digits: 3,000 images, 3 epochs
  await api.init();
  const t = new PageTrainer(api, { ...trainSettings(readHash('').state), trainSize: 3000, epochs: 3, valSize: 500 });
  let dict;
  try {
    t.setData(siteTrainingData(site));
    t.runToEnd();
    assert.ok(t.history.at(-1).runs[0].valAcc > 0.85, `trained: ${t.history.at(-1).runs[0].valAcc}`);
    dict = Object.fromEntries(Object.entries(weightsOf(t.runs[0].net)).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data) }]));
  } finally {
    t.dispose();
  }
  const { page, errors, context } = await session.open(`${session.base}/embed.html?view=draw&mode=eval`);
  await drawPath(page, SEVEN);
  const untrained = await shown(page);
  await page.evaluate((dict) => {
    const app = globalThis.__tinytorchApps[0];
    const d = Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
    app.useWeights(d, { source: 'trained', label: 'trained in Node' });
  }, dict);
  await settle(page);
  const got = await shown(page);
  const prep = preprocess(Float32Array.from(await padInk(page)), PAD, PAD);
  const want = await coreProbs(page, Array.from(prep.input));
  assert.deepEqual(got.probs, want.map((v) => Math.fround(v)));
  assert.notDeepEqual(got.probs, untrained.probs);
  assert.equal(got.pred, 7, `the drawn 7 is read as ${got.pred} (${got.text})`);
  assert.ok(want[7] > 0.5, `p(7) = ${want[7]}`);
  assert.deepEqual(errors, []);
  await context.close();
});

for (const width of [1280, 360]) {
  test(`axe-core finds nothing on the drawing pad at ${width} px`, async () => {
    const { page, context } = await session.open(`${session.base}/embed.html?view=draw`, { bypassCSP: true, width });
    await drawPath(page, SEVEN);
    await settle(page);
    assert.deepEqual(await axeViolations(page), []);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
    await context.close();
  });
}
