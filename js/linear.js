// Linear: y = x W + b, the lesson's workhorse. W is [in, out] and b is
// [out], both owned by the layer; the core does the matmul and bias (and,
// inside Sequential, a following ReLU) in one pass.

import { rt } from './core.js';
import { Tensor, checkInt, keep, operand } from './tensor.js';
import { Module, inputOf } from './module.js';
import { ShapeError, describe, fmtShape } from './errors.js';

/** Initialiser names (and aliases) -> tt_init codes in src/tt.h. */
export const INITS = Object.freeze({
  xavier: 0, // the lesson's: normal with std sqrt(1/in)
  lecun_normal: 0, // what that is usually called
  xavier_uniform: 1, // Glorot: uniform(+-sqrt(6/(in+out)))
  glorot_uniform: 1,
  he_normal: 2, // Kaiming: normal with std sqrt(2/in)
  kaiming_normal: 2,
  normal: 3, // N(0, 1): the lesson's pitfall
  naive: 3,
});

export class Linear extends Module {
  static typeName = 'Linear';
  #weight;
  #bias;

  /**
   * @param inFeatures size of each input sample (K)
   * @param outFeatures size of each output sample (N)
   * @param opts { bias = true, init = 'xavier' }
   */
  constructor(inFeatures, outFeatures, opts = {}) {
    super();
    checkInt(inFeatures, 'Linear: inFeatures');
    checkInt(outFeatures, 'Linear: outFeatures');
    if (opts === null || typeof opts !== 'object') throw new TypeError(`Linear: options must be an object, got ${describe(opts)}`);
    const { bias = true, init = 'xavier' } = opts;
    if (typeof bias !== 'boolean') throw new TypeError(`Linear: bias must be a boolean, got ${describe(bias)}`);
    if (typeof init !== 'string') throw new TypeError(`Linear: init must be a string, got ${describe(init)}`);
    if (!Object.hasOwn(INITS, init)) {
      throw new RangeError(`Linear: unknown init ${describe(init)}; expected one of ${Object.keys(INITS).join(', ')}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.init = init;
    const w = keep(Tensor.zeros(inFeatures, outFeatures));
    let b = null;
    try {
      if (bias) b = keep(Tensor.zeros(outFeatures));
      rt.check(rt.exports.tt_linear_init(w._handle(), b ? b._handle() : 0, INITS[init]));
    } catch (e) {
      w.dispose();
      b?.dispose();
      throw e;
    }
    w.requiresGrad = true;
    if (b) b.requiresGrad = true;
    this.#weight = w;
    this.#bias = b;
  }

  /** [inFeatures, outFeatures]. Assigning a Tensor of that shape replaces it
   * (the layer takes it over and disposes the one it replaced). */
  get weight() { return this.#weight; }
  set weight(t) { this.#weight = this.#adoptParam(t, this.#weight, [this.inFeatures, this.outFeatures], 'weight'); }

  /** [outFeatures], or null without bias. Assign a Tensor to replace, null to remove. */
  get bias() { return this.#bias; }
  set bias(t) {
    if (t === null) {
      this.#bias?.dispose();
      this.#bias = null;
      return;
    }
    this.#bias = this.#adoptParam(t, this.#bias, [this.outFeatures], 'bias');
  }

  #adoptParam(t, old, shape, name) {
    operand(t, `Linear.${name}`);
    if (t.shape.join() !== shape.join()) {
      throw new ShapeError(`Linear.${name}: expected shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
    }
    if (old && old !== t) old.dispose();
    keep(t);
    t.requiresGrad = true;
    return t;
  }

  /** x [..., in] -> [..., out]: y = x W + b. */
  forward(x) { return this._forward(x, false); }

  /** Internal: forward with an optional fused ReLU (used by Sequential). */
  _forward(x, relu) {
    const h = inputOf('Linear', x);
    const w = this.#weight._handle('Linear.weight');
    const b = this.#bias ? this.#bias._handle('Linear.bias') : 0;
    return Tensor._wrap(rt.callOut(rt.exports.tt_linear_forward, h, w, b, relu ? 1 : 0));
  }

  parameters() { return this.#bias ? [this.#weight, this.#bias] : [this.#weight]; }

  /** 2·M·K·N multiply-adds of x @ W, counted as the lesson counts them (the bias adds are left out). */
  flops(inputShape) { return 2 * inputShape.slice(0, -1).reduce((a, b) => a * b, 1) * this.inFeatures * this.outFeatures; }

  dispose() {
    this.#weight.dispose();
    this.#bias?.dispose();
  }

  _label() { return `Linear(${this.inFeatures}→${this.outFeatures}${this.#bias ? '' : ', no bias'})`; }

  toString() { return `Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.#bias !== null})`; }
}
