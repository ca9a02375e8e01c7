// tinytorch-wasm: the "Layers" lesson of TinyTorch, computed by a C core in
// WebAssembly. Importing this module instantiates the core (SIMD128 when the
// engine supports it).

export { Tensor, tidy, keep, memoryInfo } from './tensor.js';
export { Module } from './module.js';
export { Linear, INITS } from './linear.js';
export { Dropout } from './dropout.js';
export { ReLU, Sigmoid, Tanh, GELU, Softmax } from './activations.js';
export { Sequential } from './sequential.js';
export { manualSeed } from './random.js';
export { ShapeError, Status } from './errors.js';
import { rt, simdSupported } from './core.js';

/** Which core this module runs: { build: 'simd'|'scalar', kernel, simdSupported }. */
export function backendInfo() {
  return { build: rt.build, kernel: rt.kernel, simdSupported };
}
