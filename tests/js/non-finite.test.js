// NaN, ±Infinity and extreme floats through the public API: nothing traps,
// and every answer is PyTorch 1.13's (the expected values below were printed
// by /usr/bin/python3 with torch 1.13: F.cross_entropy and its gradient,
// x.max().backward(), F.dropout). Run in both wasm builds by scripts/test.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, CrossEntropyLoss, MSELoss, Dropout, Linear, ReLU, Sigmoid, Tanh, GELU, Softmax, Sequential, SGD, tidy } from '../../js/index.js';
import { noLeak } from './helpers.js';

const same = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-6;
function assertSame(actual, expected, what) {
  const a = Array.from(actual);
  assert.equal(a.length, expected.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(same(v, expected[i]), `${what}[${i}] = ${v}, expected ${expected[i]}`));
}

// [logits row, target, torch loss, torch gradient]
const CE_CASES = [
  [[NaN, 0], 1, NaN, [NaN, NaN]],
  [[0, NaN], 0, NaN, [NaN, NaN]],
  [[Infinity, 0], 1, NaN, [NaN, NaN]],
  [[Infinity, 0], 0, NaN, [NaN, NaN]],
  [[-Infinity, -Infinity], 1, NaN, [NaN, NaN]],
  [[-Infinity, 0], 1, 0, [0, 0]],
  [[-Infinity, 0], 0, Infinity, [-1, 1]],
  [[3e38, -3e38], 1, Infinity, [1, -1]],
  [[3e38, 3e38], 1, 0.6931471824645996, [0.5, -0.5]],
  [[1e-40, 0], 0, 0.6931471824645996, [-0.5, 0.5]],
];

test('CrossEntropyLoss on NaN, ±Infinity and ±3e38 logits: PyTorch\'s loss and gradient, no trap', () => noLeak(() => {
  for (const [row, t, loss, grad] of CE_CASES) {
    const x = new Tensor([row], { requiresGrad: true });
    const l = new CrossEntropyLoss().forward(x, [t]);
    assertSame([l.item()], [loss], `loss of ${row} target ${t}`);
    l.backward();
    assertSame(x.grad.data, grad, `grad of ${row} target ${t}`);
    l.dispose(); x.dispose();
  }
  // the core is still usable afterwards (a trap would have killed the instance)
  tidy(() => assert.equal(new CrossEntropyLoss().forward(new Tensor([[0, 0]]), [0]).item(), Math.fround(Math.LN2)));
}));

test('CrossEntropyLoss on an empty batch is NaN (PyTorch, mean reduction), with an empty gradient', () => noLeak(() => {
  const x = Tensor.zeros([0, 3], { requiresGrad: true });
  const l = new CrossEntropyLoss().forward(x, []);
  assert.ok(Number.isNaN(l.item()));
  l.backward();
  assert.deepEqual(x.grad.shape, [0, 3]);
  l.dispose(); x.dispose();
}));

test('max() backward routes the gradient to the NaN, as PyTorch does', () => noLeak(() => {
  for (const [v, g] of [[[1, NaN, 2], [0, 1, 0]], [[NaN, NaN, 2], [0.5, 0.5, 0]], [[1, 3, 3], [0, 0.5, 0.5]]]) {
    const x = new Tensor(v, { requiresGrad: true });
    const m = x.max();
    assert.ok(Number.isNaN(m.item()) === v.some(Number.isNaN));
    m.backward();
    assert.deepEqual(Array.from(x.grad.data), g, `grad of max(${v})`);
    m.dispose(); x.dispose();
  }
  // along an axis: per slice, to the slice's NaN
  const x = new Tensor([[1, NaN, 2], [4, 3, 3]], { requiresGrad: true });
  tidy(() => x.max(1).sum().backward());
  assert.deepEqual(Array.from(x.grad.data), [0, 1, 0, 1, 0, 0]);
  x.dispose();
}));

test('every op survives NaN, ±Infinity, denormals and ±3e38 (no trap, no leak)', () => noLeak(() => {
  const specials = [NaN, Infinity, -Infinity, 1e-45, -1e-40, 3e38, -3e38, 0, -0, 1];
  const x = new Tensor(specials.map((v, i) => specials.map((w, j) => (i + j) % 2 ? v : w)), { requiresGrad: true });
  tidy(() => {
    const acts = [new ReLU(), new Sigmoid(), new Tanh(), new GELU(), new Softmax(1)];
    const outs = [...acts.map((a) => a.forward(x)), x.sum(), x.mean(), x.max(), x.max(0),
      x.mul(x), x.add(3e38), x.div(0), x.matmul(x.transpose(0, 1)), x.transpose(0, 1), x.reshape([100])];
    const ce = new CrossEntropyLoss().forward(x, specials.map((_, i) => i));
    const mse = new MSELoss().forward(x, x.transpose(0, 1));
    outs.concat([ce, mse]).forEach((o) => o.sum().backward());
    assert.equal(x.grad.shape.join(), '10,10');
    x.stats(); x.histogram();
  });
  x.dispose();
}));

test('a diverging training loop goes NaN and the core keeps working', () => noLeak(() => {
  const net = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
  const opt = new SGD(net.parameters(), { lr: 1e6 });
  const x = tidy(() => Tensor.randn([16, 4]).mul(100));
  const y = Array.from({ length: 16 }, (_, i) => i % 3);
  let last = 0;
  for (let step = 0; step < 20; step++) {
    last = tidy(() => {
      opt.zeroGrad();
      const l = new CrossEntropyLoss().forward(net.forward(x), y);
      l.backward();
      opt.step();
      return l.item();
    });
  }
  assert.ok(!Number.isFinite(last), `the loss diverged (got ${last})`);
  tidy(() => assert.equal(Tensor.ones([2]).sum().item(), 2));
  x.dispose(); opt.dispose(); net.dispose();
}));

test('a given Dropout mask holding anything but 0 and 1 is a RangeError naming it', () => noLeak(() => {
  const d = new Dropout(0.5);
  const x = Tensor.ones([2, 2]);
  for (const bad of [0.6, NaN, Infinity, -1, 2]) {
    const m = new Tensor([[1, 0], [bad, 1]]);
    assert.throws(() => d.forward(x, { training: true, mask: m }),
      (e) => e instanceof RangeError && e.message.includes(`got ${bad}`) && e.message.includes('element 2')
        && e.message.includes('only 0 and 1'), `mask with ${bad}`);
    m.dispose();
  }
  x.dispose(); d.dispose();
}));

test('Dropout(1) with a given mask gives zeros like the drawn path; dropped elements are 0 even for Infinity', () => noLeak(() => {
  const x = new Tensor([[Infinity, -2], [NaN, 4]], { requiresGrad: true });
  const ones = Tensor.ones([2, 2]);
  const d1 = new Dropout(1);
  tidy(() => {
    const drawn = d1.forward(x, true);
    const given = d1.forward(x, { training: true, mask: ones });
    assert.deepEqual(Array.from(given.data), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(given.data), Array.from(drawn.data));
    given.sum().backward();
    assert.deepEqual(Array.from(x.grad.data), [0, 0, 0, 0]);
  });
  const d = new Dropout(0.5);
  tidy(() => {
    const m = new Tensor([[0, 1], [0, 1]]);
    const y = d.forward(x, { training: true, mask: m });
    assert.deepEqual(Array.from(y.data), [0, -4, 0, 8]); // PyTorch: inf * 0 would be NaN here; dropped is 0
  });
  ones.dispose(); x.dispose(); d.dispose(); d1.dispose();
}));
