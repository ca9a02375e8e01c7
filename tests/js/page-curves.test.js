// The training view's pure parts: the loss axis's 1-2-5 ticks
// (draw/charts.js linearTicks: the old axis read 2.5 / 1.3 / 0, and
// "0.000001 / 5.2e-7" before the first epoch), the measured difference the
// page states (views/training.js effectText: numbers from the history,
// never written in prose), and the kept runs' settings
// (train/controller.js: named, and back to the page state that makes them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearTicks } from '../../web/draw/charts.js';
import { trainSettings, describeSettings, stateOfSettings } from '../../web/train/controller.js';
import { readHash, defaults } from '../../web/state.js';

const labels = (r) => r.ticks.map((t) => t.label);

test('linearTicks: 1-2-5 steps, the axis widened to whole steps, labels without float noise', () => {
  assert.deepEqual(labels(linearTicks(0, 2.31)), ['0', '0.5', '1', '1.5', '2', '2.5']);
  assert.deepEqual(labels(linearTicks(0, 1)), ['0', '0.2', '0.4', '0.6', '0.8', '1']);
  assert.deepEqual(labels(linearTicks(0.1651, 0.1942)), ['0.16', '0.17', '0.18', '0.19', '0.2']);
  assert.deepEqual(labels(linearTicks(0.6, 1.23, 5)), ['0.6', '0.8', '1', '1.2', '1.4']);
  assert.deepEqual(labels(linearTicks(0, 0.3)), ['0', '0.1', '0.2', '0.3']);
  for (const [a, b, n] of [[0, 2.31, 6], [0.0312, 0.0871, 6], [2.3, 2.3, 6], [0.19, 0.21, 5], [0, 100, 6], [-3, 7, 4], [1e-7, 3e-7, 6]]) {
    const r = linearTicks(a, b, n);
    assert.ok(r.ticks.length >= 2 && r.ticks.length <= Math.max(2, n), `${a}..${b}: ${labels(r)}`);
    assert.ok(r.lo <= Math.min(a, b) && r.hi >= Math.max(a, b), `${a}..${b} inside ${r.lo}..${r.hi}`);
    for (const t of r.ticks) assert.equal(t.label, String(t.value));
    for (const t of r.ticks) assert.ok(!/0000000|9999999/.test(t.label), t.label);
  }
  assert.throws(() => linearTicks(NaN, 1), RangeError);
});

test('effectText: the two validation losses, their difference and the lowest, from the history', async () => {
  const { effectText } = await import('../../web/views/training.js');
  const run = (valLoss) => ({ trainLoss: 0.1, valLoss, trainAcc: 1, valAcc: 0.8 });
  const t = {
    config: { net: defaults().net, compareP: 0 },
    runs: [{ label: 'as built (Dropout p = 0.5, 0.3)' }, { label: 'without Dropout (p = 0)' }],
    history: [{ epoch: 0, runs: [run(2.3), run(2.3)] }, { epoch: 1, runs: [run(0.64), run(0.61)] }, { epoch: 2, runs: [run(0.657), run(0.787)] }],
  };
  assert.equal(effectText(t), 'Measured after epoch 2, validation loss: 0.657 as built (Dropout p = 0.5, 0.3); 0.787 without Dropout (p = 0). The run as built (Dropout p = 0.5, 0.3) is 0.130 lower (16.5% of the higher). Lowest along the way: 0.640 and 0.610.');
  assert.equal(effectText({ ...t, history: t.history.slice(0, 1) }), '');
});

test('a kept run\'s settings are named, and stateOfSettings gives the state that makes them again', () => {
  for (const hash of ['', 'tsize=100&epochs=2&seed=7', 'net=L784-64,R,D0.2,L64-10&optim=sgd&lr=0.01&cmp=0.1', 'optim=sgd']) {
    const state = readHash(hash).state;
    const s = trainSettings(state);
    assert.deepEqual(trainSettings({ ...state, ...stateOfSettings(s) }), s, hash);
  }
  const s = trainSettings(readHash('net=L784-64,R,D0.2,L64-10&optim=sgd&lr=0.01&cmp=0.1&tsize=100').state);
  assert.equal(describeSettings(s), 'MNIST digits · Dropout p = 0.2 · compared with p = 0.1 · widths 784-64-10 · 100 images · 10 epochs · SGD with momentum 0.9, lr 0.01 · batch 32 · init xavier · seed 42');
});
