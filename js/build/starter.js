// Starter code of the Build step: what the student's editor opens with, per
// exercise. Each text is a complete ES module importing from
// 'tinytorch-wasm' that loads and runs as it is; its TODOs throw a clear
// error, so Check answers "TODO: ..." until they are filled in.
//
// `all` holds the three classes with TODOs. An exercise on its own holds
// only what its checks need: `linear` and `dropout` hold just that class (the
// Linear checks count the lesson network's parameters through the Linears
// alone when there is no Sequential); `sequential` holds Sequential with
// TODOs plus a finished Linear to compose (its checks build networks of the
// student's Linears). site/docs/build.md describes the contract.

const HEADER = `// Build: write the lesson's layers yourself, on the package's public API.
// Check runs TinyTorch module 03's tests on this file: in the page, or with
//   npx tinytorch-wasm check layers my-layers.mjs
import { Module, Tensor } from 'tinytorch-wasm';
`;

const LINEAR = `
/** y = x W + b: a fully connected layer, W [inFeatures, outFeatures], b [outFeatures]. */
export class Linear extends Module {
  constructor(inFeatures, outFeatures, { bias = true } = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    // TODO: this.weight, a Tensor [inFeatures, outFeatures] drawn with
    //   Tensor.randn([...]) and scaled (tensor.mul(number)) so that a sum of
    //   inFeatures products keeps the variance of its inputs. Draw it first:
    //   the checks seed the generator and compare your draw with the core's.
    //   Then set this.weight.requiresGrad = true, so autograd tracks it.
    // TODO: this.bias, a Tensor [outFeatures] of zeros (Tensor.zeros) that
    //   also requires grad, or null when bias is false.
    this.weight = null;
    this.bias = null;
    throw new Error('TODO: Linear constructor (weight and bias)');
  }

  /** x [..., inFeatures] -> [..., outFeatures]. */
  forward(x) {
    // TODO: x.matmul(...) and .add(...). Tensor methods return new tensors;
    //   dispose() the ones you no longer need.
    throw new Error('TODO: Linear.forward');
  }

  /** The tensors an optimizer updates. */
  parameters() {
    // TODO: the weight, then the bias if there is one, each once.
    throw new Error('TODO: Linear.parameters');
  }
}
`;

const DROPOUT = `
/** Inverted dropout: while training, zero each element with probability p and scale the survivors. */
export class Dropout extends Module {
  constructor(p = 0.5) {
    super();
    // TODO: refuse a p that is not a probability (throw a RangeError).
    this.p = p;
  }

  forward(x) {
    // this.training is true by default; calling .eval() sets it false (Module does this).
    // TODO: in eval, return x unchanged (a copy: x.mul(1)).
    // TODO: in training, draw u = Tensor.rand(x.shape) (uniform in [0, 1),
    //   from the generator manualSeed() seeds), keep each element with
    //   probability 1 - p (read u.data, build a 0/1 mask with
    //   new Tensor(values, { shape: x.shape })), multiply x by the mask and
    //   scale the survivors so that the expected output equals x.
    //   Watch p = 0 and p = 1.
    throw new Error('TODO: Dropout.forward');
  }

  parameters() {
    return []; // nothing to learn
  }
}
`;

const SEQUENTIAL = `
/** Layers applied in order. */
export class Sequential extends Module {
  constructor(...layers) {
    super();
    this.layers = layers;
  }

  forward(x) {
    // TODO: run x through every layer in order and return the last output.
    throw new Error('TODO: Sequential.forward');
  }

  parameters() {
    // TODO: every layer's parameters(), in order, each tensor once
    //   (the same layer may appear twice).
    throw new Error('TODO: Sequential.parameters');
  }

  train(mode = true) {
    this.training = mode;
    // TODO: every layer must follow (Dropout reads its own this.training).
    throw new Error('TODO: Sequential.train');
  }

  eval() {
    return this.train(false);
  }
}
`;

// A finished Linear for the Sequential exercise, so its networks can be built.
const LINEAR_GIVEN = `
/** y = x W + b (given: the Linear exercise builds it). */
export class Linear extends Module {
  constructor(inFeatures, outFeatures, { bias = true } = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const draws = Tensor.randn([inFeatures, outFeatures]);
    this.weight = draws.mul(Math.sqrt(1 / inFeatures));
    draws.dispose();
    this.weight.requiresGrad = true;
    this.bias = bias ? Tensor.zeros([outFeatures]) : null;
    if (this.bias) this.bias.requiresGrad = true;
  }

  forward(x) {
    const xw = x.matmul(this.weight);
    if (!this.bias) return xw;
    const y = xw.add(this.bias);
    xw.dispose();
    return y;
  }

  parameters() {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
}
`;

/** Starter module texts: `all` three classes with TODOs, or one exercise. */
export const STARTER = Object.freeze({
  all: HEADER + LINEAR + DROPOUT + SEQUENTIAL,
  linear: HEADER + LINEAR,
  dropout: HEADER + DROPOUT,
  sequential: HEADER + LINEAR_GIVEN + SEQUENTIAL,
});
