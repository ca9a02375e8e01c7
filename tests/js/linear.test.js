// Linear: the lesson's "Linear Layer Functionality", "Xavier Initialization"
// and "Parameter Management" coverage, plus its edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Linear, ShapeError, manualSeed, tidy } from '../../js/index.js';
import { assertClose, noLeak } from './helpers.js';

const std = (a) => {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
};

test('y = xW + b on the hand-computed example', () => noLeak(() => {
  const layer = new Linear(3, 2);
  layer.weight = new Tensor([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]);
  layer.bias = new Tensor([0.1, 0.2]);
  const x = new Tensor([[1, 2, 3], [4, 5, 6]]);
  const y = layer.forward(x);
  assert.deepEqual(y.shape, [2, 2]);
  assertClose(y.toArray(), [[2.3, 3.0], [5.0, 6.6]], 1e-6);
  y.dispose(); x.dispose(); layer.dispose();
}));

test('weights start with the lesson\'s std sqrt(1/in_features); bias is zeros', () => noLeak(() => {
  manualSeed(42);
  const layer = new Linear(784, 256);
  assert.deepEqual(layer.weight.shape, [784, 256]);
  assert.deepEqual(layer.bias.shape, [256]);
  const s = std(layer.weight.data);
  assert.ok(Math.abs(s - Math.sqrt(1 / 784)) < 0.001, `weight std ${s} vs ${Math.sqrt(1 / 784)}`);
  assert.ok(layer.bias.data.every((v) => v === 0));
  layer.dispose();
}));

test('every initialiser has its published scale', () => noLeak(() => {
  manualSeed(1);
  const expectStd = {
    xavier: Math.sqrt(1 / 784),
    he_normal: Math.sqrt(2 / 784),
    normal: 1,
    xavier_uniform: Math.sqrt(6 / (784 + 256)) / Math.sqrt(3), // std of U(-a, a)
  };
  for (const [init, want] of Object.entries(expectStd)) {
    const layer = new Linear(784, 256, { init });
    const s = std(layer.weight.data);
    assert.ok(Math.abs(s / want - 1) < 0.01, `${init}: std ${s}, expected ${want}`);
    if (init === 'xavier_uniform') {
      const bound = Math.sqrt(6 / (784 + 256));
      assert.ok(layer.weight.data.every((v) => Math.abs(v) <= bound));
    }
    layer.dispose();
  }
  assert.throws(() => new Linear(3, 2, { init: 'orthogonal' }), (e) => e instanceof RangeError && /orthogonal/.test(e.message) && /xavier_uniform/.test(e.message));
}));

test('[32,784] -> [32,256], a single sample, [B,T,in] and an empty batch', () => noLeak(() => {
  const layer = new Linear(784, 256);
  tidy(() => {
    assert.deepEqual(layer.forward(Tensor.randn([32, 784])).shape, [32, 256]);
    assert.deepEqual(layer.forward(Tensor.randn([1, 784])).shape, [1, 256]);
    assert.deepEqual(layer.forward(Tensor.randn([784])).shape, [256]);
    assert.deepEqual(layer.forward(Tensor.randn([4, 3, 784])).shape, [4, 3, 256]);
    const empty = layer.forward(Tensor.zeros([0, 784]));
    assert.deepEqual(empty.shape, [0, 256]);
    assert.equal(empty.size, 0);
  });
  // a 1-D input gives the same numbers as the same row in a batch
  tidy(() => {
    const x = Tensor.randn([784]);
    const one = layer.forward(x).data;
    const batch = layer.forward(x.reshape(1, 784)).data;
    assert.deepEqual(one, batch);
  });
  layer.dispose();
}));

test('parameters(): [weight, bias], the same objects, requiresGrad true; counts', () => noLeak(() => {
  const layer = new Linear(784, 256);
  const params = layer.parameters();
  assert.equal(params.length, 2);
  assert.equal(params[0], layer.weight);
  assert.equal(params[1], layer.bias);
  assert.ok(params.every((p) => p.requiresGrad));
  assert.equal(params.reduce((n, p) => n + p.size, 0), 200960);
  layer.dispose();
  // 784 -> 256 -> 10 and 784 -> 128 -> 64 -> 10
  const count = (widths) => {
    const layers = widths.slice(1).map((w, i) => new Linear(widths[i], w));
    const n = layers.flatMap((l) => l.parameters()).reduce((s, p) => s + p.size, 0);
    layers.forEach((l) => l.dispose());
    return n;
  };
  assert.equal(count([784, 256, 10]), 203530);
  assert.equal(count([784, 128, 64, 10]), 109386);
}));

test('no bias: parameters() is [weight] and y = xW', () => noLeak(() => {
  const layer = new Linear(3, 2, { bias: false });
  assert.equal(layer.bias, null);
  assert.equal(layer.parameters().length, 1);
  assert.equal(String(layer), 'Linear(in_features=3, out_features=2, bias=false)');
  layer.weight = new Tensor([[1, 0], [0, 1], [1, 1]]);
  tidy(() => assertClose(layer.forward(new Tensor([[1, 2, 3]])).toArray(), [[4, 5]]));
  layer.dispose();
}));

test('replacing weight or bias: same shape only, and the layer takes it over', () => noLeak(() => {
  const layer = new Linear(3, 2);
  assert.equal(String(layer), 'Linear(in_features=3, out_features=2, bias=true)');
  const old = layer.weight;
  const w = new Tensor([[1, 2], [3, 4], [5, 6]]);
  layer.weight = w;
  assert.equal(layer.weight, w);
  assert.equal(layer.parameters()[0], w);
  assert.ok(w.requiresGrad);
  assert.ok(old.isDisposed, 'the replaced weight is freed');
  const wrong = new Tensor([[1, 2, 3]]);
  assert.throws(() => { layer.weight = wrong; }, (e) => e instanceof ShapeError && e.message === 'Linear.weight: expected shape [3,2], got [1,3]');
  assert.throws(() => { layer.bias = wrong; }, ShapeError);
  assert.throws(() => { layer.weight = [[1, 2]]; }, TypeError);
  assert.equal(layer.weight, w, 'a failed assignment changes nothing');
  wrong.dispose();
  layer.dispose();
  assert.ok(w.isDisposed);
}));

test('bad constructor arguments and inputs', () => noLeak(() => {
  assert.throws(() => new Linear(-1, 2), (e) => e instanceof RangeError && /inFeatures/.test(e.message) && /-1/.test(e.message));
  assert.throws(() => new Linear(2.5, 2), RangeError);
  assert.throws(() => new Linear('784', 2), TypeError);
  assert.throws(() => new Linear(2, 2 ** 31), RangeError);
  assert.throws(() => new Linear(2, 2, { bias: 'yes' }), TypeError);
  const layer = new Linear(784, 256);
  const x = Tensor.zeros([32, 100]);
  assert.throws(() => layer.forward(x), (e) => e instanceof ShapeError && e.message.includes('[32,100]') && e.message.includes('[784,256]'));
  assert.throws(() => layer.forward([1, 2, 3]), TypeError);
  x.dispose();
  layer.dispose();
}));

test('a wrong input width is a ShapeError in Linear\'s words: the layer, the input shape, in_features and the weight (not the kernel\'s name)', () => noLeak(() => {
  const layer = new Linear(784, 10);
  try {
    const check = (x, got) => assert.throws(() => layer.forward(x), (e) => e instanceof ShapeError
      && e.message === `Linear(784→10): input ${JSON.stringify(x.shape).replaceAll(' ', '')} must end in in_features = 784 (the weight is [784,10]); got ${got}` && !/linear_packed|linear:/.test(e.message));
    tidy(() => check(Tensor.zeros(2, 100), 100));
    // the packed path too (a second forward of the same weight uses the packed copy)
    tidy(() => { layer.forward(Tensor.zeros(1, 784)); layer.forward(Tensor.zeros(1, 784)); check(Tensor.zeros(3, 783), 783); });
  } finally {
    layer.dispose();
  }
}));
