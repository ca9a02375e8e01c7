// The reference solution of the Build step (TinyTorch module 03, "Layers"):
// Linear, Dropout and Sequential written by a student against the public
// API of tinytorch-wasm. It passes every check of
//   npx tinytorch-wasm check layers examples/build/layers-solution.mjs
// and runs unchanged in the page's sandbox. The page never shows it unless
// a teacher's link asks for it; site/docs/build.md explains each line.

import { Module, Tensor } from 'tinytorch-wasm';

/** y = x W + b, with W [in, out] and b [out]. */
export class Linear extends Module {
  constructor(inFeatures, outFeatures, { bias = true } = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    // N(0, 1) draws scaled by √(1/in): a sum of `in` products then keeps
    // the variance of its inputs, however wide the layer.
    const draws = Tensor.randn([inFeatures, outFeatures]);
    this.weight = draws.mul(Math.sqrt(1 / inFeatures));
    draws.dispose();
    this.weight.requiresGrad = true;
    this.bias = null;
    if (bias) {
      this.bias = Tensor.zeros([outFeatures]);
      this.bias.requiresGrad = true;
    }
  }

  /** x [..., in] -> [..., out]. */
  forward(x) {
    const xw = x.matmul(this.weight);
    if (this.bias === null) return xw;
    const y = xw.add(this.bias); // [out] broadcasts over every leading dim
    xw.dispose(); // autograd keeps what the backward needs
    return y;
  }

  parameters() {
    return this.bias === null ? [this.weight] : [this.weight, this.bias];
  }
}

/** Inverted dropout: zero each element with probability p while training, scale the rest by 1/(1-p). */
export class Dropout extends Module {
  constructor(p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Dropout: p must be a probability in [0, 1], got ${p}`);
    }
    this.p = p;
  }

  forward(x) {
    // eval, or nothing to drop: the identity (a new tensor, like every forward)
    if (!this.training || this.p === 0) return x.mul(1);
    // everything dropped: 0 · 1/(1-p) would be 0 · ∞ = NaN
    if (this.p === 1) return x.mul(0);
    const u = Tensor.rand(x.shape); // uniform [0, 1), from the default generator
    const keep = new Tensor(Array.from(u.data, (v) => (v >= this.p ? 1 : 0)), { shape: x.shape });
    u.dispose();
    const kept = x.mul(keep);
    keep.dispose();
    const y = kept.mul(1 / (1 - this.p));
    kept.dispose();
    return y;
  }

  parameters() {
    return [];
  }
}

/** Layers applied in order: each one's output is the next one's input. */
export class Sequential extends Module {
  constructor(...layers) {
    super();
    this.layers = layers;
  }

  forward(x) {
    let h = x;
    for (const layer of this.layers) {
      const next = layer.forward(h);
      if (h !== x) h.dispose(); // an intermediate this forward made
      h = next;
    }
    return h;
  }

  /** Every child's parameters, in order, each tensor once (a layer used twice counts once). */
  parameters() {
    const out = [];
    for (const layer of this.layers) {
      for (const p of layer.parameters()) if (!out.includes(p)) out.push(p);
    }
    return out;
  }

  train(mode = true) {
    this.training = mode;
    for (const layer of this.layers) layer.train(mode);
    return this;
  }

  eval() {
    return this.train(false);
  }
}
