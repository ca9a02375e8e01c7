// Dropout: the lesson's "Dropout Training Mode" and "Inference Mode"
// coverage, the probability boundaries, and the mask the page draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Dropout, manualSeed, tidy } from '../../js/index.js';
import { noLeak } from './helpers.js';

test('eval is the identity for every p', () => noLeak(() => {
  const x = Tensor.randn([8, 50]);
  for (const p of [0, 0.1, 0.5, 0.9, 1]) {
    const d = new Dropout(p);
    const y = d.forward(x, false);
    assert.deepEqual(y.data, x.data);
    y.dispose();
    d.eval();
    tidy(() => assert.deepEqual(d.forward(x).data, x.data));
    assert.equal(d.mask, null, 'no training call, no mask');
    d.dispose();
  }
  x.dispose();
}));

test('training at p=0.5: survivors are exactly 2.0, about half survive', () => noLeak(() => {
  manualSeed(3);
  const d = new Dropout(0.5);
  const x = Tensor.ones([1, 100]);
  const y = d.forward(x, true);
  const v = y.data;
  assert.ok(v.every((e) => e === 0 || e === 2), 'every element is 0 or exactly 2.0');
  // the lesson's ~50 of 100; over a large tensor, within 5 binomial sd
  y.dispose(); x.dispose();
  const big = Tensor.ones([1000, 100]);
  const yb = d.forward(big);
  const kept = yb.data.filter((e) => e !== 0).length;
  const n = 100000;
  const sd = Math.sqrt(n * 0.25);
  assert.ok(Math.abs(kept - n / 2) < 5 * sd, `${kept} of ${n} kept`);
  yb.dispose(); big.dispose(); d.dispose();
}));

test('p = 0.3: survivors scaled by exactly 1/(1-p) in float32', () => noLeak(() => {
  manualSeed(4);
  const d = new Dropout(0.3);
  const x = Tensor.ones([200, 100]);
  const y = d.forward(x, true);
  const scale = Math.fround(1 / 0.7);
  const vals = y.data;
  assert.ok(vals.every((e) => e === 0 || e === scale));
  const kept = vals.filter((e) => e !== 0).length;
  assert.ok(Math.abs(kept - 14000) < 5 * Math.sqrt(20000 * 0.21), `${kept} kept`);
  y.dispose(); x.dispose(); d.dispose();
}));

test('p = 0 keeps everything, p = 1 drops everything (no NaN, even for inf)', () => noLeak(() => {
  const x = new Tensor([1, -2, Infinity, 4]);
  const keep = new Dropout(0);
  const all = new Dropout(1);
  tidy(() => {
    assert.deepEqual(Array.from(keep.forward(x).data), [1, -2, Infinity, 4]);
    const z = all.forward(x).data;
    assert.deepEqual(Array.from(z), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(all.mask.data), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(keep.mask.data), [1, 1, 1, 1]);
  });
  keep.dispose(); all.dispose(); x.dispose();
}));

test('the mask is the one used: y = x * mask / (1-p), shaped like x', () => noLeak(() => {
  manualSeed(9);
  const d = new Dropout(0.25);
  const x = Tensor.randn([16, 32]);
  const y = d.forward(x);
  const m = d.mask;
  assert.deepEqual(m.shape, [16, 32]);
  const xs = x.data, ys = y.data, ms = m.data;
  const s = Math.fround(1 / 0.75);
  for (let i = 0; i < xs.length; i++) {
    assert.ok(ms[i] === 0 || ms[i] === 1);
    assert.equal(ys[i], ms[i] ? Math.fround(xs[i] * s) : 0);
  }
  // each training call draws a new mask and disposes the layer's old one
  // (a graph that saved the old one keeps its memory until it is freed)
  y.dispose();
  tidy(() => { d.forward(x); });
  assert.ok(m.isDisposed);
  assert.notEqual(d.mask, m);
  tidy(() => { d.forward(Tensor.ones([3])); });
  assert.deepEqual(d.mask.shape, [3]);
  // eval leaves the last training mask in place
  const before = d.mask.data;
  tidy(() => { d.forward(x, false); });
  assert.deepEqual(d.mask.data, before);
  x.dispose(); d.dispose();
  assert.equal(d.mask, null);
}));

test('same seed, same mask', () => noLeak(() => {
  const run = () => {
    manualSeed(123);
    const d = new Dropout(0.5);
    const x = Tensor.ones([64]);
    tidy(() => { d.forward(x); });
    const m = d.mask.data;
    x.dispose(); d.dispose();
    return m;
  };
  assert.deepEqual(run(), run());
}));

test('probabilities outside [0,1], NaN and non-numbers are rejected', () => noLeak(() => {
  for (const p of [1.1, -0.1, NaN, Infinity]) {
    assert.throws(() => new Dropout(p), (e) => e instanceof RangeError && e.message.includes(String(p)) && e.message.includes('[0, 1]'));
  }
  assert.throws(() => new Dropout('0.5'), TypeError);
  const d = new Dropout();
  assert.equal(d.p, 0.5);
  assert.throws(() => { d.p = 2; }, RangeError);
  assert.equal(d.p, 0.5);
  assert.deepEqual(d.parameters(), []);
  const x = Tensor.ones([2]);
  assert.throws(() => d.forward(x, 'yes'), TypeError);
  assert.throws(() => d.forward(null), TypeError);
  x.dispose(); d.dispose();
}));

test('train() and eval() switch the default mode', () => noLeak(() => {
  const d = new Dropout(1);
  const x = Tensor.ones([4]);
  assert.equal(d.training, true);
  tidy(() => assert.deepEqual(Array.from(d.forward(x).data), [0, 0, 0, 0]));
  assert.equal(d.eval(), d);
  assert.equal(d.training, false);
  tidy(() => assert.deepEqual(Array.from(d.forward(x).data), [1, 1, 1, 1]));
  d.train();
  tidy(() => assert.deepEqual(Array.from(d.forward(x).data), [0, 0, 0, 0]));
  x.dispose(); d.dispose();
}));
