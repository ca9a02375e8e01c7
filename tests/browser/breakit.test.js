// "Break it, on purpose" (web/views/breakit/) in Debian's Chromium: one
// click runs the five mistakes on fresh short runs, in slices between
// frames; every figure the page keeps is the one the same experiments give
// in Node on the same data (the core is bit-identical in both), each shows
// its effect (Dropout on at evaluation: a spread below the eval accuracy;
// N(0, 1): a loss in the thousands; all zeros: identical hidden units; no
// bias: a uniform answer on a blank image; a learning rate ten times too
// high: a worse step), the text states those numbers, a settings change
// clears them, and axe-core finds nothing at 1280 and 360 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, chromiumSite, settle, site } from './harness.js';
import * as api from '../../js/index.js';
import { siteTrainingData } from '../js/page-data.js';
import { BreakSession } from '../../web/views/breakit/experiments.js';
import { readHash } from '../../web/state.js';
import { fmtPct, fmtLoss, fmtInt } from '../../web/format.js';

const session = chromiumSite({ file: 'assets/mnist-train.js' });
const KEYS = ['dropout-eval', 'normal-init', 'zeros', 'no-bias', 'lr10'];

/** The data the page loads (MNIST, the default dataset), decoded as the page decodes it. */
const siteData = () => siteTrainingData(site);

/** The five experiments run in Node, as the page runs them (same state, same data). */
async function nodeResults(hash) {
  await api.init();
  const s = new BreakSession(api, readHash(hash).state, siteData());
  try {
    for (const key of KEYS) for (const _ of s.run(key)); // eslint-disable-line no-unused-vars
    return JSON.parse(JSON.stringify(s.results));
  } finally {
    s.dispose();
  }
}

test('each break-it experiment shows its measured effect, the core\'s numbers, and keeps the page responsive', async () => {
  const hash = '';
  const want = nodeResults(hash);
  const { page, errors, context } = await session.open(`${session.base}/embed.html?view=breakit`, { bypassCSP: true });
  // the frames keep coming while the experiments run (slices between animation frames)
  await page.evaluate(() => {
    globalThis.__gaps = [];
    let last = performance.now();
    const tick = () => { const t = performance.now(); globalThis.__gaps.push(t - last); last = t; if (!globalThis.__stopGaps) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.click('[data-testid="bk-all"]');
  await page.waitForFunction((n) => { const v = document.querySelector('.tt-view-breakit').ttBreakit; return !v.busy && Object.keys(v.results).length === n; }, KEYS.length, { timeout: 300000 });
  const gaps = await page.evaluate(() => { globalThis.__stopGaps = true; const g = globalThis.__gaps.slice().sort((a, b) => a - b); return { frames: g.length, median: g[g.length >> 1], max: g.at(-1) }; });
  const got = await page.evaluate(() => JSON.parse(JSON.stringify(document.querySelector('.tt-view-breakit').ttBreakit.results)));
  // the page's figures are the core's: the same experiments in Node give the same numbers, bit for bit
  assert.deepEqual(got, await want);
  console.log(`# frames while running: ${gaps.frames}, median gap ${gaps.median.toFixed(1)} ms, longest ${gaps.max.toFixed(0)} ms`);
  assert.ok(gaps.frames > 50, `the page kept drawing frames (${gaps.frames})`);

  // Dropout on at evaluation: 20 different accuracies, below the eval one on average
  const d = got['dropout-eval'];
  assert.equal(d.passes.length, 20);
  assert.ok(d.max > d.min, 'the passes disagree');
  assert.ok(d.mean < d.evalAcc, `mean of the passes ${d.mean} vs eval ${d.evalAcc}`);
  assert.ok(d.changed > 0);
  const dText = await page.textContent('[data-testid="bk-dropout-summary"]');
  for (const v of [fmtPct(d.evalAcc), fmtPct(d.min), fmtPct(d.max), fmtPct(d.mean), fmtInt(d.changed)]) assert.ok(dText.includes(v), `${v} in "${dText}"`);
  assert.equal(await page.locator('[data-testid="bk-dropout-table"] tbody tr').count(), 20);

  // N(0, 1): the loss before training is in the thousands, the spread grows layer after layer
  const n = got['normal-init'];
  assert.ok(n.broken.start.valLoss > 100 * n.base.start.valLoss, `${n.broken.start.valLoss} vs ${n.base.start.valLoss}`);
  assert.ok(n.broken.init.stats.at(-1).std > 100 * n.base.init.stats.at(-1).std);
  const nText = await page.textContent('[data-testid="bk-normal-summary"]');
  assert.ok(nText.includes(fmtLoss(n.broken.start.valLoss)) && nText.includes(fmtLoss(n.base.start.valLoss)), nText);

  // all zeros: every hidden unit identical (weights and outputs), and nothing learnt: the loss stays at ln 10
  const z = got.zeros;
  const hidden = z.broken.spread.slice(0, -1);
  assert.ok(hidden.length >= 1);
  for (const s of hidden) {
    assert.equal(s.weight, 0, `layer ${s.index}: units differ`);
    assert.equal(s.output, 0);
  }
  for (const s of z.base.spread) assert.ok(s.weight > 0.01, 'done right, the units differ');
  assert.ok(Math.abs(z.broken.final.valLoss - Math.log(10)) < 0.02, `loss ${z.broken.final.valLoss}`);
  assert.ok(z.broken.final.valAcc < 0.2);
  assert.equal(await page.locator('[data-testid="bk-zeros-table"] tbody tr').count(), z.broken.spread.length);

  // no bias: fewer parameters, and a blank image gets 1/10 for every class
  const b = got['no-bias'];
  assert.equal(b.base.params - b.broken.params, 256 + 128 + 10);
  for (const v of b.broken.blank) assert.ok(Math.abs(v - 0.1) < 1e-7, `blank image: ${v}`);
  assert.ok(Math.max(...b.base.blank) - Math.min(...b.base.blank) > 0.005, 'with biases a blank image is not uniform');
  assert.match(await page.textContent('[data-testid="bk-nobias-summary"]'), /gives every class 10\.0% to 10\.0%/);

  // ten times the learning rate (SGD with momentum, the card's default): a step far worse than any at the right rate, and the network ends up guessing
  const l = got.lr10;
  assert.equal(l.optimizer, 'sgd');
  assert.equal(l.broken.lr, l.base.lr * 10);
  const worst = (s) => Math.max(...s.filter(Number.isFinite));
  assert.ok(l.broken.diverged || worst(l.broken.steps) > worst(l.base.steps) * 5, `${worst(l.broken.steps)} vs ${worst(l.base.steps)}`);
  assert.ok(l.broken.final.valAcc < 0.3 && l.base.final.valAcc > 0.7, `${l.broken.final.valAcc} vs ${l.base.final.valAcc}`);
  const lText = await page.textContent('[data-testid="bk-lr-summary"]');
  assert.ok(lText.includes(fmtPct(l.broken.final.valAcc)) && lText.includes(fmtLoss(worst(l.broken.steps))), lText);
  assert.match(await page.getAttribute('[data-testid="bk-lr-chart"]', 'aria-label'), /Training loss per step/);
  assert.ok(await page.evaluate(() => {
    const c = document.querySelector('[data-testid="bk-lr-chart"]');
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let red = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] > 180 && px[i + 1] < 80 && px[i + 2] < 80 && px[i + 3] > 200) red++;
    return red > 50;
  }), 'the red series and its mark are drawn');

  // axe at 1280 and 360 px, results shown
  assert.deepEqual(await axeViolations(page), []);
  await page.setViewportSize({ width: 360, height: 900 });
  await settle(page);
  assert.deepEqual(await axeViolations(page), []);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 360`);

  // a setting the results depend on changes: they go
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ seed: 7 }));
  await settle(page);
  assert.equal(await page.locator('[data-testid="bk-result-zeros"] > *').count(), 0);
  assert.match(await page.textContent('[data-testid="bk-status"]'), /settings changed/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Dropout left on at evaluation runs on the page\'s trained network when it has one (app.weights.source "trained")', async () => {
  // the page's network trained in Node (1,000 MNIST digits, 2 epochs), then evaluated in Node on the 500 test images the experiment uses
  await api.init();
  const { PageTrainer } = await import('../../web/train/trainer.js');
  const { trainSettings, weightsOf } = await import('../../web/train/controller.js');
  const data = siteData();
  const t = new PageTrainer(api, { ...trainSettings(readHash('').state), trainSize: 1000, epochs: 2, valSize: 500 });
  let dict;
  let evalAcc;
  try {
    t.setData(data);
    t.runToEnd();
    const net = t.runs[0].net;
    net.eval();
    evalAcc = api.tidy(() => api.noGrad(() => {
      const x = new api.Tensor(Float32Array.from(data.test.pixels.subarray(0, 500 * 784)), { shape: [500, 784] }).div(255);
      return api.accuracy(net.forward(x), Int32Array.from(data.test.labels.subarray(0, 500)));
    }));
    dict = Object.fromEntries(Object.entries(weightsOf(net)).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data) }]));
  } finally {
    t.dispose();
  }
  const { page, errors, context } = await session.open(`${session.base}/embed.html?view=breakit`);
  await page.evaluate((dict) => {
    const app = globalThis.__tinytorchApps[0];
    app.useWeights(Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }])), { source: 'trained', label: 'trained in Node' });
  }, dict);
  await settle(page);
  await page.click('[data-testid="bk-run-dropout-eval"]');
  await page.waitForFunction(() => { const v = document.querySelector('.tt-view-breakit').ttBreakit; return !v.busy && v.results['dropout-eval']; }, null, { timeout: 300000 });
  const r = await page.evaluate(() => document.querySelector('.tt-view-breakit').ttBreakit.results['dropout-eval']);
  assert.equal(r.source, 'trained');
  assert.equal(r.label, 'trained in Node');
  assert.equal(r.rows, 500);
  assert.equal(r.evalAcc, Math.round(evalAcc * 500) / 500, `the page's trained network in eval mode: ${r.evalAcc} vs Node's ${evalAcc}`);
  assert.ok(r.max > r.min && r.mean < r.evalAcc, `${r.min}..${r.max}, mean ${r.mean}, eval ${r.evalAcc}`);
  assert.match(await page.textContent('[data-testid="bk-dropout-summary"]'), /the page's network \(trained in Node\)/);
  assert.deepEqual(errors, []);
  await context.close();
});
