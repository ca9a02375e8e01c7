// Dropout against overfitting, measured: the lesson MLP trained twice from
// the same init on the same 500 Fashion-MNIST images in the same order
// (Adam, lr 1e-3, batch 50, 60 epochs), once with its Dropouts (0.5, 0.3)
// and once without. Seeded, so the numbers are the same on every run and
// in both wasm builds up to float rounding of the sums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Tensor, Linear, ReLU, Dropout, Sequential, CrossEntropyLoss, Adam, Generator, noGrad, tidy, accuracy, memoryInfo,
} from '../../../js/index.js';
import { loadFashion } from '../../../examples/fashion.mjs';

const TRAIN = 500;
const VALID = 1000;
const EPOCHS = 60;
const BATCH = 50;

function run(data, pDrop) {
  const init = new Generator(2024);
  const drops = new Generator(7);
  const order = new Generator(99);
  const net = new Sequential(
    new Linear(784, 256, { generator: init }), new ReLU(), new Dropout(pDrop[0], { generator: drops }),
    new Linear(256, 128, { generator: init }), new ReLU(), new Dropout(pDrop[1], { generator: drops }),
    new Linear(128, 10, { generator: init }),
  );
  const opt = new Adam(net.parameters(), { lr: 1e-3 });
  const lossFn = new CrossEntropyLoss();
  const curve = [];
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const perm = tidy(() => Array.from(Tensor.rand(TRAIN, { generator: order }).data)).map((k, i) => [k, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    net.train();
    for (let s = 0; s < TRAIN; s += BATCH) {
      const idx = perm.slice(s, s + BATCH);
      const xb = new Float32Array(idx.length * 784);
      idx.forEach((i, r) => xb.set(data.trainX.subarray(i * 784, (i + 1) * 784), r * 784));
      tidy(() => {
        opt.zeroGrad();
        lossFn.forward(net.forward(new Tensor(xb, { shape: [idx.length, 784] })), Int32Array.from(idx, (i) => data.trainY[i])).backward();
        opt.step();
      });
    }
    if (epoch % 10 === 0) {
      net.eval();
      curve.push(noGrad(() => tidy(() => {
        const tr = net.forward(data.trainT);
        const va = net.forward(data.validT);
        return {
          epoch,
          trainLoss: lossFn.forward(tr, data.trainY).item(), trainAcc: accuracy(tr, data.trainY),
          validLoss: lossFn.forward(va, data.validY).item(), validAcc: accuracy(va, data.validY),
        };
      })));
    }
  }
  [net, opt, init, drops, order].forEach((o) => o.dispose());
  return curve;
}

test('without Dropout the net memorises 500 images and its validation loss climbs; with Dropout it ends clearly lower', async () => {
  const f = await loadFashion();
  const trainX = Float32Array.from(f.train.images.subarray(0, TRAIN * 784), (v) => v / 255);
  const data = {
    trainX,
    trainY: Int32Array.from(f.train.labels.subarray(0, TRAIN)),
    validY: Int32Array.from(f.test.labels.subarray(0, VALID)),
    trainT: new Tensor(trainX, { shape: [TRAIN, 784] }),
    validT: new Tensor(Float32Array.from(f.test.images.subarray(0, VALID * 784), (v) => v / 255), { shape: [VALID, 784] }),
  };
  const before = memoryInfo();
  const plain = run(data, [0, 0]);
  const dropout = run(data, [0.5, 0.3]);
  const fmt = (c) => c.map((r) => `${r.epoch}: train ${r.trainLoss.toFixed(3)}/${(100 * r.trainAcc).toFixed(1)}% valid ${r.validLoss.toFixed(3)}/${(100 * r.validAcc).toFixed(1)}%`).join('\n  ');
  console.log(`no dropout:\n  ${fmt(plain)}\ndropout 0.5/0.3:\n  ${fmt(dropout)}`);
  const last = (c) => c[c.length - 1];
  assert.equal(last(plain).trainAcc, 1, 'without Dropout every training image is learnt');
  const minValid = Math.min(...plain.map((r) => r.validLoss));
  assert.ok(last(plain).validLoss > minValid + 0.05, `validation loss climbs: min ${minValid}, last ${last(plain).validLoss}`);
  assert.ok(last(dropout).validLoss < last(plain).validLoss - 0.05,
    `Dropout ends lower: ${last(dropout).validLoss} vs ${last(plain).validLoss}`);
  assert.equal(memoryInfo().tensors, before.tensors);
  data.trainT.dispose();
  data.validT.dispose();
});
