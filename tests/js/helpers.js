// Shared by the node:test files: every test runs through the real wasm core.
import assert from 'node:assert/strict';
import { memoryInfo } from '../../js/index.js';

/** Assert two arrays of numbers agree to within tol (absolute). */
export function assertClose(actual, expected, tol = 1e-6, what = 'value') {
  const a = Array.from(actual.flat ? actual.flat(4) : actual);
  const e = Array.from(expected.flat ? expected.flat(4) : expected);
  assert.equal(a.length, e.length, `${what}: length ${a.length} vs ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - e[i]) <= tol, `${what}[${i}] = ${a[i]}, expected ${e[i]} (tol ${tol})`);
  }
}

/** Run fn and check it leaves no tensor behind in the core. */
export function noLeak(fn) {
  const before = memoryInfo();
  fn();
  const after = memoryInfo();
  assert.equal(after.tensors, before.tensors, `tensors leaked: ${before.tensors} -> ${after.tensors}`);
  assert.equal(after.bytes, before.bytes, `bytes leaked: ${before.bytes} -> ${after.bytes}`);
}

export const f32 = (x) => Math.fround(x);
