// backward() with one tensor on both sides of an op, and all or nothing
// when it fails (issue 20, #3). Reference values from PyTorch 1.13
// (/usr/bin/python3, torch.tensor(...).matmul(...).sum().backward()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Linear, tidy, noGrad, memoryInfo } from '../../js/index.js';
import { record } from '../../js/autograd.js';
import { rt } from '../../js/core.js';
import { assertClose } from './helpers.js';

test('x.matmul(x): the gradient of both operands adds up, as in PyTorch', () => {
  const before = memoryInfo().tensors;
  const x = new Tensor([[1, 2], [3, 4]], { requiresGrad: true });
  tidy(() => x.matmul(x).sum().backward());
  assert.deepEqual(x.grad.toArray(), [[7, 11], [9, 13]]); // torch: [[7, 11], [9, 13]]
  tidy(() => x.matmul(x).sum().backward()); // accumulates
  assert.deepEqual(x.grad.toArray(), [[14, 22], [18, 26]]);
  x.dispose();
  assert.equal(memoryInfo().tensors, before);
});

test('h.matmul(h) with h the result of an op', () => {
  const w = new Tensor([[1, 2], [3, 4]], { requiresGrad: true });
  tidy(() => {
    const h = w.mul(2);
    h.matmul(h).sum().backward();
  });
  assert.deepEqual(w.grad.toArray(), [[28, 44], [36, 52]]); // torch: [[28, 44], [36, 52]]
  w.dispose();
});

test('a square Linear applied to its own weight', () => {
  const lin = new Linear(2, 2);
  lin.weight = new Tensor([[0.5, -1], [2, 0.25]]);
  lin.bias = new Tensor([0.1, -0.2]);
  tidy(() => lin.forward(lin.weight).sum().backward()); // y = W W + b
  assertClose(lin.weight.grad.toArray(), [[2, 4.75], [-1.25, 1.5]], 1e-6, 'dW'); // torch
  assertClose(lin.bias.grad.toArray(), [2, 2], 1e-6, 'db');
  lin.dispose();
});

test('a backward that fails leaves every .grad and the graph as they were; a retry works', () => {
  const before = memoryInfo().tensors;
  const x = new Tensor([1, 2], { requiresGrad: true });
  const w = new Tensor([5, 7], { requiresGrad: true });
  let fail = true;
  // F(x) = x, with a backward that fails the first time
  const f = record('FlakyBackward', noGrad(() => x.mul(1)), [x], [], (dy, [dx]) => {
    if (fail) {
      fail = false;
      throw new RangeError('flaky: first backward fails');
    }
    if (dx) rt.core.accumulate(dx, dy); // dF/dx = 1
  });
  // s = sum(F(x) + x*w): the x*w node runs before F's (root first, then edges in order)
  const s = f.add(x.mul(w)).sum();
  assert.throws(() => s.backward(), /flaky: first backward fails/);
  assert.equal(x.grad, null, 'x.grad untouched after the failed backward');
  assert.equal(w.grad, null, 'w.grad untouched after the failed backward');
  s.backward(); // the graph is intact: the retry runs
  assert.deepEqual(Array.from(w.grad.data), [1, 2]); // d/dw sum(x*w) = x
  assert.deepEqual(Array.from(x.grad.data), [6, 8]); // 1 from F, w from x*w
  assert.throws(() => s.backward(), /already freed/, 'a finished backward frees the graph');
  for (const t of [s, f, x, w]) t.dispose();
  assert.equal(memoryInfo().tensors, before, 'the failed backward freed its buffers');
});

test('backward(null) is backward(), as PyTorch\'s backward(None)', () => {
  const w = new Tensor([1, 2], { requiresGrad: true });
  tidy(() => w.mul(3).sum().backward(null));
  assert.deepEqual(Array.from(w.grad.data), [3, 3]);
  assert.throws(() => tidy(() => w.mul(3).backward(null)), { name: 'ShapeError', message: /a gradient is needed for a tensor of shape \[2\]/ });
  w.dispose();
});

test('a failed backward frees what it allocated, through a deep graph', () => {
  const before = memoryInfo();
  const x = new Tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const bad = record('FailBackward', noGrad(() => x.mul(1)), [x], [], () => { throw new RangeError('fails'); });
  let h = bad;
  const made = [bad];
  for (let i = 0; i < 5; i++) made.push((h = h.matmul(x)));
  const s = h.sum();
  assert.throws(() => s.backward(), /fails/);
  assert.equal(x.grad, null);
  for (const t of [s, ...made]) t.dispose();
  x.dispose();
  const after = memoryInfo();
  assert.equal(after.tensors, before.tensors);
  assert.equal(after.bytes, before.bytes);
});
