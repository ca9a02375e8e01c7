// The optimizer updates in the SIMD128 build (four lanes at a time,
// src/tt_optim.c) against the scalar build and against a float32 reference
// written here with Math.fround in PyTorch's order of operations: every
// element bit for bit, on a length that leaves a scalar tail (1031 = 4·257
// + 3) and on values that reach the edges (zero second moments, subnormal
// and large gradients, negative zeros).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRuntime, simdSupported } from '../../js/core.js';

const N = 1031;
const f = Math.fround;

function values(seed) {
  let s = seed >>> 0;
  const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32 - 0.5; };
  const edge = [0, -0, 1e-40, -3e-39, 1e-30, 65504, -1e4, 1.5e-45];
  return Float32Array.from({ length: N }, (_, i) => (i % 97 < edge.length ? edge[i % 97] : rnd() * 2 ** ((i % 13) - 6)));
}

/** Runs `steps` updates of one op in one runtime; returns every buffer after each step. */
function runCore(rt, kind, o, steps) {
  const { core } = rt;
  const mk = (v) => { const t = core.tensorNew([N]); rt.writeF32(core.tensorData(t), v); return t; };
  const p = mk(values(1)), m = mk(new Float32Array(N)), v = mk(new Float32Array(N));
  const out = [];
  try {
    for (let s = 1; s <= steps; s++) {
      const g = mk(values(100 + s));
      if (kind === 'adam') core.adamStep(p, g, m, v, s, o);
      else core.sgdStep(p, g, o.momentum ? m : 0, o, s === 1);
      core.tensorFree(g);
      out.push([p, m, v].map((t) => rt.readF32(core.tensorData(t), N)));
    }
  } finally {
    [p, m, v].forEach((t) => core.tensorFree(t));
  }
  return out;
}

/**
 * The optimizers' state flushes subnormals to +0 (src/tt_optim.c,
 * tt_flush_subnormal: they send the CPU down a slow path), and Adam counts
 * an m too small for neg_step_size * m to be normal as 0 (m_tiny).
 */
const FLT_MIN = 2 ** -126;
const flush = (x) => (Math.abs(x) < FLT_MIN ? 0 : x);

/** The same updates in float32 arithmetic (Math.fround after every operation), PyTorch's order, with the flushes above. */
function runReference(kind, o, steps) {
  const p = values(1), m = new Float32Array(N), v = new Float32Array(N);
  const out = [];
  for (let s = 1; s <= steps; s++) {
    const gr = values(100 + s);
    if (kind === 'adam') {
      const [b1, b2] = o.betas;
      const bc1 = 1 - b1 ** s, bc2 = 1 - b2 ** s;
      const nss = f(-(o.lr / bc1)), bc2s = f(Math.sqrt(bc2));
      const wd = f(o.weightDecay), k1 = f(1 - b1), k2 = f(1 - b2), e = f(o.eps);
      const mTiny = f(FLT_MIN / Math.abs(nss));
      for (let i = 0; i < N; i++) {
        let g = gr[i];
        if (o.weightDecay !== 0) g = f(g + f(wd * p[i]));
        m[i] = flush(f(f(m[i] * f(b1)) + f(k1 * g)));
        v[i] = flush(f(f(v[i] * f(b2)) + f(f(k2 * g) * g)));
        const denom = f(f(f(Math.sqrt(v[i])) / bc2s) + e);
        const mu = Math.abs(m[i]) < mTiny ? 0 : m[i];
        p[i] = f(p[i] + f(f(nss * mu) / denom));
      }
    } else {
      const wd = f(o.weightDecay), mom = f(o.momentum), keep = f(1 - o.dampening), nlr = f(-o.lr);
      for (let i = 0; i < N; i++) {
        let g = gr[i];
        if (o.weightDecay !== 0) g = f(g + f(wd * p[i]));
        if (o.momentum !== 0) {
          const b = flush(s === 1 ? g : f(f(m[i] * mom) + f(keep * g)));
          m[i] = b;
          g = o.nesterov ? f(g + f(mom * b)) : b;
        }
        p[i] = f(p[i] + f(nlr * g));
      }
    }
    out.push([p, m, v].map((a) => a.slice()));
  }
  return out;
}

const cases = [
  ['adam', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }],
  ['adam', { lr: 0.5, betas: [0.5, 0.25], eps: 0, weightDecay: 0.1 }],
  ['sgd', { lr: 0.01, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }],
  ['sgd', { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 1e-4, nesterov: false }],
  ['sgd', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true }],
];

const bits = (a) => new Uint32Array(a.buffer, a.byteOffset, a.length);
function assertSameBits(got, want, what) {
  got.forEach((step, s) => step.forEach((buf, b) => {
    const g = bits(buf), w = bits(want[s][b]);
    for (let i = 0; i < N; i++) {
      if (g[i] !== w[i]) assert.fail(`${what}: step ${s + 1}, buffer ${['param', 'm', 'v'][b]}[${i}] = ${buf[i]}, expected ${want[s][b][i]}`);
    }
  }));
}

test('SGD and Adam updates: SIMD128 build = scalar build = float32 reference, bit for bit', { skip: !simdSupported && 'no SIMD128 in this engine' }, async () => {
  const [simd, scalar] = await Promise.all([createRuntime({ build: 'simd' }), createRuntime({ build: 'scalar' })]);
  for (const [kind, o] of cases) {
    const what = `${kind} ${JSON.stringify(o)}`;
    const ref = runReference(kind, o, 3);
    assertSameBits(runCore(simd, kind, o, 3), ref, `simd ${what}`);
    assertSameBits(runCore(scalar, kind, o, 3), ref, `scalar ${what}`);
  }
});

// The SIMD128 flushes work on the bits (src/tt_optim.c: tt_flush4,
// tt_keep_ge4): NaN of either sign and the infinities must be kept as the
// scalar float compares keep them, and m_tiny's edges (lr 0 gives an
// infinite m_tiny, a huge lr a zero one) must count the same elements as 0.
test('SGD and Adam updates: SIMD128 = scalar on NaN of both signs, infinities and edge learning rates', { skip: !simdSupported && 'no SIMD128 in this engine' }, async () => {
  const [simd, scalar] = await Promise.all([createRuntime({ build: 'simd' }), createRuntime({ build: 'scalar' })]);
  const negNaN = new Float32Array(new Uint32Array([0xffc00001]).buffer)[0];
  const wild = [NaN, negNaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3e38, -3e38, 1.2e-38, -1.1754944e-38];
  const run = (rt, kind, o) => {
    const { core } = rt;
    const mk = (fill) => { const t = core.tensorNew([N]); rt.writeF32(core.tensorData(t), Float32Array.from({ length: N }, (_, i) => fill(i))); return t; };
    // state and gradients with the wild values at different strides, so lanes mix them
    const p = mk((i) => (i % 7 === 0 ? wild[i % wild.length] : values(1)[i]));
    const m = mk((i) => (i % 5 === 0 ? wild[(i >> 2) % wild.length] : values(2)[i] * 1e-3));
    const v = mk((i) => (i % 11 === 0 ? wild[(i >> 3) % wild.length] : Math.abs(values(3)[i])));
    const g = mk((i) => (i % 3 === 0 ? wild[(i >> 1) % wild.length] : values(4)[i]));
    try {
      if (kind === 'adam') core.adamStep(p, g, m, v, 2, o);
      else core.sgdStep(p, g, o.momentum ? m : 0, o, false);
      return [p, m, v].map((t) => rt.readF32(core.tensorData(t), N));
    } finally {
      [p, m, v, g].forEach((t) => core.tensorFree(t));
    }
  };
  const adam = { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };
  const wildCases = [
    ['adam', { ...adam, lr: 1e-3 }], ['adam', { ...adam, lr: 0 }], ['adam', { ...adam, lr: 1e38 }],
    ['adam', { ...adam, lr: 0.5, weightDecay: 0.1 }],
    ['sgd', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: false }],
  ];
  for (const [kind, o] of wildCases) {
    const a = run(simd, kind, o), b = run(scalar, kind, o);
    a.forEach((buf, k) => {
      const ga = bits(buf), gb = bits(b[k]);
      for (let i = 0; i < N; i++) {
        const same = Number.isNaN(buf[i]) ? Number.isNaN(b[k][i]) : ga[i] === gb[i];
        if (!same) assert.fail(`${kind} ${JSON.stringify(o)}: ${['param', 'm', 'v'][k]}[${i}] = ${buf[i]} (SIMD) but ${b[k][i]} (scalar)`);
      }
    });
  }
});
