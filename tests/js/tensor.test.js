// Tensor: construction, shapes, the ops the lesson uses, and their errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, ShapeError, tidy } from '../../js/index.js';
import { assertClose, noLeak } from './helpers.js';

test('construction from numbers, nested arrays and flat arrays with a shape', () => noLeak(() => tidy(() => {
  const s = new Tensor(3.5);
  assert.deepEqual(s.shape, []);
  assert.equal(s.ndim, 0);
  assert.equal(s.item(), 3.5);
  const m = new Tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(m.shape, [2, 3]);
  assert.equal(m.size, 6);
  assert.deepEqual(m.toArray(), [[1, 2, 3], [4, 5, 6]]);
  const f = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
  assert.deepEqual(f.toArray(), [[1, 2], [3, 4], [5, 6]]);
  const p = new Tensor([1, 2, 3, 4], { shape: [2, 2], requiresGrad: true });
  assert.equal(p.requiresGrad, true);
  assert.equal(p.grad, null);
  assert.equal(m.requiresGrad, false);
  assert.deepEqual(new Tensor([]).shape, [0]);
  assert.deepEqual(new Tensor([[], []]).shape, [2, 0]);
  // construction copies: changing the source later changes nothing
  const src = [1, 2];
  const c = new Tensor(src);
  src[0] = 99;
  assert.deepEqual(Array.from(c.data), [1, 2]);
  // data is a copy too
  const d = c.data;
  d[0] = 42;
  assert.equal(c.data[0], 1);
})));

test('bad construction input names the bad value', () => noLeak(() => {
  assert.throws(() => new Tensor([[1, 2], [3]]), (e) => e instanceof ShapeError && /ragged/.test(e.message) && /\[1\]/.test(e.message));
  assert.throws(() => new Tensor([1, 'a']), (e) => e instanceof TypeError && /"a"/.test(e.message));
  assert.throws(() => new Tensor('hello'), TypeError);
  assert.throws(() => new Tensor([1, 2, 3], { shape: [2, 2] }), (e) => e instanceof RangeError && /3 values/.test(e.message) && /\[2,2\]/.test(e.message));
  assert.throws(() => new Tensor([[[[[1]]]]]), RangeError);
  assert.throws(() => new Tensor([1], { shape: [-1] }), RangeError);
  assert.throws(() => new Tensor([1], { requiresGrad: 1 }), TypeError);
  assert.throws(() => Tensor.zeros(2, 1.5), (e) => e instanceof RangeError && /1\.5/.test(e.message));
  assert.throws(() => Tensor.zeros(2 ** 53), RangeError);
  assert.throws(() => Tensor.zeros(NaN), RangeError);
  assert.throws(() => Tensor.zeros('3'), TypeError);
}));

test('zeros, ones, randn, rand', () => noLeak(() => tidy(() => {
  assert.ok(Tensor.zeros(2, 3).data.every((v) => v === 0));
  assert.deepEqual(Tensor.ones([2, 3]).shape, [2, 3]);
  assert.ok(Tensor.ones(4).data.every((v) => v === 1));
  const r = Tensor.rand([1000]).data;
  assert.ok(r.every((v) => v >= 0 && v < 1));
  const n = Tensor.randn([10000]);
  assertClose([n.mean().item()], [0], 0.05);
  assert.ok(Tensor.randn([2, 2], { requiresGrad: true }).requiresGrad);
})));

test('add, sub, mul, div with NumPy broadcasting and numbers', () => noLeak(() => tidy(() => {
  const a = new Tensor([[1, 2, 3], [4, 5, 6]]);
  const row = new Tensor([10, 20, 30]);
  const col = new Tensor([[100], [200]]);
  assert.deepEqual(a.add(row).toArray(), [[11, 22, 33], [14, 25, 36]]);
  assert.deepEqual(a.mul(col).toArray(), [[100, 200, 300], [800, 1000, 1200]]);
  assert.deepEqual(col.sub(row).toArray(), [[90, 80, 70], [190, 180, 170]]);
  assert.deepEqual(a.div(2).toArray(), [[0.5, 1, 1.5], [2, 2.5, 3]]);
  assert.deepEqual(a.add(new Tensor(1)).shape, [2, 3]);
  assert.equal(a.add(1).requiresGrad, false);
  assert.deepEqual(Array.from(new Tensor([1, -1, 0]).div(0).data), [Infinity, -Infinity, NaN]);
  assert.throws(() => a.add(new Tensor([1, 2])), (e) => e instanceof ShapeError && e.message.includes('add: shapes [2,3] and [2] cannot be broadcast'));
  assert.throws(() => a.add('1'), TypeError);
})));

test('matmul: 2-D@2-D, 2-D@1-D, 1-D@1-D, batched; the lesson\'s error message', () => noLeak(() => tidy(() => {
  const a = new Tensor([[1, 2, 3], [4, 5, 6]]);
  const w = new Tensor([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]);
  assertClose(a.matmul(w).toArray(), [[2.2, 2.8], [4.9, 6.4]]);
  const v = new Tensor([1, 1, 1]);
  assert.deepEqual(a.matmul(v).toArray(), [6, 15]);
  const dot = v.matmul(v);
  assert.deepEqual(dot.shape, []);
  assert.equal(dot.item(), 3);
  const batched = Tensor.ones([4, 2, 3]).matmul(w);
  assert.deepEqual(batched.shape, [4, 2, 2]);
  assertClose(batched.data, Array(8).fill([0.9, 1.2]).flat());
  assert.throws(() => new Tensor([[1, 2]]).matmul(new Tensor([[1], [2], [3]])),
    (e) => e instanceof ShapeError && e.message === 'matmul: [1,2] @ [3,1]: inner dimensions must match: 2 ≠ 3');
})));

test('reshape (one -1 inferred) and transpose', () => noLeak(() => tidy(() => {
  const a = new Tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(a.reshape(3, 2).toArray(), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(a.reshape([-1]).shape, [6]);
  assert.deepEqual(a.reshape(-1, 1).shape, [6, 1]);
  assert.throws(() => a.reshape(4, 2), (e) => e instanceof RangeError && /\[2,3\]/.test(e.message) && /\[4,2\]/.test(e.message));
  assert.throws(() => a.reshape(-1, -1), RangeError);
  assert.deepEqual(a.transpose().toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(a.transpose(1, 0).toArray(), [[1, 4], [2, 5], [3, 6]]);
  const t = Tensor.zeros(2, 3, 4).transpose(0, 2);
  assert.deepEqual(t.shape, [4, 3, 2]);
  assert.throws(() => a.transpose(0, 2), (e) => e instanceof RangeError && /2/.test(e.message));
})));

test('sum, mean, max with axis and keepdims', () => noLeak(() => tidy(() => {
  const a = new Tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(a.sum().item(), 21);
  assert.deepEqual(a.sum(0).toArray(), [5, 7, 9]);
  assert.deepEqual(a.sum(1, true).toArray(), [[6], [15]]);
  assert.deepEqual(a.mean(-1).toArray(), [2, 5]);
  assert.equal(a.mean().item(), 3.5);
  assert.deepEqual(a.max(0).toArray(), [4, 5, 6]);
  assert.deepEqual(a.max(null, true).shape, [1, 1]);
  assert.throws(() => a.sum(2), RangeError);
  assert.throws(() => a.sum(0.5), RangeError);
  assert.throws(() => Tensor.zeros(0, 3).max(0), ShapeError);
})));

test('toString and console output', () => noLeak(() => tidy(() => {
  assert.equal(String(new Tensor([[1, 2]])), 'Tensor([[1,2]], shape=[1,2])');
})));

test('stats and histogram come from the core', () => noLeak(() => tidy(() => {
  const t = new Tensor([0, 0, 1, 2, 3, 4, Infinity, NaN]);
  const s = t.stats();
  assert.equal(s.count, 8);
  assert.equal(s.zeros, 2);
  assert.equal(s.nonFinite, 2);
  assert.equal(s.min, 0);
  assert.equal(s.max, 4);
  assertClose([s.mean], [10 / 6], 1e-12);
  const h = t.histogram(4);
  assert.deepEqual(h.counts, [2, 1, 1, 2]);
  assert.deepEqual(h.edges, [0, 1, 2, 3, 4]);
  assert.deepEqual(t.histogram(2, { min: -10, max: 10 }).counts, [0, 6]);
  assert.deepEqual(Tensor.ones(3).histogram(3).counts, [3, 0, 0], 'a constant tensor');
  assert.throws(() => t.histogram(0), RangeError);
  assert.throws(() => t.histogram(4, { min: 1, max: 1 }), RangeError);
  assert.throws(() => t.histogram(4, { min: 0, max: Infinity }), RangeError);
  // ReLU zeros: the fraction the page shows
  const r = new Tensor([-1, -2, 3, 4]).stats();
  assert.equal(r.zeros, 0);
})));

test('stats().norm is the Euclidean norm over the finite elements, from the core', () => noLeak(() => {
  const t = new Tensor([3, -4, NaN, Infinity, 0]);
  assert.equal(t.stats().norm, 5);
  t.dispose();
  const e = Tensor.zeros(0);
  assert.equal(e.stats().norm, 0);
  e.dispose();
}));
