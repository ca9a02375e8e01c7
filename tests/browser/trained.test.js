// The trained network is the page's network (issue 23), in Debian's
// Chromium: after a run the predictions, weights and activations views
// show the trained weights, and what they show is the core's forward of the
// trainer's own network (bit for bit); the "Weights shown" switch goes back
// to the init and over to the comparison run; a Dropout p dragged during a
// run keeps the run, and undo brings it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, chromiumSite, settle } from './harness.js';

const session = chromiumSite({ file: 'assets/fashion-train.js' });
const { open } = session;

/** What the three views show now, and the numbers to check it against. */
const snapshot = (page) => page.evaluate(() => {
  const q = (sel) => [...document.querySelectorAll(sel)];
  const canvasSum = (c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let s = 0; for (let i = 0; i < d.length; i++) s = (s * 31 + d[i]) % 1e9; return s; };
  return {
    preds: q('[data-testid="pr-text"]').map((p) => `${p.dataset.pred}:${p.dataset.prob}`),
    stds: q('[data-testid="wt-stats"]').map((p) => p.dataset.std),
    units: q('[data-testid="wt-unit"]').map(canvasSum),
    acts: q('.tt-act-all tbody').map((b) => b.textContent).join(''),
    conf: document.querySelector('[data-testid="pr-conf"]')?.dataset.counts ?? null,
    source: globalThis.__tinytorchApps[0].weights.source,
  };
});

/**
 * In the page: run k's network of the trainer (eval mode) on the views'
 * input batch and on the first 1000 test images; its parameters' std.
 */
const trainerForward = (page, k) => page.evaluate((k) => {
  const app = globalThis.__tinytorchApps[0];
  const { api } = app;
  const t = app.training.trainer;
  const net = t.runs[k].net;
  net.eval();
  try {
    const out = api.tidy(() => api.noGrad(() => net.forward(app.model.input).data));
    const acts = [];
    api.tidy(() => api.noGrad(() => { let x = app.model.input; for (const layer of net.layers ?? net.children()) { x = layer.forward(x); acts.push(x.stats().mean); } }));
    const d = app.training.data.test;
    const px = 784;
    const counts = new Array(100).fill(0);
    api.tidy(() => api.noGrad(() => {
      for (let i = 0; i < 1000; i += 250) {
        const x = new api.Tensor(Float32Array.from(d.pixels.subarray(i * px, (i + 250) * px)), { shape: [250, px] }).div(255);
        const z = net.forward(x).data;
        for (let r = 0; r < 250; r++) { let b = 0; for (let c = 1; c < 10; c++) if (z[r * 10 + c] > z[r * 10 + b]) b = c; counts[d.labels[i + r] * 10 + b]++; }
      }
    }));
    const stds = net.namedParameters().filter(([n]) => n.endsWith('weight')).map(([, p]) => String(p.stats().std));
    return { out: Array.from(out), acts, conf: counts.join(','), stds };
  } finally {
    net.train();
  }
}, k);

test('after a run the predictions, weights and activations views show the trained network: the core\'s forward of the trainer\'s network', async () => {
  const { page, errors, context } = await open(`${session.base}/embed.html?view=training,probs,weights,activations&tsize=100&epochs=2&mode=eval`);
  const before = await snapshot(page);
  assert.equal(before.source, 'initial');
  // the empty loss chart before the first epoch: no axis labels made of nothing (it read "0.000001 / 5.2e-7")
  assert.equal(await page.getAttribute('[data-testid="loss-canvas"]', 'data-ticks'), '');
  assert.equal(await page.isHidden('[data-testid="train-effect"]'), true);
  await page.click('[data-testid="train-play"]');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.status === 'done', null, { timeout: 60000 });
  await settle(page);
  const after = await snapshot(page);
  assert.equal(after.source, 'trained');
  // the loss axis on 1-2-5 ticks from 0; the validation panel on its own range; the difference stated from the history
  assert.match(await page.getAttribute('[data-testid="loss-canvas"]', 'data-ticks'), /^0 0\.5 1 1\.5 2( 2\.5)?$/);
  const H = await page.evaluate(() => globalThis.__tinytorchApps[0].training.trainer.history.at(-1).runs.map((r) => r.valLoss));
  const valTicks = (await page.getAttribute('[data-testid="val-canvas"]', 'data-ticks')).split(' ').map(Number);
  assert.ok(valTicks[0] <= Math.min(...H) && valTicks.at(-1) >= Math.max(...H) && valTicks[0] > 0, `validation axis ${valTicks}`);
  assert.match(await page.textContent('[data-testid="train-effect"]'), new RegExp(`validation loss: ${H[0].toFixed(3)} as built .*; ${H[1].toFixed(3)} without Dropout .* is ${Math.abs(H[1] - H[0]).toFixed(3)} lower`));
  assert.match(await page.textContent('[data-testid="show-note"]'), /trained weights of the network as built \(epoch 2\)/);
  // every view changed
  assert.notDeepEqual(after.preds, before.preds);
  assert.notDeepEqual(after.stds, before.stds);
  assert.notDeepEqual(after.units, before.units);
  assert.notEqual(after.acts, before.acts);
  // and shows the trainer's network: the output bit for bit, the predictions, the stds, the confusion
  const ref = await trainerForward(page, 0);
  const shownOut = await page.evaluate(() => Array.from(globalThis.__tinytorchApps[0].model.layers.at(-1).output.data));
  assert.deepEqual(shownOut, ref.out);
  const predsOf = (out) => Array.from({ length: 8 }, (_, r) => { const row = out.slice(r * 10, r * 10 + 10); return row.indexOf(Math.max(...row)); });
  assert.deepEqual(after.preds.map((p) => Number(p.split(':')[0])), predsOf(ref.out));
  assert.deepEqual(after.stds, ref.stds);
  assert.equal(after.conf, ref.conf);
  const right = ref.conf.split(',').map(Number).filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
  assert.match(await page.textContent('[data-testid="pr-conf-text"]'), new RegExp(`on 1,000 test images.*: ${right} right`));
  const layerMeans = await page.evaluate(() => globalThis.__tinytorchApps[0].model.layers.map((r) => r.stats.mean));
  assert.deepEqual(layerMeans, ref.acts);
  // the two gaps are hatched in each run's own colour (stripes at alpha 0.55), not filled translucent so they blend to brown
  const stripes = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="acc-canvas"]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const n = { orange: 0, blue: 0, translucent: 0 };
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] >= 125 && d[i + 3] <= 155) {
        if (Math.abs(d[i] - 230) < 20 && Math.abs(d[i + 1] - 97) < 20 && d[i + 2] < 30) n.orange++;
        if (Math.abs(d[i] - 33) < 20 && Math.abs(d[i + 1] - 102) < 20 && Math.abs(d[i + 2] - 172) < 20) n.blue++;
      }
      if (d[i + 3] >= 36 && d[i + 3] <= 46) n.translucent++; // the old fill's alpha 0.16
    }
    return n;
  });
  assert.ok(stripes.orange > 30 && stripes.blue > 30, `hatch stripes ${JSON.stringify(stripes)}`);
  // the unit images: the change since the init, W − W₀ by the core, for unit 0 as the trainer's weights give it
  assert.equal(await page.getAttribute('[data-testid="wt-images"]', 'data-delta'), 'true');
  const deltaStd = await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    const { api } = app;
    const W = app.training.trainer.runs[0].net.namedParameters()[0][1].data;
    const W0 = app.model.layers[0].initialLayer.weight.data;
    const N = app.model.layers[0].spec.out;
    const col = new Float32Array(784);
    for (let k = 0; k < 784; k++) col[k] = W[k * N] - W0[k * N];
    return api.tidy(() => new api.Tensor(col, { shape: [784] }).stats().std);
  });
  const { fmtNum: fmt } = await import('../../web/format.js');
  assert.match(await page.locator('[data-testid="wt-unit"]').first().getAttribute('aria-label'), new RegExp(`^Change since the init of the weights into unit 0 .*std ${fmt(deltaStd).replace('.', '\\.')}\\.$`));
  // the weights view draws the init beside: dashed outline counts present, init std = the initial weights'
  assert.ok(await page.locator('[data-testid="wt-hist"][data-init-counts]').count() >= 3);
  // the switch: back to the initial weights (the views as before), then the comparison run
  await page.click('[data-testid="show-initial"]');
  await settle(page);
  const back = await snapshot(page);
  assert.equal(back.source, 'initial');
  assert.deepEqual(back.preds, before.preds);
  assert.deepEqual(back.stds, before.stds);
  assert.deepEqual(back.units, before.units);
  await page.click('[data-testid="show-compare"]');
  await settle(page);
  const cmp = await snapshot(page);
  assert.equal(cmp.source, 'compare');
  assert.deepEqual(cmp.stds, (await trainerForward(page, 1)).stds);
  assert.match(await page.evaluate(() => location.search + globalThis.__tinytorchApps[0].state.show), /compare$/);
  // Play again: a fresh run from the same settings (the finished one kept beside it)
  const first = await page.evaluate(() => globalThis.__tinytorchApps[0].training.trainer.history.at(-1).runs[0].valLoss);
  await page.click('[data-testid="train-play"]');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training.shelf.length === 1, null, { timeout: 5000 });
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.status === 'done', null, { timeout: 60000 });
  const again = await page.evaluate(() => {
    const c = globalThis.__tinytorchApps[0].training;
    return { why: c.shelf[0].why, epochs: c.trainer.history.length, last: c.trainer.history.at(-1).runs[0].valLoss, kept: c.shelf[0].history.length };
  });
  assert.deepEqual(again, { why: 'again', epochs: 3, last: first, kept: 3 }); // the same seed: the same numbers
  assert.deepEqual(errors, []);
  await context.close();
});

test('a Dropout p dragged during a run keeps the run beside the new one; undo (Ctrl+Z) brings it back, paused where it was', async () => {
  const { page, errors, context } = await open(`${session.base}/embed.html?view=editor,training&tsize=100&epochs=30`);
  await page.click('[data-testid="train-play"]');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.trainer?.history.length >= 4, null, { timeout: 60000 });
  // drag the first Dropout's p while it trains
  await page.locator('[data-testid="dropout-p"]').first().fill('0.2');
  await settle(page);
  const kept = await page.evaluate(() => {
    const c = globalThis.__tinytorchApps[0].training;
    return { shelf: c.shelf.map((e) => ({ steps: e.steps, epochs: e.history.length, label: e.label })), steps: c.trainer.stepsDone, status: c.status };
  });
  assert.equal(kept.shelf.length, 1);
  assert.ok(kept.shelf[0].steps >= 12, `kept ${kept.shelf[0].steps} steps`);
  assert.match(kept.shelf[0].label, /Dropout p = 0.5, 0.3/);
  assert.equal(kept.steps, 0);
  assert.notEqual(kept.status, 'playing');
  assert.match(await page.textContent('[data-testid="train-kept"]'), /kept under "Earlier runs"/);
  assert.equal(await page.locator('[data-testid="train-shelf"] tbody tr').count(), 1);
  // the kept run's validation curve stays on the validation panel, in grey, beside the new run
  assert.equal(await page.getAttribute('[data-testid="val-canvas"]', 'data-kept'), '1');
  assert.equal(Number(await page.getAttribute('[data-testid="val-canvas"]', 'data-points')), kept.shelf[0].epochs);
  // undo: the old p, and the old run itself
  await page.focus('[data-testid="train-step"]'); // keys go to the app's root (the embed's main)
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training.trainer.stepsDone > 0, null, { timeout: 5000 });
  await settle(page);
  const back = await page.evaluate(() => {
    const c = globalThis.__tinytorchApps[0].training;
    return { steps: c.trainer.stepsDone, epochs: c.trainer.history.length, status: c.status, shelf: c.shelf.length, p: globalThis.__tinytorchApps[0].state.net[2].p };
  });
  assert.equal(back.p, 0.5);
  assert.equal(back.steps, kept.shelf[0].steps);
  assert.equal(back.epochs, kept.shelf[0].epochs);
  assert.equal(back.status, 'paused');
  assert.match(await page.textContent('[data-testid="train-kept"]'), /Brought back the run/);
  // the loss chart draws that history (points), not an empty axis
  assert.equal(Number(await page.getAttribute('[data-testid="loss-canvas"]', 'data-points')), 4 * back.epochs);
  // and Play goes on from there
  await page.click('[data-testid="train-play"]');
  await page.waitForFunction((n) => globalThis.__tinytorchApps[0].training.trainer.history.length > n, back.epochs, { timeout: 30000 });
  await page.click('[data-testid="train-play"]');
  // Reset starts a fresh run (the one it replaces is kept, not brought straight back)
  await page.click('[data-testid="train-reset"]');
  await settle(page);
  const reset = await page.evaluate(() => {
    const c = globalThis.__tinytorchApps[0].training;
    return { steps: c.trainer.stepsDone, status: c.status, shelf: c.shelf.map((e) => e.why) };
  });
  assert.deepEqual(reset, { steps: 0, status: 'idle', shelf: ['reset'] });
  assert.match(await page.textContent('[data-testid="train-kept"]'), /^Reset: the previous run/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the init lab says why (with the factors the core measured), and "Train the classifier with N(0, 1)" starts a real run with that init', async () => {
  const { fmtFactor, fmtNum } = await import('../../web/format.js');
  const { page, errors, context } = await open(`${session.base}/embed.html?view=init`);
  // the lesson's init and He's columns of the table: the factor per layer, as the text gives it
  const cols = await page.evaluate(() => {
    const col = (init) => [...document.querySelectorAll(`[data-testid="init-table"] td[data-init="${init}"]`)].map((td) => Number(td.dataset.value));
    const w = (init) => [...document.querySelectorAll(`[data-testid="init-grad-table"] td[data-init="${init}"]`)].map((td) => Number(/\(([^)]*)\)/.exec(td.textContent)[1].replace(/,/g, '')));
    return { lesson: col('xavier'), he: col('he_normal'), wLesson: w('xavier') };
  });
  const factor = (v) => (v.at(-1) / v[0]) ** (1 / (v.length - 1));
  const why = await page.textContent('[data-testid="init-why"]');
  assert.match(why, /ReLU zeroes the negative half/);
  assert.ok(why.includes(`the lesson's init ×${fmtFactor(factor(cols.lesson))} per layer, He's ×${fmtFactor(factor(cols.he))}`), why);
  assert.ok(Math.abs(factor(cols.lesson) - Math.SQRT1_2) < 0.05, `lesson factor ${factor(cols.lesson)}`);
  const gradWhy = await page.textContent('[data-testid="init-grad-why"]');
  assert.match(gradWhy, /the activation that enters the layer times the gradient that reaches it/);
  assert.match(gradWhy, /weight gradients stay nearly flat/);
  assert.ok(gradWhy.includes(`‖∂L/∂W‖, from ${fmtNum(cols.wLesson.at(-1))}`), gradWhy);
  // a real run: the init set, a training view mounted, the trainer built with N(0, 1) and playing
  await page.click('[data-testid="init-train-normal"]');
  await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.trainer?.history.length >= 2, null, { timeout: 60000 });
  const run = await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    return { init: app.state.init, config: app.training.trainer.config.init, view: Boolean(document.querySelector('.tt-view-training')), loss0: app.training.trainer.history[0].runs[0].trainLoss };
  });
  assert.deepEqual([run.init, run.config, run.view], ['normal', 'normal', true]);
  assert.ok(run.loss0 > 10, `N(0, 1) starts far from chance (ln 10 ≈ 2.3): ${run.loss0}`);
  await page.click('[data-testid="train-play"]'); // pause
  assert.deepEqual(errors, []);
  await context.close();
});

test('prose numbers come from the core; a broken chain shows no stale Dropout mask; the ShapeError names Linear, not a kernel', async () => {
  const { fmtNum } = await import('../../web/format.js');
  const { page, errors, context } = await open(`${session.base}/index.html`);
  // the "training versus evaluation" box no longer writes a mean; the activations view does, from the model
  const box = await page.evaluate(() => [...document.querySelectorAll('h4')].find((h) => /training versus evaluation/i.test(h.textContent)).nextElementSibling.textContent);
  assert.doesNotMatch(box.replaceAll('p=0.5', ''), /\d\.\d/);
  const means = await page.evaluate(() => globalThis.__tinytorchApps[0].model.layers.map((r) => r.stats?.mean));
  const text = await page.textContent('[data-testid="act-dropout-means"]');
  assert.ok(text.includes(`Layer 2, Dropout(p=0.5): output mean ${fmtNum(means[2])} against ${fmtNum(means[1])} for its input`), text);
  // break the chain before a Dropout that ran: its thumbnail shows no mask, every later layer "not run"
  await page.evaluate(() => {
    const app = globalThis.__tinytorchApps[0];
    app.setState({ net: app.state.net.map((l, i) => (i === 0 ? { ...l, out: 200 } : l)) });
  });
  await settle(page);
  const thumbs = await page.locator('[data-testid="ws-thumb"]').evaluateAll((cs) => cs.map((c) => c.getAttribute('aria-label')));
  assert.match(thumbs[3], /no output/);
  assert.match(thumbs[5], /no output/, `the Dropout after the break: ${thumbs[5]}`);
  const err = await page.evaluate(() => globalThis.__tinytorchApps[0].model.error);
  assert.equal(err.name, 'ShapeError');
  assert.equal(err.message, 'Linear(256→128): input [32,200] must end in in_features = 256 (the weight is [256,128]); got 200');
  assert.ok(!(await page.textContent('body')).includes('linear_packed'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe-core finds nothing in the switch, the confusion matrix, the kept runs and the init lab\'s new text, at 1200 and 360 px', async () => {
  for (const width of [1200, 360]) {
    const { page, errors, context } = await open(`${session.base}/embed.html?view=training,probs,weights,activations,init&tsize=100&epochs=1`, { bypassCSP: true, width });
    await page.click('[data-testid="train-play"]');
    await page.waitForFunction(() => globalThis.__tinytorchApps[0].training?.status === 'done', null, { timeout: 60000 });
    await page.selectOption('[data-testid="train-cmp"]', '0.1'); // the finished run goes to the shelf (once the setting settles)
    await page.waitForFunction(() => globalThis.__tinytorchApps[0].training.shelf.length === 1, null, { timeout: 5000 });
    await settle(page);
    assert.equal(await page.locator('[data-testid="train-shelf"] tbody tr').count(), 1);
    await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
    assert.deepEqual(await axeViolations(page), [], `at ${width}px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `scrolls sideways by ${overflow}px at ${width}px`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
