// Layer composition: the lesson's 3-layer MNIST classifier, by hand and
// with Sequential, its parameter count, modes and summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Linear, Dropout, ReLU, Sequential, manualSeed, tidy, memoryInfo } from '../../js/index.js';
import { noLeak } from './helpers.js';

const mnist = () => new Sequential(
  new Linear(784, 256), new ReLU(), new Dropout(0.5),
  new Linear(256, 128), new ReLU(), new Dropout(0.3),
  new Linear(128, 10),
);

test('3-layer network: [32,784] -> [32,10], 235,146 parameters in 6 tensors', () => noLeak(() => {
  const net = mnist();
  tidy(() => assert.deepEqual(net.forward(Tensor.randn(32, 784)).shape, [32, 10]));
  const params = net.parameters();
  assert.equal(params.length, 6);
  assert.equal(params.reduce((n, p) => n + p.size, 0), 235146);
  assert.ok(params.every((p) => p.requiresGrad));
  assert.deepEqual(params.map((p) => p.shape), [[784, 256], [256], [256, 128], [128], [128, 10], [10]]);
  net.dispose();
}));

test('composition by hand equals Sequential, bit for bit (fused Linear+ReLU included)', () => noLeak(() => {
  manualSeed(5);
  const net = mnist();
  const [l1, r1, d1, l2, r2, d2, l3] = net.layers;
  const x = Tensor.randn(32, 784);
  manualSeed(11);
  const bySeq = tidy(() => net.forward(x).data);
  manualSeed(11);
  const byHand = tidy(() => l3.forward(d2.forward(r2.forward(l2.forward(d1.forward(r1.forward(l1.forward(x)), true))), true)).data);
  assert.deepEqual(bySeq, byHand);
  x.dispose();
  net.dispose();
}));

test('train() and eval() reach every Dropout; eval is deterministic', () => noLeak(() => {
  const net = mnist();
  const x = Tensor.randn(4, 784);
  assert.equal(net.eval(), net);
  assert.ok(net.layers.every((l) => l.training === false));
  const a = tidy(() => net.forward(x).data);
  const b = tidy(() => net.forward(x).data);
  assert.deepEqual(a, b);
  net.train();
  assert.ok(net.layers.every((l) => l.training === true));
  const c = tidy(() => net.forward(x).data);
  assert.notDeepEqual(a, c);
  x.dispose();
  net.dispose();
}));

test('summary: output shapes, parameters and bytes as the core computes them', () => noLeak(() => {
  const net = mnist();
  const before = tidy(() => Tensor.rand(1).item());
  manualSeed(1);
  const s = net.summary([32, 784]);
  const after = tidy(() => Tensor.rand(1).item());
  manualSeed(1);
  assert.equal(after, tidy(() => Tensor.rand(1).item()), 'summary draws nothing from the RNG');
  assert.notEqual(before, undefined);
  assert.deepEqual(s.rows.map((r) => r.outputShape), [[32, 256], [32, 256], [32, 256], [32, 128], [32, 128], [32, 128], [32, 10]]);
  assert.deepEqual(s.rows.map((r) => r.params), [200960, 0, 0, 32896, 0, 0, 1290]);
  assert.equal(s.totalParams, 235146);
  assert.deepEqual(s.rows.map((r) => r.flops), [2 * 32 * 784 * 256, 32 * 256, 32 * 256, 2 * 32 * 256 * 128, 32 * 128, 32 * 128, 2 * 32 * 128 * 10]);
  assert.equal(s.totalFlops, s.rows.reduce((n, r) => n + r.flops, 0));
  assert.equal(s.trainableParams, 235146);
  assert.equal(s.paramBytes, 940584); // the lesson's "≈ 940 KB"
  assert.equal(s.activationBytes, 4 * 32 * (256 * 3 + 128 * 3 + 10));
  assert.match(s.table, /Total params: 235,146/);
  assert.match(s.table, /940,584 bytes = 940\.6 kB = 918\.5 KiB/);
  assert.equal(String(s), s.table);
  net.dispose();
}));

test('a width that does not chain is a ShapeError naming the layer shapes', () => noLeak(() => {
  const net = new Sequential([new Linear(784, 256), new ReLU(), new Linear(200, 10)]);
  assert.throws(() => net.summary([32, 784]), (e) => e.name === 'ShapeError' && e.message.includes('[32,256]') && e.message.includes('[200,10]'));
  const x = Tensor.randn(2, 784);
  const base = memoryInfo().tensors;
  assert.throws(() => net.forward(x), (e) => e.name === 'ShapeError');
  assert.equal(memoryInfo().tensors, base, 'a failed forward frees its intermediates');
  x.dispose();
  net.dispose();
  const lin = new Linear(2, 2);
  assert.throws(() => new Sequential(lin, 'relu'), (e) => e instanceof TypeError && /layer 1/.test(e.message));
  lin.dispose();
}));

test('toString lists the layers', () => noLeak(() => {
  const net = new Sequential(new Linear(4, 2), new ReLU());
  assert.equal(String(net), 'Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=true)\n  (1): ReLU()\n)');
  net.dispose();
}));

test('a Sequential inside a Sequential counts its parameters and FLOPs', () => noLeak(() => {
  const inner = new Sequential(new Linear(8, 4), new ReLU());
  const net = new Sequential(inner, new Linear(4, 2));
  const s = net.summary([3, 8]);
  assert.deepEqual(s.rows.map((r) => [r.params, r.flops]), [[36, 2 * 3 * 8 * 4 + 3 * 4], [10, 2 * 3 * 4 * 2]]);
  assert.equal(net.parameters().length, 4);
  net.dispose();
}));
