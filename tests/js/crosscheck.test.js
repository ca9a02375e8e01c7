// Cross-check of Linear, the activations and Softmax against PyTorch and
// NumPy, on the same inputs and weights.
//
// Part 1 replays tests/fixtures/reference.json (written by
// tests/fixtures/make_reference.py with Debian's python3-numpy and
// python3-torch): exact float32 inputs, a float64 NumPy reference and
// PyTorch's float32 result for each case.
// Part 2 is live: our own seeded Linear init and randn input, checked by a
// NumPy one-liner run in /usr/bin/python3 (python3-numpy is installed by
// scripts/setup.sh; the test fails, not skips, without it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import {
  Tensor, Linear, ReLU, Sigmoid, Tanh, GELU, Softmax, tidy, memoryInfo, manualSeed,
} from '../../js/index.js';

const REF = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8'));

const U = 2 ** -24; // unit roundoff of float32 (half an ulp at 1)
const MIN_SUBNORMAL = 2 ** -149; // float32's spacing below 2^-126

// ---- helpers

const flat = (a) => (Array.isArray(a) ? a.flat(Infinity) : [a]);

/** Run fn in tidy() and check that no tensor outlived it. */
function leakChecked(fn) {
  const before = memoryInfo().tensors;
  tidy(fn);
  assert.equal(memoryInfo().tensors, before, 'tensors leaked: memoryInfo().tensors did not return to its value before the test');
}

/**
 * Compare element-wise; tolFor(i, ref) gives the allowed |ours - ref|.
 * Reports the worst element (as a fraction of its tolerance) on success too.
 */
function assertClose(ours, ref, tolFor, what) {
  assert.equal(ours.length, ref.length, `${what}: ${ours.length} values, expected ${ref.length}`);
  let worst = { ratio: 0, i: -1 };
  for (let i = 0; i < ref.length; i++) {
    const o = ours[i];
    const r = ref[i];
    assert.ok(Number.isFinite(o), `${what}: element ${i} is ${o}, expected ${r}`);
    const err = Math.abs(o - r);
    const tol = tolFor(i, r);
    assert.ok(err <= tol, `${what}: element ${i}: ours ${o}, reference ${r}, |diff| ${err.toExponential(3)} > tolerance ${tol.toExponential(3)}`);
    const ratio = tol > 0 ? err / tol : 0;
    if (ratio > worst.ratio) worst = { ratio, i };
  }
  return worst;
}

/** A diagnostic line for the worst element assertClose found. */
function worstNote(worst, label = `element ${worst.i}`) {
  return worst.i < 0 ? 'every element exact' : `worst ${label}: ${(100 * worst.ratio).toFixed(2)}% of its tolerance`;
}

// Activations and Softmax are computed in double and rounded once to float32,
// so each result should be within half an ulp of the float64 reference.
// Two tolerances, both must hold:
//  * the brief's 1e-6 * max(1, |ref|): ~8 ulps near 1, absolute 1e-6 for tiny values;
//  * a relative one, 2 ulps (2^-22 |ref|) plus the subnormal spacing, which
//    is the one that catches an inaccurate result for tiny outputs such as
//    sigmoid(-20) = 2e-9, where 1e-6 absolute would accept anything.
const actTol = (r) => Math.min(1e-6 * Math.max(1, Math.abs(r)), 4 * U * Math.abs(r) + MIN_SUBNORMAL);

// Linear: y_ij = sum_k x_ik W_kj + b_j is a sum of K products and one bias
// add, each rounded in float32. Whatever the order of summation (SIMD lanes,
// blocking) and with or without FMA, the classic bound (Higham, Accuracy and
// Stability of Numerical Algorithms, 2nd ed., eq. 3.5) is
//   |fl(y) - y| <= gamma_{K+1} * (sum_k |x_ik| |W_kj| + |b_j|),  gamma_n = n u / (1 - n u),
// and the float64 reference is exact to ~1e-16 relative on top. It scales
// with K and with the magnitudes of the terms (not of y, which may cancel to
// ~0), so it is tight enough to catch a wrong index, a dropped term or a
// missing bias (errors of the size of one term, i.e. ~1/K of the sum for
// K = 64, versus gamma_65 ~ 4e-6 of it) yet can never fail on rounding alone.
// We use K + 2 for a little slack (the final conversion when the kernel
// accumulates in wider precision).
function linearTols(x, W, b, K, N) {
  const M = x.length / K;
  const n = K + 2;
  const gamma = (n * U) / (1 - n * U);
  const tols = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = b ? Math.abs(b[j]) : 0;
      for (let k = 0; k < K; k++) s += Math.abs(x[i * K + k] * W[k * N + j]);
      tols[i * N + j] = gamma * s;
    }
  }
  return tols;
}

/** Every input in the fixture must be an exact float32 (so we feed what torch saw). */
function assertFloat32Exact(values, what) {
  for (let i = 0; i < values.length; i++) {
    assert.equal(Math.fround(values[i]), values[i], `${what}: element ${i} (${values[i]}) is not an exact float32; regenerate the fixture`);
  }
}

// ---- the fixture itself

test('reference.json: versions recorded and inputs are exact float32 values', () => {
  assert.match(REF.versions.numpy, /^\d+\.\d+/);
  assert.match(REF.versions.torch, /^\d+\.\d+/);
  for (const c of REF.linear) {
    assertFloat32Exact(flat(c.x), `${c.name} x`);
    assertFloat32Exact(flat(c.W), `${c.name} W`);
    if (c.b) assertFloat32Exact(c.b, `${c.name} b`);
  }
  for (const c of REF.activations) assertFloat32Exact(c.x, `${c.fn} x`);
  for (const c of REF.softmax) assertFloat32Exact(flat(c.x), `${c.name} x`);
});

// ---- Part 1: Linear against torch.nn.functional.linear and NumPy float64

for (const c of REF.linear) {
  test(`Linear ${c.name}${c.bias ? '' : ' (bias: false)'} matches NumPy float64 and torch.nn.functional.linear`, (t) => {
    leakChecked(() => {
      const K = c.in_features;
      const N = c.out_features;
      const layer = new Linear(K, N, { bias: c.bias });
      try {
        assert.equal(layer.bias === null, !c.bias);
        layer.weight = new Tensor(c.W); // [in, out], as stored
        assert.deepEqual(layer.weight.shape, [K, N]);
        if (c.bias) layer.bias = new Tensor(c.b);
        const x = new Tensor(c.x);
        assert.deepEqual(x.shape, c.x_shape);
        const y = layer.forward(x);
        assert.deepEqual(y.shape, c.y_shape);

        const ours = y.data;
        const tols = linearTols(flat(c.x), flat(c.W), c.b, K, N);
        const worst = assertClose(ours, flat(c.expected), (i) => tols[i], `${c.name} vs NumPy float64`);
        // torch is itself within tols[i] of the exact value, hence 2x.
        assertClose(ours, flat(c.torch), (i) => 2 * tols[i], `${c.name} vs torch float32`);
        t.diagnostic(worstNote(worst));
      } finally {
        layer.dispose();
      }
    });
  });
}

// ---- Part 1: element-wise activations, extremes included

const LAYERS = { relu: ReLU, sigmoid: Sigmoid, tanh: Tanh, gelu: GELU };

// Results that are exact in float32 (rounding the true value gives exactly
// these), asserted with ===: no NaN from e^1000 overflowing, no 0.9999999.
const EXACT = {
  relu: [[-1000, 0], [-1e-8, 0], [0, 0], [1e-8, Math.fround(1e-8)], [1000, 1000]],
  sigmoid: [[-1000, 0], [-100, Math.fround(1 / (1 + Math.exp(100)))], [0, 0.5], [20, 1], [100, 1], [1000, 1]],
  tanh: [[-1000, -1], [-20, -1], [0, 0], [20, 1], [1000, 1]],
  // gelu(-1000) = -1000 * sigmoid(-1702): e^-1702 underflows even double.
  gelu: [[-1000, 0], [0, 0], [1000, 1000]],
};

for (const c of REF.activations) {
  test(`${LAYERS[c.fn].name} matches NumPy float64 and torch on ${c.x.length} values from -1000 to 1000`, (t) => {
    leakChecked(() => {
      const x = new Tensor(c.x);
      const y = new LAYERS[c.fn]().forward(x);
      assert.deepEqual(y.shape, [c.x.length]);
      const ours = y.data;

      for (const [xin, want] of EXACT[c.fn]) {
        const i = c.x.indexOf(Math.fround(xin));
        assert.ok(i >= 0, `fixture lacks x = ${xin}`);
        assert.ok(ours[i] === want, `${c.fn}(${xin}) = ${ours[i]}, expected exactly ${want}`);
      }
      if (c.fn === 'relu') {
        // relu is exact everywhere: the input itself or 0.
        ours.forEach((o, i) => assert.ok(o === c.expected[i], `relu(${c.x[i]}) = ${o}, expected ${c.expected[i]}`));
      }

      const worst = assertClose(ours, c.expected, (i, r) => actTol(r), `${c.fn} vs NumPy float64`);
      // torch float32 is within ~1 ulp of the truth too (and its sigmoid
      // flushes some tiny values), so compare against it with the brief's tolerance.
      assertClose(ours, c.torch, (i, r) => 2e-6 * Math.max(1, Math.abs(r)), `${c.fn} vs torch float32`);
      const rounded = ours.filter((o, i) => o === Math.fround(c.expected[i])).length;
      t.diagnostic(`${rounded}/${ours.length} correctly rounded; ${worstNote(worst, `x = ${c.x[worst.i]}`)}`);
    });
  });
}

// ---- Part 1: Softmax along a dim

for (const c of REF.softmax) {
  test(`Softmax ${c.name} matches NumPy float64 and torch.softmax`, (t) => {
    leakChecked(() => {
      const x = new Tensor(c.x);
      const a = new Softmax(c.dim).forward(x);
      const b = new Softmax().forward(x, c.dim);
      assert.deepEqual(a.shape, c.x_shape);
      const ours = a.data;
      assert.deepEqual(b.data, ours, 'Softmax(dim).forward(x) and Softmax().forward(x, dim) differ');

      const ref = flat(c.expected);
      const worst = assertClose(ours, ref, (i, r) => actTol(r), `softmax ${c.name} vs NumPy float64`);
      assertClose(ours, flat(c.torch), (i, r) => 2e-6 * Math.max(1, Math.abs(r)), `softmax ${c.name} vs torch float32`);

      // Each slice along dim sums to 1 (up to one rounding per element).
      const sums = tidy(() => a.sum(c.dim).data);
      const len = c.x_shape.at(c.dim);
      for (const s of sums) assert.ok(Math.abs(s - 1) <= (len + 1) * 2 * U, `a softmax slice sums to ${s}`);
      t.diagnostic(worstNote(worst));
    });
  });
}

test('Softmax extremes: [1000,1001,1002] finite and [-1000,0,1000] exactly one-hot', () => {
  leakChecked(() => {
    const big = new Softmax().forward(new Tensor([1000, 1001, 1002])).data;
    // e^-2, e^-1, 1 over their sum: 0.09003057, 0.24472847, 0.66524096.
    const z = Math.exp(-2) + Math.exp(-1) + 1;
    [Math.exp(-2) / z, Math.exp(-1) / z, 1 / z].forEach((r, i) => {
      assert.ok(Number.isFinite(big[i]), `softmax([1000,1001,1002])[${i}] = ${big[i]}`);
      assert.ok(Math.abs(big[i] - r) <= actTol(r), `softmax([1000,1001,1002])[${i}] = ${big[i]}, expected ${r}`);
    });
    assert.deepEqual(Array.from(new Softmax(0).forward(new Tensor([-1000, 0, 1000])).data), [0, 0, 1]);
  });
});

// ---- Part 2: live check of our own init against NumPy

const PY = '/usr/bin/python3';
const NUMPY_LINEAR = `
import json, sys
import numpy as np
d = json.load(sys.stdin)
x = np.array(d["x"], dtype=np.float64).reshape(d["x_shape"])
W = np.array(d["W"], dtype=np.float64).reshape(d["W_shape"])
b = np.array(d["b"], dtype=np.float64)
y = x @ W + b
json.dump({"shape": list(y.shape), "y": y.ravel().tolist(), "numpy": np.__version__}, sys.stdout)
`;

function requireNumpy() {
  const probe = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : probe.stderr.trim().split('\n').at(-1);
    assert.fail(`${PY} cannot import numpy (${why}). This cross-check needs Debian's python3-numpy: `
      + 'install it with `sudo apt-get install python3-numpy` (scripts/setup.sh does this).');
  }
}

test('live: manualSeed(7) Linear(64, 33) on Tensor.randn([8, 64]) matches NumPy float64 x @ W + b', (t) => {
  requireNumpy();
  const before = memoryInfo().tensors;
  manualSeed(7);
  const layer = new Linear(64, 33);
  let sent;
  let ours;
  try {
    tidy(() => {
      const x = Tensor.randn([8, 64]);
      const y = layer.forward(x);
      assert.deepEqual(y.shape, [8, 33]);
      sent = {
        x_shape: x.shape, x: Array.from(x.data),
        W_shape: layer.weight.shape, W: Array.from(layer.weight.data),
        b: Array.from(layer.bias.data),
      };
      ours = y.data;
    });
  } finally {
    layer.dispose();
  }
  assert.equal(memoryInfo().tensors, before, 'tensors leaked');

  // Not a trivial comparison: the init and the input are random and non-zero.
  assert.ok(sent.W.some((w) => w !== 0) && sent.x.some((v) => v !== 0), 'weights or input are all zero');

  // JSON numbers carry the float32 values exactly (shortest double repr).
  const run = spawnSync(PY, ['-c', NUMPY_LINEAR], { input: JSON.stringify(sent), encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 });
  assert.ok(!run.error && run.status === 0, `${PY} numpy script failed: ${run.error?.message ?? run.stderr}`);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(out.shape, [8, 33]);

  const tols = linearTols(sent.x, sent.W, sent.b, 64, 33);
  const worst = assertClose(ours, out.y, (i) => tols[i], 'live Linear vs NumPy float64');
  t.diagnostic(`numpy ${out.numpy}; ${worstNote(worst)}`);
});
