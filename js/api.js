// Every public export of tinytorch-wasm, without instantiating the core:
// js/index.js (the package entry) awaits init() on import; the lesson
// page's classic-script bundle calls init() itself.
//
// Imports in js/ go one way: core -> scope -> tensor -> autograd -> ops ->
// layers -> api (tests/js/imports.test.js checks it). js/ops.js installs
// Tensor's ops when imported; module.js imports it for every layer.

import './ops.js';

export { Tensor } from './tensor.js';
export { tidy, keep, memoryInfo } from './scope.js';
export { noGrad, isGradEnabled } from './autograd.js';
export { Module } from './module.js';
export { Linear } from './linear.js';
export { Dropout } from './dropout.js';
export { ReLU, Sigmoid, Tanh, GELU, Softmax } from './activations.js';
export { Sequential } from './sequential.js';
export { saveSafetensors, loadSafetensors, saveNpz, loadNpz, torchStateDict, fromTorchStateDict } from './serialize.js';
export { CrossEntropyLoss, MSELoss, accuracy } from './losses.js';
export { Optimizer, SGD, Adam } from './optim.js';
export { Generator, manualSeed, defaultGenerator } from './generator.js';
export { ShapeError } from './errors.js';
export { STATUS, BINARY_OP, REDUCE_OP, ACTIVATIONS, INITIALIZERS, INITS } from './enums.js';
export { fmtInt, fmtKB, fmtKiB, fmtBytes, fmtSI, fmtShape } from './format.js';
export { init } from './core.js';
import { rt, simdSupported } from './core.js';
import { STATUS } from './enums.js';

/** Mirror of enum tt_status in the old spelling: { OK: 0, ERR_ARG: -1, ... }. */
export const Status = Object.freeze(Object.fromEntries(Object.entries(STATUS).map(([k, v]) => [k.toUpperCase(), v])));

/** Which core this module runs: { build: 'simd'|'scalar', kernel, simdSupported }. */
export function backendInfo() {
  return { build: rt.build, kernel: rt.kernel, simdSupported };
}
