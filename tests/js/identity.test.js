// Same seed, same bits: the native build (tests/c/tt_digest.c) and the wasm
// builds run the same seeded scenario and must produce identical tensors;
// the SIMD128 and scalar kernels must agree bit for bit on odd shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../js/index.js';
import { runScenario, runTraining } from '../shared/scenario.js';
import { nativeDigests } from '../shared/native.js';
import { createRuntime, simdSupported } from '../../js/core.js';

test(`native and wasm (${api.backendInfo().build}) builds give identical bits for one seed`, () => {
  const native = nativeDigests();
  const wasm = { ...runScenario(api), ...runTraining(api) };
  assert.equal(Object.keys(native).length, 19 + 10);
  assert.deepEqual(wasm, native);
});

test('SIMD128 and scalar kernels agree bit for bit on odd shapes', { skip: !simdSupported && 'no SIMD128 in this engine' }, async () => {
  const [simd, scalar] = await Promise.all([createRuntime({ build: 'simd' }), createRuntime({ build: 'scalar' })]);
  assert.equal(simd.kernel, '4x8__wasmsimd_loadsplat');
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
