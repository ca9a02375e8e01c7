// A training loop written as PyTorch users write it, without tidy() and
// without disposing the logits, keeps its memory bounded (issue 20, #12):
// a finished backward moves the graph's outputs that are still alive to JS
// memory, which the collector frees, so the loop needs no finalizer (none
// can run inside a synchronous loop). The loop here is synchronous.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Sequential, Linear, ReLU, CrossEntropyLoss, SGD, Adam, accuracy, manualSeed, memoryInfo } from '../../js/index.js';

function setup(Opt) {
  manualSeed(3);
  const net = new Sequential([new Linear(64, 32), new ReLU(), new Linear(32, 10)]);
  const opt = Opt === Adam ? new Adam(net.parameters(), { lr: 1e-3 }) : new SGD(net.parameters(), { lr: 0.01 });
  const x = Tensor.randn(32, 64);
  const y = Int32Array.from({ length: 32 }, (_, i) => i % 10);
  return { net, opt, x, y, lossFn: new CrossEntropyLoss() };
}

function dispose({ net, opt, x }) {
  opt.dispose();
  net.dispose();
  x.dispose();
}

const snap = () => {
  const m = memoryInfo();
  return { tensors: m.tensors, bytes: m.bytes, wasmBytes: m.wasmBytes };
};

for (const Opt of [SGD, Adam]) {
  test(`${Opt.name}: opt.zeroGrad(); l = lossFn.forward(net.forward(x), y); l.backward(); opt.step(); l.dispose(): memory flat from step 1,000 to 2,500`, () => {
    const s = setup(Opt);
    const { net, opt, x, y, lossFn } = s;
    const before = memoryInfo().tensors;
    let at1k;
    let last = Infinity;
    for (let step = 1; step <= 2500; step++) {
      opt.zeroGrad();
      const l = lossFn.forward(net.forward(x), y);
      l.backward();
      opt.step();
      last = l.item();
      l.dispose();
      if (step === 1000) at1k = snap();
    }
    const at2500 = snap();
    assert.deepEqual(at2500, at1k, 'live tensors, their bytes and the wasm memory are the same at step 2,500 as at step 1,000');
    assert.ok(at2500.tensors - before <= 4 * 3, `what is alive is the parameters' grads and the optimizer state, not one tensor per step: ${at2500.tensors - before}`);
    assert.ok(Number.isFinite(last) && last < Math.log(10), `it trained: loss ${last}`);
    dispose(s);
  });
}

test('keeping the logits to read them after backward (accuracy, item, data) works and stays flat', () => {
  const s = setup(SGD);
  const { net, opt, x, y, lossFn } = s;
  let at500;
  for (let step = 1; step <= 2000; step++) {
    opt.zeroGrad();
    const logits = net.forward(x);
    const l = lossFn.forward(logits, y);
    const expected = logits.data; // before backward
    l.backward();
    opt.step();
    assert.ok(accuracy(logits, y) >= 0);
    if (step % 500 === 0) {
      assert.deepEqual(logits.data, expected, 'the logits read the same after backward');
      assert.deepEqual(logits.shape, [32, 10]);
      // an op on them brings them back into wasm memory; the next backward moves them out again
      const row = logits.sum(1);
      assert.equal(row.data.length, 32);
      row.dispose();
      if (step === 500) at500 = snap();
    }
    l.dispose();
  }
  const end = snap();
  assert.ok(end.tensors <= at500.tensors + 1 && end.wasmBytes === at500.wasmBytes, `flat: ${JSON.stringify(at500)} -> ${JSON.stringify(end)}`);
  dispose(s);
});

test('disposing the logits by hand after backward, as before, frees everything', () => {
  const s = setup(SGD);
  const { net, opt, x, y, lossFn } = s;
  const before = memoryInfo().tensors;
  for (let step = 0; step < 50; step++) {
    opt.zeroGrad();
    const logits = net.forward(x);
    const l = lossFn.forward(logits, y);
    l.backward();
    opt.step();
    l.dispose();
    logits.dispose();
    assert.ok(logits.isDisposed);
    assert.throws(() => logits.data, TypeError);
  }
  assert.ok(memoryInfo().tensors - before <= 10);
  dispose(s);
});

test('what no backward runs through piles up: one console warning says what and how to free it', () => {
  const s = setup(SGD);
  const { net, opt, x, y, lossFn } = s;
  const warnings = [];
  const warn = console.warn;
  console.warn = (msg) => warnings.push(String(msg));
  const leaked = [];
  try {
    for (let step = 0; step < 700; step++) {
      opt.zeroGrad();
      const logits = net.forward(x);
      const l = lossFn.forward(logits, y);
      l.backward();
      opt.step();
      l.dispose();
      leaked.push(logits.max()); // a graph never backpropagated: it holds the logits in wasm memory
    }
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1, `one warning: ${warnings.join('\n')}`);
  assert.match(warnings[0], /tensors are alive in wasm memory.*outside tidy\(\).*tidy\(\(\) => \{ \.\.\. \}\).*dispose\(\)/s);
  for (const t of leaked) t.dispose();
  dispose(s);
});
