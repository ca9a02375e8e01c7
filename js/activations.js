// Activation layers: element-wise non-linearities (and Softmax along a
// dim), each one core call forward and one backward. They have no
// parameters. Codes and formulas come from the one table in js/enums.js.

import { rt } from './core.js';
import { ptrOf, shapeOf, wrap } from './tensor.js';
import { Module, inputOf } from './module.js';
import { record } from './autograd.js';
import { checkAxis } from './checks.js';
import { ACTIVATIONS } from './enums.js';
import { describe } from './errors.js';

const CODE = Object.fromEntries(ACTIVATIONS.map((a) => [a.className, a.code]));

/** Phase 3 of every activation: y = f(x) in the core, recorded with x and y saved. */
function activate(x, kind, axis, name) {
  const y = wrap(rt.core.activation(ptrOf(x, `${name}.forward: input`), kind, axis));
  return record(`${name}Backward`, y, [x], [x, y], (dy, [dx], [sx, sy]) => rt.core.activationBackward(dx, dy, sx, sy, kind, axis));
}

// Each class names its type explicitly: class names do not survive
// minifiers (ours or a user's bundler).
class Activation extends Module {
  forward(x) {
    const name = this.constructor.typeName;
    inputOf(name, x);
    return activate(x, CODE[name], -1, name);
  }
}

/** max(0, x). */
export class ReLU extends Activation { static typeName = 'ReLU'; }
/** 1 / (1 + e^-x), exact 0 and 1 at the extremes, never NaN. */
export class Sigmoid extends Activation { static typeName = 'Sigmoid'; }
/** Hyperbolic tangent. */
export class Tanh extends Activation { static typeName = 'Tanh'; }
/** The course's GELU: x * sigmoid(1.702 x). */
export class GELU extends Activation { static typeName = 'GELU'; }

/** e^x / sum(e^x) along `dim` (max-subtracted, so large inputs stay finite). */
export class Softmax extends Activation {
  static typeName = 'Softmax';
  #dim;

  constructor(dim = -1) {
    super();
    this.#dim = checkDim(dim);
  }

  get dim() { return this.#dim; }

  forward(x, dim = this.#dim) {
    inputOf('Softmax', x);
    checkDim(dim);
    checkAxis(dim, Math.max(1, shapeOf(x).length), 'Softmax.forward: dim');
    return activate(x, CODE.Softmax, dim, 'Softmax');
  }

  toString() { return `Softmax(dim=${this.#dim})`; }
}

function checkDim(dim) {
  if (typeof dim !== 'number') throw new TypeError(`Softmax: dim must be an integer, got ${describe(dim)}`);
  if (!Number.isInteger(dim) || dim < -4 || dim > 3) throw new RangeError(`Softmax: dim must be an integer in [-4, 3], got ${describe(dim)}`);
  return dim;
}

/** The activation layer classes by their className in js/enums.js. */
export const ACTIVATION_CLASSES = Object.freeze({ ReLU, Sigmoid, Tanh, GELU, Softmax });
