// Activation layers: element-wise non-linearities (and Softmax along a
// dim), each one call into the core. They have no parameters.

import { rt } from './core.js';
import { Tensor } from './tensor.js';
import { Module, inputOf } from './module.js';
import { describe } from './errors.js';

const KIND = { ReLU: 0, Sigmoid: 1, Tanh: 2, GELU: 3, Softmax: 4 };

class Activation extends Module {
  forward(x) {
    const h = inputOf(this.constructor.name, x);
    return Tensor._wrap(rt.callOut(rt.exports.tt_activation_forward, h, KIND[this.constructor.name], -1));
  }
}

/** max(0, x). */
export class ReLU extends Activation {}
/** 1 / (1 + e^-x), exact 0 and 1 at the extremes, never NaN. */
export class Sigmoid extends Activation {}
/** Hyperbolic tangent. */
export class Tanh extends Activation {}
/** The course's GELU: x * sigmoid(1.702 x). */
export class GELU extends Activation {}

/** e^x / sum(e^x) along `dim` (max-subtracted, so large inputs stay finite). */
export class Softmax extends Activation {
  constructor(dim = -1) {
    super();
    checkDim(dim);
    this.dim = dim;
  }

  forward(x, dim = this.dim) {
    const h = inputOf('Softmax', x);
    checkDim(dim);
    return Tensor._wrap(rt.callOut(rt.exports.tt_activation_forward, h, KIND.Softmax, dim));
  }

  toString() { return `Softmax(dim=${this.dim})`; }
}

function checkDim(dim) {
  if (typeof dim !== 'number') throw new TypeError(`Softmax: dim must be an integer, got ${describe(dim)}`);
  if (!Number.isInteger(dim) || Math.abs(dim) > 4) throw new RangeError(`Softmax: dim must be an integer in [-4, 3], got ${describe(dim)}`);
}
