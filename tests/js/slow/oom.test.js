// Out of memory: a RangeError, and the module keeps computing exact results
// (allocates 1.5 GiB of wasm memory, about 3 s: the slow tier).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tidy, memoryInfo } from '../../../js/index.js';

/** The canary: an exact computation that must still work after any error. */
function canary() {
  return tidy(() => new Tensor([[1, 2, 3], [4, 5, 6]]).matmul(new Tensor([[1], [1], [1]])).add(0.5).toArray());
}

test('out of memory is a RangeError and the module recovers', () => {
  const base = memoryInfo();
  // each within the per-tensor limit, but wasm memory (2 GiB in all) cannot hold both
  const big = Tensor.zeros(3 * 2 ** 27); // 1.5 GiB
  assert.throws(() => Tensor.zeros(3 * 2 ** 27), (e) => e instanceof RangeError && /out of memory/.test(e.message));
  big.dispose();
  // 2 GiB and more: over the per-tensor limit, rejected before any allocation
  assert.throws(() => Tensor.zeros(2 ** 29), (e) => e instanceof RangeError && /more bytes than the 2147483647 a tensor may have/.test(e.message));
  assert.throws(() => Tensor.zeros(2 ** 30, 4), (e) => e instanceof RangeError && /more bytes than the/.test(e.message));
  assert.equal(memoryInfo().tensors, base.tensors);
  assert.equal(memoryInfo().bytes, base.bytes);
  assert.deepEqual(canary(), [[6.5], [15.5]]);
});
