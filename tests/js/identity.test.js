// Same seed, same bits: the native build (tests/c/tt_digest.c) and the wasm
// builds run the same seeded scenario and must produce identical tensors;
// the SIMD128 and scalar kernels must agree bit for bit on odd shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor, Linear, Dropout, ReLU, Sigmoid, Tanh, GELU, Softmax, manualSeed, tidy, backendInfo } from '../../js/index.js';
import { createRuntime, simdSupported } from '../../js/core.js';

const digestBin = fileURLToPath(new URL('../../build/native/tests/c/tt_digest', import.meta.url));

/** FNV-1a (32-bit) over the little-endian float32 bytes, as tt_digest.c. */
function fnv1a(t) {
  const bytes = new Uint8Array(t.data.buffer);
  let h = 0x811c9dc5;
  for (const byte of bytes) h = Math.imul(h ^ byte, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The scenario of tt_digest.c, through the public JS API. */
function scenario() {
  return tidy(() => {
    manualSeed(42);
    const x = Tensor.randn([32, 784]);
    const l1 = new Linear(784, 256);
    const l2 = new Linear(256, 128, { init: 'he_normal' });
    const l3 = new Linear(128, 10, { init: 'xavier_uniform' });
    const l4 = new Linear(10, 10, { bias: false, init: 'normal' });
    const drop1 = new Dropout(0.5);
    const drop2 = new Dropout(0.3);
    const h1 = l1.forward(x);
    const a1 = new ReLU().forward(h1);
    const d1 = drop1.forward(a1);
    const h2 = l2.forward(d1);
    const a2 = new GELU().forward(h2);
    const d2 = drop2.forward(a2);
    const h3 = l3.forward(d2);
    const s3 = new Sigmoid().forward(h3);
    const t3 = new Tanh().forward(h3);
    const h4 = l4.forward(t3);
    const p = new Softmax(-1).forward(h4);
    const u = Tensor.rand([5, 7]);
    const out = {
      x, w1: l1.weight, w2: l2.weight, w3: l3.weight, w4: l4.weight, h1, a1, mask1: drop1.mask, d1,
      h2, a2, mask2: drop2.mask, d2, h3, s3, t3, h4, p, u,
    };
    const digests = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, fnv1a(t)]));
    [l1, l2, l3, l4, drop1, drop2].forEach((l) => l.dispose());
    return digests;
  });
}

test(`native and wasm (${backendInfo().build}) builds give identical bits for one seed`, () => {
  assert.ok(existsSync(digestBin), `${digestBin} is missing: run scripts/build.sh first`);
  const run = spawnSync(digestBin, { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const native = Object.fromEntries(run.stdout.trim().split('\n').map((line) => line.split(' ')));
  const wasm = scenario();
  assert.equal(Object.keys(native).length, 19);
  assert.deepEqual(wasm, native);
});

test('SIMD128 and scalar kernels agree bit for bit on odd shapes', { skip: !simdSupported && 'no SIMD128 in this engine' }, async () => {
  const [simd, scalar] = await Promise.all([createRuntime({ build: 'simd' }), createRuntime({ build: 'scalar' })]);
  assert.equal(simd.kernel, '4x8__wasmsimd');
  assert.equal(scalar.kernel, '4x8__scalar');
  let cases = 0;
  let seed = 1;
  const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 31 - 1; };
  for (const m of [1, 2, 3, 4, 5, 7, 17, 32]) {
    for (const k of [1, 3, 5, 17, 255]) {
      for (const n of [1, 3, 7, 8, 9, 17, 255]) {
        const a = Float32Array.from({ length: m * k }, rnd);
        const b = Float32Array.from({ length: k * n }, rnd);
        const bias = Float32Array.from({ length: n }, rnd);
        const results = [simd, scalar].map((rt) => {
          const plan = rt.gemmPlan(m, k, n);
          plan.setA(a); plan.setB(b); plan.setBias(bias);
          plan.run(true, (m + n) % 2 === 0);
          const r = plan.result();
          plan.dispose();
          return r;
        });
        assert.deepEqual(results[0], results[1], `[${m},${k}]@[${k},${n}]`);
        cases++;
      }
    }
  }
  assert.equal(cases, 280);
});
