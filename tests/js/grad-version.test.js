// Writes into a .grad in place bump its version, so a graph that saved that
// gradient refuses to backpropagate with the new values (issue 20, #10).
// PyTorch 1.13 (/usr/bin/python3) raises "one of the variables needed for
// gradient computation has been modified by an inplace operation" in both
// cases below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, SGD, tidy, memoryInfo } from '../../js/index.js';

function setup() {
  const w = new Tensor([1, 1], { requiresGrad: true });
  const v = new Tensor([1, 1], { requiresGrad: true });
  tidy(() => w.sum().backward()); // w.grad = [1, 1]
  const y = tidy(() => w.grad.mul(v).sum()); // saves w.grad for dv
  return { w, v, y };
}

test('a second backward into w.grad makes a graph that saved w.grad refuse, as PyTorch does', () => {
  const before = memoryInfo().tensors;
  const { w, v, y } = setup();
  tidy(() => w.mul(10).sum().backward()); // w.grad += 10, in place
  assert.deepEqual(Array.from(w.grad.data), [11, 11]);
  assert.throws(() => y.backward(), { name: 'RangeError', message: /modified in place/ });
  assert.equal(v.grad, null, 'no wrong gradient ([11, 11]) reached v');
  for (const t of [y, w, v]) t.dispose();
  assert.equal(memoryInfo().tensors, before);
});

test('zeroGrad({ setToNone: false }) on a gradient a graph saved makes that graph refuse', () => {
  const { w, v, y } = setup();
  const opt = new SGD([w], { lr: 0.1 });
  opt.zeroGrad({ setToNone: false });
  assert.deepEqual(Array.from(w.grad.data), [0, 0]);
  assert.throws(() => y.backward(), { name: 'RangeError', message: /modified in place/ });
  assert.equal(v.grad, null, 'no wrong gradient ([0, 0]) reached v');
  for (const t of [y, w, v]) t.dispose();
  opt.dispose();
});

test('with no in-place write between, the saved gradient is used: v.grad = [1, 1]', () => {
  const { w, v, y } = setup();
  y.backward();
  assert.deepEqual(Array.from(v.grad.data), [1, 1]);
  for (const t of [y, w, v]) t.dispose();
});

test('a gradient used in its own backward: y = sum(w * w.grad) reads the old w.grad, then adds to it', () => {
  const w = new Tensor([2, 3], { requiresGrad: true });
  tidy(() => w.sum().backward()); // w.grad = [1, 1]
  tidy(() => w.mul(w.grad).sum().backward()); // d/dw = w.grad (as saved) = [1, 1]
  assert.deepEqual(Array.from(w.grad.data), [2, 2]);
  w.dispose();
});
