// The init lab's gradients (issue 12: "Init, with gradients"): one backward
// pass through each initialiser's deep stack, measured by the core's
// autograd, shows vanishing and exploding gradients, not only activations.
// With ReLU over 12 layers of Linear(256, 256): the lesson's init (variance
// 1/in) loses a factor √2 per layer on the way down, He (2/in) keeps the
// gradient's size, N(0, 1) multiplies it by about √(in/2) = 11 per layer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, newPage, repoRoot } from './harness.js';

const browser = await launch();
after(() => browser.close());

test('the init lab shows each layer\'s gradient norm after one backward pass, vanishing and exploding as the maths says', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  const url = `${pathToFileURL(join(repoRoot, 'dist/site/index.html')).href}#tt:depth=12&act=relu`;
  await page.goto(url);
  await page.waitForSelector('[data-testid=init-grad-table] tbody tr[data-layer="11"]');
  const norms = await page.$$eval('[data-testid=init-grad-table] tbody tr', (trs) => trs.map((tr) => [...tr.cells].slice(1).map((c) => Number(c.textContent.split(' ')[0]))));
  assert.equal(norms.length, 12);
  const cols = (name) => ({ xavier: 0, xavier_uniform: 1, he_normal: 2, normal: 3 })[name];
  const ratio = (c) => norms[0][c] / norms[11][c]; // layer 1 over the top
  // per layer: lesson ×~0.71, He ×~1, N(0,1) ×~11, so over 11 steps:
  assert.ok(ratio(cols('xavier')) < 0.05, `lesson init: ${ratio(cols('xavier'))}`);
  assert.ok(ratio(cols('he_normal')) > 0.3 && ratio(cols('he_normal')) < 3, `He: ${ratio(cols('he_normal'))}`);
  assert.ok(ratio(cols('normal')) > 1e9, `N(0,1): ${ratio(cols('normal'))}`);
  // the top layer gets the upstream gradient itself, the same for every init
  const top = norms[11];
  top.forEach((v) => assert.ok(Math.abs(v - top[0]) < 1e-3 * top[0]));
  const text = await page.textContent('[data-testid=init-grad-observation]');
  assert.match(text, /vanishes/);
  assert.match(text, /explodes/);
  assert.ok(await page.$eval('[data-testid=init-grad-chart]', (c) => c.width > 0 && c.getAttribute('aria-label').includes('gradient')));
  assert.deepEqual(errors, []);
  await page.close();
});
