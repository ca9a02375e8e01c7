// The weight cache: a Linear keeps its weight packed in the kernel's panel
// layout and must never compute with a stale pack: after an assignment, an
// optimizer step or a dispose, its output equals the unpacked core call on
// the weight as it is now, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Linear, ReLU, Sequential, SGD, Adam, CrossEntropyLoss, memoryInfo, tidy, noGrad } from '../../js/index.js';
import { rt } from '../../js/core.js';
import { ptrOf, wrap } from '../../js/tensor.js';

/** y = x W + b by the core's unpacked path, on the layer's current tensors. */
function unpacked(lin, x, relu = false) {
  return tidy(() => wrap(rt.core.linearForward(ptrOf(x, 'x'), ptrOf(lin.weight, 'w'), lin.bias ? ptrOf(lin.bias, 'b') : 0, relu)).data);
}
const forward = (lin, x) => tidy(() => noGrad(() => lin.forward(x)).data);

test('assignment, optimizer steps and dispose never leave a stale pack', () => {
  const base = memoryInfo();
  const lin = new Linear(37, 13);
  const x = Tensor.randn(5, 37);
  assert.equal(lin.packedBytes, 0, 'packed on first use');
  assert.deepEqual(forward(lin, x), unpacked(lin, x));
  assert.ok(lin.packedBytes >= 37 * 13 * 4, `packed copy ${lin.packedBytes} bytes`);
  assert.equal(memoryInfo().packedWeights, base.packedWeights + 1);
  assert.equal(memoryInfo().packedBytes, base.packedBytes + lin.packedBytes);

  const before = forward(lin, x);
  lin.weight = Tensor.randn(37, 13); // another tensor
  const afterAssign = forward(lin, x);
  assert.notDeepEqual(afterAssign, before);
  assert.deepEqual(afterAssign, unpacked(lin, x));

  for (const opt of [new SGD(lin.parameters(), { lr: 0.1, momentum: 0.9 }), new Adam(lin.parameters(), { lr: 0.01 })]) {
    for (let i = 0; i < 3; i++) {
      const prev = forward(lin, x);
      tidy(() => { opt.zeroGrad(); lin.forward(x).sum().backward(); opt.step(); }); // in place
      const now = forward(lin, x);
      assert.notDeepEqual(now, prev, 'the step changed the output');
      assert.deepEqual(now, unpacked(lin, x), 'after an in-place step');
    }
    opt.dispose();
  }
  lin.dispose();
  assert.equal(memoryInfo().packedWeights, base.packedWeights, 'dispose frees the packed copy');
  assert.equal(memoryInfo().packedBytes, base.packedBytes);
  x.dispose();
  assert.equal(memoryInfo().tensors, base.tensors);
});

test('the fused Linear+ReLU of Sequential runs on the pack too, and training matches the unpacked maths', () => {
  const l1 = new Linear(20, 16);
  const net = new Sequential(l1, new ReLU(), new Linear(16, 3));
  const x = Tensor.randn(7, 20);
  const opt = new SGD(net.parameters(), { lr: 0.05 });
  const lossFn = new CrossEntropyLoss();
  for (let i = 0; i < 4; i++) {
    tidy(() => { opt.zeroGrad(); lossFn.forward(net.forward(x), [0, 1, 2, 0, 1, 2, 0]).backward(); opt.step(); });
    assert.deepEqual(tidy(() => noGrad(() => net.layers[0].forward(x)).data), unpacked(l1, x));
    const fused = tidy(() => noGrad(() => { const h = net.forward(x); return h.data; }));
    const ref = tidy(() => {
      const h = wrap(rt.core.linearForward(ptrOf(x, 'x'), ptrOf(l1.weight, 'w'), ptrOf(l1.bias, 'b'), true));
      const l2 = net.layers[2];
      return wrap(rt.core.linearForward(ptrOf(h, 'h'), ptrOf(l2.weight, 'w'), ptrOf(l2.bias, 'b'), false)).data;
    });
    assert.deepEqual(fused, ref);
  }
  opt.dispose();
  net.dispose();
  x.dispose();
});
