// "Does Dropout help?" on the lesson page's training engine (web/train/), the
// two seeded runs on 300 images, 30 epochs (about 14 s: the slow tier).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../../js/index.js';
import { PageTrainer } from '../../../web/train/trainer.js';
import { NET, pageData } from '../page-data.js';

const DATA = pageData(300, 1000);

test('Does Dropout help? On 300 images the run without Dropout overfits, the run with it ends lower on validation', () => {
  const before = api.memoryInfo();
  const t = new PageTrainer(api, { net: NET, trainSize: 300, valSize: 1000, epochs: 30, batch: 32, optimizer: 'adam', lr: 0.001, seed: 42 });
  assert.equal(t.runs[0].specs, NET);
  assert.deepEqual(t.runs[1].specs.filter((s) => s.kind === 'dropout').map((s) => s.p), [0, 0]);
  t.setData(DATA);
  const t0 = performance.now();
  t.runToEnd();
  const ms = performance.now() - t0;
  assert.equal(t.history.length, 31);
  assert.equal(t.stepsDone, 30 * 10);
  const H = t.history;
  // epoch 0: the same weights, so the same numbers, near ln 10 for an untrained classifier
  assert.deepEqual(H[0].runs[0], H[0].runs[1]);
  assert.ok(Math.abs(H[0].runs[0].valLoss - Math.log(10)) < 0.15, `initial loss ${H[0].runs[0].valLoss}`);
  const built = H.map((h) => h.runs[0]);
  const plain = H.map((h) => h.runs[1]);
  const minPlain = Math.min(...plain.map((r) => r.valLoss));
  const bestEpoch = plain.findIndex((r) => r.valLoss === minPlain);
  const end = plain.at(-1);
  console.log(`300 images, 30 epochs, Adam 1e-3, ${ms.toFixed(0)} ms: without Dropout train loss ${end.trainLoss.toFixed(4)}, train acc ${end.trainAcc}, val loss ${end.valLoss.toFixed(4)} (lowest ${minPlain.toFixed(4)} at epoch ${bestEpoch}), val acc ${end.valAcc}; `
    + `with Dropout train loss ${built.at(-1).trainLoss.toFixed(4)}, train acc ${built.at(-1).trainAcc}, val loss ${built.at(-1).valLoss.toFixed(4)}, val acc ${built.at(-1).valAcc}`);
  // without Dropout: every training image learnt ...
  assert.equal(end.trainAcc, 1);
  assert.ok(end.trainLoss < 0.05, `train loss ${end.trainLoss}`);
  // ... while the validation loss climbs over the last epochs, well above its lowest
  assert.ok(bestEpoch < 20, `lowest validation loss at epoch ${bestEpoch}`);
  const last5 = plain.slice(-5).reduce((s, r) => s + r.valLoss, 0) / 5;
  const mid5 = plain.slice(bestEpoch, bestEpoch + 5).reduce((s, r) => s + r.valLoss, 0) / 5;
  assert.ok(last5 > mid5 + 0.03, `validation loss over the last 5 epochs ${last5} vs ${mid5} around its lowest`);
  assert.ok(end.valLoss > minPlain + 0.05, `final ${end.valLoss} vs lowest ${minPlain}`);
  // with Dropout: lower validation loss at the end, and a smaller gap
  assert.ok(built.at(-1).valLoss < end.valLoss - 0.05, `with Dropout ${built.at(-1).valLoss} vs without ${end.valLoss}`);
  assert.ok(built.at(-1).valLoss - built.at(-1).trainLoss < end.valLoss - end.trainLoss, 'the gap is smaller with Dropout');
  assert.ok(built.at(-1).trainAcc < 1, 'Dropout keeps it from memorising every image in 30 epochs');

  // the same settings again, in tiny slices of 0 ms (one unit each): the same history, bit for bit
  const again = new PageTrainer(api, { net: NET, trainSize: 300, valSize: 1000, epochs: 4, batch: 32, optimizer: 'adam', lr: 0.001, seed: 42 });
  again.setData(DATA);
  let slices = 0;
  while (!again.done) {
    assert.ok(again.runFor(0) <= 1);
    slices++;
  }
  assert.equal(slices, again.units + 1);
  assert.deepEqual(again.history, H.slice(0, 5));
  again.dispose();
  t.dispose();
  assert.equal(api.memoryInfo().tensors, before.tensors);
  assert.equal(api.memoryInfo().bytes, before.bytes);
  assert.equal(api.memoryInfo().generators, before.generators);
});
