// Activation layers: element-wise non-linearities (and Softmax along a
// dim), each one call into the core. They have no parameters.

import { rt } from './core.js';
import { Tensor } from './tensor.js';
import { Module, inputOf } from './module.js';
import { describe } from './errors.js';

// Each class names its tt_activation code and its type explicitly: class
// names do not survive minifiers (ours or a user's bundler).
class Activation extends Module {
  forward(x) {
    const h = inputOf(this.constructor.typeName, x);
    return Tensor._wrap(rt.callOut(rt.exports.tt_activation_forward, h, this.constructor.kind, -1));
  }
}

/** max(0, x). */
export class ReLU extends Activation {
  static typeName = 'ReLU';
  static kind = 0;
}
/** 1 / (1 + e^-x), exact 0 and 1 at the extremes, never NaN. */
export class Sigmoid extends Activation {
  static typeName = 'Sigmoid';
  static kind = 1;
}
/** Hyperbolic tangent. */
export class Tanh extends Activation {
  static typeName = 'Tanh';
  static kind = 2;
}
/** The course's GELU: x * sigmoid(1.702 x). */
export class GELU extends Activation {
  static typeName = 'GELU';
  static kind = 3;
}

/** e^x / sum(e^x) along `dim` (max-subtracted, so large inputs stay finite). */
export class Softmax extends Activation {
  static typeName = 'Softmax';
  static kind = 4;

  constructor(dim = -1) {
    super();
    checkDim(dim);
    this.dim = dim;
  }

  forward(x, dim = this.dim) {
    const h = inputOf('Softmax', x);
    checkDim(dim);
    return Tensor._wrap(rt.callOut(rt.exports.tt_activation_forward, h, Softmax.kind, dim));
  }

  toString() { return `Softmax(dim=${this.dim})`; }
}

function checkDim(dim) {
  if (typeof dim !== 'number') throw new TypeError(`Softmax: dim must be an integer, got ${describe(dim)}`);
  if (!Number.isInteger(dim) || Math.abs(dim) > 4) throw new RangeError(`Softmax: dim must be an integer in [-4, 3], got ${describe(dim)}`);
}
