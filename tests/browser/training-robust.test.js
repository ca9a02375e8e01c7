// Training on the page survives what a student can do to it (issue 20), in
// Debian's Chromium and Firefox: a learning rate that makes the weights
// blow up is shown as a diverged run (curves kept, the step marked, the
// reason and a rate to try, and the student goes on), a network whose one
// training step is over the page's training budget is refused with the
// reason, and Reset pressed while the training images load wins over the
// pending Play (both browsers). Timings are bench/page.mjs's (never asserted here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumSite, site } from './harness.js';
import { firefoxSite } from './firefox-harness.js';

// the page's bundle must be the one built from this tree (never a stale build)
const bundle = readFileSync(join(site, 'assets/tinytorch-page.js'), 'utf8');
assert.ok(bundle.includes('train-diverged'), 'dist/site is older than web/views/training.js: run scripts/build.sh serve');

const session = chromiumSite({ file: 'assets/mnist-train.js' });
const ff = firefoxSite({ file: 'assets/mnist-train.js' });

// the link of issue 20: five Linear layers, SGD with momentum at lr 0.3, 100 images
const DIVERGE = 'embed.html?view=training,params&net=L784-256,L256-256,L256-256,L256-256,L256-10&optim=sgd&lr=0.3&tsize=100&epochs=5';

const ctrlState = () => {
  const c = globalThis.__tinytorchApps[0].training;
  return { status: c.status, error: c.error, diverged: c.trainer?.diverged ?? null, history: c.trainer?.history.length ?? 0, steps: c.trainer?.stepsDone ?? 0 };
};

/** The divergence scenario on an opened page (playwright or puppeteer: both have click, evaluate and waitForFunction). */
async function divergeAndGoOn(page, errors, engine) {
  // playwright's waitForFunction takes (fn, arg, options), puppeteer's (fn, options)
  const waitFor = (fn, timeout) => (engine === 'chromium' ? page.waitForFunction(fn, null, { timeout }) : page.waitForFunction(fn, { timeout }));
  await page.click('[data-testid="train-play"]');
  await waitFor(() => ['diverged', 'error', 'done'].includes(globalThis.__tinytorchApps[0].training?.status), 60000);
  const s = await page.evaluate(ctrlState);
  assert.equal(s.status, 'diverged', `${engine}: status ${s.status} (${s.error})`);
  assert.ok(s.diverged.step >= 2, `${engine}: diverged at step ${s.diverged.step}`);
  assert.equal(s.diverged.suggestion, 0.01);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const text = await page.evaluate(() => ({
    status: document.querySelector('[data-testid="train-status"]').textContent,
    diverged: document.querySelector('[data-testid="train-diverged"]').textContent,
    hidden: document.querySelector('[data-testid="train-diverged"]').hidden,
    play: document.querySelector('[data-testid="train-play"]').textContent,
    points: Number(document.querySelector('[data-testid="loss-canvas"]').dataset.points),
    at: document.querySelector('[data-testid="loss-canvas"]').dataset.divergedAt,
  }));
  assert.doesNotMatch(text.status, /unreachable|Stopped/);
  assert.equal(text.status, `Diverged at step ${s.diverged.step}: the loss is ${s.diverged.loss} (see below).`);
  assert.equal(text.hidden, false);
  assert.match(text.diverged, new RegExp(`^Diverged: the network as built's loss is ${s.diverged.loss} from step ${s.diverged.step} \\(epoch \\d\\): the learning rate 0.3 is too high for this network`));
  assert.match(text.diverged, /Try 0\.01, 30 times smaller/);
  assert.match(text.diverged, /Use learning rate 0\.01$/);
  assert.equal(text.play, 'Play again');
  assert.equal(text.at, String(s.diverged.step));
  // the parameters' table says why its norms stopped (its run's numbers may be NaN or infinite)
  const params = await page.evaluate(() => document.querySelector('.tt-params-status').textContent);
  assert.match(params, new RegExp(`Training stopped: the loss of the network as built \\(no Dropout\\) was ${s.diverged.loss} at step ${s.diverged.step}, so that step's update was not made \\(the learning rate 0.3 is too high: the training view offers 0.01\\)\\.`));
  assert.equal(text.points, 4 * s.history, `${engine}: the curves of the ${s.history} epochs measured before stay`);
  // the red dashed line at the step, on both charts
  const red = await page.evaluate(() => ['loss-canvas', 'acc-canvas'].map((id) => {
    const c = document.querySelector(`[data-testid="${id}"]`);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - 198) < 14 && Math.abs(d[i + 1] - 40) < 14 && Math.abs(d[i + 2] - 40) < 14) n++;
    return n;
  }));
  assert.ok(red.every((n) => n > 30), `${engine}: red marker pixels ${red}`);
  // the student goes on: the suggested rate, then Play trains to the end
  await page.click('[data-testid="train-use-lr"]');
  await waitFor(() => globalThis.__tinytorchApps[0].training?.settings?.lr === 0.01, 5000);
  await page.click('[data-testid="train-play"]');
  await waitFor(() => ['diverged', 'error', 'done'].includes(globalThis.__tinytorchApps[0].training?.status), 120000);
  const after2 = await page.evaluate(ctrlState);
  assert.equal(after2.status, 'done', `${engine}: at lr 0.01 ${after2.status}`);
  assert.equal(after2.history, 6);
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="train-diverged"]').hidden), true);
  assert.deepEqual(errors, []);
}

test('Chromium: the issue\'s link diverges and says so, keeps its curves, and trains at the suggested rate', async () => {
  const { page, errors, context } = await session.open(`${session.base}/${DIVERGE}`);
  await divergeAndGoOn(page, errors, 'chromium');
  await context.close();
});

test('Firefox: the same link diverges and says so, and trains at the suggested rate', async () => {
  const { page, errors, context } = await ff.open(`${ff.base}/${DIVERGE}`);
  await divergeAndGoOn(page, errors, 'firefox');
  await context.close();
});

test('a network whose training step is over the budget: the training view says why; the forward views still work', async () => {
  const { page, errors, context } = await session.open(`${session.base}/embed.html?view=training&net=L784-2400,R,L2400-10&batch=256`);
  const status = await page.textContent('[data-testid="train-status"]');
  assert.match(status, /^Cannot train this network here: one training step of this network at batch 256 is 2\.20 GFLOP of work and the page trains at most 120\.0 MFLOP between two frames/);
  assert.equal(await page.isDisabled('[data-testid="train-play"]'), true);
  // the lesson's network at batch 90 is within the budget
  await page.goto(`${session.base}/embed.html?view=training&batch=90`);
  await page.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.training?.trainer, null, { timeout: 20000 });
  assert.match(await page.textContent('[data-testid="train-status"]'), /^Press Play/);
  assert.deepEqual(errors, []);
  await context.close();
});

/**
 * Reset pressed while the images load, on an opened page: the page's
 * <script src> for the images is held back (document.head.append is
 * wrapped) until Reset has been pressed, then let through.
 */
async function resetDuringLoad(page, errors, engine) {
  const waitFor = (fn, timeout) => (engine === 'chromium' ? page.waitForFunction(fn, null, { timeout }) : page.waitForFunction(fn, { timeout }));
  await page.evaluate(() => {
    // the images come by fetch (served) or by a <script src> (file://, sandboxes): hold either
    const append = document.head.append.bind(document.head);
    const realFetch = globalThis.fetch;
    const held = [];
    document.head.append = (...nodes) => {
      if (nodes.some((n) => n.src?.includes('mnist-train'))) held.push(() => append(...nodes));
      else append(...nodes);
    };
    globalThis.fetch = (url, ...rest) => (String(url).includes('mnist-train')
      ? new Promise((ok, no) => held.push(() => realFetch(url, ...rest).then(ok, no)))
      : realFetch(url, ...rest));
    globalThis.__releaseImages = () => { document.head.append = append; globalThis.fetch = realFetch; held.forEach((go) => go()); return held.length; };
  });
  await page.click('[data-testid="train-play"]');
  await waitFor(() => globalThis.__tinytorchApps[0].training.status === 'loading', 5000);
  await page.click('[data-testid="train-reset"]');
  assert.equal((await page.evaluate(ctrlState)).status, 'idle', engine);
  assert.equal(await page.evaluate(() => globalThis.__releaseImages()), 1, `${engine}: the images' request was held`);
  await waitFor(() => globalThis.__tinytorchApps[0].training.data, 30000);
  // a few frames for a (wrongly) resumed Play to show
  await page.evaluate(() => new Promise((r) => { let n = 0; const f = () => (++n < 10 ? requestAnimationFrame(f) : r()); requestAnimationFrame(f); }));
  const s = await page.evaluate(ctrlState);
  assert.equal(s.status, 'idle', engine);
  assert.equal(s.steps, 0, engine);
  assert.equal(s.history, 0, engine);
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="train-status"]').textContent), 'Ready: press Play.');
  // and Play then trains, with the data already there
  await page.click('[data-testid="train-play"]');
  await waitFor(() => globalThis.__tinytorchApps[0].training.status === 'done', 60000);
  assert.deepEqual(errors, []);
}

const RESET_LINK = 'embed.html?view=training&tsize=100&epochs=2';

test('Chromium: Reset while the training images load wins; the pending Play does not start training', async () => {
  const { page, errors, context } = await session.open(`${session.base}/${RESET_LINK}`);
  await resetDuringLoad(page, errors, 'chromium');
  await context.close();
});

test('Firefox: Reset while the training images load wins; the pending Play does not start training', async () => {
  const { page, errors, context } = await ff.open(`${ff.base}/${RESET_LINK}`);
  await resetDuringLoad(page, errors, 'firefox');
  await context.close();
});
