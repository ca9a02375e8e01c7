// The module a student's code imports as 'tinytorch-wasm' inside the
// sandbox (QuickJS): this file only exports its source text, which runs in
// the sandbox, never in the page. It has no tensor maths of its own: a
// Tensor here holds a number (a handle in the host's table, web/build/host.js)
// and every op is a call to the host, which runs the page's own API on the
// host tensor behind the handle. `Module` is plain JS, the same logic as
// js/module.js (training, train()/eval(), children(), parameters()), so a
// student's class behaves as it does in Node.
//
// The host functions arrive as globalThis.__ttHost and the internals the
// host calls as globalThis.__ttInternal; the host takes both off the global
// object before the student's module runs, so student code reaches the host
// only through the classes below, and only the tensors it was given or made.
//
// The text must not contain a backtick or a dollar-brace (it is a template literal).

export const BRIDGE_SOURCE = String.raw`
const H = globalThis.__ttHost;
const TOKEN = Object.freeze({});
const byId = new Map(); // handle -> Tensor (one object per handle: identity holds)
const instances = new Map(); // instance id -> object handed to the host (the roots of what layers keep)
const instanceIds = new WeakMap();
const hostLayers = new Map(); // host layer id -> HostLayer
let nextInstance = 1;
let fresh = 0; // handles and instances made so far: a call that made none needs no walk at its end

class ShapeError extends Error {
  constructor(message) { super(message); this.name = 'ShapeError'; }
}
const ERRORS = { TypeError, RangeError, ShapeError, SyntaxError, ReferenceError, Error };
function makeError(name, message) {
  const C = Object.hasOwn(ERRORS, name) ? ERRORS[name] : Error;
  const e = new C(message);
  if (C === Error && name !== 'Error') e.name = name;
  return e;
}

function describe(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return 'the string ' + JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v);
  if (typeof v !== 'object' && typeof v !== 'function') return typeof v + ' ' + String(v);
  if (Array.isArray(v)) return 'an array of length ' + v.length;
  if (typeof v === 'function') return 'a function';
  return 'an object';
}

// ---- Tensor: a handle on a host tensor

class Tensor {
  #id;
  constructor(data, opts) {
    if (data === TOKEN) { this.#id = opts; return; }
    const o = opts === undefined ? {} : opts;
    if (o === null || typeof o !== 'object') throw new TypeError('Tensor: options must be an object like { requiresGrad: true, shape: [2, 3] }, got ' + describe(o));
    let shape = o.shape;
    let buf;
    if (typeof data === 'number' || typeof data === 'boolean') {
      buf = new Float32Array([+data]);
      if (shape === undefined) shape = [];
    } else if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
      buf = Float32Array.from(data, Number);
      if (shape === undefined) shape = [buf.length];
    } else if (Array.isArray(data)) {
      if (shape === undefined) {
        shape = [];
        let level = data;
        while (Array.isArray(level)) { shape.push(level.length); if (level.length === 0) break; level = level[0]; }
      }
      const flat = shape.length > 1 ? data.flat(shape.length - 1) : data;
      buf = new Float32Array(flat.length);
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError('Tensor: element ' + i + ' must be a number, got ' + describe(v));
        buf[i] = +v;
      }
    } else {
      throw new TypeError('Tensor: data must be a number, nested arrays or a typed array, got ' + describe(data));
    }
    if (!Array.isArray(shape)) throw new TypeError('Tensor: shape must be an array of sizes, got ' + describe(shape));
    this.#id = H.fromData(buf.buffer, JSON.stringify(shape), o.requiresGrad === undefined ? false : o.requiresGrad);
    byId.set(this.#id, this);
    fresh++;
  }
  static isTensor(v) { return v !== null && typeof v === 'object' && #id in v; }
  #h(what) {
    if (this.#id === 0) throw new TypeError(what + ': the Tensor is disposed');
    if (this.#id < 0) throw new TypeError(what + ': this Tensor was freed when the call that made it ended (it was neither returned nor stored in a property of a layer, e.g. this.mask = t); keep what you need on the layer');
    return this.#id;
  }
  get shape() { return JSON.parse(H.get(this.#h('shape'), 'shape')); }
  get size() { return H.get(this.#h('size'), 'size'); }
  get ndim() { return H.get(this.#h('ndim'), 'ndim'); }
  get isDisposed() { return this.#id === 0 || H.get(this.#id, 'isDisposed'); }
  get requiresGrad() { return H.get(this.#h('requiresGrad'), 'requiresGrad'); }
  set requiresGrad(v) { H.set(this.#h('requiresGrad'), 'requiresGrad', v); }
  get grad() { return wrapId(H.get(this.#h('grad'), 'grad')); }
  set grad(g) { H.set(this.#h('grad'), 'grad', g === null ? null : idOf(g, 'grad')); }
  get gradFn() { return H.get(this.#h('gradFn'), 'gradFn'); }
  get isLeaf() { return H.get(this.#h('isLeaf'), 'isLeaf'); }
  get data() { return new Float32Array(H.data(this.#h('data'))); }
  toArray() {
    const shape = this.shape;
    const flat = this.data;
    if (shape.length === 0) return flat[0];
    let i = 0;
    const build = (d) => Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? flat[i++] : build(d + 1)));
    return build(0);
  }
  item() { return H.get(this.#h('item'), 'item'); }
  dispose() {
    if (this.#id <= 0) { this.#id = 0; return; }
    H.dispose(this.#id);
    byId.delete(this.#id);
    this.#id = 0;
  }
  clone() { return op(this, 'clone'); }
  detach() { return op(this, 'detach'); }
  backward(grad) { H.op(this.#h('backward'), 'backward', JSON.stringify([grad === undefined ? null : { $t: idOf(grad, 'backward: grad') }])); }
  add(other) { return binary(this, other, 'add'); }
  sub(other) { return binary(this, other, 'sub'); }
  mul(other) { return binary(this, other, 'mul'); }
  div(other) { return binary(this, other, 'div'); }
  matmul(other) { return wrapId(H.op(this.#h('matmul'), 'matmul', JSON.stringify([{ $t: idOf(other, 'matmul: right operand') }]))); }
  reshape(...shape) { return op(this, 'reshape', ...shape); }
  transpose(...dims) { return op(this, 'transpose', ...dims); }
  sum(...a) { return op(this, 'sum', ...a); }
  mean(...a) { return op(this, 'mean', ...a); }
  max(...a) { return op(this, 'max', ...a); }
  stats() { return JSON.parse(H.op(this.#h('stats'), 'stats', '[]')); }
  histogram(...a) { return JSON.parse(H.op(this.#h('histogram'), 'histogram', JSON.stringify(a))); }
  toString() { return this.#id <= 0 ? 'Tensor(disposed)' : H.op(this.#id, 'toString', '[]'); }
  static zeros(...a) { return factory('zeros', a); }
  static ones(...a) { return factory('ones', a); }
  static randn(...a) { return factory('randn', a); }
  static rand(...a) { return factory('rand', a); }
  static _id(t) { return t.#id; }
  static _kill(t, how) { if (t.#id > 0) t.#id = how; }
}
const tensorId = Tensor._id;
const killTensor = Tensor._kill;
delete Tensor._id;
delete Tensor._kill;
const isTensor = Tensor.isTensor;
delete Tensor.isTensor;

function idOf(t, what) {
  if (!isTensor(t)) throw new TypeError(what + ' must be a Tensor, got ' + describe(t));
  const id = tensorId(t);
  if (id === 0) throw new TypeError(what + ': the Tensor is disposed');
  if (id < 0) throw new TypeError(what + ': this Tensor was freed when the call that made it ended (store it on the layer to keep it)');
  return id;
}
function wrapId(id) {
  if (id === null || id === undefined) return null;
  let t = byId.get(id);
  if (!t) { t = new Tensor(TOKEN, id); byId.set(id, t); fresh++; }
  return t;
}
function op(t, name, ...args) { return wrapId(H.op(idOf(t, name + ': tensor'), name, JSON.stringify(args.map(enc)))); }
function binary(t, other, name) {
  const b = typeof other === 'number' || typeof other === 'boolean' ? enc(+other) : { $t: idOf(other, name + ': right operand') };
  return wrapId(H.op(idOf(t, name + ': left operand'), name, JSON.stringify([b])));
}
function factory(name, args) {
  let opts;
  if (args.length && args[args.length - 1] !== null && typeof args[args.length - 1] === 'object' && !Array.isArray(args[args.length - 1])) opts = args.pop();
  if (opts !== undefined && opts.generator !== undefined) throw new TypeError('Tensor.' + name + ': the generator option is not available in the page\'s sandbox; draw from the default generator (seed it with manualSeed)');
  const shape = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  return wrapId(H.factory(name, JSON.stringify(shape), opts !== undefined && opts.requiresGrad === true));
}

// ---- values crossing to the host: JSON with tagged handles

function enc(v, depth = 0) {
  if (depth > 32) throw new RangeError('a value passed to the page is nested more than 32 levels deep');
  if (v === undefined) return { $u: 1 };
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $n: String(v) };
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return { $n: String(v) };
  if (typeof v === 'function') return { $f: String(v.name || 'anonymous') };
  if (typeof v !== 'object') return { $x: typeof v };
  if (isTensor(v)) return { $t: idOf(v, 'a Tensor passed to the page') };
  if (v instanceof HostLayer) return { $h: v._hid };
  if (Array.isArray(v)) return v.map((x) => enc(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const out = {};
    for (const k of Object.keys(v)) out[k] = enc(v[k], depth + 1);
    return { $o: out };
  }
  return { $m: register(v), name: className(v) };
}
function className(v) {
  try { const n = v.constructor.typeName || v.constructor.name; return typeof n === 'string' ? n.slice(0, 60) : 'Object'; } catch (e) { return 'Object'; }
}
function register(obj) {
  let id = instanceIds.get(obj);
  if (id === undefined) { id = nextInstance++; instanceIds.set(obj, id); instances.set(id, obj); fresh++; }
  return id;
}
function dec(v) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(dec);
  if ('$t' in v) return wrapId(v.$t);
  if ('$m' in v) { const o = instances.get(v.$m); if (!o) throw new TypeError('that layer was disposed'); return o; }
  if ('$h' in v) return hostLayer(v.$h, v.name);
  if ('$u' in v) return undefined;
  if ('$n' in v) return Number(v.$n);
  if ('$o' in v) { const out = {}; for (const k of Object.keys(v.$o)) out[k] = dec(v.$o[k]); return out; }
  return undefined;
}

// ---- Module: js/module.js's logic, in plain JS

class Module {
  static typeName = 'Module';
  training = true;
  constructor() { register(this); }
  children() { return []; }
  _ownParameters() { return []; }
  namedParameters() {
    const out = [];
    const seenTensors = new Set();
    const seenModules = new Set();
    const add = (name, t) => { if (!seenTensors.has(t)) { seenTensors.add(t); out.push([name, t]); } };
    const walk = (m, prefix) => {
      if (seenModules.has(m)) return;
      seenModules.add(m);
      if (m !== this && m.parameters !== Module.prototype.parameters && m._ownParameters === Module.prototype._ownParameters) {
        m.parameters().forEach((t, i) => add(prefix + i, t));
        return;
      }
      for (const [n, t] of m._ownParameters()) add(prefix + n, t);
      m.children().forEach((c, i) => walk(c, prefix + i + '.'));
    };
    walk(this, '');
    return out;
  }
  parameters() { return this.namedParameters().map((e) => e[1]); }
  train(mode = true) {
    if (typeof mode !== 'boolean') throw new TypeError((this.constructor.typeName || this.constructor.name) + '.train: mode must be a boolean, got ' + describe(mode));
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval() { return this.train(false); }
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
  zeroGrad() { for (const p of this.parameters()) p.grad = null; }
  dispose() { for (const m of this.modules()) if (m !== this) m._disposeOwn(); this._disposeOwn(); }
  _disposeOwn() {}
  forward(x) { throw new Error((this.constructor.typeName || this.constructor.name) + '.forward is not implemented'); }
  toString() { return (this.constructor.typeName || this.constructor.name) + '()'; }
}

// A layer of the page's API (ReLU, or one the host passed in): its forward runs on the host.
class HostLayer extends Module {
  #hid;
  constructor(hid, name) {
    super();
    delete this.training; // the accessor below reads the host layer's own flag
    instances.delete(instanceIds.get(this)); // a host object, not a root of the student's own
    if (hid === TOKEN) { this.#hid = H.newLayer(name); } else { this.#hid = hid; }
    hostLayers.set(this.#hid, this);
  }
  get _hid() { return this.#hid; }
  get training() { return H.layer(this.#hid, 'training', '[]'); }
  set training(v) { H.layer(this.#hid, 'setTraining', JSON.stringify([enc(v)])); }
  forward(x) { return dec(JSON.parse(H.layer(this.#hid, 'forward', JSON.stringify([enc(x)])))); }
  parameters() { return dec(JSON.parse(H.layer(this.#hid, 'parameters', '[]'))); }
  toString() { return H.layer(this.#hid, 'toString', '[]'); }
}
function hostLayer(hid, name) {
  const l = hostLayers.get(hid);
  if (l) return l;
  return new HostLayer(hid, name);
}
function activation(name) {
  const C = class extends HostLayer { constructor() { super(TOKEN, name); } };
  Object.defineProperty(C, 'name', { value: name });
  C.typeName = name;
  return C;
}
const ReLU = activation('ReLU');
const Sigmoid = activation('Sigmoid');
const Tanh = activation('Tanh');
const GELU = activation('GELU');
const Softmax = activation('Softmax');

function manualSeed(seed) { H.manualSeed(seed); }

// noGrad, isGradEnabled, tidy and keep, as the package has them (js/autograd.js, js/scope.js)
function noGrad(fn) {
  if (typeof fn !== 'function') throw new TypeError('noGrad: expected a function, got ' + describe(fn));
  return H.noGrad(fn);
}
function isGradEnabled() { return H.isGradEnabled(); }
const keptFromTidy = new WeakSet();
function keep(t) { idOf(t, 'keep: tensor'); keptFromTidy.add(t); return t; }
function tidy(fn) {
  if (typeof fn !== 'function') throw new TypeError('tidy: expected a function, got ' + describe(fn));
  const before = new Set(byId.keys());
  const result = fn();
  const inResult = new Set();
  const seen = new Set();
  const stack = [result];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (isTensor(v)) { inResult.add(v); continue; }
    if (v instanceof Map) { for (const [k, x] of v) stack.push(k, x); continue; }
    if (v instanceof Set) { for (const x of v) stack.push(x); continue; }
    const proto = Object.getPrototypeOf(v);
    if (Array.isArray(v) || proto === Object.prototype || proto === null) for (const k of Object.keys(v)) stack.push(v[k]);
  }
  for (const [id, t] of [...byId]) if (!before.has(id) && !inResult.has(t) && !keptFromTidy.has(t)) t.dispose();
  return result;
}

// ---- what the host calls (taken off the global object before student code runs)

function errorRecord(e) {
  let name = 'Error';
  let message;
  let stack = '';
  let nonError = false;
  try {
    if (e instanceof Error) {
      name = String(e.name);
      message = String(e.message);
      stack = String(e.stack || '');
    } else {
      nonError = true;
      message = describe(e);
    }
  } catch (e2) {
    message = 'an error that could not be read';
  }
  return { $err: { name: name.slice(0, 60), message: message.slice(0, 2000), stack: stack.slice(0, 4000), nonError } };
}
function settleRecord(result, walk = true) {
  // no new handle or instance since the call began: nothing for the host to decide (what a layer
  // let go of in such a call is freed at the end of the next call that walks)
  if (!walk) return { result, reach: 'same' };
  // every handle reachable from the layers' own properties: what the layers keep
  const reach = [];
  const seen = new Set();
  const stack = [...instances.values()];
  let steps = 0;
  try {
    while (stack.length) {
      const v = stack.pop();
      if (v === null || typeof v !== 'object' || seen.has(v)) continue;
      seen.add(v);
      if (++steps > 200000) throw new RangeError('too many objects on your layers');
      if (isTensor(v)) { const id = tensorId(v); if (id > 0) reach.push(id); continue; }
      if (v instanceof Map) { for (const [k, x] of v) stack.push(k, x); continue; }
      if (v instanceof Set) { for (const x of v) stack.push(x); continue; }
      const descs = Object.getOwnPropertyDescriptors(v);
      for (const k of Object.keys(descs)) if ('value' in descs[k]) stack.push(descs[k].value);
    }
  } catch (e) {
    return { result, reach: null };
  }
  return { result, reach };
}
function run(fn) {
  const start = fresh;
  try {
    const result = enc(fn());
    return JSON.stringify(settleRecord(result, fresh !== start));
  } catch (e) {
    return JSON.stringify(settleRecord(errorRecord(e)));
  }
}
globalThis.__ttInternal = {
  construct(cls, argsJson) {
    return run(() => {
      const C = exportsOf[cls];
      const obj = Reflect.construct(C, dec(JSON.parse(argsJson)));
      register(obj);
      return obj;
    });
  },
  call(inst, method, argsJson) {
    return run(() => {
      const obj = instances.get(inst);
      if (!obj) throw new TypeError('this layer was disposed');
      const f = obj[method];
      if (typeof f !== 'function' && method === 'children') return []; // a class that does not extend Module: no children
      if (typeof f !== 'function') throw new TypeError((className(obj)) + '.' + method + ' is not a function');
      return f.apply(obj, dec(JSON.parse(argsJson)));
    });
  },
  get(inst, key) {
    return run(() => {
      const obj = instances.get(inst);
      if (!obj) throw new TypeError('this layer was disposed');
      return obj[key];
    });
  },
  getMany(inst, keysJson) {
    return run(() => {
      const obj = instances.get(inst);
      if (!obj) throw new TypeError('this layer was disposed');
      const out = {};
      for (const k of JSON.parse(keysJson)) out[k] = obj[k];
      return out;
    });
  },
  set(inst, key, valueJson) {
    return run(() => {
      const obj = instances.get(inst);
      if (!obj) throw new TypeError('this layer was disposed');
      obj[key] = dec(JSON.parse(valueJson))[0];
    });
  },
  release(inst) { instances.delete(inst); return JSON.stringify(settleRecord(undefined, true)); },
  settle() { return JSON.stringify(settleRecord(undefined, true)); },
  kill(idsJson, how) {
    for (const id of JSON.parse(idsJson)) { const t = byId.get(id); if (t) { killTensor(t, how); byId.delete(id); } }
  },
  makeError,
  setExports(ns) {
    const out = {};
    for (const k of Object.keys(ns)) {
      const v = ns[k];
      if (typeof v === 'function') { exportsOf[k] = v; out[k] = { $c: k, name: String(v.name || k).slice(0, 60) }; } else out[k] = enc(v);
    }
    return JSON.stringify(settleRecord(out));
  },
};
const exportsOf = Object.create(null);

export { Tensor, Module, ShapeError, ReLU, Sigmoid, Tanh, GELU, Softmax, manualSeed, noGrad, isGradEnabled, tidy, keep };
`;
