// Optimizers: SGD and Adam with PyTorch's update rules (torch/optim/sgd.py,
// adam.py), the arithmetic in the core (src/tt_optim.c). State lives per
// parameter, as PyTorch's does: SGD with momentum keeps a momentumBuffer,
// Adam keeps expAvg, expAvgSq and its step count; stateBytes() counts them
// for the memory ledger.
//
//   SGD:  g = grad + weightDecay·p
//         buf = g (first step) | momentum·buf + (1 − dampening)·g
//         g = nesterov ? g + momentum·buf : buf      (when momentum ≠ 0)
//         p = p − lr·g
//   Adam: g = grad + weightDecay·p;  t = t + 1
//         m = β₁·m + (1 − β₁)·g;  v = β₂·v + (1 − β₂)·g²
//         p = p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)

import { rt } from './core.js';
import { gradOf, ptrOf, shapeOf, storageOf, tensorArg, wrap } from './tensor.js';
import { keep } from './scope.js';
import { checkBool, checkFinite, isPlainObject } from './checks.js';
import { describe } from './errors.js';

const nonNeg = (v, what) => {
  checkFinite(v, what);
  if (v < 0) throw new RangeError(`${what} must be >= 0, got ${describe(v)}`);
  return v;
};
const unitOpen = (v, what) => {
  checkFinite(v, what);
  if (!(v >= 0 && v < 1)) throw new RangeError(`${what} must be in [0, 1), got ${describe(v)}`);
  return v;
};
const betasArg = (v, what) => {
  if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${what} must be an array [beta1, beta2], got ${describe(v)}`);
  const b = [v[0], v[1]];
  return Object.freeze([unitOpen(b[0], `${what}[0]`), unitOpen(b[1], `${what}[1]`)]);
};

class Optimizer {
  #groups;
  #state = new Map(); // parameter -> { step, buffers: { name: Tensor } }
  #spec;
  #name;

  /**
   * params: an iterable of Tensors (e.g. net.parameters()), or an array of
   * groups { params, ...options } whose options override the defaults.
   */
  constructor(name, params, defaults, spec) {
    this.#name = name;
    this.#spec = spec;
    const base = this.#readGroupOptions(defaults, name, null);
    let groups;
    let list;
    try {
      list = Array.from(params);
    } catch {
      throw new TypeError(`${name}: params must be an iterable of Tensors or of parameter groups, got ${describe(params)}`);
    }
    if (list.length && isPlainObject(list[0])) {
      groups = list.map((g, i) => {
        if (!isPlainObject(g)) throw new TypeError(`${name}: parameter group ${i} must be an object { params, ...options }, got ${describe(g)}`);
        const { params: p, ...opts } = g;
        return { params: this.#readParams(p, `${name}: group ${i}`), ...this.#readGroupOptions(opts, `${name}: group ${i}`, base) };
      });
    } else {
      groups = [{ params: this.#readParams(list, name), ...base }];
    }
    const seen = new Set();
    for (const g of groups) {
      for (const p of g.params) {
        if (seen.has(p)) throw new RangeError(`${name}: a parameter appears in more than one parameter group`);
        seen.add(p);
      }
    }
    if (seen.size === 0) throw new RangeError(`${name}: got an empty list of parameters`);
    this.#groups = groups;
  }

  #readParams(p, what) {
    let list;
    try {
      list = Array.from(p);
    } catch {
      throw new TypeError(`${what}: params must be an iterable of Tensors, got ${describe(p)}`);
    }
    const out = [];
    list.forEach((t, i) => {
      tensorArg(t, `${what}: parameter ${i}`);
      if (!t.requiresGrad) throw new RangeError(`${what}: parameter ${i} does not require grad; an optimizer only updates tensors with requiresGrad`);
      if (!t.isLeaf) throw new RangeError(`${what}: parameter ${i} is the result of an op; optimizers update leaf tensors (parameters), not results`);
      if (!out.includes(t)) out.push(t);
    });
    return out;
  }

  #readGroupOptions(opts, what, base) {
    if (opts === undefined) opts = {};
    if (!isPlainObject(opts)) throw new TypeError(`${what}: options must be an object literal, got ${describe(opts)}`);
    const out = {};
    for (const key of Object.keys(opts)) {
      if (!Object.hasOwn(this.#spec, key)) throw new TypeError(`${what}: unknown option ${JSON.stringify(key)}; expected ${Object.keys(this.#spec).join(', ')}`);
    }
    for (const [key, [dflt, check]] of Object.entries(this.#spec)) {
      const v = opts[key];
      if (v !== undefined) out[key] = check(v, `${what}: ${key}`);
      else if (base) out[key] = base[key];
      else if (dflt === REQUIRED) throw new TypeError(`${what}: ${key} is required`);
      else out[key] = dflt;
    }
    this._checkCombination(out, what);
    return out;
  }

  _checkCombination() {}

  /**
   * The parameter groups: { params, ...options }. Options may be changed
   * between steps (a learning-rate schedule sets group.lr); step() checks
   * them again.
   */
  get paramGroups() { return this.#groups; }

  /** Clear every parameter's gradient: set it to null (PyTorch's default), or fill it with zeros. */
  zeroGrad({ setToNone = true } = {}) {
    checkBool(setToNone, `${this.#name}.zeroGrad: setToNone`);
    for (const g of this.#groups) {
      for (const p of g.params) {
        if (storageOf(p) === null) continue;
        const grad = gradOf(p);
        if (grad === null) continue;
        if (setToNone) p.grad = null;
        else rt.core.tensorFill(ptrOf(grad, 'grad'), 0);
      }
    }
  }

  /** Update every parameter that has a gradient, once. */
  step() {
    // phase 1: every group's options, read once and checked
    const opts = this.#groups.map((g, i) => {
      const { params, ...o } = g;
      return this.#readGroupOptions(o, `${this.#name}.step: group ${i}`, null);
    });
    // phases 2 and 3: for each parameter, resolve and update in the core
    this.#groups.forEach((g, gi) => {
      for (const p of g.params) {
        if (storageOf(p) === null) throw new TypeError(`${this.#name}.step: a parameter was disposed; make a new optimizer for the new parameters`);
        const grad = gradOf(p);
        if (grad === null) continue;
        let st = this.#state.get(p);
        if (st === undefined) this.#state.set(p, (st = { step: 0, buffers: this._newState(opts[gi], shapeOf(p)) }));
        st.step++;
        this._update(p, ptrOf(p, 'parameter'), ptrOf(grad, 'grad'), st, opts[gi]);
        storageOf(p).version++; // written in place: autograd refuses a stale saved copy
      }
    });
  }

  /** Bytes of optimizer state (float32 buffers), for the memory ledger. */
  stateBytes() {
    let n = 0;
    for (const st of this.#state.values()) for (const b of Object.values(st.buffers)) if (b) n += b.size * 4;
    return n;
  }

  /** The state of one parameter: { step, ...buffers } (tensors owned by the optimizer), or undefined. */
  state(param) {
    const st = this.#state.get(param);
    return st && { step: st.step, ...st.buffers };
  }

  /** Free the optimizer's state buffers. The parameters stay. */
  dispose() {
    for (const st of this.#state.values()) for (const b of Object.values(st.buffers)) b?.dispose();
    this.#state.clear();
  }

  _zeros(shape) { return keep(wrap(rt.core.tensorNew(shape))); }
}

const REQUIRED = Symbol('required');

export class SGD extends Optimizer {
  /** SGD(params, { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false }) */
  constructor(params, options) {
    super('SGD', params, options, {
      lr: [REQUIRED, nonNeg], momentum: [0, nonNeg], dampening: [0, checkFinite],
      weightDecay: [0, nonNeg], nesterov: [false, checkBool],
    });
  }

  _checkCombination(o, what) {
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError(`${what}: Nesterov momentum requires a momentum > 0 and zero dampening`);
    }
  }

  _newState() { return { momentumBuffer: null }; }

  _update(param, p, g, st, o) {
    // PyTorch makes the buffer on the first step with momentum: buf = g
    let created = false;
    if (o.momentum !== 0 && !st.buffers.momentumBuffer) {
      st.buffers.momentumBuffer = this._zeros(shapeOf(param));
      created = true;
    }
    const buf = o.momentum !== 0 ? ptrOf(st.buffers.momentumBuffer, 'momentumBuffer') : 0;
    rt.core.sgdStep(p, g, buf, o, created);
  }
}

export class Adam extends Optimizer {
  /** Adam(params, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 }) */
  constructor(params, options) {
    super('Adam', params, options, {
      lr: [1e-3, nonNeg], betas: [Object.freeze([0.9, 0.999]), betasArg], eps: [1e-8, nonNeg], weightDecay: [0, nonNeg],
    });
  }

  _newState(o, shape) { return { expAvg: this._zeros(shape), expAvgSq: this._zeros(shape) }; }

  _update(param, p, g, st, o) {
    rt.core.adamStep(p, g, ptrOf(st.buffers.expAvg, 'expAvg'), ptrOf(st.buffers.expAvgSq, 'expAvgSq'), st.step, o);
  }
}
