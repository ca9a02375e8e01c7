// The wasm loader, and the only code that touches wasm memory.
//
// The core is a standalone wasm module (no Emscripten JS glue) inlined as
// base64 in js/wasm/*.js. A runtime is one instance of it: its exports, its
// memory, and a small scratch area for out-pointers. The default runtime is
// created on import (top-level await), SIMD128 where the engine validates
// it, scalar otherwise; TINYTORCH_WASM_BACKEND=simd|scalar (an environment
// variable in Node, a global in browsers) forces one.

import { throwStatus } from './errors.js';

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
let nextRuntimeId = 1;

export class Runtime {
  constructor(instance, build) {
    this.id = nextRuntimeId++;
    this.build = build;
    this.exports = instance.exports;
    this.memory = instance.exports.memory;
    this.exports._initialize();
    // Two 4-byte slots: an out-pointer for ops, and one spare.
    this.scratch = this.exports.malloc(16) >>> 0;
    this.kernel = this.readCString(this.exports.tt_f32_gemm_kernel_name());
  }

  /** A fresh view each time: growing memory detaches the old buffer. */
  f32(ptr, length) { return new Float32Array(this.memory.buffer, ptr, length); }
  u32() { return new Uint32Array(this.memory.buffer); }
  f64(ptr, length) { return new Float64Array(this.memory.buffer, ptr, length).slice(); }

  readCString(ptr) {
    const bytes = new Uint8Array(this.memory.buffer);
    let end = ptr >>> 0;
    while (bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(ptr >>> 0, end));
  }

  lastError() { return this.readCString(this.exports.tt_last_error()); }

  /** Throw for a non-OK status with the core's own message. */
  check(status) {
    if (status !== 0) throwStatus(status, this.lastError());
  }

  /**
   * Raw access to tt_f32_gemm for kernel tests and the bench: buffers for
   * C[m,n] = A[m,k] @ B[k,n] (+ bias[n]) allocated once, so run() is one
   * wasm call with no copies. Call dispose() when done.
   */
  gemmPlan(m, k, n) {
    const ex = this.exports;
    const bytes = (count) => Math.max(4, count * 4);
    const ptrs = [m * k, k * n, n, m * n].map((count) => ex.malloc(bytes(count)) >>> 0);
    if (ptrs.includes(0)) {
      ptrs.forEach((p) => p && ex.free(p));
      throw new RangeError(`gemmPlan: out of memory for [${m},${k}] @ [${k},${n}]`);
    }
    const [a, b, bias, c] = ptrs;
    let live = true;
    return {
      setA: (v) => this.f32(a, m * k).set(v),
      setB: (v) => this.f32(b, k * n).set(v),
      setBias: (v) => this.f32(bias, n).set(v),
      run: (withBias = false, relu = false) => ex.tt_f32_gemm(c, a, b, withBias ? bias : 0, m, k, n, relu ? 1 : 0),
      result: () => this.f32(c, m * n).slice(),
      dispose: () => {
        if (live) ptrs.forEach((p) => ex.free(p));
        live = false;
      },
    };
  }

  /** Call an op whose first argument is `tt_tensor **out`; return *out. */
  callOut(fn, ...args) {
    const slot = this.scratch;
    this.check(fn(slot, ...args));
    return this.u32()[slot >>> 2];
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
