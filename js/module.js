// Module: what every layer shares, as in torch.nn.Module: forward(),
// parameters() (each tensor once, however often a layer is reused),
// train()/eval(), zeroGrad() and dispose(). A layer is a function of tensors
// plus the parameters it owns.

import './ops.js'; // Tensor's methods (a layer's caller uses them on its output)
import { tensorArg } from './tensor.js';
import { checkBool, shapeArg } from './checks.js';
import { describe } from './errors.js';

// Shared by every copy of the package, so a layer of another copy is named
// as such in messages instead of "got a Linear".
export const MODULE_BRAND = Symbol.for('tinytorch-wasm.Module');

let inferring = 0;
/** True while summary() infers shapes: Dropout passes through and draws nothing. */
export const isInferring = () => inferring > 0;
/** Run fn with shape inference on (see isInferring). */
export function inferShapes(fn) {
  inferring++;
  try {
    return fn();
  } finally {
    inferring--;
  }
}

export class Module {
  /** The layer's type as summaries print it (set by each class: minifiers rename classes). */
  static typeName = 'Module';

  /** True while training (Dropout drops); eval() sets it false. */
  training = true;

  /** The layers directly inside this one (a new array each call). */
  children() { return []; }

  /** This layer's own parameters with their names, not its children's. */
  _ownParameters() { return []; }

  /**
   * [name, tensor] for every parameter, PyTorch's named_parameters(): each
   * tensor once, named by its first path ("0.weight"), children depth-first.
   */
  namedParameters() {
    const out = [];
    const seenTensors = new Set();
    const seenModules = new Set();
    const add = (name, t) => {
      if (!seenTensors.has(t)) {
        seenTensors.add(t);
        out.push([name, t]);
      }
    };
    const walk = (m, prefix) => {
      if (seenModules.has(m)) return;
      seenModules.add(m);
      // a layer written PyTorch-style, overriding parameters() itself: its list is the whole story
      if (m !== this && m.parameters !== Module.prototype.parameters && m._ownParameters === Module.prototype._ownParameters) {
        m.parameters().forEach((t, i) => add(`${prefix}${i}`, t));
        return;
      }
      for (const [n, t] of m._ownParameters()) add(prefix + n, t);
      m.children().forEach((c, i) => walk(c, `${prefix}${i}.`));
    };
    walk(this, '');
    return out;
  }

  /** The tensors an optimizer updates, each once, in order. */
  parameters() { return this.namedParameters().map(([, t]) => t); }

  /** Set training mode here and in every child; returns this. */
  train(mode = true) {
    checkBool(mode, `${this.constructor.typeName}.train: mode`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: Dropout passes its input through. Returns this. */
  eval() { return this.train(false); }

  /** This module and every module inside it, each once (a shared layer once). */
  modules() {
    const out = [];
    const seen = new Set();
    const stack = [this];
    while (stack.length) {
      const m = stack.pop();
      if (seen.has(m)) continue;
      seen.add(m);
      out.push(m);
      const kids = m.children();
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    return out;
  }

  /** Clear every parameter's .grad (PyTorch's default: set to null). */
  zeroGrad() {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Free the parameters (and masks) this layer and its children own. Idempotent. */
  dispose() {
    for (const m of this.modules()) if (m !== this) m._disposeOwn();
    this._disposeOwn();
  }

  /** Free what this layer itself owns (not its children). */
  _disposeOwn() {}

  forward(x) { throw new Error(`${this.constructor.typeName}.forward is not implemented`); }

  /**
   * Floating-point operations of one forward pass on an input of this shape,
   * counted as the lesson does: 1 per element for element-wise layers (also
   * Dropout, even in eval where it is the identity); Linear 2·M·K·N (a
   * multiply-add is 2 FLOPs; torchinfo prints mult-adds, half of this).
   */
  flops(inputShape) {
    const dims = shapeArg([inputShape], `${this.constructor.typeName}.flops: inputShape`);
    return dims.reduce((a, b) => a * b, 1);
  }

  /** Internal: a one-line description of the layer for summaries (override this). */
  _label() { return this.constructor.typeName; }

  /** The one-line description summaries and the page show: "Linear(784→256)", "Dropout(p=0.5)". */
  get label() { return this._label(); }

  toString() { return `${this.constructor.typeName}()`; }

  get [MODULE_BRAND]() { return true; }
}

/** The input of a layer's forward (phase 1): a live Tensor, else a TypeError. */
export function inputOf(layer, x) {
  return tensorArg(x, `${layer}.forward: input`);
}

/** A checked layer argument: a Module of this package. */
export function moduleArg(m, what) {
  if (m instanceof Module) return m;
  let foreign = false;
  try { foreign = m !== null && typeof m === 'object' && m[MODULE_BRAND] === true; } catch { /* hostile */ }
  if (foreign) {
    throw new TypeError(`${what} is a layer from another instance of tinytorch-wasm (another copy of the package); build the network from one copy's classes`);
  }
  throw new TypeError(`${what} must be a layer (Linear, ReLU, Dropout, Sequential, ...), got ${describe(m)}`);
}

export { checkBool };
