// Dropout: inverted dropout. In training each element survives with
// probability 1-p and is scaled by 1/(1-p), so the expected output equals
// the input and evaluation needs no rescaling; in eval it is the identity.
// The core draws, masks and scales in one pass and writes the mask it used;
// the backward is dx = dy · mask · 1/(1-p) with that same mask.

import { rt } from './core.js';
import { ptrOf, shapeOf, tensorArg, wrap } from './tensor.js';
import { keep } from './scope.js';
import { Module, inputOf, isInferring } from './module.js';
import { record } from './autograd.js';
import { checkBool, checkInt, isPlainObject, readOptions } from './checks.js';
import { generatorArg, generatorPtr } from './generator.js';
import { ShapeError, describe, fmtShape } from './errors.js';

export function checkP(p, what = 'Dropout: p') {
  if (typeof p !== 'number') throw new TypeError(`${what} must be a number, got ${describe(p)}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${what} must be a probability in [0, 1], got ${describe(p)}`);
  return p;
}

const FORWARD_OPTIONS = { training: [undefined, checkBool], mask: [undefined, (m, w) => tensorArg(m, w)] };

export class Dropout extends Module {
  static typeName = 'Dropout';
  #p;
  #mask = null;
  #generator;

  /**
   * @param p probability of zeroing each element, in [0, 1]
   * @param opts { generator }: the stream masks are drawn from (default: the default generator)
   */
  constructor(p = 0.5, opts) {
    super();
    this.#p = checkP(p);
    this.#generator = readOptions(opts, 'Dropout', { generator: [undefined, generatorArg] }).generator;
  }

  get p() { return this.#p; }
  set p(v) { this.#p = checkP(v); }

  /** The factor kept elements are multiplied by: the float32 value of 1/(1-p) the core uses (Infinity at p = 1). */
  get scale() { return this.#p === 1 ? Infinity : Math.fround(1 / (1 - this.#p)); }

  /**
   * Survivors of a mask over n elements: the expected count n(1-p) and its
   * standard deviation √(n p (1-p)) (a binomial count).
   */
  static survivorStats(n, p) {
    checkInt(n, 'Dropout.survivorStats: n');
    checkP(p, 'Dropout.survivorStats: p');
    return { expected: n * (1 - p), sd: Math.sqrt(n * p * (1 - p)) };
  }

  /**
   * The 0/1 mask of the last training forward, shaped like its input, or
   * null before the first one. Owned by the layer and replaced (disposed) by
   * the next training forward: clone() it to keep a copy.
   */
  get mask() { return this.#mask; }

  /**
   * y = x * mask / (1-p) while training; y = x (a copy) otherwise.
   * The second argument is `training` (a boolean) or options
   * { training, mask }: a given 0/1 mask of x's shape is used instead of
   * drawing one (to reproduce a reference computation).
   */
  forward(x, opts = undefined) {
    inputOf('Dropout', x);
    const o = typeof opts === 'boolean' ? { training: opts, mask: undefined }
      : readOptions(isPlainObject(opts) || opts === undefined ? opts : badOptions(opts), 'Dropout.forward', FORWARD_OPTIONS);
    const training = (o.training ?? this.training) && !isInferring();
    if (o.mask !== undefined && shapeOf(o.mask).join() !== shapeOf(x).join()) {
      throw new ShapeError(`Dropout.forward: mask ${fmtShape(shapeOf(o.mask))} does not match input ${fmtShape(shapeOf(x))}`);
    }
    const p = this.#p;
    if (!training) {
      const y = wrap(rt.core.dropoutForward(0, ptrOf(x, 'Dropout.forward: input'), p, false, 0));
      return record('DropoutBackward', y, [x], [], (dy, [dx]) => rt.core.accumulate(dx, dy));
    }
    if (o.mask !== undefined) return this.#withMask(x, o.mask);
    const gen = generatorPtr(this.#generator, 'Dropout: generator');
    // a fresh mask each forward: the graph of the previous one may still hold its mask
    const mask = keep(wrap(rt.core.tensorNew(shapeOf(x))));
    let y;
    try {
      y = wrap(rt.core.dropoutForward(ptrOf(mask, 'mask'), ptrOf(x, 'Dropout.forward: input'), p, true, gen));
    } catch (e) {
      mask.dispose();
      throw e;
    }
    this.#mask?.dispose();
    this.#mask = mask;
    return record('DropoutBackward', y, [x], [mask], (dy, [dx], [sm], fresh) => rt.core.dropoutBackward(dx, dy, sm, p, fresh), true);
  }

  // A given mask: every element 0 or 1 (checked one by one: summary
  // statistics skip NaN and Infinity), applied as the backward applies it,
  // y = 0 + (x * mask) * scale where mask is 1, so a dropped element is
  // exactly 0 even when x is Infinity or NaN, and p = 1 gives zeros, as the
  // drawn path (and PyTorch) do.
  #withMask(x, mask) {
    const m = mask.data;
    for (let i = 0; i < m.length; i++) {
      if (m[i] !== 0 && m[i] !== 1) {
        throw new RangeError(`Dropout.forward: mask must hold only 0 and 1, got ${describe(m[i])} at element ${i}${m.length > 1 ? ` of ${fmtShape(shapeOf(mask))}` : ''}`);
      }
    }
    const p = this.#p;
    const y = wrap(rt.core.tensorNew(shapeOf(x)));
    try {
      rt.core.dropoutBackward(ptrOf(y, 'Dropout.forward: output'), ptrOf(x, 'Dropout.forward: input'), ptrOf(mask, 'mask'), p);
    } catch (e) {
      y.dispose();
      throw e;
    }
    return record('DropoutBackward', y, [x], [mask], (dy, [dx], [sm]) => rt.core.dropoutBackward(dx, dy, sm, p));
  }

  _ownParameters() { return []; }

  _disposeOwn() {
    this.#mask?.dispose();
    this.#mask = null;
  }

  _label() { return `Dropout(p=${this.#p})`; }

  toString() { return `Dropout(p=${this.#p})`; }
}

function badOptions(opts) {
  throw new TypeError(`Dropout.forward: the second argument must be a boolean (training) or { training, mask }, got ${describe(opts)}`);
}
