// The first forward of a Linear after an optimizer changed its weight reads
// W as stored instead of repacking it (js/linear.js: in training every
// weight version is used by one forward, so a whole packed copy is written
// for nothing). Its output must be bit for bit what a fresh packing gives,
// and match a float64 product; a second forward of the same weight repacks
// and uses the packed copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Linear, ReLU, Sequential, SGD, CrossEntropyLoss, tidy, memoryInfo, manualSeed } from '../../js/index.js';

function float64(x, W, b, k, n) {
  return Array.from({ length: n }, (_, j) => {
    let s = b[j];
    for (let i = 0; i < k; i++) s += x[i] * W[i * n + j];
    return Math.max(0, s);
  });
}

test('after an optimizer step, a one-row forward gives the bits a fresh packing gives', () => {
  manualSeed(3);
  const lin = new Linear(37, 19);
  const net = new Sequential(lin, new ReLU());
  const opt = new SGD(net.parameters(), { lr: 0.1 });
  const x = Tensor.randn([1, 37]);
  const rows = Tensor.randn([5, 37]);
  const labels = new Int32Array([3]);
  try {
    for (let s = 0; s < 3; s++) {
      tidy(() => { opt.zeroGrad(); new CrossEntropyLoss().forward(net.forward(x), labels).backward(); opt.step(); });
      const packedBefore = memoryInfo().packedWeights;
      const got = tidy(() => net.forward(x).data); // the weight changed: read as stored
      assert.equal(memoryInfo().packedWeights, packedBefore);
      // a fresh Linear with the same weight and bias packs on its first forward
      const fresh = new Linear(37, 19);
      fresh.weight = new Tensor(lin.weight.data, { shape: [37, 19] });
      fresh.bias = new Tensor(lin.bias.data, { shape: [19] });
      const want = tidy(() => new Sequential(fresh, new ReLU()).forward(x).data);
      fresh.dispose();
      assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `step ${s}: one-row forward differs from the packed one`);
      const ref = float64(x.data, lin.weight.data, lin.bias.data, 37, 19);
      ref.forEach((r, j) => assert.ok(Math.abs(got[j] - r) <= 1e-5 * (1 + Math.abs(r)), `step ${s}, y[${j}] = ${got[j]}, float64 ${r}`));
      // more rows: the packed copy is refreshed and used, with the same bits for row 0's copy
      const y5 = tidy(() => net.forward(rows).data);
      const ref5 = float64(rows.data.subarray(0, 37), lin.weight.data, lin.bias.data, 37, 19);
      ref5.forEach((r, j) => assert.ok(Math.abs(y5[j] - r) <= 1e-5 * (1 + Math.abs(r)), `step ${s}, 5 rows: y[0,${j}] = ${y5[j]}, float64 ${r}`));
    }
  } finally {
    x.dispose(); rows.dispose(); net.dispose();
  }
});

test('training at batch 5: the first forward of each weight version gives a fresh packing\'s bits; the second repacks', () => {
  manualSeed(4);
  const lin = new Linear(37, 21);
  const net = new Sequential(lin, new ReLU());
  const opt = new SGD(net.parameters(), { lr: 0.1 });
  const x = Tensor.randn([5, 37]);
  const labels = new Int32Array([3, 1, 4, 1, 5]);
  try {
    net.forward(x).dispose(); // packs
    const bytes = lin.packedBytes;
    assert.ok(bytes > 0);
    for (let s = 0; s < 3; s++) {
      tidy(() => { opt.zeroGrad(); new CrossEntropyLoss().forward(net.forward(x), labels).backward(); opt.step(); });
      const first = tidy(() => net.forward(x).data); // new weight version: unpacked
      const second = tidy(() => net.forward(x).data); // same version: repacked, packed path
      assert.equal(lin.packedBytes, bytes);
      const fresh = new Linear(37, 21);
      fresh.weight = new Tensor(lin.weight.data, { shape: [37, 21] });
      fresh.bias = new Tensor(lin.bias.data, { shape: [21] });
      const want = tidy(() => new Sequential(fresh, new ReLU()).forward(x).data);
      fresh.dispose();
      assert.deepEqual(new Uint32Array(first.buffer), new Uint32Array(want.buffer), `step ${s}: first forward differs from a fresh packing`);
      assert.deepEqual(new Uint32Array(second.buffer), new Uint32Array(want.buffer), `step ${s}: second forward differs from a fresh packing`);
      for (let r = 0; r < 5; r++) {
        const ref = float64(x.data.subarray(r * 37, r * 37 + 37), lin.weight.data, lin.bias.data, 37, 21);
        ref.forEach((v, j) => assert.ok(Math.abs(first[r * 21 + j] - v) <= 1e-5 * (1 + Math.abs(v)), `step ${s}, y[${r},${j}] = ${first[r * 21 + j]}, float64 ${v}`));
      }
    }
  } finally {
    x.dispose(); net.dispose();
  }
});
