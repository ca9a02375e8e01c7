// Soak: 10,000 training steps of a small lesson-shaped network (forward
// with Dropout, cross-entropy, backward, an optimizer step), alternating
// SGD with momentum and Adam, with and without tidy() around the step.
// Live tensors and bytes must return to their level after the first step,
// and wasm memory must stop growing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Tensor, Linear, ReLU, Dropout, Sequential, CrossEntropyLoss, SGD, Adam, manualSeed, memoryInfo, tidy, backendInfo,
} from '../../js/index.js';

const STEPS = Number(process.env.SOAK_STEPS ?? 10000);

test(`soak: ${STEPS} training steps keep memory flat`, { skip: backendInfo().build !== 'simd' && 'runs once, in the SIMD pass' }, () => {
  manualSeed(11);
  const start = memoryInfo();
  const net = new Sequential(new Linear(64, 32), new ReLU(), new Dropout(0.5), new Linear(32, 16), new ReLU(), new Dropout(0.3), new Linear(16, 10));
  const lossFn = new CrossEntropyLoss();
  const opts = [new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 }), new Adam(net.parameters(), { lr: 1e-3 })];
  const x = Tensor.rand(16, 64);
  const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
  let level = null;
  let wasmAfterWarmup = null;
  let first = null;
  let last = null;
  for (let i = 0; i < STEPS; i++) {
    const opt = opts[(i >> 4) & 1];
    const step = () => {
      opt.zeroGrad();
      const loss = lossFn.forward(net.forward(x), labels);
      loss.backward();
      opt.step();
      return loss.item();
    };
    let v;
    if (i % 2) v = tidy(step);
    else { // without tidy: dispose by hand what the step made
      opt.zeroGrad();
      const logits = net.forward(x);
      const loss = lossFn.forward(logits, labels);
      loss.backward();
      opt.step();
      v = loss.item();
      logits.dispose();
      loss.dispose();
    }
    first ??= v;
    last = v;
    const m = memoryInfo();
    if (i === 40) { level = m; wasmAfterWarmup = m.wasmBytes; }
    if (level && i % 97 === 0) {
      assert.equal(m.tensors, level.tensors, `step ${i}: ${m.tensors} live tensors, ${level.tensors} after warm-up`);
      assert.equal(m.bytes, level.bytes, `step ${i}: live bytes grew`);
    }
  }
  assert.equal(memoryInfo().wasmBytes, wasmAfterWarmup, 'wasm memory grew after warm-up');
  assert.ok(last < first * 0.5, `the loss fell: ${first} -> ${last}`);
  opts.forEach((o) => o.dispose());
  net.dispose();
  x.dispose();
  const end = memoryInfo();
  assert.equal(end.tensors, start.tensors);
  assert.equal(end.bytes, start.bytes);
});
