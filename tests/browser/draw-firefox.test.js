// "Draw a digit" in Firefox (Debian's firefox-esr over WebDriver BiDi,
// tests/browser/firefox-harness.js): a 7 drawn with synthetic mouse events
// and a stroke made from the keyboard are read by the page's network, and
// the shown probabilities are the core's for Node's preprocessing of the
// pad's pixels (the page's layers run by Sequential.forward in the page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from './harness.js';
import { firefoxSite } from './firefox-harness.js';
import { preprocess } from '../../web/views/draw/preprocess.js';
import { PAD, coreProbs, padInk } from './draw-reads.js';

const session = firefoxSite();

const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const shownProbs = (page) => page.evaluate(() => [...document.querySelectorAll('[data-testid="dr-probs"] td[data-p]')].map((td) => Number(td.dataset.p)));

test('Firefox: a 7 drawn with mouse events and a keyboard stroke give the core\'s probabilities for the preprocessed pad', async () => {
  const { page, context, errors } = await session.open(`${session.base}/embed.html?view=draw&mode=eval`);
  const box = await page.evaluate(() => { const r = document.querySelector('[data-testid="dr-pad"]').getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; });
  const at = ([x, y]) => [box.x + (x * box.width) / PAD, box.y + (y * box.height) / PAD];
  const seven = [[60, 50], [170, 50], [150, 100], [120, 160], [100, 190]];
  await page.mouse.move(...at(seven[0]));
  await page.mouse.down();
  for (const p of seven.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
  await frames(page);
  let prep = preprocess(Float32Array.from(await padInk(page)), PAD, PAD);
  assert.ok(prep && prep.box.x1 - prep.box.x0 > 80, 'the mouse drew');
  let want = await coreProbs(page, Array.from(prep.input));
  assert.deepEqual(await shownProbs(page), want.map((v) => Math.fround(v)));
  // the keyboard: clear, then pen down, six cells down, pen up
  await page.click('[data-testid="dr-clear"]');
  await page.focus('[data-testid="dr-padbox"]');
  await page.keyboard.press('Enter');
  for (let k = 0; k < 6; k++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await frames(page);
  await settle(page);
  prep = preprocess(Float32Array.from(await padInk(page)), PAD, PAD);
  assert.ok(prep && prep.box.y1 - prep.box.y0 > 40, 'the keys drew');
  want = await coreProbs(page, Array.from(prep.input));
  assert.deepEqual(await shownProbs(page), want.map((v) => Math.fround(v)));
  assert.deepEqual(errors, []);
  await context.close();
});
