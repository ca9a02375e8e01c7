// bench/peers/ort.mjs — the ONNX Runtime Web peer: the wasm execution
// provider, numThreads = 1 (its only wasm binary is the SIMD one), all
// graph optimisations, models from bench/peers/onnx.mjs (Gemm, the MLP as
// Gemm/Relu, Dropout-13 in training mode). session.run is async: the timed
// unit is one awaited run that feeds x and fetches y.

import { DROP_P, MLP_WIDTHS } from '../rows.mjs';
import { dropoutModel, gemmModel, mlpModel } from './onnx.mjs';

/** Configure `ort` (the onnxruntime-web module or the browser's global): one thread, its SIMD binary. */
export function setupOrt(ort, wasmPaths) {
  ort.env.wasm.numThreads = 1;
  if ('simd' in ort.env.wasm) ort.env.wasm.simd = true; // older versions had a non-SIMD binary too
  ort.env.wasm.proxy = false;
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  return { version: ort.env.versions?.web ?? 'unknown', ep: 'wasm', numThreads: ort.env.wasm.numThreads, binary: 'unknown' };
}

/** Node: import the package and open a 1x1 Gemm session, which loads the wasm binary (whose name is noted). */
export async function loadOrtNode() {
  const { watchWasmReads } = await import('./watch.mjs');
  const watch = watchWasmReads();
  try {
    const ort = await import('onnxruntime-web');
    const info = setupOrt(ort);
    const session = await ort.InferenceSession.create(gemmModel(1, 1, 1, Float32Array.of(2), Float32Array.of(1)), { executionProviders: ['wasm'] });
    const y = (await session.run({ x: new ort.Tensor('float32', Float32Array.of(3), [1, 1]) })).y.data[0];
    await session.release();
    if (y !== 7) throw new Error(`a 1x1 Gemm gave ${y}, not 7`);
    info.binary = watch.seen().pop() ?? 'unknown';
    return { ort, info };
  } catch (e) {
    return { error: `onnxruntime-web unavailable: ${e.message ?? e}` };
  } finally {
    watch.restore();
  }
}

function modelOf(row, inp) {
  if (row.kind === 'matmul') return { bytes: gemmModel(row.M, row.K, row.N, inp.W, inp.b), dims: [row.M, row.K] };
  if (row.kind === 'mlp') return { bytes: mlpModel(row.B, MLP_WIDTHS, inp.layers), dims: [row.B, MLP_WIDTHS[0]] };
  return { bytes: dropoutModel(row.R, row.C, DROP_P), dims: [row.R, row.C] };
}

/** One row through ORT: { async: true, call, result, dispose } (call and result return promises). */
export async function ortImpl(ort, row, inp) {
  const { bytes, dims } = modelOf(row, inp);
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1,
  });
  const feeds = { x: new ort.Tensor('float32', inp.x, dims) };
  const fetch = ['y']; // dropout's mask is computed all the same; only y is copied out
  return {
    async: true,
    async call() { await session.run(feeds, fetch); },
    async result() { return (await session.run(feeds, fetch)).y.data.slice(); },
    async dispose() { await session.release(); },
  };
}
