// Tensor.copyTo(out, offset): reading a result into an array the caller
// reuses, which costs a memcpy where `.data` must make a fresh array (the
// bench's read-out row measures both). The values must be `.data`'s, bit
// for bit, from wasm memory and from a tensor spilled to JS memory, after
// wasm memory grew, and bad arguments must throw without writing anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Linear, manualSeed, tidy } from '../../js/index.js';

const bits = (a) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

test('copyTo writes the bits .data reads, at the offset, and returns out', () => {
  const src = new Float32Array([1.5, -0, NaN, Infinity, -3e-42, 7]);
  const t = new Tensor(src, { shape: [2, 3] });
  try {
    const out = new Float32Array(9).fill(9);
    assert.equal(t.copyTo(out, 2), out);
    assert.deepEqual(bits(out.subarray(2, 8)), bits(src));
    assert.deepEqual(bits(out.subarray(2, 8)), bits(t.data));
    assert.deepEqual([out[0], out[1], out[8]], [9, 9, 9]); // nothing outside [offset, offset + size)
    const exact = t.copyTo(new Float32Array(6));
    assert.deepEqual(bits(exact), bits(src));
    // a rank-0 and an empty tensor
    const s = new Tensor(4.25);
    assert.deepEqual([...s.copyTo(new Float32Array(1))], [4.25]);
    s.dispose();
    const e = Tensor.zeros(0, 3);
    const o = new Float32Array(0);
    assert.equal(e.copyTo(o), o);
    e.dispose();
  } finally {
    t.dispose();
  }
});

test('copyTo reads the current values after wasm memory grew, and a reused array gets the new ones', () => {
  manualSeed(11);
  const lin = new Linear(64, 32);
  const x = Tensor.randn([16, 64]);
  const out = new Float32Array(16 * 32);
  try {
    tidy(() => lin.forward(x).copyTo(out));
    const before = [...out];
    const big = Tensor.zeros(4096, 4096); // 64 MiB: memory grows, old views detach
    tidy(() => lin.forward(x).copyTo(out));
    assert.deepEqual([...out], before);
    big.dispose();
    tidy(() => lin.forward(x.mul(2)).copyTo(out));
    const want = tidy(() => lin.forward(x.mul(2)).data);
    assert.deepEqual(bits(out), bits(want));
  } finally {
    lin.dispose();
    x.dispose();
  }
});

test('copyTo reads a tensor that a finished backward moved to JS memory', () => {
  manualSeed(5);
  const lin = new Linear(8, 4);
  const x = Tensor.randn([3, 8]);
  const y = lin.forward(x); // outside tidy: backward() spills it
  const want = tidy(() => lin.forward(x).data);
  const loss = y.sum();
  loss.backward();
  try {
    assert.deepEqual(bits(y.copyTo(new Float32Array(12))), bits(want));
    assert.deepEqual(bits(y.data), bits(want));
  } finally {
    for (const t of [loss, y, x]) t.dispose();
    lin.dispose();
  }
});

test('copyTo refuses a wrong array, a bad offset, a short array and a disposed tensor, writing nothing', () => {
  const t = new Tensor([1, 2, 3, 4]);
  const out = new Float32Array(5).fill(-1);
  assert.throws(() => t.copyTo([0, 0, 0, 0]), { name: 'TypeError', message: /copyTo: out must be a Float32Array, got an array/ });
  assert.throws(() => t.copyTo(new Float64Array(4)), { name: 'TypeError', message: /Float64Array/ });
  assert.throws(() => t.copyTo(undefined), TypeError);
  assert.throws(() => t.copyTo(Object.create(Float32Array.prototype)), TypeError);
  assert.throws(() => t.copyTo(out, 2), { name: 'RangeError', message: /out has 5 elements, too few for the 4 values of a tensor of shape \[4\] from offset 2/ });
  assert.throws(() => t.copyTo(out, -1), RangeError);
  assert.throws(() => t.copyTo(out, 0.5), RangeError);
  assert.throws(() => t.copyTo(out, '1'), TypeError);
  assert.throws(() => t.copyTo(new Float32Array(3)), RangeError);
  assert.deepEqual([...out], [-1, -1, -1, -1, -1]);
  // a subclass's set() and length getter never run
  class Sly extends Float32Array {
    set() { throw new Error('caller code ran'); }
    get length() { return 1e9; }
  }
  assert.deepEqual([...Float32Array.from(t.copyTo(new Sly(4)))], [1, 2, 3, 4]);
  assert.throws(() => t.copyTo(new Sly(3)), RangeError);
  t.dispose();
  assert.throws(() => t.copyTo(out), { name: 'TypeError', message: /copyTo: tensor is a disposed Tensor/ });
});

test('new Tensor(Float32Array) copies the values once (no intermediate array), from a view at an offset too, and runs no getter of the caller', () => {
  const buf = new Float32Array([9, 1.5, -0, NaN, 4, 9]);
  const view = buf.subarray(1, 5);
  const t = new Tensor(view, { shape: [2, 2] });
  buf[2] = 77; // the tensor holds a copy
  assert.deepEqual(bits(t.data), bits(new Float32Array([1.5, -0, NaN, 4])));
  t.dispose();
  let ran = 0;
  const sly = new Float32Array([1, 2, 3]);
  Object.defineProperty(sly, 'length', { get() { ran++; return 1e6; } });
  Object.defineProperty(sly, 'buffer', { get() { ran++; return new ArrayBuffer(8); } });
  const u = new Tensor(sly);
  assert.equal(ran, 0);
  assert.deepEqual([...u.data], [1, 2, 3]);
  assert.deepEqual(u.shape, [3]);
  u.dispose();
  assert.throws(() => new Tensor(new Float32Array(5), { shape: [2, 2] }), { name: 'RangeError', message: /5 values do not fill shape \[2,2\]/ });
});
