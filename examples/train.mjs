// Trains the lesson's network on Fashion-MNIST in Node and prints one line
// per epoch: loss, training accuracy, test accuracy, seconds.
//   node examples/train.mjs [--epochs 4] [--optimizer adam|sgd] [--lr 0.001] [--batch 64] [--no-dropout]
// Data: the first 10,000 training and 2,000 test images of Debian's
// dataset-fashion-mnist, as scripts/build.sh writes them into build/data.
import { parseArgs } from 'node:util';
import {
  Tensor, Linear, ReLU, Dropout, Sequential, CrossEntropyLoss, SGD, Adam, Generator, manualSeed, noGrad, tidy, accuracy,
} from '../js/index.js';
import { loadFashion } from './fashion.mjs';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '4' },
    optimizer: { type: 'string', default: 'adam' },
    lr: { type: 'string' },
    batch: { type: 'string', default: '64' },
    seed: { type: 'string', default: '0' },
    'no-dropout': { type: 'boolean', default: false },
  },
});
const epochs = Number(args.epochs);
const batch = Number(args.batch);
const pDrop = args['no-dropout'] ? [0, 0] : [0.5, 0.3];

const { train, test, rows, cols } = await loadFashion();
const features = rows * cols;
/** Images [count, 784] as float32 in [0, 1]. */
const toFloat = (images) => Float32Array.from(images, (v) => v / 255);
const trainX = toFloat(train.images);
const testX = new Tensor(toFloat(test.images), { shape: [test.count, features] });

manualSeed(Number(args.seed));
const net = new Sequential(
  new Linear(features, 256), new ReLU(), new Dropout(pDrop[0]),
  new Linear(256, 128), new ReLU(), new Dropout(pDrop[1]),
  new Linear(128, 10),
);
const lossFn = new CrossEntropyLoss();
const opt = args.optimizer === 'sgd'
  ? new SGD(net.parameters(), { lr: Number(args.lr ?? 0.05), momentum: 0.9 })
  : new Adam(net.parameters(), { lr: Number(args.lr ?? 1e-3) });
const shuffler = new Generator(Number(args.seed) + 1);

console.log(`${net}\n${train.count} training images, ${test.count} test images, batch ${batch}, ${args.optimizer}\n`);
console.log('epoch   loss     train acc   test acc   seconds');
for (let epoch = 1; epoch <= epochs; epoch++) {
  const t0 = performance.now();
  // a seeded shuffle: random keys from the core, sorted
  const order = tidy(() => Array.from(Tensor.rand(train.count, { generator: shuffler }).data))
    .map((k, i) => [k, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  let lossSum = 0;
  let correct = 0;
  net.train();
  for (let start = 0; start < train.count; start += batch) {
    const idx = order.slice(start, start + batch);
    const xb = new Float32Array(idx.length * features);
    idx.forEach((i, r) => xb.set(trainX.subarray(i * features, (i + 1) * features), r * features));
    const yb = Int32Array.from(idx, (i) => train.labels[i]);
    tidy(() => {
      opt.zeroGrad();
      const logits = net.forward(new Tensor(xb, { shape: [idx.length, features] }));
      const loss = lossFn.forward(logits, yb);
      loss.backward();
      opt.step();
      lossSum += loss.item() * idx.length;
      correct += accuracy(logits, yb) * idx.length;
    });
  }
  const testAcc = noGrad(() => tidy(() => accuracy(net.eval().forward(testX), test.labels)));
  const secs = (performance.now() - t0) / 1000;
  console.log(`${String(epoch).padStart(5)}   ${(lossSum / train.count).toFixed(4)}   ${(100 * correct / train.count).toFixed(1).padStart(8)} %  ${(100 * testAcc).toFixed(1).padStart(7)} %   ${secs.toFixed(2).padStart(7)}`);
}
net.dispose();
opt.dispose();
testX.dispose();
shuffler.dispose();
