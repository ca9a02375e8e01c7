// Module: what every layer shares, as in torch.nn.Module: forward(),
// parameters() (each tensor once, however often a layer is reused),
// train()/eval(), zeroGrad() and dispose(). A layer is a function of tensors
// plus the parameters it owns.

import './ops.js'; // Tensor's methods (a layer's caller uses them on its output)
import { rt } from './core.js';
import { isTensor, ptrOf, shapeOf, storageOf, tensorArg } from './tensor.js';
import { checkBool, isPlainObject, readOptions, shapeArg } from './checks.js';
import { ShapeError, describe, fmtShape } from './errors.js';

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

  /**
   * PyTorch's state_dict(): a Map from each parameter's name (as
   * namedParameters() gives it: "0.weight", "0.bias", ...) to a Tensor, in
   * that order. Each value is a detached handle on the parameter's own
   * memory, as PyTorch's (param.detach()): it shows later in-place updates
   * (an optimizer step, loadStateDict) and is not a snapshot; clone() it to
   * keep the values of now. The handles are the caller's: dispose them, or
   * call stateDict() inside tidy(); disposing one never frees the layer's
   * parameter. The layout is this library's (a Linear's weight [in, out]);
   * js/serialize.js writes PyTorch's.
   */
  stateDict() {
    const out = new Map();
    for (const [name, t] of this.namedParameters()) out.set(name, tensorArg(t, `${this.constructor.typeName}.stateDict: parameter ${JSON.stringify(name)}`).detach());
    return out;
  }

  /**
   * PyTorch's load_state_dict(): copy each entry of `dict` (a Map or a plain
   * object from name to a Tensor or { shape, data: Float32Array }, in this
   * library's layout) into the parameter of that name, in place: the
   * tensors stay the same objects, so an optimizer made before keeps
   * updating them, and their version is bumped (a Linear repacks its
   * weight; a graph recorded before refuses backward). Every entry is
   * checked before anything is written (all or nothing): a missing or an
   * unexpected name (strict, the default) is a RangeError naming them, a
   * value of the wrong shape a ShapeError, a value that is not float32 a
   * TypeError, each naming the key, what was expected and what was given.
   * Returns { missingKeys, unexpectedKeys } (both empty when strict).
   */
  loadStateDict(dict, opts) {
    const what = `${this.constructor.typeName}.loadStateDict`;
    const o = readOptions(opts, what, { strict: [true, checkBool] });
    const given = entriesOf(dict, what);
    const params = this.namedParameters();
    const { missingKeys, unexpectedKeys } = matchStateDictKeys(params.map(([n]) => n), given, o.strict, what,
      (list) => `expected exactly ${list} (pass { strict: false } to load the names that match)`);
    // phase 1: every value read and checked, nothing written
    const plan = [];
    for (const [name, t] of params) {
      if (!given.has(name)) continue;
      tensorArg(t, `${what}: parameter ${JSON.stringify(name)}`);
      plan.push([t, valuesFor(given.get(name), shapeOf(t), `${what}: ${JSON.stringify(name)}`)]);
    }
    // phase 2: every target in wasm memory (a spilled one is brought back first: the step that can fail), then the copies
    for (const [t] of plan) ptrOf(t, `${what}: parameter`);
    for (const [t, values] of plan) {
      const s = storageOf(t);
      if (values.length) rt.writeF32(s.data, values);
      s.version++; // written in place: a Linear's packed copy and autograd's saved copies see it
    }
    return { missingKeys: o.strict ? [] : missingKeys, unexpectedKeys: o.strict ? [] : unexpectedKeys };
  }

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

/** A state dict's entries as a Map (a Map, or a plain object's own enumerable string keys), each value read once. */
/**
 * The names a state dict has and a module lacks, and the reverse: { missingKeys,
 * unexpectedKeys }. With strict, either is a RangeError naming them, ending in
 * expected(the module's names, listed). loadStateDict and serialize.js's
 * fromTorchStateDict share it.
 */
export function matchStateDictKeys(names, given, strict, what, expected) {
  const known = new Set(names);
  const missingKeys = names.filter((n) => !given.has(n));
  const unexpectedKeys = [...given.keys()].filter((n) => !known.has(n));
  if (strict && (missingKeys.length || unexpectedKeys.length)) {
    const list = (ks) => ks.map((k) => JSON.stringify(k)).join(', ');
    const parts = [];
    if (missingKeys.length) parts.push(`missing key${missingKeys.length > 1 ? 's' : ''} ${list(missingKeys)}`);
    if (unexpectedKeys.length) parts.push(`unexpected key${unexpectedKeys.length > 1 ? 's' : ''} ${list(unexpectedKeys)}`);
    throw new RangeError(`${what}: ${parts.join('; ')}; ${expected(list(names))}`);
  }
  return { missingKeys, unexpectedKeys };
}

function entriesOf(dict, what) {
  if (dict instanceof Map) {
    for (const k of dict.keys()) if (typeof k !== 'string') throw new TypeError(`${what}: every key must be a string, got ${describe(k)}`);
    return new Map(dict);
  }
  if (isPlainObject(dict)) return new Map(Object.entries(dict));
  throw new TypeError(`${what}: the state dict must be a Map or a plain object from names to tensors, got ${describe(dict)}`);
}

/** A Tensor by its brand (this copy's or another's); runs no caller code that can throw out. */
export function isBranded(v) {
  try { return v !== null && typeof v === 'object' && v[Symbol.for('tinytorch-wasm.Tensor')] === true; } catch { return false; }
}

const dtypeOf = (data) => {
  if (data instanceof Float64Array) return 'a Float64Array (float64)';
  return describe(data);
};

/**
 * The float32 values of one state-dict entry for a parameter of `shape`:
 * a Tensor, or { shape, data: Float32Array, dtype? } (what js/serialize.js
 * reads from a file). A copy, so nothing the caller does later changes it.
 */
function valuesFor(v, shape, what) {
  let gotShape;
  let data;
  if (isTensor(v) || isBranded(v)) {
    tensorArg(v, what); // a Tensor of another copy of the package is refused by name
    gotShape = shapeOf(v);
    data = null;
  } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const dtype = v.dtype;
    if (dtype !== undefined && dtype !== 'F32' && dtype !== 'float32' && dtype !== '<f4') {
      throw new TypeError(`${what}: expected float32 values (F32), got dtype ${describe(dtype)} (in PyTorch, model.float() before saving)`);
    }
    data = v.data;
    if (!(data instanceof Float32Array)) {
      throw new TypeError(`${what}: expected float32 values (data a Float32Array), got ${dtypeOf(data)}${data instanceof Float64Array ? ' (in PyTorch, model.float() before saving)' : ''}`);
    }
    const s = v.shape;
    if (!Array.isArray(s) || !s.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new TypeError(`${what}: shape must be an array of non-negative integers, got ${describe(s)}`);
    }
    gotShape = [...s];
  } else {
    throw new TypeError(`${what}: expected a Tensor or { shape, data: Float32Array }, got ${describe(v)}`);
  }
  if (gotShape.join() !== shape.join() || gotShape.length !== shape.length) {
    const hint = shape.length === 2 && gotShape.length === 2 && gotShape[0] === shape[1] && gotShape[1] === shape[0] && shape[0] !== shape[1]
      ? ' (the transpose: PyTorch\'s nn.Linear keeps its weight as [out, in]; read a PyTorch file with fromTorchStateDict(), js/serialize.js)'
      : '';
    throw new ShapeError(`${what}: expected shape ${fmtShape(shape)}, got ${fmtShape(gotShape)}${hint}`);
  }
  if (data === null) return storageOf(v).read(v.size);
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new ShapeError(`${what}: shape ${fmtShape(shape)} holds ${n} values, got ${data.length} in data`);
  return data.slice();
}
