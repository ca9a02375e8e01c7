// "Break it, on purpose" (web/views/breakit/) in Firefox (Debian's
// firefox-esr over WebDriver BiDi), beside breakit.test.js in Chromium: one
// click runs the five mistakes; every figure the page keeps is the one the
// same experiments give in Node on the same data, bit for bit, each shows
// its effect, and the text states those numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { site } from './harness.js';
import { firefoxSite } from './firefox-harness.js';
import * as api from '../../js/index.js';
import { siteTrainingData } from '../js/page-data.js';
import { BreakSession } from '../../web/views/breakit/experiments.js';
import { readHash } from '../../web/state.js';
import { fmtPct, fmtLoss, fmtInt } from '../../web/format.js';

const KEYS = ['dropout-eval', 'normal-init', 'zeros', 'no-bias', 'lr10'];
const session = firefoxSite({ file: 'assets/mnist-train.js' });

/** The five experiments run in Node, as the page runs them (its default state, the data it loads). */
async function nodeResults() {
  await api.init();
  const s = new BreakSession(api, readHash('').state, siteTrainingData(site));
  try {
    for (const key of KEYS) for (const _ of s.run(key)); // eslint-disable-line no-unused-vars
    return JSON.parse(JSON.stringify(s.results));
  } finally {
    s.dispose();
  }
}

const text = (page, id) => page.$eval(`[data-testid="${id}"]`, (e) => e.textContent);

test('Firefox: each break-it experiment shows its measured effect, and the numbers are the core\'s in Node', async () => {
  const want = await nodeResults();
  const { page, context, errors } = await session.open(`${session.base}/embed.html?view=breakit`);
  await page.click('[data-testid="bk-all"]');
  await page.waitForFunction((n) => { const v = document.querySelector('.tt-view-breakit').ttBreakit; return !v.busy && Object.keys(v.results).length === n; }, { timeout: 300000 }, KEYS.length);
  const got = await page.evaluate(() => JSON.parse(JSON.stringify(document.querySelector('.tt-view-breakit').ttBreakit.results)));
  assert.deepEqual(got, want);

  const d = got['dropout-eval'];
  assert.equal(d.passes.length, 20);
  assert.ok(d.max > d.min && d.mean < d.evalAcc, `${d.min}..${d.max}, mean ${d.mean}, eval ${d.evalAcc}`);
  const dText = await text(page, 'bk-dropout-summary');
  for (const v of [fmtPct(d.evalAcc), fmtPct(d.min), fmtPct(d.max), fmtPct(d.mean), fmtInt(d.changed)]) assert.ok(dText.includes(v), `${v} in "${dText}"`);

  const n = got['normal-init'];
  assert.ok(n.broken.start.valLoss > 100 * n.base.start.valLoss, `${n.broken.start.valLoss} vs ${n.base.start.valLoss}`);
  const nText = await text(page, 'bk-normal-summary');
  assert.ok(nText.includes(fmtLoss(n.broken.start.valLoss)) && nText.includes(fmtLoss(n.base.start.valLoss)), nText);

  for (const s of got.zeros.broken.spread.slice(0, -1)) assert.equal(s.weight, 0, `layer ${s.index}: the units differ`);
  assert.equal(await page.$$eval('[data-testid="bk-zeros-table"] tbody tr', (rows) => rows.length), got.zeros.broken.spread.length);

  for (const v of got['no-bias'].broken.blank) assert.ok(Math.abs(v - 0.1) < 1e-7, `blank image: ${v}`);
  assert.match(await text(page, 'bk-nobias-summary'), /gives every class 10\.0% to 10\.0%/);

  const l = got.lr10;
  const worst = (s) => Math.max(...s.filter(Number.isFinite));
  assert.ok(l.broken.diverged || worst(l.broken.steps) > worst(l.base.steps) * 5, `${worst(l.broken.steps)} vs ${worst(l.base.steps)}`);
  const lText = await text(page, 'bk-lr-summary');
  assert.ok(lText.includes(fmtPct(l.broken.final.valAcc)) && lText.includes(fmtLoss(worst(l.broken.steps))), lText);
  assert.deepEqual(errors, []);
  await context.close();
});
