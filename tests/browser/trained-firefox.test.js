// The trained network is the page's network, in Firefox (Debian's
// firefox-esr, tests/browser/firefox-harness.js): the Chromium test of
// trained.test.js in short. After a run the predictions and weights views
// show the trainer's network, bit for bit, and the activations view its
// layers' outputs; a Dropout p changed during a run
// keeps the run, and Ctrl+Z brings it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from './harness.js';
import { firefoxSite } from './firefox-harness.js';

const session = firefoxSite({ file: 'assets/fashion-train.js' });

test('Firefox: after a run the views show the trained network (the trainer\'s forward, bit for bit); a p change during a run is kept and undone', async () => {
  const { page, context, errors } = await session.open(`${session.base}/embed.html?view=editor,training,probs,weights,activations&tsize=100&epochs=2&mode=eval`);
  const shown = () => page.evaluate(() => ({
    stds: [...document.querySelectorAll('[data-testid="wt-stats"]')].map((p) => p.dataset.std),
    acts: [...document.querySelectorAll('.tt-act-all tbody')].map((b) => b.textContent).join(''),
  }));
  const before = await shown();
  await page.click('[data-testid="train-play"]');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.status === 'done', { timeout: 90000 });
  await settle(page);
  const r = await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    const net = app.training.trainer.runs[0].net;
    net.eval();
    const want = app.api.tidy(() => app.api.noGrad(() => Array.from(net.forward(app.model.input).data)));
    const stds = net.namedParameters().filter(([n]) => n.endsWith('weight')).map(([, p]) => String(p.stats().std));
    const acts = [];
    app.api.tidy(() => app.api.noGrad(() => { let x = app.model.input; for (const layer of net.layers) { x = layer.forward(x); acts.push(x.stats().mean); } }));
    net.train();
    return {
      source: app.weights.source, want, stds, acts,
      layerMeans: app.model.layers.map((l) => l.stats.mean),
      shown: Array.from(app.model.layers.at(-1).output.data),
      viewStds: [...document.querySelectorAll('[data-testid="wt-stats"]')].map((p) => p.dataset.std),
      preds: [...document.querySelectorAll('[data-testid="pr-text"]')].map((p) => Number(p.dataset.pred)),
    };
  });
  assert.equal(r.source, 'trained');
  assert.deepEqual(r.shown, r.want);
  assert.deepEqual(r.viewStds, r.stds);
  assert.notDeepEqual(r.viewStds, before.stds);
  assert.deepEqual(r.layerMeans, r.acts); // each layer's output in the activations view: the trainer's network
  assert.notEqual((await shown()).acts, before.acts);
  assert.deepEqual(r.preds, Array.from({ length: 8 }, (_, i) => { const row = r.want.slice(i * 10, i * 10 + 10); return row.indexOf(Math.max(...row)); }));
  // Play again (a new run), then a p change while it trains: the run is kept; Ctrl+Z brings it back
  await page.evaluate(() => globalThis.__tinytorchApps[0].setState({ epochs: 30 }));
  await settle(page);
  await page.click('[data-testid="train-play"]');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training.trainer?.history.length >= 3, { timeout: 90000 });
  await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    app.setState({ net: app.state.net.map((l) => (l.kind === 'dropout' ? { ...l, p: 0.1 } : l)) });
  });
  await settle(page);
  const kept = await page.evaluate(() => globalThis.__tinytorchApps[0].training.shelf.map((e) => e.steps));
  assert.ok(kept.length >= 1 && kept[0] > 0, `kept ${kept}`);
  await page.focus('[data-testid="train-step"]');
  await page.keyboard.down('Control');
  await page.keyboard.press('z');
  await page.keyboard.up('Control');
  await page.waitForFunction((n) => globalThis.__tinytorchApps[0].training.trainer?.stepsDone === n, { timeout: 5000 }, kept[0]);
  assert.deepEqual(errors, []);
  await context.close();
});
