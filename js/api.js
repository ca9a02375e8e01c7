// Every public export of tinytorch-wasm, without instantiating the core:
// js/index.js (the package entry) awaits init() on import; the lesson
// page's classic-script bundle calls init() itself.

export { Tensor, tidy, keep, memoryInfo } from './tensor.js';
export { Module } from './module.js';
export { Linear, INITS } from './linear.js';
export { Dropout } from './dropout.js';
export { ReLU, Sigmoid, Tanh, GELU, Softmax } from './activations.js';
export { Sequential } from './sequential.js';
export { manualSeed } from './random.js';
export { ShapeError, Status } from './errors.js';
export { init } from './core.js';
import { rt, simdSupported } from './core.js';

/** Which core this module runs: { build: 'simd'|'scalar', kernel, simdSupported }. */
export function backendInfo() {
  return { build: rt.build, kernel: rt.kernel, simdSupported };
}
