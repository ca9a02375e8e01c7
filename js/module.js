// Module: what every layer shares, as in torch.nn.Module — forward(),
// parameters(), train()/eval() and dispose(). A layer is a function of
// tensors plus the parameters it owns.

import { operand } from './tensor.js';
import { describe } from './errors.js';

export class Module {
  /** The layer's type as summaries print it (set by each class: minifiers rename classes). */
  static typeName = 'Module';

  /** True while training (Dropout drops); eval() sets it false. */
  training = true;

  /** The layers inside this one, for train()/eval()/dispose()/parameters(). */
  children() { return []; }

  /** The tensors an optimiser would update, in order. */
  parameters() { return this.children().flatMap((c) => c.parameters()); }

  /** Set training mode here and in every child; returns this. */
  train(mode = true) {
    if (typeof mode !== 'boolean') throw new TypeError(`train: mode must be a boolean, got ${describe(mode)}`);
    this.training = mode;
    for (const c of this.children()) c.train(mode);
    return this;
  }

  /** Evaluation mode: Dropout passes its input through. Returns this. */
  eval() { return this.train(false); }

  /** Free the parameters (and masks) this layer owns. Idempotent. */
  dispose() { for (const c of this.children()) c.dispose(); }

  forward(x) { throw new Error(`${this.constructor.typeName}.forward is not implemented`); }

  /** Internal: forward pass used for shape inference (summary): no randomness. */
  _inferForward(x) { return this.forward(x); }

  /**
   * Floating-point operations of one forward pass on an input of this
   * shape: one per element for element-wise layers (Linear counts 2·M·K·N,
   * Sequential sums its layers).
   */
  flops(inputShape) { return inputShape.reduce((a, b) => a * b, 1); }

  /** Internal: a one-line description of the layer for summaries. */
  _label() { return this.constructor.typeName; }

  toString() { return `${this.constructor.typeName}()`; }
}

/** The input of a layer's forward: a live Tensor, else a TypeError. */
export function inputOf(layer, x) {
  return operand(x, `${layer}.forward: input`);
}
