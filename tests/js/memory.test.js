// Lifetimes: dispose, tidy and memoryInfo; a disposed tensor is never read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Linear, Dropout, ReLU, Sequential, tidy, keep, memoryInfo } from '../../js/index.js';

test('dispose frees, is idempotent, and later use throws', () => {
  const base = memoryInfo();
  const t = Tensor.ones(1000);
  assert.equal(memoryInfo().tensors, base.tensors + 1);
  assert.equal(memoryInfo().bytes, base.bytes + 4000);
  t.dispose();
  t.dispose();
  assert.deepEqual({ ...memoryInfo(), wasmBytes: 0 }, { ...base, wasmBytes: 0 });
  assert.ok(t.isDisposed);
  assert.throws(() => t.data, (e) => e instanceof TypeError && /disposed/.test(e.message));
  assert.throws(() => t.shape, TypeError);
  const live = Tensor.ones(3);
  assert.throws(() => live.add(t), (e) => e instanceof TypeError && /right operand is a disposed Tensor/.test(e.message));
  live.dispose();
});

test('tidy frees everything made inside except the result', () => {
  const base = memoryInfo().tensors;
  const kept = tidy(() => {
    const a = Tensor.ones(10);
    const b = a.mul(2);
    a.add(b);
    return b.sub(1);
  });
  assert.equal(memoryInfo().tensors, base + 1);
  assert.deepEqual(Array.from(kept.data), Array(10).fill(1));
  kept.dispose();
  // nested scopes, arrays and objects of results, keep()
  const { x, list } = tidy(() => {
    const inner = tidy(() => [Tensor.ones(2), Tensor.zeros(2)]);
    const k = keep(Tensor.ones(5));
    k.dispose();
    return { x: inner[0], list: [inner[1]] };
  });
  assert.equal(memoryInfo().tensors, base + 2);
  x.dispose(); list[0].dispose();
  assert.equal(memoryInfo().tensors, base);
  // an exception inside tidy still frees
  assert.throws(() => tidy(() => { Tensor.ones(3); throw new Error('boom'); }), /boom/);
  assert.equal(memoryInfo().tensors, base);
  assert.throws(() => tidy(async () => Tensor.ones(1)), TypeError);
  assert.equal(memoryInfo().tensors, base);
});

test('layers keep their parameters through tidy and free them on dispose', () => {
  const base = memoryInfo();
  const net = tidy(() => new Sequential(new Linear(784, 256), new ReLU(), new Dropout(0.5), new Linear(256, 10)));
  assert.equal(memoryInfo().tensors, base.tensors + 4);
  assert.equal(memoryInfo().bytes, base.bytes + 4 * (784 * 256 + 256 + 256 * 10 + 10));
  tidy(() => { net.forward(Tensor.randn(32, 784)); });
  assert.equal(memoryInfo().tensors, base.tensors + 5, 'parameters plus the dropout mask');
  net.dispose();
  net.dispose();
  assert.equal(memoryInfo().tensors, base.tensors);
  assert.equal(memoryInfo().bytes, base.bytes);
});

test('a forward pass leaves nothing behind but its output', () => {
  const net = new Sequential(new Linear(20, 30), new ReLU(), new Dropout(0.2), new Linear(30, 5));
  const x = Tensor.randn(8, 20);
  tidy(() => { net.forward(x); });
  const base = memoryInfo();
  for (let i = 0; i < 200; i++) net.forward(x).dispose();
  assert.deepEqual(memoryInfo(), base, 'no growth of tensors, bytes or wasm memory');
  x.dispose(); net.dispose();
});

// The FinalizationRegistry safety net: tensors nobody disposes are freed
// once collected, whether they were registered in a batch (more than 256
// made in one task) or at the microtask checkpoint after they were made.
// Disposed ones were never registered and are freed once, at dispose.
test('forgotten tensors are freed after the collector runs', async () => {
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const base = memoryInfo();
  const layer = new Linear(8, 4);
  const x = Tensor.ones([2, 8]);
  const made = () => {
    for (let i = 0; i < 600; i++) layer.forward(x); // results forgotten, with their graphs
    for (let i = 0; i < 5; i++) Tensor.ones(3).dispose();
    Tensor.zeros(7); // forgotten, waiting for the checkpoint
  };
  made();
  assert.ok(memoryInfo().tensors >= base.tensors + 600 + 1 + 3, 'the forgotten tensors are alive before any collection');
  const collect = async (left) => {
    for (let round = 0; round < 20 && memoryInfo().tensors > left; round++) {
      await new Promise((r) => setTimeout(r, 10)); // the checkpoint, then the registry's callbacks
      gc();
    }
  };
  await collect(base.tensors + 3);
  // what is left: layer.weight, layer.bias, x
  assert.equal(memoryInfo().tensors, base.tensors + 3);
  layer.dispose();
  x.dispose();
  // bias is freed now; the weight and x once the forgotten graphs that saved them are collected
  assert.ok(memoryInfo().tensors <= base.tensors + 2);
  await collect(base.tensors);
  assert.deepEqual({ ...memoryInfo(), wasmBytes: 0 }, { ...base, wasmBytes: 0 });
});
