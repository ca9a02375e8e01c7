// Soak: 10,000 cycles of what the lesson page does (build the default
// network, trace a batch through it, read the masks and the summary,
// dispose), with the page's own NetworkModel (its layers' Generators
// included). Live tensors and bytes must be back to zero after every
// cycle, and wasm memory must stop growing after the first cycles. Runs
// once, in the SIMD pass of the test command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../js/index.js';
import { NetworkModel } from '../../web/network.js';
import { defaults } from '../../web/state.js';

const CYCLES = Number(process.env.SOAK_CYCLES ?? 10000);

test(`soak: ${CYCLES} page cycles keep memory flat`, { skip: api.backendInfo().build !== 'simd' && 'runs once, in the SIMD pass' }, () => {
  const state = defaults();
  const start = api.memoryInfo();
  let wasmAfterWarmup = null;
  let maskCells = 0;
  const t0 = performance.now();
  for (let i = 0; i < CYCLES; i++) {
    const model = new NetworkModel(api);
    const s = { ...state, seed: i % 1000, mode: i % 7 === 0 ? 'eval' : 'train' };
    const generator = new api.Generator(i);
    const run = model.run(s, api.Tensor.randn([32, 784], { generator }));
    generator.dispose();
    assert.equal(run.error, null);
    for (const row of run.layers) {
      if (row.spec.kind === 'dropout' && row.layer.mask) maskCells += row.layer.mask.stats().count;
    }
    assert.ok(run.summaryText.includes('Total params: 235,146'));
    model.dispose();
    const m = api.memoryInfo();
    if (m.tensors !== start.tensors || m.bytes !== start.bytes) {
      assert.fail(`cycle ${i}: ${m.tensors} tensors / ${m.bytes} bytes live, expected ${start.tensors} / ${start.bytes}`);
    }
    if (i === 9) wasmAfterWarmup = m.wasmBytes;
  }
  const end = api.memoryInfo();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`# soak: ${CYCLES} cycles in ${seconds.toFixed(1)} s; live tensors ${start.tensors} -> ${end.tensors}, bytes ${start.bytes} -> ${end.bytes}; wasm memory ${start.wasmBytes} -> ${wasmAfterWarmup} after 10 cycles -> ${end.wasmBytes} after ${CYCLES}; ${maskCells} mask cells read`);
  assert.equal(end.wasmBytes, wasmAfterWarmup, 'wasm memory grew after the first cycles');
});
