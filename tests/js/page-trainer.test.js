// The lesson page's training engine (web/train/), through the real wasm:
// the data script the page loads (made by make-fashion-data.py --train and
// checked against Debian's dataset files), the parameter list with its
// norms (against norms summed here from the tensors' data) and the memory
// ledger's rule (against the core's byte counter). The two runs of "Does
// Dropout help?" are in tests/js/slow/page-overfit.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as api from '../../js/index.js';
import { PageTrainer, comparisonSpecs, normFromStats, MAX_TRAIN_PARAMS, suggestLearningRate } from '../../web/train/trainer.js';
import { TRAIN_UNIT_FLOPS, trainingStepFlops, overTrainingBudget, forwardFlopsPerRow } from '../../web/budget.js';
import { packImages, unpackImages } from '../../web/data/packed-images.js';
import { savedForBackward, measureTraining } from '../../web/train/ledger.js';
import { NET, pageData } from './page-data.js';

const DATA = pageData(300, 1000);

test('the page data script holds the first images of Debian\'s Fashion-MNIST files, byte for byte', () => {
  const dir = '/usr/share/datasets/fashion-mnist';
  const trainPx = gunzipSync(readFileSync(`${dir}/train-images-idx3-ubyte.gz`)).subarray(16, 16 + 300 * 784);
  const trainLab = gunzipSync(readFileSync(`${dir}/train-labels-idx1-ubyte.gz`)).subarray(8, 8 + 300);
  const testLab = gunzipSync(readFileSync(`${dir}/t10k-labels-idx1-ubyte.gz`)).subarray(8, 8 + 1000);
  assert.equal(DATA.rows * DATA.cols, 784);
  assert.equal(DATA.train.count, 300);
  assert.equal(DATA.test.count, 1000);
  assert.deepEqual(DATA.train.pixels, new Uint8Array(trainPx));
  assert.deepEqual(DATA.train.labels, new Uint8Array(trainLab));
  assert.deepEqual(DATA.test.labels, new Uint8Array(testLab));
  // the packed form the page loads gives the same bytes back, and a truncated file is refused
  const packed = packImages({ rows: 28, cols: 28 }, [{ name: 'train', count: 300, pixels: DATA.train.pixels, labels: DATA.train.labels }]);
  assert.deepEqual(unpackImages(packed).sets.train.pixels, DATA.train.pixels);
  assert.throws(() => unpackImages(packed.subarray(0, packed.length - 1)), /truncated/);
});

test('another seed gives other curves; the comparison at the built p gives the built run', () => {
  const cfg = { net: [{ kind: 'linear', in: 784, out: 32, bias: true }, { kind: 'relu' }, { kind: 'dropout', p: 0.4 }, { kind: 'linear', in: 32, out: 10, bias: true }], trainSize: 100, valSize: 200, epochs: 2 };
  const run = (extra) => {
    const t = new PageTrainer(api, { ...cfg, ...extra });
    t.setData(DATA);
    t.runToEnd();
    const h = t.history;
    t.dispose();
    return h;
  };
  const a = run({ seed: 1, compareP: 0.4 });
  const b = run({ seed: 2, compareP: 0.4 });
  a.forEach((h) => assert.deepEqual(h.runs[0], h.runs[1]));
  assert.notEqual(a[2].runs[0].valLoss, b[2].runs[0].valLoss);
  assert.deepEqual(comparisonSpecs(cfg.net, 0.1).map((s) => s.p), [undefined, undefined, 0.1, undefined]);
  // SGD with momentum trains too
  const sgd = run({ seed: 1, optimizer: 'sgd', lr: 0.05, epochs: 3 });
  const sgdLoss = sgd.map((h) => h.runs[1].trainLoss);
  assert.ok(Math.min(...sgdLoss.slice(1)) < sgdLoss[0] - 0.3, `SGD training loss by epoch: ${sgdLoss}`);
});

test('the parameter list: names, shapes, and norms of grad and update equal norms summed from the tensors', () => {
  const t = new PageTrainer(api, { net: NET, trainSize: 64, valSize: 200, epochs: 1, batch: 32, seed: 3 });
  t.setData(DATA);
  const rows0 = t.parameterTable(0);
  assert.deepEqual(rows0.map((r) => r.name), ['0.weight', '0.bias', '3.weight', '3.bias', '6.weight', '6.bias']);
  assert.deepEqual(rows0.map((r) => r.shape), [[784, 256], [256], [256, 128], [128], [128, 10], [10]]);
  assert.ok(rows0.every((r) => r.requiresGrad && r.grad === null && r.update === null && r.step === 0));
  // run the first evaluation (its units), then exactly one training step
  while (t.history.length === 0) t.runFor(0);
  const params = t.runs[0].named.map(([, p]) => p);
  const before = params.map((p) => p.data);
  // a step is two units per run (each its own slice of work): run 0's forward and
  // backward, its update, then run 1's two
  for (let u = 0; u < 3; u++) {
    assert.equal(t.runFor(0), 1);
    assert.equal(t.stepsDone, 0);
  }
  assert.equal(t.runFor(0), 1);
  assert.equal(t.stepsDone, 1);
  const rows = t.parameterTable(0);
  const norm = (xs) => Math.sqrt(xs.reduce((s, v) => s + v * v, 0));
  rows.forEach((r, k) => {
    assert.equal(r.step, 1);
    const g = norm(params[k].grad.data);
    const after = params[k].data;
    const d = norm(after.map((v, i) => v - before[k][i]));
    const w = norm(after);
    assert.ok(g > 0 && Math.abs(normFromStats(r.grad) - g) <= 1e-5 * g, `${r.name}: grad norm ${normFromStats(r.grad)} vs ${g}`);
    assert.ok(d > 0 && Math.abs(normFromStats(r.update) - d) <= 1e-4 * d, `${r.name}: update norm ${normFromStats(r.update)} vs ${d}`);
    assert.ok(Math.abs(normFromStats(r.weight) - w) <= 1e-5 * w, `${r.name}: weight norm`);
  });
  // Adam's first step moves every weight by about lr
  const w0 = rows[0];
  assert.ok(Math.abs(normFromStats(w0.update) / Math.sqrt(w0.count) - 0.001) < 0.0002, `first Adam step ${normFromStats(w0.update) / Math.sqrt(w0.count)}`);
  t.dispose();
});

test('the memory ledger: the rule of what backward keeps equals the core\'s byte counter, four networks, two batch sizes', () => {
  const nets = [
    NET,
    [{ kind: 'linear', in: 784, out: 64, bias: true }, { kind: 'tanh' }, { kind: 'dropout', p: 0.2 }, { kind: 'linear', in: 64, out: 10, bias: false }],
    [{ kind: 'dropout', p: 0.1 }, { kind: 'linear', in: 784, out: 10, bias: true }],
    [{ kind: 'linear', in: 784, out: 32, bias: true }, { kind: 'relu' }, { kind: 'linear', in: 32, out: 10, bias: true }, { kind: 'softmax' }],
  ];
  const start = api.memoryInfo().tensors;
  for (const net of nets) {
    for (const B of [1, 32]) {
      const sizes = [];
      let w = 784;
      for (const s of net) {
        if (s.kind === 'linear') w = s.out;
        sizes.push(B * w);
      }
      const saved = savedForBackward(net, B * 784, sizes);
      const m = api.tidy(() => measureTraining(api, net, { batch: B }));
      const params = net.filter((s) => s.kind === 'linear').reduce((n, s) => n + api.Linear.countParameters(s.in, s.out, s.bias), 0);
      assert.equal(m.paramBytes, 4 * params);
      assert.equal(m.gradBytes, 4 * params);
      assert.equal(m.stateBytes.sgd, 4 * params, 'SGD with momentum: one buffer per parameter');
      assert.equal(m.stateBytes.adam, 8 * params, 'Adam: two buffers per parameter');
      // the forward pass added: kept activations (the input existed before) + masks + targets (4 B each) + the loss (4 B)
      const expected = saved.keptBytes - (saved.input.kept ? saved.input.bytes : 0) + saved.maskBytes + 4 * B + 4;
      assert.equal(m.forwardBytes, expected, `${JSON.stringify(net.map((s) => s.kind))} at batch ${B}`);
      assert.equal(saved.torchinfoBytes, 2 * 4 * sizes.reduce((a, b) => a + b, 0));
    }
  }
  // the lesson's net at batch 32: kept = input + ReLU outputs + Dropout outputs + logits, masks 2
  const s = savedForBackward(NET, 32 * 784, [32 * 256, 32 * 256, 32 * 256, 32 * 128, 32 * 128, 32 * 128, 32 * 10]);
  assert.deepEqual(s.rows.map((r) => r.kept), [false, true, true, false, true, true, true]);
  assert.equal(s.keptBytes, 4 * 32 * (784 + 256 + 256 + 128 + 128 + 10));
  assert.equal(s.maskBytes, 4 * 32 * (256 + 128));
  console.log(`lesson net at batch 32: kept ${s.keptBytes} B + masks ${s.maskBytes} B vs torchinfo forward/backward ${s.torchinfoBytes} B`);
  assert.equal(api.memoryInfo().tensors, start);
});

test('networks the page cannot train are refused with a clear error, and nothing leaks', () => {
  const before = api.memoryInfo();
  assert.throws(() => new PageTrainer(api, { net: [{ kind: 'linear', in: 784, out: 5, bias: true }] }), /ends in 5 features.*needs 10/);
  assert.throws(() => new PageTrainer(api, { net: [{ kind: 'linear', in: 100, out: 10, bias: true }] }), /does not take 784 features/);
  assert.throws(() => new PageTrainer(api, { net: [{ kind: 'relu' }] }), RangeError);
  assert.throws(() => new PageTrainer(api, { net: [{ kind: 'linear', in: 784, out: 4096, bias: true }, { kind: 'linear', in: 4096, out: 10, bias: true }] }), new RegExp(`at most ${api.fmtInt(MAX_TRAIN_PARAMS)}`));
  assert.throws(() => new PageTrainer(api, { net: NET, optimizer: 'rmsprop' }), /optimizer must be one of adam, sgd/);
  assert.throws(() => new PageTrainer(api, { net: NET, lr: 0 }), /lr must be in/);
  const big = new PageTrainer(api, { net: NET, trainSize: 301 });
  assert.throws(() => big.setData(DATA), /300 training images, 301 asked for/);
  assert.throws(() => big.runFor(5), /setData/);
  big.dispose();
  const after = api.memoryInfo();
  assert.equal(after.tensors, before.tensors);
  assert.equal(after.generators, before.generators);
});

test('the training settings in the URL: strict parsers, only the offered values', async () => {
  const { TRAIN_STATE } = await import('../../web/train/settings.js');
  const row = Object.fromEntries(TRAIN_STATE.map((r) => [r.key, r]));
  assert.deepEqual(Object.keys(row), ['tsize', 'epochs', 'optim', 'lr', 'cmp']);
  assert.equal(row.tsize.parse('1000'), 1000);
  assert.equal(row.epochs.parse('100'), 100);
  assert.equal(row.optim.parse('sgd'), 'sgd');
  assert.equal(row.lr.parse('0.003'), 0.003);
  assert.equal(row.cmp.parse('0.2'), 0.2);
  for (const [key, bad] of [['tsize', '10000'], ['tsize', '1e3'], ['tsize', '300 '], ['epochs', '0'], ['epochs', '101'], ['epochs', '1.5'], ['optim', 'rmsprop'],
    ['lr', '0.002'], ['lr', 'NaN'], ['lr', '-0.1'], ['cmp', '0.9'], ['cmp', '1']]) {
    assert.throws(() => row[key].parse(bad), Error, `${key}=${bad}`);
  }
  for (const r of TRAIN_STATE) if (r.default !== null) assert.equal(r.parse(r.format(r.default)), r.default);
});

// issue 20: the page's own menus reach a diverging run (net=L784-256,L256-256,L256-256,L256-256,L256-10
// &optim=sgd&lr=0.3&tsize=100): before, the core trapped ("unreachable") on the NaN logits
const DEEP = [
  { kind: 'linear', in: 784, out: 256, bias: true }, { kind: 'linear', in: 256, out: 256, bias: true },
  { kind: 'linear', in: 256, out: 256, bias: true }, { kind: 'linear', in: 256, out: 256, bias: true },
  { kind: 'linear', in: 256, out: 10, bias: true },
];

test('a diverging run stops with the step, the loss and a lower learning rate that trains, keeping its curves', () => {
  const before = api.memoryInfo();
  const cfg = { net: DEEP, trainSize: 100, valSize: 1000, epochs: 5, batch: 32, optimizer: 'sgd', lr: 0.3, seed: 42 };
  const t = new PageTrainer(api, cfg);
  t.setData(DATA);
  t.runToEnd(); // returns: runToEnd stops at a divergence
  assert.ok(t.diverged, 'the run diverged');
  assert.equal(t.done, false);
  const d = t.diverged;
  assert.ok(!Number.isFinite(d.loss), `the loss ${d.loss}`);
  assert.ok(d.step >= 2 && d.step <= t.totalSteps, `step ${d.step}`);
  assert.equal(d.run, 'built');
  assert.equal(d.lr, 0.3);
  assert.equal(d.suggestion, 0.01);
  assert.ok(t.history.length >= 1 && t.history.every((h) => h.runs.every((r) => Number.isFinite(r.trainLoss))), 'the epochs measured before it stay');
  assert.equal(t.runFor(10), 0, 'no more work after a divergence');
  t.dispose();
  // the suggestion, followed, trains to the end (and so on down the list)
  let lr = d.suggestion;
  for (;;) {
    const u = new PageTrainer(api, { ...cfg, lr });
    u.setData(DATA);
    u.runToEnd();
    const ok = u.done && !u.diverged;
    const next = u.diverged?.suggestion;
    u.dispose();
    if (ok) break;
    assert.ok(next && next < lr, `a run at ${lr} diverged and the suggestion ${next} is lower`);
    lr = next;
  }
  assert.equal(lr, 0.01, 'the first suggestion trains');
  assert.equal(api.memoryInfo().tensors, before.tensors);
});

test('suggestLearningRate: at most a thirtieth, from the page\'s list', () => {
  assert.equal(suggestLearningRate(0.3), 0.01);
  assert.equal(suggestLearningRate(0.1), 0.003);
  assert.equal(suggestLearningRate(0.05), 0.001);
  assert.equal(suggestLearningRate(0.001), 0.0003);
  assert.equal(suggestLearningRate(0.0003), null);
});

test('the training budget: a step over TRAIN_UNIT_FLOPS is refused with the reason; evaluation chunks shrink for wide networks', () => {
  const WIDE = [{ kind: 'linear', in: 784, out: 2400, bias: true }, { kind: 'relu' }, { kind: 'linear', in: 2400, out: 10, bias: true }];
  assert.ok(trainingStepFlops(api, WIDE, 256) > 2e9);
  assert.throws(() => new PageTrainer(api, { net: WIDE, batch: 256 }),
    (e) => e instanceof RangeError && /one training step of this network at batch 256 is 2\.20 GFLOP of work and the page trains at most 120\.0 MFLOP/.test(e.message) && /Use narrower or fewer layers/.test(e.message));
  // its 1.9 million parameters alone are over: their update and statistics are memory traffic
  assert.ok(overTrainingBudget(api, WIDE, 1));
  // the lesson network trains up to batch 90, the deep network at its 32
  assert.equal(overTrainingBudget(api, NET, 32), null);
  assert.equal(overTrainingBudget(api, NET, 90), null);
  assert.match(overTrainingBudget(api, NET, 91), /Use a smaller batch or narrower layers/);
  assert.equal(overTrainingBudget(api, DEEP, 32), null);
  const MID = [{ kind: 'linear', in: 784, out: 1024, bias: true }, { kind: 'relu' }, { kind: 'linear', in: 1024, out: 10, bias: true }];
  const t = new PageTrainer(api, { net: MID, batch: 4, trainSize: 100, valSize: 200, epochs: 1 });
  t.setData(DATA);
  assert.ok(t.evalChunk * forwardFlopsPerRow(MID, 784) <= TRAIN_UNIT_FLOPS && t.evalChunk >= 50 && t.evalChunk < 200, `eval chunk ${t.evalChunk}`);
  t.dispose();
});

test('runFor does not start a unit its last unit says would end past the budget', () => {
  const t = new PageTrainer(api, { net: NET, trainSize: 64, valSize: 200, epochs: 1, batch: 32, seed: 3 });
  t.setData(DATA);
  let now = 0;
  const clock = () => now;
  // every unit "takes" 6 ms on this clock: a 10 ms budget fits one (6 + 6 > 10), a 12 ms budget two
  const orig = t.runFor.bind(t);
  const tick = () => { now += 3; return now; }; // called twice per unit (before and after)
  assert.equal(orig(10, tick), 1);
  assert.equal(orig(12, tick), 2);
  assert.ok(t.longestUnitMs >= 3);
  void clock;
  t.dispose();
});

test('runFor(0) runs exactly one unit on a clock too coarse to see it (Firefox rounds to 1 ms)', () => {
  const t = new PageTrainer(api, { net: NET, trainSize: 64, valSize: 200, epochs: 1, batch: 32, seed: 3 });
  t.setData(DATA);
  const frozen = () => 1000; // every unit "takes" 0 ms
  for (let u = 0; u < 5; u++) assert.equal(t.runFor(0, frozen), 1);
  t.dispose();
});
