// Dropout: inverted dropout. In training each element survives with
// probability 1-p and is scaled by 1/(1-p), so the expected output equals
// the input and evaluation needs no rescaling; in eval it is the identity.
// The core draws, masks and scales in one pass and writes the mask it used.

import { rt } from './core.js';
import { Tensor, keep } from './tensor.js';
import { Module, inputOf } from './module.js';
import { describe } from './errors.js';

export function checkP(p, what = 'Dropout: p') {
  if (typeof p !== 'number') throw new TypeError(`${what} must be a number, got ${describe(p)}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${what} must be a probability in [0, 1], got ${describe(p)}`);
  return p;
}

export class Dropout extends Module {
  static typeName = 'Dropout';
  #p;
  #mask = null;

  /** @param p probability of zeroing each element, in [0, 1] */
  constructor(p = 0.5) {
    super();
    this.#p = checkP(p);
  }

  get p() { return this.#p; }
  set p(v) { this.#p = checkP(v); }

  /**
   * The 0/1 mask of the last training forward, shaped like its input, or
   * null before the first one. Owned by the layer and overwritten by the
   * next training forward: clone() it to keep a copy.
   */
  get mask() { return this.#mask; }

  /** y = x * mask / (1-p) while training; y = x (a copy) otherwise. */
  forward(x, training = this.training) {
    const h = inputOf('Dropout', x);
    if (typeof training !== 'boolean') throw new TypeError(`Dropout.forward: training must be a boolean, got ${describe(training)}`);
    if (!training) return Tensor._wrap(rt.callOut(rt.exports.tt_dropout_forward, 0, h, this.#p, 0));
    const shape = x.shape;
    const reuse = this.#mask && !this.#mask.isDisposed && this.#mask.shape.join() === shape.join();
    const mask = reuse ? this.#mask : keep(Tensor.zeros(shape));
    let y;
    try {
      y = Tensor._wrap(rt.callOut(rt.exports.tt_dropout_forward, mask._handle(), h, this.#p, 1));
    } catch (e) {
      if (!reuse) mask.dispose();
      throw e;
    }
    if (!reuse) {
      this.#mask?.dispose();
      this.#mask = mask;
    }
    return y;
  }

  /** Internal: shape inference never draws from the RNG. */
  _inferForward(x) { return this.forward(x, false); }

  parameters() { return []; }

  dispose() {
    this.#mask?.dispose();
    this.#mask = null;
  }

  _label() { return `Dropout(p=${this.#p})`; }

  toString() { return `Dropout(p=${this.#p})`; }
}
