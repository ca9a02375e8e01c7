// The optimizers' state never holds a subnormal float (src/tt_optim.c,
// tt_flush_subnormal): a parameter whose gradient becomes exactly zero (an
// MNIST border pixel's weights, a dead ReLU unit's) has its momentum or
// Adam moments decay by 0.9 / 0.999 per step into the subnormal range,
// where x * 0.9 rounds back to the same subnormal for ever and every later
// step takes the CPU's slow path. Without the flush both tests below fail:
// the state ends on a nonzero subnormal (the decay's fixed point).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../js/index.js';

const FLT_MIN = 1.1754943508222875e-38;
const subnormals = (a) => a.filter((v) => v !== 0 && Math.abs(v) < FLT_MIN).length;

/** One step with gradient g (a Float32Array of p's size), through autograd: loss = sum(p * g). */
function step(opt, p, g) {
  api.tidy(() => {
    opt.zeroGrad();
    p.mul(new api.Tensor(g, { shape: p.shape })).sum().backward();
    opt.step();
  });
}

for (const [name, make, keys] of [
  ['SGD with momentum 0.9', (p) => new api.SGD([p], { lr: 0.1, momentum: 0.9 }), ['momentumBuffer']],
  ['Adam', (p) => new api.Adam([p], { lr: 1e-3 }), ['expAvg', 'expAvgSq']],
]) {
  test(`${name}: a gradient that became zero decays the state to exactly 0, never to a subnormal`, () => {
    const p = api.keep(new api.Tensor(new Float32Array([0.5, -0.25, 1, 2]), { shape: [4], requiresGrad: true }));
    const opt = make(p);
    try {
      // a real gradient first (two elements with a tiny but normal one), then zeros for 2,000 steps
      step(opt, p, new Float32Array([1e-3, -1e-3, 1e-19, -1e-19]));
      const zero = new Float32Array(4);
      let sawTiny = false;
      for (let i = 0; i < 2000; i++) {
        step(opt, p, zero);
        for (const k of keys) {
          const d = opt.state(p)[k].data;
          assert.equal(subnormals(d), 0, `${k} after ${i + 2} steps: ${Array.from(d)}`);
          if (d.some((v) => v !== 0 && Math.abs(v) < 1e-30)) sawTiny = true;
        }
      }
      // the decay did pass through tiny normal values (the test reached the range it guards)
      assert.ok(sawTiny, 'the state never came near the subnormal range');
      // momentum and expAvg (x0.9 a step) reach 0; expAvgSq (x0.999) of the 1e-3 gradients is still
      // ~1e-10 after 2,000 steps, but the 1e-19 ones' squares (1e-41, subnormal at once) are 0
      for (const k of keys) {
        const d = Array.from(opt.state(p)[k].data);
        assert.deepEqual(k === 'expAvgSq' ? d.slice(2) : d, k === 'expAvgSq' ? [0, 0] : [0, 0, 0, 0], `${k}: ${d}`);
      }
      // the parameters stay finite and the step count goes on
      assert.ok(Array.from(p.data).every(Number.isFinite));
    } finally {
      opt.dispose();
      p.dispose();
    }
  });
}

test('a NaN in the state stays NaN (the flush only touches subnormals)', () => {
  const p = api.keep(new api.Tensor(new Float32Array([1, 2, 3, 4]), { shape: [4], requiresGrad: true }));
  const opt = new api.Adam([p], { lr: 1e-3 });
  try {
    step(opt, p, new Float32Array([NaN, 1, 0, -1]));
    const m = opt.state(p).expAvg.data;
    assert.ok(Number.isNaN(m[0]), `expAvg[0] = ${m[0]}`);
    assert.ok(Number.isNaN(p.data[0]));
    assert.equal(p.data[2], 3);
  } finally {
    opt.dispose();
    p.dispose();
  }
});
