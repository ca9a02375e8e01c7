// Activations: reference values, stability at +-1000, Softmax along a dim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, ReLU, Sigmoid, Tanh, GELU, Softmax, tidy } from '../../js/index.js';
import { assertClose, noLeak } from './helpers.js';

const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
const run = (layer, values, ...args) => tidy(() => Array.from(layer.forward(new Tensor(values), ...args).data));

test('reference values', () => noLeak(() => {
  assert.deepEqual(run(new ReLU(), xs), [0, 0, 0, 0, 0.5, 1, 3]);
  assertClose(run(new Sigmoid(), xs), xs.map((x) => 1 / (1 + Math.exp(-x))), 1e-7);
  assert.equal(run(new Sigmoid(), [0])[0], 0.5);
  assertClose(run(new Tanh(), xs), xs.map(Math.tanh), 1e-7);
  // the course's GELU: x * sigmoid(1.702 x); GELU(1) = 0.8457..., GELU(-1) = -0.1543...
  assertClose(run(new GELU(), xs), xs.map((x) => x / (1 + Math.exp(-1.702 * x))), 1e-6);
  assertClose(run(new GELU(), [1, -1]), [0.845796, -0.154204], 1e-6);
  for (const Cls of [ReLU, Sigmoid, Tanh, GELU, Softmax]) assert.deepEqual(new Cls().parameters(), []);
}));

test('extremes: sigmoid(+-1000) is exactly 1 and 0, nothing is NaN', () => noLeak(() => {
  const big = [-1000, -100, 100, 1000];
  assert.deepEqual(run(new Sigmoid(), big), [0, Math.fround(1 / (1 + Math.exp(100))), 1, 1]);
  assert.deepEqual(run(new Tanh(), [-1000, 1000]), [-1, 1]);
  assert.deepEqual(run(new GELU(), [-1000, 1000]), [-0, 1000]);
  for (const Cls of [Sigmoid, Tanh, GELU, ReLU]) assert.ok(run(new Cls(), big).every((v) => !Number.isNaN(v)));
}));

test('softmax: max-subtracted, finite for [1000, 1001, 1002], along any dim', () => noLeak(() => {
  const p = run(new Softmax(), [1000, 1001, 1002]);
  const e = [1, Math.E, Math.E ** 2];
  const z = e[0] + e[1] + e[2];
  assertClose(p, e.map((v) => v / z), 1e-7);
  assert.ok(p.every(Number.isFinite));
  const m = [[1, 2, 3], [1, 1, 1]];
  const rows = tidy(() => new Softmax(-1).forward(new Tensor(m)).sum(1).toArray());
  assertClose(rows, [1, 1], 1e-6);
  const cols = tidy(() => new Softmax(0).forward(new Tensor(m)).toArray());
  assertClose(cols[1], [0.5, 1 / (1 + Math.E), 1 / (1 + Math.E ** 2)], 1e-7);
  assert.deepEqual(run(new Softmax(), [[5, 5]], 0), [1, 1], 'forward(x, dim) overrides the dim');
  assert.throws(() => tidy(() => new Softmax(2).forward(new Tensor([1, 2]))), (e) => e instanceof RangeError && /dim 2/.test(e.message));
  assert.throws(() => new Softmax('x'), TypeError);
}));

test('activations keep the input shape and reject non-tensors', () => noLeak(() => {
  tidy(() => {
    const x = Tensor.randn(2, 3, 4);
    for (const Cls of [ReLU, Sigmoid, Tanh, GELU, Softmax]) assert.deepEqual(new Cls().forward(x).shape, [2, 3, 4]);
  });
  assert.throws(() => new ReLU().forward([1, 2]), (e) => e instanceof TypeError && /ReLU/.test(e.message));
}));

test('activations do not depend on class names (minified bundles rename them)', () => noLeak(() => {
  // what a minifier does: the classes keep working by their explicit kind
  for (const C of [ReLU, Sigmoid, Tanh, GELU]) Object.defineProperty(C, 'name', { value: 'x', configurable: true });
  try {
    assert.deepEqual(run(new Tanh(), [1]), [Math.fround(Math.tanh(1))]);
    assert.deepEqual(run(new Sigmoid(), [0]), [0.5]);
    assert.equal(String(new GELU()), 'GELU()');
  } finally {
    for (const C of [ReLU, Sigmoid, Tanh, GELU]) Object.defineProperty(C, 'name', { value: C.typeName, configurable: true });
  }
}));
