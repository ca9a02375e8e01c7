// bench/peers/tfjs.mjs — the tfjs-backend-wasm peer: 1 thread,
// tf.fused.matMul (its fastest path for x@W + b, with ReLU fused in the
// MLP) and tf.dropout. `setup(tf, tfwasm, wasmDir)` is shared by the Node
// loader (loadTfjsNode) and the browser page, which passes the UMD globals.

import { DROP_P, MLP_WIDTHS } from '../rows.mjs';

/** Select the wasm backend with one thread; returns what was loaded. */
export async function setupTfjs(tf, tfwasm, wasmDir, binaryName) {
  tfwasm.setWasmPaths(wasmDir);
  tfwasm.setThreadsCount(1); // must precede setBackend; one thread, like our core
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
  await tf.ready();
  if (tf.getBackend() !== 'wasm') throw new Error(`tfjs backend is ${tf.getBackend()}, not wasm`);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const binary = binaryName ?? 'unknown';
  return {
    version: tf.version_core,
    backend: tf.getBackend(),
    binary,
    simd: binary === 'unknown' ? simd : binary.includes('simd'),
    threaded: binary.includes('threaded'),
    threadsCount: tfwasm.getThreadsCount(),
  };
}

/** Node: import the packages, load the .wasm files from the package's dist/ and note which one was read. */
export async function loadTfjsNode() {
  const path = await import('node:path');
  const { createRequire } = await import('node:module');
  const { watchWasmReads } = await import('./watch.mjs');
  const watch = watchWasmReads();
  try {
    // The union package: tfjs-core plus the gradients and chained ops the training rows need (same core instance).
    const tf = await import('@tensorflow/tfjs');
    const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    // The package's main is dist/tf-backend-wasm.node.js; the .wasm files sit next to it.
    const dist = `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
    const info = await setupTfjs(tf, tfwasm, dist); // setBackend reads the .wasm
    const binary = watch.seen().pop();
    if (binary) Object.assign(info, { binary, simd: binary.includes('simd'), threaded: binary.includes('threaded') });
    return { tf, info };
  } catch (e) {
    return { error: `tfjs-backend-wasm unavailable: ${e.message ?? e}` };
  } finally {
    watch.restore();
  }
}

/** One row through tfjs: { call, result, dispose } like bench/impls.mjs. */
export function tfjsImpl(tf, row, inp) {
  const owned = [];
  const own = (t) => { owned.push(t); return t; };
  let forward;
  if (row.kind === 'matmul') {
    const x = own(tf.tensor2d(inp.x, [row.M, row.K]));
    const W = own(tf.tensor2d(inp.W, [row.K, row.N]));
    const b = own(tf.tensor1d(inp.b));
    forward = () => tf.fused.matMul({ a: x, b: W, bias: b });
  } else if (row.kind === 'mlp') {
    const x = own(tf.tensor2d(inp.x, [row.B, MLP_WIDTHS[0]]));
    const p = inp.layers.map(({ W, b }, i) => ({
      W: own(tf.tensor2d(W, [MLP_WIDTHS[i], MLP_WIDTHS[i + 1]])),
      b: own(tf.tensor1d(b)),
    }));
    // Intermediates disposed by hand: cheaper than tf.tidy, so tfjs gets its best case.
    forward = () => {
      const h1 = tf.fused.matMul({ a: x, b: p[0].W, bias: p[0].b, activation: 'relu' });
      const h2 = tf.fused.matMul({ a: h1, b: p[1].W, bias: p[1].b, activation: 'relu' });
      h1.dispose();
      const y = tf.fused.matMul({ a: h2, b: p[2].W, bias: p[2].b });
      h2.dispose();
      return y;
    };
  } else {
    const x = own(tf.tensor2d(inp.x, [row.R, row.C]));
    // tf.dropout is several ops (randomUniform, add, floor, div, mul): tidy frees the intermediates.
    forward = () => tf.tidy(() => tf.dropout(x, DROP_P));
  }
  return {
    call() { forward().dispose(); },
    result() {
      const y = forward();
      const data = y.dataSync().slice();
      y.dispose();
      return data;
    },
    dispose() { owned.forEach((t) => t.dispose()); },
  };
}
