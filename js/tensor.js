// Tensor: a handle on a float32 tensor that lives in wasm memory.
//
// The boundary rule (also in src/tt.h): a public method first reads and
// checks every argument into plain values (js/checks.js), and only then
// resolves the tensor handles it needs and calls the core, with no caller
// code able to run in between. Handles are private fields, looked up with
// a brand check (`#storage in t`) that runs no Proxy trap and no getter; a
// disposed tensor's storage is null, so a stale handle is always detected
// and never aliases a live tensor. Between resolving a handle and the
// core call, internal code calls no method a subclass could override.
//
// A tensor's C memory is a Storage with a reference count: the tensor holds
// one reference, and autograd holds one for each tensor it saved for a
// backward pass, so dispose() ends the JS handle at once while a saved
// tensor lives until its graph is freed. A FinalizationRegistry frees
// storage nothing references any more (a safety net, joined at the first
// microtask checkpoint after a Storage is made: registerSurvivors below;
// leak tests use memoryInfo()). That net only runs between tasks, so a
// synchronous loop never reaches it: autograd spills what a finished
// backward leaves behind instead (Storage.spill below).
//
// Imports go one way (core -> scope -> tensor -> autograd -> ops -> layers
// -> api): this file names no op and no autograd code. Tensor's methods
// reach the ops through the handler js/ops.js installs (setOpHandler, as
// tfjs-core does), and the autograd Node of a tensor through its release().

import { rt } from './core.js';
import { ShapeError, describe, fmtShape } from './errors.js';
import { BINARY_OP, REDUCE_OP } from './enums.js';
import { MAX_DIMS, checkAxis, checkBool, checkFinite, checkInt, readOptions, shapeArg, splitOptions } from './checks.js';
import { isTracked, keep, track, untrack } from './scope.js';
import { generatorArg, generatorPtr } from './generator.js';

// ---- the ops, installed by js/ops.js

let opHandler = null;

/**
 * Install the functions Tensor's methods call: { clone, binary, matmul,
 * reshape, transpose, reduce, backward } (js/ops.js does, when imported).
 */
export function setOpHandler(handler) { opHandler = handler; }

function ops() {
  if (opHandler === null) {
    throw new Error('tinytorch-wasm: the tensor ops are not loaded; import the package (js/index.js) or js/api.js, which load js/ops.js');
  }
  return opHandler;
}

// Shared by every copy of the package (Symbol.for), so a Tensor from another
// instance is recognised as one, and refused with a message that says so.
const BRAND = Symbol.for('tinytorch-wasm.Tensor');
const WRAP = Symbol('wrap');

/** The C tensor behind one or more handles; freed when the last reference goes. */
export class Storage {
  constructor(runtime, ptr) {
    this.runtime = runtime;
    this.ptr = ptr; // 0 once freed, or while spilled
    this.dataPtr = 0; // float*, asked of the core on first use (most results are never read from JS)
    this.refs = 1;
    this.version = 0; // bumped by every in-place write (autograd checks it)
    this.registered = false;
    this.host = null; // spilled: the values, in JS memory (the collector frees them)
    this.dims = null; // spilled: the shape, to bring the values back
    queueRegistration(this);
  }

  /** The tensor's float* (stable while it lives in wasm memory; 0 once freed). */
  get data() {
    if (this.dataPtr === 0 && this.ptr !== 0) this.dataPtr = this.runtime.core.tensorData(this.ptr);
    return this.dataPtr;
  }

  /** A Float32Array copy of the first n values, wherever they are. */
  read(n) {
    return this.host !== null ? this.host.slice(0, n) : this.runtime.readF32(this.data, n);
  }

  retain() {
    this.refs++;
    return this;
  }

  release() {
    if (--this.refs === 0) {
      if (this.registered) registryOf(this.runtime).unregister(this);
      this.registered = false;
      if (this.ptr !== 0) this.runtime.core.tensorFree(this.ptr);
      this.ptr = 0;
      this.dataPtr = 0;
      this.host = null;
    }
  }

  /**
   * Move the values to JS memory and free the C tensor: the engine's
   * collector sees JS memory and frees it once nothing references it, in
   * the middle of a synchronous loop too (a FinalizationRegistry callback
   * only runs between tasks). Only for a storage with one handle and no
   * graph holding it (refs 1).
   */
  spill() {
    if (this.ptr === 0 || this.refs !== 1) return;
    const { core } = this.runtime;
    const ndim = core.tensorNdim(this.ptr);
    const dims = new Array(ndim);
    let n = 1;
    for (let i = 0; i < ndim; i++) n *= (dims[i] = core.tensorDim(this.ptr, i));
    this.host = this.runtime.readF32(this.data, n);
    this.dims = dims;
    if (this.registered) registryOf(this.runtime).unregister(this);
    this.registered = false;
    core.tensorFree(this.ptr);
    this.ptr = 0;
    this.dataPtr = 0;
  }

  /** Bring spilled values back into wasm memory (a fresh C tensor); returns ptr. */
  unspill() {
    const ptr = this.runtime.core.tensorNew(this.dims);
    if (this.host.length) this.runtime.writeF32(this.runtime.core.tensorData(ptr), this.host);
    this.ptr = ptr;
    this.host = null;
    this.dims = null;
    queueRegistration(this);
    return ptr;
  }
}

// Frees the C tensor of a Storage nothing references any more: a safety
// net for forgotten tensors (and graphs); leak tests use memoryInfo().
// One registry per runtime (a WeakMap entry), so the held value is the bare
// pointer: no object per tensor for the collector (the profile of a small
// Linear forward in a loop showed it).
const registries = new WeakMap();
function registryOf(runtime) {
  let r = registries.get(runtime);
  if (!r) {
    r = new FinalizationRegistry((ptr) => runtime.core.tensorFree(ptr));
    registries.set(runtime, r);
  }
  return r;
}

// Registering is most of what a small op's result costs in JS (a profile
// of Linear(8,8) forwards in a loop: register, unregister and the
// collector's work on their weak cells, about half of the 0.6 us call),
// and most results are disposed soon after they are made. So a new
// Storage waits in `unregistered` (held strongly, so it cannot be
// collected before it is registered) and joins the registry at the next
// microtask checkpoint, or when REGISTER_BATCH newer ones are waiting,
// unless it was freed by then.
const REGISTER_BATCH = 256;
const unregistered = [];
let registerQueued = false;
function queueRegistration(storage) {
  unregistered.push(storage);
  if (unregistered.length >= REGISTER_BATCH) registerSurvivors();
  else if (!registerQueued) {
    registerQueued = true;
    Promise.resolve().then(registerSurvivors); // a microtask (a page's sandboxed contexts may lack queueMicrotask)
  }
}
function registerSurvivors() {
  registerQueued = false;
  for (const s of unregistered) {
    if (s.ptr !== 0 && !s.registered) {
      registryOf(s.runtime).register(s, s.ptr, s);
      s.registered = true;
    }
  }
  unregistered.length = 0;
}

const product = (shape) => {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
};

// Internal access to private state, bound in the class's static block: the
// only ways other js/ files reach a tensor's handle.
let storageOf;
let shapeOf;
let nodeOf;
let setNode;
let requiresGradOf;
let serialOf;
let gradOf;
let serialCounter = 0;
/** The serial of the newest tensor so far: every tensor made after this call has a larger one. */
export const currentSerial = () => serialCounter;

/** True for a Tensor of this copy of the package; runs no caller code. */
export let isTensor;

/** A checked Tensor argument (phase 1): a live Tensor of this package, else a TypeError. */
export function tensorArg(t, what) {
  if (!isTensor(t)) {
    let foreign = false;
    try { foreign = t !== null && typeof t === 'object' && t[BRAND] === true; } catch { /* a hostile object */ }
    if (foreign) {
      // another copy of this package (say the page bundle and the npm
      // module on one page), whose tensors live in another wasm memory, or
      // a Proxy around one of ours (its traps could run mid-call)
      throw new TypeError(`${what} is a Tensor from another instance of tinytorch-wasm, or a Proxy of a Tensor; tensors cannot move between instances (copy its data into a new Tensor)`);
    }
    throw new TypeError(`${what} must be a Tensor, got ${describe(t)}`);
  }
  if (storageOf(t) === null) throw new TypeError(`${what} is a disposed Tensor`);
  return t;
}

/** A Tensor or a number (binary ops' right operand). */
function operandArg(v, what) {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return +v;
  if (!isTensor(v)) {
    let branded = false;
    try { branded = v !== null && typeof v === 'object' && v[BRAND] === true; } catch { /* hostile */ }
    if (branded) tensorArg(v, what); // throws, naming the other instance
    throw new TypeError(`${what} must be a Tensor or a number, got ${describe(v)}`);
  }
  return tensorArg(v, what);
}

/** Phase 2: the C pointer of a tensor checked in phase 1 (detects a dispose since). */
export function ptrOf(t, what) {
  const s = storageOf(t);
  if (s === null) throw new TypeError(`${what} is a disposed Tensor`);
  if (s.ptr === 0 && s.host !== null) { // spilled: back into wasm memory for the core to read
    s.unspill();
    unspilled.add(t);
  }
  return s.ptr;
}

/** Tensors an op brought back from JS memory since the last spillTensors(). */
const unspilled = new Set();

/**
 * After a backward pass (js/autograd.js): move each of `tensors` (the
 * outputs of the graph it ran through), and each tensor an op brought
 * back since the last call, to JS memory, where the engine's collector
 * frees it once nothing references it. Only when nothing but the handle
 * holds its storage and no tidy() will dispose it. Reading it (data,
 * item()) reads the JS copy; an op copies it back into wasm memory.
 */
export function spillTensors(tensors) {
  for (const t of tensors) spillOne(t);
  for (const t of unspilled) spillOne(t);
  unspilled.clear();
}

function spillOne(t) {
  const s = storageOf(t);
  if (s !== null && s.refs === 1 && s.ptr !== 0 && !isTracked(t)) s.spill();
}

/**
 * Autograd's last step for a leaf: add the gradient at `ptr` (a C tensor
 * shaped like the leaf; this function takes it over) to leaf.grad. No grad
 * yet: it becomes the grad. Else += in place, and the grad's version is
 * bumped, so a graph that saved that gradient refuses to backpropagate
 * with the new values (PyTorch's AccumulateGrad and version counter).
 */
export let accumulateGrad;

/** Wrap a tensor the core just returned (takes ownership). */
export function wrap(ptr) {
  let storage = null;
  try {
    storage = new Storage(rt, ptr >>> 0);
    return new Tensor(WRAP, storage);
  } catch (e) { // out of stack mid-wrap: free what the core made
    if (storage) storage.release();
    else rt.core.tensorFree(ptr);
    throw e;
  }
}

export { storageOf, shapeOf, nodeOf, setNode, requiresGradOf, serialOf, gradOf };

// ---- data input: read the caller's values exactly once, before allocating

/** A plain copy of nested arrays, each element read exactly once (caller getters run here, once). */
function snapshot(v, depth, what) {
  if (!Array.isArray(v)) return v;
  if (depth >= MAX_DIMS) throw new RangeError(`${what}: nested more than ${MAX_DIMS} levels deep`);
  const n = v.length;
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = snapshot(v[i], depth + 1, what);
  return out;
}

function inferShape(data, what) {
  const shape = [];
  let level = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (shape.length > MAX_DIMS) throw new RangeError(`${what}: nested more than ${MAX_DIMS} levels deep`);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function numberAt(v, what, path) {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return +v;
  throw new TypeError(`${what}: element ${path || '(scalar)'} must be a number, got ${describe(v)}`);
}

function flattenNested(data, shape, what) {
  const out = new Float32Array(product(shape));
  let n = 0;
  const walk = (v, depth, path) => {
    if (depth === shape.length) {
      out[n++] = numberAt(v, what, path);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ShapeError(`${what}: ragged nested array: element ${path || '(root)'} is ${Array.isArray(v) ? `of length ${v.length}` : describe(v)}, expected an array of length ${shape[depth]}`);
    }
    for (let i = 0; i < shape[depth]; i++) walk(v[i], depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, '');
  return out;
}

/** A flat array or typed array copied into a Float32Array, each element read once. */
function copyFlat(data, what) {
  if (ArrayBuffer.isView(data)) {
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      throw new TypeError(`${what}: BigInt arrays are not supported; use numbers`);
    }
    return new Float32Array(data); // typed-array reads run no caller code
  }
  const n = data.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = numberAt(data[i], what, `[${i}]`);
  return out;
}

function newTensor(dims) {
  return rt.core.tensorNew(dims);
}

const TENSOR_OPTIONS = { requiresGrad: [false, checkBool], shape: [undefined, (v, w) => shapeArg([v], w)] };
const FACTORY_OPTIONS = { requiresGrad: [false, checkBool], generator: [undefined, generatorArg] };

// ---- the Tensor class

export class Tensor {
  #storage = null; // null once disposed
  #shape; // plain int array, never handed out
  #size;
  #requiresGrad = false;
  #grad = null;
  #node = null; // the autograd node that made this tensor, or null for a leaf
  #serial = 0; // creation order (Sequential tells its own intermediates by it)

  static {
    isTensor = (t) => t !== null && typeof t === 'object' && #storage in t;
    storageOf = (t) => t.#storage;
    shapeOf = (t) => t.#shape;
    nodeOf = (t) => t.#node;
    setNode = (t, node) => { t.#node = node; t.#requiresGrad = true; };
    accumulateGrad = (leaf, ptr) => {
      const g = leaf.#grad;
      const s = g === null ? null : g.#storage;
      if (s === null) {
        leaf.#grad = keep(wrap(ptr)); // a gradient belongs to its leaf, not to the tidy() that ran backward()
      } else {
        try {
          rt.core.accumulate(ptrOf(g, 'grad'), ptr);
        } finally {
          rt.core.tensorFree(ptr);
        }
        s.version++;
      }
    };
    requiresGradOf = (t) => t.#requiresGrad;
    serialOf = (t) => t.#serial;
    gradOf = (t) => t.#grad;
  }

  /**
   * @param data a number, nested arrays, or a flat (typed) array with `shape`
   * @param opts { requiresGrad = false, shape }
   */
  constructor(data, opts) {
    if (data === WRAP) { // internal: opts is the Storage to adopt
      this.#adopt(opts);
      return;
    }
    // phase 1: every value the caller gave, read once and checked
    const o = readOptions(opts, 'Tensor', TENSOR_OPTIONS);
    let values;
    let dims;
    if (typeof data === 'number' || typeof data === 'boolean') {
      values = new Float32Array([+data]);
      dims = o.shape ?? [];
    } else if (Array.isArray(data) && o.shape === undefined) {
      const plain = snapshot(data, 0, 'Tensor');
      dims = inferShape(plain, 'Tensor');
      values = flattenNested(plain, dims, 'Tensor');
    } else if (isPlainF32(data)) {
      // a Float32Array outside wasm memory: its values are read once, in
      // phase 2, straight into the tensor (a fresh copy first was most of
      // the constructor's cost: 0.16 ms for a 64 x 784 batch)
      values = new Float32Array(TA_BUFFER.call(data), TA_OFFSET.call(data), TA_LENGTH.call(data)); // a view: no getter of the caller's runs later
      dims = o.shape ?? [values.length];
    } else if (Array.isArray(data) || (ArrayBuffer.isView(data) && !(data instanceof DataView))) {
      values = copyFlat(data, 'Tensor');
      dims = o.shape ?? [values.length];
    } else {
      throw new TypeError(`Tensor: data must be a number, nested arrays or a typed array, got ${describe(data)}`);
    }
    const count = product(dims);
    if (values.length !== count) {
      throw new RangeError(`Tensor: ${values.length} values do not fill shape ${fmtShape(dims)} (${count} elements)`);
    }
    // phase 2: allocate and copy the checked values (no caller code runs;
    // every element is written, so the core need not zero-fill)
    this.#adopt(new Storage(rt, count ? rt.core.tensorEmpty(dims) : newTensor(dims)));
    if (count) rt.writeF32(this.#storage.data, values);
    this.#requiresGrad = o.requiresGrad;
  }

  #adopt(storage) {
    const { core } = storage.runtime;
    const ptr = storage.ptr;
    const ndim = core.tensorNdim(ptr);
    const shape = new Array(ndim);
    for (let i = 0; i < ndim; i++) shape[i] = core.tensorDim(ptr, i);
    this.#storage = storage;
    this.#shape = shape;
    this.#size = product(shape);
    this.#serial = ++serialCounter;
    track(this);
  }

  /** Internal: a new handle on the same storage (detach()). */
  static #share(t) {
    return new Tensor(WRAP, t.#storage.retain());
  }

  get shape() { this.#live('shape'); return [...this.#shape]; }
  get size() { this.#live('size'); return this.#size; }
  get ndim() { this.#live('ndim'); return this.#shape.length; }
  get isDisposed() { return this.#storage === null; }

  /** Whether autograd records ops on this tensor (and optimisers update it). */
  get requiresGrad() { return this.#requiresGrad; }
  set requiresGrad(v) {
    checkBool(v, 'requiresGrad');
    if (this.#node !== null && !v) {
      throw new RangeError('requiresGrad: this tensor is the result of an op that requires grad; use detach() to get one that does not');
    }
    this.#requiresGrad = v;
  }

  /** The accumulated gradient (a Tensor of this shape) or null. Assign null to clear. */
  get grad() { return this.#grad; }
  set grad(g) {
    if (g === null) {
      this.#grad?.dispose();
      this.#grad = null;
      return;
    }
    tensorArg(g, 'grad');
    if (g.#shape.join() !== this.#shape.join()) {
      throw new ShapeError(`grad: expected shape ${fmtShape(this.#shape)}, got ${fmtShape(g.#shape)}`);
    }
    if (this.#grad !== g) this.#grad?.dispose();
    this.#grad = g;
  }

  /** The autograd node that made this tensor (null for a leaf). */
  get gradFn() { return this.#node?.name ?? null; }
  /** True unless this tensor was made by an op that requires grad. */
  get isLeaf() { return this.#node === null; }

  #live(what) {
    if (this.#storage === null) throw new TypeError(`${what}: the Tensor is disposed`);
  }

  /** A Float32Array copy of the elements (row-major). */
  get data() {
    const s = storageOf(tensorArg(this, 'data: tensor'));
    return s.read(this.#size);
  }

  /** The elements as nested arrays (a number for a rank-0 tensor). */
  toArray() {
    tensorArg(this, 'toArray: tensor');
    const flat = this.#storage.read(this.#size);
    const shape = this.#shape;
    if (shape.length === 0) return flat[0];
    let i = 0;
    const build = (d) => Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? flat[i++] : build(d + 1)));
    return build(0);
  }

  /** The value of a one-element tensor. */
  item() {
    tensorArg(this, 'item: tensor');
    if (this.#size !== 1) throw new RangeError(`item: tensor of shape ${fmtShape(this.#shape)} has ${this.#size} elements, not 1`);
    return this.#storage.read(1)[0];
  }

  /** Free the wasm memory now (unless autograd still holds it). Safe to call twice; any later use throws. */
  dispose() {
    const s = this.#storage;
    if (s === null) return;
    this.#storage = null;
    untrack(this);
    s.release();
    this.#grad?.dispose();
    this.#grad = null;
    if (this.#node !== null) {
      this.#node.release();
      this.#node = null;
    }
  }

  clone() {
    tensorArg(this, 'clone: tensor');
    return ops().clone(this);
  }

  /** A new tensor with the same values that autograd does not track (shares memory until either is disposed). */
  detach() {
    tensorArg(this, 'detach: tensor');
    return Tensor.#share(this);
  }

  /**
   * Backpropagate from this tensor: every leaf with requiresGrad that it
   * depends on gets d(this)/d(leaf) added to its .grad. `grad` is the
   * upstream gradient (needed when this is not a one-element tensor; null
   * or omitted: 1, as PyTorch's None). All or nothing: a backward that
   * fails changes no .grad and leaves the graph for a retry.
   */
  backward(grad) {
    tensorArg(this, 'backward: tensor');
    ops().backward(this, grad);
  }

  // ---- factories

  static zeros(...args) { return factory(args, 'zeros', null); }
  static ones(...args) { return factory(args, 'ones', (p) => rt.core.tensorFill(p, 1)); }
  /** Standard normal samples from a generator (default: the one manualSeed seeds). */
  static randn(...args) { return factory(args, 'randn', (p, g) => rt.core.tensorRandn(p, 0, 1, g)); }
  /** Uniform samples in [0, 1) from a generator. */
  static rand(...args) { return factory(args, 'rand', (p, g) => rt.core.tensorRand(p, 0, 1, g)); }

  // ---- arithmetic (NumPy broadcasting)

  add(other) { return binary(this, other, 'add'); }
  sub(other) { return binary(this, other, 'sub'); }
  mul(other) { return binary(this, other, 'mul'); }
  div(other) { return binary(this, other, 'div'); }

  /** NumPy matmul: 1-D and 2-D operands, and broadcast batch dims. */
  matmul(other) {
    tensorArg(this, 'matmul: left operand');
    tensorArg(other, 'matmul: right operand');
    return ops().matmul(this, other);
  }

  /** A copy with a new shape; one dim may be -1. reshape(2, 3) or reshape([2, 3]). */
  reshape(...shape) {
    const d = shapeArg(shape, 'reshape', { allowInferred: true });
    tensorArg(this, 'reshape: tensor');
    return ops().reshape(this, d);
  }

  /** A copy with two dims swapped (default: the last two). */
  transpose(dim0 = -2, dim1 = -1) {
    tensorArg(this, 'transpose: tensor');
    const nd = this.#shape.length;
    if (nd < 2 && arguments.length === 0) return this.clone();
    checkAxis(dim0, nd, 'transpose: dim0');
    checkAxis(dim1, nd, 'transpose: dim1');
    return ops().transpose(this, dim0, dim1);
  }

  /** Sum over `axis` (all elements when axis is null/undefined). */
  sum(axis = null, keepdims = false) { return reduce(this, 'sum', axis, keepdims); }
  mean(axis = null, keepdims = false) { return reduce(this, 'mean', axis, keepdims); }
  max(axis = null, keepdims = false) { return reduce(this, 'max', axis, keepdims); }

  /**
   * Summary statistics from the core, over every element: { count, mean,
   * std (population), min, max, zeros (exact 0s), nonFinite (NaN/inf,
   * left out of the others), norm (√Σx², the Euclidean norm) }.
   */
  stats() {
    tensorArg(this, 'stats: tensor');
    return statsOf(this);
  }

  /**
   * Counts of elements in `bins` equal bins over [min, max] (default: the
   * tensor's own finite range). Returns { counts, edges } (edges has bins+1),
   * both computed by the core.
   */
  histogram(bins = 20, range = undefined) {
    checkInt(bins, 'histogram: bins', 1, 4096);
    const o = readOptions(range, 'histogram', { min: [undefined, checkFinite], max: [undefined, checkFinite] });
    tensorArg(this, 'histogram: tensor');
    let { min, max } = o;
    if (min === undefined || max === undefined) {
      const s = statsOf(this);
      min ??= Number.isFinite(s.min) ? s.min : 0;
      max ??= Number.isFinite(s.max) ? Math.max(s.max, min) : min + 1;
      if (!(max > min)) max = min + Math.max(1, Math.abs(min) * 2 ** -20); // a constant tensor: all in the first bin
    }
    if (!(min < max)) throw new RangeError(`histogram: min ${min} must be below max ${max}`);
    return rt.core.histogram(ptrOf(this, 'histogram: tensor'), bins, min, max);
  }

  toString() {
    if (this.#storage === null) return 'Tensor(disposed)';
    const fmt = (v) => (Array.isArray(v) ? `[${v.map(fmt).join(',')}]` : String(v));
    const body = this.#size <= 64 ? fmt(this.toArray()) : `<${this.#size} values>`;
    return `Tensor(${body}, shape=${fmtShape(this.#shape)}${this.#requiresGrad ? ', requiresGrad=true' : ''})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() { return this.toString(); }

  get [BRAND]() { return true; }

  /**
   * Copy the elements (row-major) into `out`, a Float32Array the caller
   * owns, from index `offset` on, and return `out`: a memcpy, with no
   * fresh array (what `.data` must make, and what costs most of reading a
   * result: the engine's fresh memory). Reuse one array across calls (a
   * view that redraws every frame). RangeError if `out` has fewer than
   * `offset + size` elements.
   */
  copyTo(out, offset = 0) {
    // phase 1: the arguments, read through the typed-array intrinsics (a
    // subclass's getters or set() never run)
    if (TA_TAG.call(out) !== 'Float32Array') throw new TypeError(`copyTo: out must be a Float32Array, got ${describe(out)}`);
    const len = TA_LENGTH.call(out);
    checkInt(offset, 'copyTo: offset', 0, Math.max(len, 0));
    tensorArg(this, 'copyTo: tensor');
    const n = this.#size;
    if (len - offset < n) {
      throw new RangeError(`copyTo: out has ${len} elements, too few for the ${n} values of a tensor of shape ${fmtShape(this.#shape)} from offset ${offset}`);
    }
    // phase 2: one copy, from wasm memory (or from the spilled JS copy)
    const s = this.#storage;
    if (n === 0) return out;
    if (s.host !== null) F32_SET.call(out, s.host.subarray(0, n), offset);
    else s.runtime.copyF32(s.data, n, out, offset);
    return out;
  }
}

/** A Float32Array (by its intrinsic tag: no caller getter runs) whose buffer is not wasm memory. */
function isPlainF32(v) {
  return TA_TAG.call(v) === 'Float32Array' && TA_LENGTH.call(v) > 0 && TA_BUFFER.call(v) !== rt?.memory.buffer;
}

// The typed-array intrinsics copyTo reads its argument with.
const TYPED_ARRAY = Object.getPrototypeOf(Int8Array.prototype);
const TA_TAG = Object.getOwnPropertyDescriptor(TYPED_ARRAY, Symbol.toStringTag).get; // undefined for a non-typed array
const TA_LENGTH = Object.getOwnPropertyDescriptor(TYPED_ARRAY, 'length').get;
const TA_BUFFER = Object.getOwnPropertyDescriptor(TYPED_ARRAY, 'buffer').get;
const TA_OFFSET = Object.getOwnPropertyDescriptor(TYPED_ARRAY, 'byteOffset').get;
const F32_SET = TYPED_ARRAY.set;

function statsOf(t) {
  const p = ptrOf(t, 'stats: tensor');
  const [count, mean, std, min, max, zeros, nonFinite] = rt.core.stats(p);
  return { count, mean, std, min, max, zeros, nonFinite, norm: rt.core.norm(p) };
}

function binary(a, other, name) {
  tensorArg(a, `${name}: left operand`);
  const b = operandArg(other, `${name}: right operand`);
  return ops().binary(a, b, name, BINARY_OP[name]);
}

function reduce(a, name, axis, keepdims) {
  tensorArg(a, `${name}: tensor`);
  checkBool(keepdims, `${name}: keepdims`);
  const all = axis === null || axis === undefined;
  if (!all) checkAxis(axis, shapeOf(a).length, `${name}: axis`);
  return ops().reduce(a, name, REDUCE_OP[name], all ? null : axis, keepdims);
}

function factory(args, what, fill) {
  const [shapeArgs, opts] = splitOptions(args);
  const o = readOptions(opts, `Tensor.${what}`, FACTORY_OPTIONS);
  const dims = shapeArg(shapeArgs, `Tensor.${what}`);
  const gen = generatorPtr(o.generator, `Tensor.${what}: generator`);
  const t = wrap(newTensor(dims));
  if (fill) {
    try {
      fill(ptrOf(t, what), gen);
    } catch (e) {
      t.dispose();
      throw e;
    }
  }
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}
