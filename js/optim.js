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
import { gradOf, isTensor, nodeOf, ptrOf, shapeOf, storageOf, tensorArg, wrap } from './tensor.js';
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

/**
 * What SGD and Adam share (torch.optim.Optimizer): parameter groups, per-
 * parameter state, zeroGrad(), an atomic step(). Exported for instanceof;
 * make an SGD or an Adam.
 */
export class Optimizer {
  #groups;
  #state = new Map(); // parameter -> { step, buffers: { name: Tensor } }
  #spec;
  #name;
  #disposed = false;

  /**
   * params: an iterable of Tensors (e.g. net.parameters()), or an array of
   * groups { params, ...options } whose options override the defaults.
   */
  constructor(name, params, defaults, spec) {
    if (new.target === Optimizer) throw new TypeError('Optimizer is the base class of SGD and Adam; make one of those');
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

  /**
   * Clear every parameter's gradient: set it to null (PyTorch's default),
   * or fill it with zeros in place (a graph that saved that gradient then
   * refuses to backpropagate, as PyTorch's version counter does).
   */
  zeroGrad({ setToNone = true } = {}) {
    checkBool(setToNone, `${this.#name}.zeroGrad: setToNone`);
    for (const [, params] of this.#readGroups('zeroGrad')) {
      for (const p of params) {
        if (storageOf(p) === null) continue;
        const grad = gradOf(p);
        if (grad === null || storageOf(grad) === null) continue;
        if (setToNone) {
          p.grad = null;
        } else {
          rt.core.tensorFill(ptrOf(grad, 'grad'), 0);
          storageOf(grad).version++;
        }
      }
    }
  }

  /**
   * The groups as they are now (paramGroups can be changed between steps):
   * [options, params] per group, each entry read once and checked, so a
   * non-tensor pushed into params is a TypeError that names it.
   */
  #readGroups(method) {
    const what = `${this.#name}.${method}`;
    const groups = this.#groups;
    if (!Array.isArray(groups)) throw new TypeError(`${what}: paramGroups must be an array, got ${describe(groups)}`);
    const seen = new Set();
    return Array.from(groups, (g, gi) => {
      if (g === null || typeof g !== 'object') throw new TypeError(`${what}: paramGroups[${gi}] must be an object { params, ...options }, got ${describe(g)}`);
      const { params, ...o } = g;
      if (!Array.isArray(params)) throw new TypeError(`${what}: paramGroups[${gi}].params must be an array of Tensors, got ${describe(params)}`);
      const list = Array.from(params);
      list.forEach((p, i) => {
        const at = `${what}: paramGroups[${gi}].params[${i}]`;
        if (!isTensor(p)) tensorArg(p, at); // throws, naming the entry
        if (nodeOf(p) !== null) throw new RangeError(`${at} is the result of an op; optimizers update leaf tensors (parameters), not results`);
        if (seen.has(p)) throw new RangeError(`${at} appears twice in the parameter groups; a step would update it twice`);
        seen.add(p);
      });
      return [method === 'step' ? this.#readGroupOptions(o, `${what}: group ${gi}`, null) : null, list];
    });
  }

  /**
   * Update every parameter that has a gradient, once. All or nothing: every
   * option, parameter and gradient is checked and every new state buffer
   * allocated before the first parameter changes.
   */
  step() {
    if (this.#disposed) throw new TypeError(`${this.#name}.step: the optimizer was disposed (its state is gone); make a new one`);
    // phase 1: read and check everything
    const groups = this.#readGroups('step');
    const work = [];
    groups.forEach(([o, params], gi) => {
      params.forEach((p, i) => {
        const at = `${this.#name}.step: paramGroups[${gi}].params[${i}]`;
        if (storageOf(p) === null) throw new TypeError(`${at} was disposed; make a new optimizer for the new parameters`);
        const grad = gradOf(p);
        if (grad === null) return;
        if (storageOf(grad) === null) throw new TypeError(`${at} has a disposed .grad; set it to null or run backward() again`);
        work.push([p, grad, o]);
      });
    });
    // phase 2: every state buffer this step needs (all freed again if one cannot be made)
    const made = new Map(); // parameter -> state, first step
    const allocated = []; // [state, buffer name]
    try {
      for (const [p, , o] of work) {
        let st = this.#state.get(p) ?? made.get(p);
        if (st === undefined) made.set(p, (st = { step: 0, buffers: this._newState(o) }));
        for (const name of this._allocate(st, o, shapeOf(p))) allocated.push([st, name]);
      }
    } catch (e) {
      for (const [st, name] of allocated) {
        st.buffers[name].dispose();
        st.buffers[name] = null;
      }
      throw e;
    }
    for (const [p, st] of made) this.#state.set(p, st);
    // phase 3: update, in the core
    for (const [p, grad, o] of work) {
      const st = this.#state.get(p);
      st.step++;
      this._update(p, ptrOf(p, 'parameter'), ptrOf(grad, 'grad'), st, o);
      storageOf(p).version++; // written in place: autograd refuses a stale saved copy
    }
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

  /** Free the optimizer's state buffers; a later step() throws. The parameters stay. Idempotent. */
  dispose() {
    for (const st of this.#state.values()) for (const b of Object.values(st.buffers)) b?.dispose();
    this.#state.clear();
    this.#disposed = true;
  }

  /** The names of the state buffers of one parameter: { name: null }. */
  _newState() { return {}; }

  /** Allocate the buffers st needs for this step (zeros); returns their names. */
  _allocate() { return []; }

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

  _allocate(st, o, shape) {
    // PyTorch makes the buffer on the first step with momentum: buf = g
    if (o.momentum === 0 || st.buffers.momentumBuffer) return [];
    st.buffers.momentumBuffer = this._zeros(shape);
    st.fresh = true;
    return ['momentumBuffer'];
  }

  _update(param, p, g, st, o) {
    const created = st.fresh === true;
    st.fresh = false;
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

  _newState() { return { expAvg: null, expAvgSq: null }; }

  _allocate(st, o, shape) {
    const out = [];
    for (const name of ['expAvg', 'expAvgSq']) {
      if (!st.buffers[name]) {
        st.buffers[name] = this._zeros(shape);
        out.push(name);
      }
    }
    return out;
  }

  _update(param, p, g, st, o) {
    rt.core.adamStep(p, g, ptrOf(st.buffers.expAvg, 'expAvg'), ptrOf(st.buffers.expAvgSq, 'expAvgSq'), st.step, o);
  }
}
