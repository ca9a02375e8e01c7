// Tensor: a handle on a float32 tensor that lives in wasm memory.
//
// The JS object owns the C tensor: dispose() frees it (idempotent), tidy()
// frees every tensor made inside a scope except what it returns, and a
// FinalizationRegistry frees what was forgotten (a safety net only: leak
// tests use memoryInfo()). Every method checks its arguments here, so the
// core only ever sees valid handles and int32-range sizes.

import { rt } from './core.js';
import { ShapeError, describe, fmtShape } from './errors.js';

const MAX_DIMS = 4;
const MAX_DIM = 2 ** 31 - 1; // the core takes int32 dims
const OP = { add: 0, sub: 1, mul: 2, div: 3 };
const REDUCE = { sum: 0, mean: 1, max: 2 };
const WRAP = Symbol('wrap'); // lets internal code wrap a pointer the core returned
// Shared by every copy of the package (Symbol.for), so a Tensor from another
// instance is recognised as one, and refused with a message that says so.
const BRAND = Symbol.for('tinytorch-wasm.Tensor');

// ---- argument checks (TypeError for a wrong type, RangeError for a bad value)

/** A size or dim: an integer in [min, 2^31-1]. */
export function checkInt(v, what, min = 0) {
  if (typeof v !== 'number') throw new TypeError(`${what} must be a number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > MAX_DIM) {
    throw new RangeError(`${what} must be an integer in [${min}, ${MAX_DIM}], got ${describe(v)}`);
  }
  return v;
}

/** Accept f(2, 3), f([2, 3]) and f([]) alike; returns a checked copy. */
export function shapeArg(args, what, { allowInferred = false } = {}) {
  const dims = args.length === 1 && (Array.isArray(args[0]) || ArrayBuffer.isView(args[0]))
    ? Array.from(args[0]) : args;
  if (dims.length > MAX_DIMS) {
    throw new RangeError(`${what}: rank ${dims.length} is more than the ${MAX_DIMS} dims the core supports`);
  }
  return dims.map((d, i) => (allowInferred && d === -1 ? -1 : checkInt(d, `${what}: dimension ${i}`)));
}

function checkFinite(v, what) {
  if (typeof v !== 'number') throw new TypeError(`${what} must be a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${what} must be finite, got ${describe(v)}`);
  return v;
}

function checkAxis(axis, ndim, what) {
  checkIntLike(axis, what);
  if (axis < -ndim || axis >= ndim) {
    throw new RangeError(`${what} ${axis} is out of range for a tensor of rank ${ndim}`);
  }
  return axis;
}

function checkIntLike(v, what) {
  if (typeof v !== 'number') throw new TypeError(`${what} must be an integer, got ${describe(v)}`);
  if (!Number.isInteger(v)) throw new RangeError(`${what} must be an integer, got ${describe(v)}`);
}

// ---- lifetimes: tidy scopes and the memory counter

const scopes = []; // each a Set of tensors made while it is the innermost
const registry = new FinalizationRegistry(({ runtime, ptr }) => runtime.exports.tt_tensor_free(ptr));

function track(t) {
  if (scopes.length) scopes[scopes.length - 1].add(t);
}

/** Exempt a tensor from every enclosing tidy() (layers keep their parameters). */
export function keep(t) {
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(value, out) {
  if (value instanceof Tensor) out.add(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, out);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, out);
  }
}

/**
 * Run fn and dispose every tensor it made, except those in its result (a
 * Tensor, or arrays/plain objects of them), which move to the enclosing scope.
 */
export function tidy(fn) {
  if (typeof fn !== 'function') throw new TypeError(`tidy: expected a function, got ${describe(fn)}`);
  const scope = new Set();
  scopes.push(scope);
  let result;
  try {
    result = fn();
  } finally {
    scopes.pop();
    const kept = new Set();
    collect(result, kept);
    for (const t of scope) if (!kept.has(t)) t.dispose();
    for (const t of kept) if (scope.has(t)) track(t);
  }
  if (result && typeof result.then === 'function') {
    throw new TypeError('tidy: fn returned a Promise; tidy() only works with synchronous functions');
  }
  return result;
}

/** Live tensors and their bytes in the core, and the wasm memory size. */
export function memoryInfo() {
  return {
    tensors: rt.exports.tt_mem_tensors(),
    bytes: rt.exports.tt_mem_bytes(),
    wasmBytes: rt.memory.buffer.byteLength,
  };
}

// ---- nested-array input

function inferShape(data, what) {
  const shape = [];
  let level = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (shape.length > MAX_DIMS) {
      throw new RangeError(`${what}: nested more than ${MAX_DIMS} levels deep`);
    }
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flattenInto(data, shape, out, what) {
  let n = 0;
  const walk = (v, depth, path) => {
    if (depth === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new TypeError(`${what}: element ${path || '(scalar)'} must be a number, got ${describe(v)}`);
      }
      out[n++] = +v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ShapeError(`${what}: ragged nested array: element ${path || '(root)'} is ${Array.isArray(v) ? `of length ${v.length}` : describe(v)}, expected an array of length ${shape[depth]}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, '');
}

const product = (shape) => shape.reduce((a, b) => a * b, 1);

// ---- the Tensor class

export class Tensor {
  #ptr = 0; // tt_tensor* in rt's memory; 0 once disposed
  #data = 0; // float* of the tensor's elements (stable for its lifetime)
  #shape;
  #size;
  /** Whether optimisers should update this tensor (parameters set it). */
  requiresGrad = false;
  /** Gradient slot for the autograd lessons to come; null for now. */
  grad = null;

  /**
   * @param data a number, nested arrays, or a flat (typed) array with `shape`
   * @param opts { requiresGrad = false, shape }
   */
  constructor(data, opts = {}) {
    if (data === WRAP) {
      this.#adopt(opts.ptr);
      return;
    }
    if (opts === null || typeof opts !== 'object') {
      throw new TypeError(`Tensor: options must be an object, got ${describe(opts)}`);
    }
    const { requiresGrad = false, shape } = opts;
    if (typeof requiresGrad !== 'boolean') {
      throw new TypeError(`Tensor: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
    }
    let values;
    let dims;
    if (typeof data === 'number' || typeof data === 'boolean') {
      values = [+data];
      dims = shape === undefined ? [] : shapeArg([shape], 'Tensor: shape');
    } else if (Array.isArray(data) && shape === undefined) {
      dims = inferShape(data, 'Tensor');
      values = new Float32Array(product(dims));
      flattenInto(data, dims, values, 'Tensor');
    } else if (Array.isArray(data) || (ArrayBuffer.isView(data) && !(data instanceof DataView))) {
      if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
        throw new TypeError('Tensor: BigInt arrays are not supported; use numbers');
      }
      dims = shape === undefined ? [data.length] : shapeArg([shape], 'Tensor: shape');
      if (Array.isArray(data)) {
        for (let i = 0; i < data.length; i++) {
          if (typeof data[i] !== 'number' && typeof data[i] !== 'boolean') {
            throw new TypeError(`Tensor: element [${i}] must be a number, got ${describe(data[i])}`);
          }
        }
      }
      values = data;
    } else {
      throw new TypeError(`Tensor: data must be a number, nested arrays or a typed array, got ${describe(data)}`);
    }
    const count = product(dims);
    if (values.length !== count && !(typeof data === 'number' && count === 1)) {
      throw new RangeError(`Tensor: ${values.length} values do not fill shape ${fmtShape(dims)} (${count} elements)`);
    }
    this.#adopt(newTensor(dims));
    if (count) rt.f32(this.#data, count).set(values.length === count ? values : [values[0]]);
    this.requiresGrad = requiresGrad;
  }

  #adopt(ptr) {
    this.#ptr = ptr >>> 0;
    const ex = rt.exports;
    const ndim = ex.tt_tensor_ndim(this.#ptr);
    this.#shape = Array.from({ length: ndim }, (_, i) => ex.tt_tensor_dim(this.#ptr, i));
    this.#size = product(this.#shape);
    this.#data = ex.tt_tensor_data(this.#ptr) >>> 0;
    registry.register(this, { runtime: rt, ptr: this.#ptr }, this);
    track(this);
  }

  /** Internal: wrap a tensor the core just returned (takes ownership). */
  static _wrap(ptr) {
    return new Tensor(WRAP, { ptr });
  }

  /** Internal: the core handle; throws if disposed. */
  _handle(what = 'tensor') {
    if (this.#ptr === 0) throw new TypeError(`${what} is a disposed Tensor`);
    return this.#ptr;
  }

  /** Internal: the element pointer (for in-place core fills). */
  _dataPtr() {
    this._handle();
    return this.#data;
  }

  get shape() { this._handle(); return [...this.#shape]; }
  get size() { this._handle(); return this.#size; }
  get ndim() { this._handle(); return this.#shape.length; }
  get isDisposed() { return this.#ptr === 0; }

  /** A Float32Array copy of the elements (row-major). */
  get data() {
    this._handle();
    return rt.f32(this.#data, this.#size).slice();
  }

  /** The elements as nested arrays (a number for a rank-0 tensor). */
  toArray() {
    const flat = this.data;
    const shape = this.#shape;
    if (shape.length === 0) return flat[0];
    let i = 0;
    const build = (d) => Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? flat[i++] : build(d + 1)));
    return build(0);
  }

  /** The value of a one-element tensor. */
  item() {
    this._handle();
    if (this.#size !== 1) throw new RangeError(`item: tensor of shape ${fmtShape(this.#shape)} has ${this.#size} elements, not 1`);
    return rt.f32(this.#data, 1)[0];
  }

  /** Free the wasm memory now. Safe to call twice; any later use throws. */
  dispose() {
    if (this.#ptr === 0) return;
    registry.unregister(this);
    rt.exports.tt_tensor_free(this.#ptr);
    this.#ptr = 0;
    this.#data = 0;
    for (const s of scopes) s.delete(this);
  }

  clone() {
    return Tensor._wrap(rt.callOut(rt.exports.tt_tensor_copy, this._handle('clone: tensor')));
  }

  // ---- factories

  static zeros(...shape) { return filled(shape, 'zeros', (t) => t); }
  static ones(...shape) { return filled(shape, 'ones', (t) => rt.check(rt.exports.tt_tensor_fill(t, 1))); }
  /** Standard normal samples from the seeded RNG (see manualSeed). */
  static randn(...shape) { return filled(shape, 'randn', (t) => rt.check(rt.exports.tt_tensor_randn(t, 0, 1))); }
  /** Uniform samples in [0, 1) from the seeded RNG. */
  static rand(...shape) { return filled(shape, 'rand', (t) => rt.check(rt.exports.tt_tensor_rand(t, 0, 1))); }

  // ---- arithmetic (NumPy broadcasting); results have requiresGrad false

  add(other) { return this.#binary('add', other); }
  sub(other) { return this.#binary('sub', other); }
  mul(other) { return this.#binary('mul', other); }
  div(other) { return this.#binary('div', other); }

  #binary(name, other) {
    const a = this._handle(`${name}: left operand`);
    if (typeof other === 'number') {
      return Tensor._wrap(rt.callOut(rt.exports.tt_tensor_binary_scalar, a, other, OP[name], 0));
    }
    const b = operand(other, `${name}: right operand`);
    return Tensor._wrap(rt.callOut(rt.exports.tt_tensor_binary, a, b, OP[name]));
  }

  /** NumPy matmul: 1-D and 2-D operands, and broadcast batch dims. */
  matmul(other) {
    const a = this._handle('matmul: left operand');
    const b = operand(other, 'matmul: right operand');
    return Tensor._wrap(rt.callOut(rt.exports.tt_tensor_matmul, a, b));
  }

  /** A copy with a new shape; one dim may be -1. reshape(2, 3) or reshape([2, 3]). */
  reshape(...shape) {
    const a = this._handle('reshape: tensor');
    const d = shapeArg(shape, 'reshape', { allowInferred: true });
    return Tensor._wrap(rt.callOut(rt.exports.tt_tensor_reshape, a, d.length, d[0] ?? 0, d[1] ?? 0, d[2] ?? 0, d[3] ?? 0));
  }

  /** A copy with two dims swapped (default: the last two). */
  transpose(dim0 = -2, dim1 = -1) {
    const a = this._handle('transpose: tensor');
    const nd = this.#shape.length;
    if (nd < 2 && arguments.length === 0) return this.clone();
    checkAxis(dim0, nd, 'transpose: dim0');
    checkAxis(dim1, nd, 'transpose: dim1');
    return Tensor._wrap(rt.callOut(rt.exports.tt_tensor_transpose, a, dim0, dim1));
  }

  /** Sum over `axis` (all elements when axis is null/undefined). */
  sum(axis = null, keepdims = false) { return this.#reduce('sum', axis, keepdims); }
  mean(axis = null, keepdims = false) { return this.#reduce('mean', axis, keepdims); }
  max(axis = null, keepdims = false) { return this.#reduce('max', axis, keepdims); }

  #reduce(name, axis, keepdims) {
    const a = this._handle(`${name}: tensor`);
    if (typeof keepdims !== 'boolean') throw new TypeError(`${name}: keepdims must be a boolean, got ${describe(keepdims)}`);
    const all = axis === null || axis === undefined;
    if (!all) checkAxis(axis, this.#shape.length, `${name}: axis`);
    return Tensor._wrap(rt.callOut(rt.exports.tt_tensor_reduce, a, REDUCE[name], all ? 1 : 0, all ? 0 : axis, keepdims ? 1 : 0));
  }

  /**
   * Summary statistics from the core, over every element: { count, mean,
   * std (population), min, max, zeros (exact 0s), nonFinite (NaN/inf,
   * left out of the others) }.
   */
  stats() {
    const h = this._handle('stats: tensor');
    return withScratch(7, (ptr) => {
      rt.check(rt.exports.tt_tensor_stats(h, ptr));
      const [count, mean, std, min, max, zeros, nonFinite] = rt.f64(ptr, 7);
      return { count, mean, std, min, max, zeros, nonFinite };
    });
  }

  /**
   * Counts of elements in `bins` equal bins over [min, max] (default: the
   * tensor's own finite range). Returns { counts, edges } (edges has bins+1).
   */
  histogram(bins = 20, { min, max } = {}) {
    const h = this._handle('histogram: tensor');
    checkInt(bins, 'histogram: bins', 1);
    if (bins > 4096) throw new RangeError(`histogram: bins must be at most 4096, got ${bins}`);
    if (min === undefined || max === undefined) {
      const s = this.stats();
      min ??= Number.isFinite(s.min) ? s.min : 0;
      max ??= Number.isFinite(s.max) ? s.max : 1;
      if (!(max > min)) max = min + 1; // a constant tensor: one bin holds it all
    }
    checkFinite(min, 'histogram: min');
    checkFinite(max, 'histogram: max');
    if (!(min < max)) throw new RangeError(`histogram: min ${min} must be below max ${max}`);
    return withScratch(bins, (ptr) => {
      rt.check(rt.exports.tt_tensor_histogram(h, bins, min, max, ptr));
      const counts = Array.from(rt.f64(ptr, bins));
      const edges = Array.from({ length: bins + 1 }, (_, i) => min + ((max - min) * i) / bins);
      return { counts, edges };
    });
  }

  toString() {
    if (this.#ptr === 0) return 'Tensor(disposed)';
    const body = this.#size <= 64 ? JSON.stringify(this.toArray()) : `<${this.#size} values>`;
    return `Tensor(${body}, shape=${fmtShape(this.#shape)}${this.requiresGrad ? ', requiresGrad=true' : ''})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() { return this.toString(); }

  get [BRAND]() { return true; }
}

/** A live Tensor of this runtime's, or a TypeError naming what it was. */
export function operand(t, what) {
  if (!(t instanceof Tensor)) {
    if (t?.[BRAND] === true) {
      // another copy of this package (say the page bundle and the npm
      // module on one page): its tensors live in another wasm memory
      throw new TypeError(`${what} is a Tensor from another instance of tinytorch-wasm; tensors cannot move between instances (copy its data into a new Tensor)`);
    }
    throw new TypeError(`${what} must be a Tensor${what.includes('operand') ? ' or a number' : ''}, got ${describe(t)}`);
  }
  return t._handle(what);
}

/** Run fn with `count` doubles of wasm scratch memory (freed after). */
function withScratch(count, fn) {
  const ptr = rt.exports.malloc(count * 8) >>> 0;
  if (ptr === 0) throw new RangeError('out of wasm memory for a scratch buffer');
  try {
    return fn(ptr);
  } finally {
    rt.exports.free(ptr);
  }
}

function newTensor(dims) {
  return rt.callOut(rt.exports.tt_tensor_new, dims.length, dims[0] ?? 0, dims[1] ?? 0, dims[2] ?? 0, dims[3] ?? 0);
}

function filled(args, what, fill) {
  let opts = {};
  if (args.length && args[args.length - 1] !== null && typeof args[args.length - 1] === 'object' && !Array.isArray(args[args.length - 1]) && !ArrayBuffer.isView(args[args.length - 1])) {
    opts = args[args.length - 1];
    args = args.slice(0, -1);
  }
  const dims = shapeArg(args, `Tensor.${what}`);
  const t = Tensor._wrap(newTensor(dims));
  try {
    fill(t._handle());
  } catch (e) {
    t.dispose();
    throw e;
  }
  if (opts.requiresGrad !== undefined) {
    if (typeof opts.requiresGrad !== 'boolean') {
      t.dispose();
      throw new TypeError(`Tensor.${what}: requiresGrad must be a boolean, got ${describe(opts.requiresGrad)}`);
    }
    t.requiresGrad = opts.requiresGrad;
  }
  return t;
}
