// Linear: y = x W + b, the lesson's workhorse. W is [in, out] and b is
// [out], both owned by the layer. The forward is one core call (matmul,
// bias and, when Sequential fuses it, a following ReLU) on W already packed
// in the GEMM kernel's panel layout: the layer keeps that packed copy and
// repacks it only when the weight changed (another tensor assigned, or the
// same one written in place by an optimizer step: its version counter).
// The forward records one autograd node whose backward is one core call
// too: dx = dy Wᵀ, dW = xᵀ dy, db = Σ dy over rows (src/tt_linear.c).

import { rt } from './core.js';
import { Tensor, ptrOf, shapeOf, storageOf, tensorArg, wrap } from './tensor.js';
import { keep } from './scope.js';
import { Module, inputOf } from './module.js';
import { record } from './autograd.js';
import { checkBool, checkInt, readOptions, shapeArg } from './checks.js';
import { INITIALIZERS, INITS } from './enums.js';
import { generatorArg, generatorPtr } from './generator.js';
import { ShapeError, describe, fmtShape } from './errors.js';

function initArg(v, what) {
  if (typeof v !== 'string') throw new TypeError(`${what} must be a string, got ${describe(v)}`);
  if (!Object.hasOwn(INITS, v)) {
    throw new RangeError(`${what}: unknown initialiser ${describe(v)}; expected one of ${Object.keys(INITS).join(', ')}`);
  }
  return v;
}

const OPTIONS = { bias: [true, checkBool], init: ['xavier', initArg], generator: [undefined, generatorArg] };

let linearForward; // (layer, x, relu) -> Tensor, for Sequential's fused Linear+ReLU

// Frees the packed copy of a Linear nobody references any more (a safety
// net: dispose() frees it at once).
const packedRegistry = new FinalizationRegistry(({ runtime, ptr }) => runtime.core.packedFree(ptr));

export class Linear extends Module {
  static typeName = 'Linear';
  #in;
  #out;
  #init;
  #weight;
  #bias;
  #packed = null; // { ptr, storage, version }: W packed for the kernel, as of that storage's version
  #lastSeen = null; // WeakRef to the weight storage of the last forward, and its version:
  #lastSeenVersion = -1;

  static {
    linearForward = (layer, x, relu) => layer.#run(x, relu);
  }

  /**
   * @param inFeatures size of each input sample (K)
   * @param outFeatures size of each output sample (N)
   * @param opts { bias = true, init = 'xavier', generator }
   */
  constructor(inFeatures, outFeatures, opts) {
    super();
    checkInt(inFeatures, 'Linear: inFeatures');
    checkInt(outFeatures, 'Linear: outFeatures');
    const o = readOptions(opts, 'Linear', OPTIONS);
    this.#in = inFeatures;
    this.#out = outFeatures;
    this.#init = o.init;
    const w = keep(Tensor.zeros(inFeatures, outFeatures));
    let b = null;
    try {
      if (o.bias) b = keep(Tensor.zeros(outFeatures));
      rt.core.linearInit(ptrOf(w, 'weight'), b ? ptrOf(b, 'bias') : 0, INITS[o.init], generatorPtr(o.generator, 'Linear: generator'));
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

  get inFeatures() { return this.#in; }
  get outFeatures() { return this.#out; }
  /** The initialiser's name as given ('xavier', 'he_normal', ...). */
  get init() { return this.#init; }
  /** The initialiser's record (label, formula, scale) from js/enums.js. */
  get initializer() { return INITIALIZERS[INITS[this.#init]]; }

  /** [inFeatures, outFeatures]. Assigning a Tensor of that shape replaces it
   * (the layer takes it over and disposes the one it replaced). */
  get weight() { return this.#weight; }
  set weight(t) { this.#weight = this.#adoptParam(t, this.#weight, [this.#in, this.#out], 'weight'); }

  /** [outFeatures], or null without bias. Assign a Tensor to replace, null to remove. */
  get bias() { return this.#bias; }
  set bias(t) {
    if (t === null) {
      this.#bias?.dispose();
      this.#bias = null;
      return;
    }
    this.#bias = this.#adoptParam(t, this.#bias, [this.#out], 'bias');
  }

  #adoptParam(t, old, shape, name) {
    tensorArg(t, `Linear.${name}`);
    if (shapeOf(t).join() !== shape.join()) {
      throw new ShapeError(`Linear.${name}: expected shape ${fmtShape(shape)}, got ${fmtShape(shapeOf(t))}`);
    }
    if (old && old !== t) old.dispose();
    keep(t);
    t.requiresGrad = true;
    return t;
  }

  /** x [..., in] -> [..., out]: y = x W + b. */
  forward(x) {
    inputOf('Linear', x);
    return this.#run(x, false);
  }

  /** The packed copy of the current weight, made or refreshed if the weight changed since. */
  #packedWeight() {
    const pw = ptrOf(this.#weight, 'Linear.weight');
    const storage = storageOf(this.#weight);
    const p = this.#packed;
    if (p === null) {
      const ptr = rt.core.packedNew(pw);
      this.#packed = { ptr, storage, version: storage.version };
      packedRegistry.register(this, { runtime: rt, ptr }, this);
    } else if (p.storage !== storage || p.version !== storage.version) {
      rt.core.packedUpdate(p.ptr, pw);
      p.storage = storage;
      p.version = storage.version;
    }
    return this.#packed.ptr;
  }

  /** Bytes of the packed copy of the weight (0 before the first forward). */
  get packedBytes() { return this.#packed ? rt.core.packedBytes(this.#packed.ptr) : 0; }

  #run(x, relu) {
    const w = this.#weight;
    const b = this.#bias;
    const px = ptrOf(x, 'Linear.forward: input');
    // the layer's own words for the commonest mistake (the core's names its kernel)
    const xs = shapeOf(x);
    if (xs.length === 0 || xs[xs.length - 1] !== this.#in) {
      throw new ShapeError(`${this._label()}: input ${fmtShape(xs)} must end in in_features = ${this.#in} (the weight is ${fmtShape([this.#in, this.#out])}); got ${xs.length ? xs[xs.length - 1] : 'a scalar'}`);
    }
    const pw = ptrOf(w, 'Linear.weight'); // before the bias: a disposed layer names its weight
    const pb = b ? ptrOf(b, 'Linear.bias') : 0;
    // The first forward after the weight changed (training: one forward
    // per weight version) reads W as stored: the unpacked GEMM packs B a
    // few panels at a time into a small buffer, where repacking would write
    // a whole packed copy that the next update makes stale again. A second
    // forward of the same weight repacks, and from then on the packed copy
    // is used (inference). Both paths give the same bits.
    const p = this.#packed;
    const ws = storageOf(w);
    const stale = p !== null && (p.storage !== ws || p.version !== ws.version);
    const seen = this.#lastSeen?.deref();
    const firstOfVersion = stale && (seen !== ws || this.#lastSeenVersion !== ws.version);
    if (seen !== ws) this.#lastSeen = new WeakRef(ws); // weak: a replaced weight's storage may still be collected
    this.#lastSeenVersion = ws.version;
    const y = firstOfVersion
      ? wrap(rt.core.linearForward(px, pw, pb, relu))
      : wrap(rt.core.linearForwardPacked(px, this.#packedWeight(), pb, relu));
    // saved: x and W for dW and dx; y for the fused ReLU's mask
    return record(relu ? 'LinearReluBackward' : 'LinearBackward', y, [x, w, b], relu ? [x, w, y] : [x, w],
      (dy, [dx, dw, db], [sx, sw, sy]) => rt.core.linearBackward(dx, dw, db, dy, sx, sw, relu ? sy : 0, relu));
  }

  _ownParameters() { return this.#bias ? [['weight', this.#weight], ['bias', this.#bias]] : [['weight', this.#weight]]; }

  /** 2·M·K·N: one multiply and one add per weight per row (the bias adds are left out, as the lesson counts). */
  flops(inputShape) {
    const dims = shapeArg([inputShape], 'Linear.flops: inputShape');
    if (dims.length === 0 || dims[dims.length - 1] !== this.#in) {
      throw new ShapeError(`Linear.flops: inputShape ${fmtShape(dims)} must end in inFeatures ${this.#in}`);
    }
    return 2 * dims.slice(0, -1).reduce((a, c) => a * c, 1) * this.#in * this.#out;
  }

  /** in·out weights + out biases, the lesson's parameter count, without building a layer. */
  static countParameters(inFeatures, outFeatures, bias = true) {
    checkInt(inFeatures, 'Linear.countParameters: inFeatures');
    checkInt(outFeatures, 'Linear.countParameters: outFeatures');
    checkBool(bias, 'Linear.countParameters: bias');
    return inFeatures * outFeatures + (bias ? outFeatures : 0);
  }

  _disposeOwn() {
    this.#weight.dispose();
    this.#bias?.dispose();
    if (this.#packed) {
      packedRegistry.unregister(this);
      rt.core.packedFree(this.#packed.ptr);
      this.#packed = null;
    }
    this.#lastSeen = null;
  }

  _label() { return `Linear(${this.#in}→${this.#out}${this.#bias ? '' : ', no bias'})`; }

  toString() { return `Linear(in_features=${this.#in}, out_features=${this.#out}, bias=${this.#bias !== null})`; }
}

/** Sequential's fused Linear + ReLU: one core pass, the same bits as the two layers. */
export { linearForward };
export { INITS, INITIALIZERS };
