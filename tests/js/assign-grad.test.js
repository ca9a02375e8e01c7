// Autograd's gradient buffers are no longer zero-filled when the node that
// writes them first assigns instead of accumulating (js/autograd.js
// record(..., assigns), TT_ASSIGN_* in src/tt.h: Linear and Dropout). The
// gradients must keep the bits of accumulating into zeros (0 + v, which
// turns -0 into +0), and every element of such a buffer must be written:
// the buffers come from memory that held other values a moment before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Linear, Dropout, ReLU, Sequential, manualSeed, tidy } from '../../js/index.js';

const bits = (a) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
const f = Math.fround;

/** Leave NaNs behind in freed wasm memory, where the next buffers come from. */
function dirty(n) {
  const t = new Tensor(new Float32Array(n).fill(NaN));
  t.dispose();
}

test('Dropout backward: +0 where dropped and 0 + (g * m) * scale where kept, -0 upstream included', () => {
  manualSeed(1);
  const n = 4096;
  const g = new Float32Array(n).map((_, i) => (i % 3 === 0 ? -0 : ((i * 37) % 11) - 5.25));
  const x = new Tensor(new Float32Array(n).fill(1), { requiresGrad: true });
  const d = new Dropout(0.5);
  dirty(4 * n);
  const y = d.forward(x, true);
  const m = d.mask.data;
  const gt = new Tensor(g);
  y.backward(gt);
  const got = x.grad.data;
  const want = g.map((v, i) => (m[i] !== 0 ? f(0 + f(f(v * m[i]) * 2)) : 0));
  assert.ok(m.some((v) => v === 0) && m.some((v) => v === 1));
  assert.deepEqual(bits(got), bits(want)); // -0 * 1 * 2 is -0; 0 + -0 is +0, as before the change
  assert.ok(!got.some((v) => Object.is(v, -0)));
  for (const t of [x, y, gt]) t.dispose();
  d.dispose();
});

test('Dropout p = 1 backward writes zeros into a buffer it did not zero-fill', () => {
  const x = new Tensor(new Float32Array(1000).fill(3), { requiresGrad: true });
  const d = new Dropout(1);
  dirty(8000);
  const y = d.forward(x, true);
  const s = y.sum();
  s.backward();
  assert.deepEqual(bits(x.grad.data), bits(new Float32Array(1000)));
  for (const t of [x, y, s]) t.dispose();
  d.dispose();
});

test('Linear (+ fused ReLU) backward: dW, db, dx in float32 summation order, every element written', () => {
  manualSeed(2);
  const [M, K, N] = [7, 13, 11];
  const lin = new Linear(K, N);
  const net = new Sequential(lin, new ReLU());
  const xv = Float32Array.from({ length: M * K }, (_, i) => ((i * 7919) % 23) / 7 - 1.5);
  const gv = Float32Array.from({ length: M * N }, (_, i) => (i % 5 === 0 ? -0 : ((i * 31) % 17) / 9 - 0.9));
  const x = new Tensor(xv, { shape: [M, K], requiresGrad: true });
  dirty(1 << 16);
  const y = net.forward(x);
  const yv = y.data;
  const W = lin.weight.data;
  const g = gv.map((v, i) => (yv[i] > 0 ? v : 0)); // the fused ReLU's mask
  const gt = new Tensor(gv, { shape: [M, N] });
  y.backward(gt);
  const dW = new Float32Array(K * N);
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let i = 0; i < M; i++) s = f(s + f(xv[i * K + k] * g[i * N + j]));
    dW[k * N + j] = s;
  }
  const db = new Float32Array(N);
  for (let j = 0; j < N; j++) { let s = 0; for (let i = 0; i < M; i++) s = f(s + g[i * N + j]); db[j] = s; }
  const dx = new Float32Array(M * K);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < N; j++) s = f(s + f(g[i * N + j] * W[k * N + j]));
    dx[i * K + k] = s;
  }
  assert.deepEqual(bits(lin.weight.grad.data), bits(dW));
  assert.deepEqual(bits(lin.bias.grad.data), bits(db));
  assert.deepEqual(bits(x.grad.data), bits(dx));
  for (const t of [x, y, gt]) t.dispose();
  net.dispose();
});

test('an empty batch gives exact zero gradients (the GEMMs and the sums write zeros, nothing is left unwritten)', () => {
  const lin = new Linear(300, 200);
  const d = new Dropout(0.5);
  const x = new Tensor(new Float32Array(0), { shape: [0, 300], requiresGrad: true });
  dirty(1 << 18);
  const s = tidy(() => {
    const out = d.forward(lin.forward(x), true).sum();
    out.backward();
    return null;
  });
  assert.equal(s, null);
  const w = lin.weight.grad.data;
  assert.equal(w.length, 60000);
  assert.ok(w.every((v) => Object.is(v, 0)), 'dW of an empty batch is +0 everywhere');
  assert.ok(lin.bias.grad.data.every((v) => Object.is(v, 0)));
  x.dispose();
  lin.dispose();
  d.dispose();
});

test('a second backward into the same .grad accumulates (the assigned buffer is a fresh one, then added)', () => {
  manualSeed(4);
  const lin = new Linear(5, 3);
  const x = Tensor.randn([4, 5]);
  tidy(() => lin.forward(x).sum().backward());
  const once = lin.weight.grad.data;
  tidy(() => lin.forward(x).sum().backward());
  assert.deepEqual(bits(lin.weight.grad.data), bits(once.map((v) => f(v + v))));
  x.dispose();
  lin.dispose();
});
