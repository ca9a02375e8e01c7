// The page's training views in Debian's Chromium: "Does Dropout help?"
// trains both runs from a link's settings and draws their curves from the
// real run (the same history, number for number, as the engine run in Node
// on the same data), from file://, served with the strict CSP and inside
// Jupyter's sandbox; Play fills the params and ledger views; the settings
// live in the URL; axe-core finds nothing on the three views.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { axeViolations, chromiumSite, site, startSite } from './harness.js';
import * as api from '../../js/index.js';
import { PageTrainer } from '../../web/train/trainer.js';
import { siteTrainingData } from '../js/page-data.js';
import { trainSettings } from '../../web/train/controller.js';
import { readHash } from '../../web/state.js';

const session = chromiumSite({ file: 'assets/mnist-train.js' });
let jupyter; // dist/site as Jupyter Server's /files/ serves it: sandboxed, opaque origin
before(async () => { jupyter = await startSite('assets/mnist-train.js', { 'content-security-policy': "frame-ancestors 'self'; sandbox allow-scripts" }); });
after(async () => { await jupyter?.close(); });

/** The data the page loads (MNIST, the default dataset), decoded as the page decodes it. */
const siteData = () => siteTrainingData(site);

const { open } = session;

/** Click Play in the training view and wait until the run is done; returns its history and settings. */
async function playToEnd(page, timeout = 60000) {
  await page.click('[data-testid="train-play"]');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.status === 'done', null, { timeout });
  return page.evaluate(() => {
    const c = globalThis.__tinytorchApps[0].training;
    return { history: c.trainer.history, config: c.trainer.config, settings: c.settings, units: c.trainer.units };
  });
}

/** Pixels of a canvas close to a colour (r, g, b). */
const countColour = (page, testid, [r, g, b]) => page.evaluate(({ testid, r, g, b }) => {
  const c = document.querySelector(`[data-testid="${testid}"]`);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - r) < 12 && Math.abs(d[i + 1] - g) < 12 && Math.abs(d[i + 2] - b) < 12) n++;
  return n;
}, { testid, r, g, b });

test('from file://: the training view runs the link\'s settings and draws the curves of that real run', async () => {
  const hash = 'tsize=100&epochs=3&seed=7';
  const { page, errors, context } = await open(`file://${site}/embed.html?view=training&${hash}`);
  assert.equal(await page.textContent('[data-testid="train-status"]'), 'Press Play to load the MNIST digits training images and start.');
  const run = await playToEnd(page);
  assert.equal(run.config.trainSize, 100);
  assert.equal(run.config.epochs, 3);
  assert.equal(run.config.seed, 7);
  assert.equal(run.history.length, 4);
  // the same settings in Node, on the same data file: the same numbers, exactly
  const state = readHash(hash).state;
  assert.deepEqual(run.settings, JSON.parse(JSON.stringify(trainSettings(state))));
  const t = new PageTrainer(api, trainSettings(state));
  t.setData(siteData());
  t.runToEnd();
  assert.deepEqual(run.history, t.history);
  t.dispose();
  const last = run.history.at(-1).runs;
  console.log(`file:// 100 images, 3 epochs in ${run.units} units: as built val loss ${last[0].valLoss.toFixed(4)}, without Dropout ${last[1].valLoss.toFixed(4)}`);
  // what the view shows is that history: 4 points per line, 4 lines per chart; the table; the numbers
  assert.equal(await page.getAttribute('[data-testid="loss-canvas"]', 'data-points'), '16');
  assert.equal(await page.getAttribute('[data-testid="acc-canvas"]', 'data-points'), '16');
  assert.ok(await countColour(page, 'loss-canvas', [230, 97, 1]) > 50, 'orange line (as built) drawn');
  assert.ok(await countColour(page, 'loss-canvas', [33, 102, 172]) > 50, 'blue line (without Dropout) drawn');
  assert.equal(await page.locator('[data-testid="train-table"] tbody tr').count(), 4);
  const shown = await page.locator('[data-testid="val-loss"]').allTextContents();
  assert.deepEqual(shown, last.map((r) => r.valLoss.toFixed(3)));
  assert.match(await page.getAttribute('[data-testid="loss-canvas"]', 'aria-label'), new RegExp(`validation ${last[0].valLoss.toFixed(3)}`));
  assert.equal(await page.textContent('[data-testid="train-status"]'), 'Done: 3 epochs.');
  assert.match(await page.textContent('[data-testid="train-where"]'), /epoch 3 of 3 · step 12 of 12/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('served with the strict CSP: Step and Play in the lesson fill the params and ledger views; settings go into the URL', async () => {
  const { page, errors, context } = await open(`${session.base}/index.html#tsize=100&epochs=2`);
  const view = page.locator('.tt-view-training');
  await view.scrollIntoViewIfNeeded();
  // one epoch, then a pause
  await page.click('[data-testid="train-step"]');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.status === 'paused', null, { timeout: 60000 });
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].training.trainer.history.length), 2);
  await playToEnd(page);
  // the params view: the six tensors with their gradient and update norms from the run
  const rows = page.locator('[data-testid="params-table"] tbody tr');
  assert.equal(await rows.count(), 6);
  const first = await rows.nth(0).locator('th, td').allTextContents();
  assert.deepEqual(first.slice(0, 5), ['0.weight', '[784,256]', '200,704', 'true', '8']);
  assert.ok(Number(first[6]) > 0 && Number(first[7]) > 0, `norms ${first[6]}, ${first[7]}`);
  const expected = await page.evaluate(() => {
    const t = globalThis.__tinytorchApps[0].training.trainer;
    const s = t.parameterTable(0)[0].grad;
    return Math.sqrt(s.count * (s.std ** 2 + s.mean ** 2));
  });
  assert.ok(Math.abs(Number(first[6]) - expected) <= 1e-3 * expected);
  // the ledger: parameters, Adam's two buffers, the live optimizer agreeing
  assert.match(await page.textContent('[data-testid="ledger-params"]'), /940,584 B/);
  assert.match(await page.textContent('[data-testid="ledger-adam"]'), /1,881,168 B/);
  assert.match(await page.textContent('[data-testid="ledger-table"] tfoot'), /stateBytes\(\) of the live run after 8 steps1,881,168 B/);
  // a changed setting lands in the URL and makes a new run
  await page.selectOption('[data-testid="train-lr"]', '0.003');
  await page.waitForFunction(() => location.hash.includes('lr=0.003'), null, { timeout: 5000 });
  assert.equal(await page.evaluate(() => globalThis.__tinytorchApps[0].training.trainer.stepsDone), 0);
  assert.match(await page.evaluate(() => location.hash), /tsize=100&epochs=2/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('inside Jupyter\'s sandbox (opaque origin): the data script loads and training runs', async () => {
  const { page, errors, context } = await open(`${jupyter.url}/embed.html?view=training&tsize=100&epochs=1`);
  const run = await playToEnd(page);
  assert.equal(run.history.length, 2);
  assert.ok(run.history[1].runs[1].trainLoss < run.history[0].runs[1].trainLoss);
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe-core finds no accessibility violations in the training, params and ledger views, before and after training', async () => {
  for (const view of ['training', 'params', 'ledger']) {
    for (const width of [1200, 360]) {
      const { page, context } = await open(`${session.base}/embed.html?view=${view}&tsize=100&epochs=1`, { bypassCSP: true, width });
      const check = async (when) => {
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], `${view} at ${width}px, ${when}`);
      };
      await check('before training');
      if (view !== 'ledger') {
        await page.click(`[data-testid="${view === 'training' ? 'train' : 'params'}-play"]`);
        await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.status === 'done', null, { timeout: 60000 });
        await page.evaluate(() => document.querySelector('details')?.setAttribute('open', ''));
        await check('after training');
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${view} scrolls sideways by ${overflow}px at ${width}px`);
      await context.close();
    }
  }
});

test('a network too big to train: the training view says why, the ledger falls back to the rule', async () => {
  const { page, errors, context } = await open(`${session.base}/embed.html?view=ledger&net=L4096-4096&input=random&batch=1`);
  assert.match(await page.textContent('[data-testid="ledger-params"]'), /67,125,248 B/);
  assert.match(await page.textContent('[data-testid="ledger-adam"]'), /by the rule.*134,250,496 B/);
  assert.match(await page.textContent('[data-testid="ledger-measured"]'), /^Not measured: this network has more than 2,000,000 parameters/);
  await context.close();
  const t = await open(`${session.base}/embed.html?view=training&net=L4096-4096&input=random&batch=1`);
  assert.match(await t.page.textContent('[data-testid="train-status"]'), /^Cannot train this network here: the network has 16,781,312 parameters; the page trains networks of at most 2,000,000/);
  assert.equal(await t.page.isDisabled('[data-testid="train-play"]'), true);
  assert.deepEqual([...errors, ...t.errors], []);
  await t.context.close();
});
