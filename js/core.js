// The wasm loader and the one owner of wasm memory: js/bindings.js names
// the C exports, this file reads and writes the memory (every copy in and
// out of a tensor goes through a Runtime method here).
//
// The core is a standalone wasm module (no Emscripten JS glue) inlined as
// base64 in js/wasm/*.js. A runtime is one instance of it: its exports, its
// memory, and a small scratch area for out-pointers. The default runtime is
// created on import (top-level await), SIMD128 where the engine validates
// it, scalar otherwise; TINYTORCH_WASM_BACKEND=simd|scalar (an environment
// variable in Node, a global in browsers) forces one.

import { bindCore } from './bindings.js';

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3,
  2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

export const simdSupported = WebAssembly.validate(SIMD_PROBE);

function decodeBase64(b64) {
  if (typeof Buffer === 'function') return new Uint8Array(Buffer.from(b64, 'base64'));
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const decoder = new TextDecoder();
const F32_SET = Object.getPrototypeOf(Int8Array.prototype).set; // copyF32: never a subclass's set()
let nextRuntimeId = 1;

export class Runtime {
  constructor(instance, build) {
    this.id = nextRuntimeId++;
    this.build = build;
    this.exports = instance.exports;
    this.memory = instance.exports.memory;
    this.exports._initialize();
    // One 4-byte out-pointer slot (plus padding) for ops that return a tensor.
    this.scratch = this.exports.malloc(16) >>> 0;
    /** The core's entry points as plain functions (js/bindings.js). */
    this.core = bindCore(this);
    this.kernel = this.core.kernelName();
  }

  // Memory access. A fresh view each time: growing memory detaches the old
  // buffer, so no view outlives the statement that made it.

  /** Copy `values` (an array-like of numbers, already checked) to ptr as float32. */
  writeF32(ptr, values) { new Float32Array(this.memory.buffer, ptr, values.length).set(values); }
  /** A Float32Array copy of `length` floats at ptr. */
  readF32(ptr, length) { return new Float32Array(this.memory.buffer, ptr, length).slice(); }
  /** Copy `length` floats at ptr into out (a Float32Array) from index offset: Tensor.copyTo. */
  copyF32(ptr, length, out, offset) { F32_SET.call(out, new Float32Array(this.memory.buffer, ptr, length), offset); }
  readF64(ptr, length) { return new Float64Array(this.memory.buffer, ptr, length).slice(); }
  readU32(ptr, length) { return new Uint32Array(this.memory.buffer, ptr, length).slice(); }
  writeU32(ptr, values) { new Uint32Array(this.memory.buffer, ptr, values.length).set(values); }

  readCString(ptr) {
    const bytes = new Uint8Array(this.memory.buffer);
    let end = ptr >>> 0;
    while (bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(ptr >>> 0, end));
  }

  /** Run fn(ptr) with `bytes` of scratch memory, freed after (fn runs no caller code). */
  withScratch(bytes, fn) {
    const ptr = this.exports.malloc(Math.max(8, bytes)) >>> 0;
    if (ptr === 0) throw new RangeError(`out of wasm memory for a ${bytes}-byte scratch buffer`);
    try {
      return fn(ptr);
    } finally {
      this.exports.free(ptr);
    }
  }

  /**
   * Raw access to tt_f32_gemm for kernel tests and the bench: buffers for
   * C[m,n] = A[m,k] @ B[k,n] (+ bias[n]) allocated once, so run() is one
   * wasm call with no copies. Call dispose() when done.
   */
  gemmPlan(m, k, n) {
    const { core } = this;
    // 64 bytes over, each operand rounded up to a cache line as the core's
    // own buffers are (malloc alone aligns to 8 here)
    const bytes = (count) => Math.max(4, count * 4) + 64;
    const ptrs = [m * k, k * n, n, m * n].map((count) => core.malloc(bytes(count)));
    if (ptrs.includes(0)) {
      ptrs.forEach((p) => p && core.free(p));
      throw new RangeError(`gemmPlan: out of memory for [${m},${k}] @ [${k},${n}]`);
    }
    const [a, b, bias, c] = ptrs.map((p) => (p + 63) & ~63);
    let live = true;
    return {
      setA: (v) => this.writeF32(a, v),
      setB: (v) => this.writeF32(b, v),
      setBias: (v) => this.writeF32(bias, v),
      run: (withBias = false, relu = false) => core.gemm(c, a, b, withBias ? bias : 0, m, k, n, relu),
      result: () => this.readF32(c, m * n),
      dispose: () => {
        if (live) ptrs.forEach((p) => core.free(p));
        live = false;
      },
    };
  }
}

async function bytesOf(build) {
  const mod = build === 'simd' ? await import('./wasm/tt-simd.js') : await import('./wasm/tt-scalar.js');
  return decodeBase64(mod.default);
}

/**
 * Instantiate a fresh core. `build` is 'simd' or 'scalar' (default: the best
 * this engine runs). Each runtime has its own memory and RNG.
 */
export async function createRuntime({ build } = {}) {
  const chosen = build ?? (simdSupported ? 'simd' : 'scalar');
  if (chosen !== 'simd' && chosen !== 'scalar') {
    throw new RangeError(`createRuntime: build must be 'simd' or 'scalar', got ${String(chosen)}`);
  }
  if (chosen === 'simd' && !simdSupported) {
    throw new RangeError('createRuntime: this engine does not support WebAssembly SIMD128');
  }
  const { instance } = await WebAssembly.instantiate(await bytesOf(chosen), {
    env: { emscripten_notify_memory_growth() {} },
  });
  return new Runtime(instance, chosen);
}

function requestedBuild() {
  const fromEnv = globalThis.process?.env?.TINYTORCH_WASM_BACKEND;
  const v = fromEnv ?? globalThis.TINYTORCH_WASM_BACKEND;
  return v === 'simd' || v === 'scalar' ? v : undefined;
}

/**
 * The runtime every Tensor and layer of this module uses: a live binding,
 * set once by init(). The ES-module entry (index.js) awaits init() on
 * import; the classic-script bundle of the lesson page awaits it before
 * it starts.
 */
export let rt = null;
let ready = null;

/** Instantiate the default runtime (once; later calls return the same promise). */
export function init({ build } = {}) {
  ready ??= createRuntime({ build: build ?? requestedBuild() }).then((r) => { rt = r; return r; });
  return ready;
}
