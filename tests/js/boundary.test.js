// The JS/C boundary under hostile callers: code that runs inside a getter,
// a Proxy trap or a subclass in the middle of a call. Each repro (issue 9)
// must end in a correct result or a TypeError/RangeError/ShapeError, with
// memoryInfo() back at its baseline and a canary computation still exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Tensor, Linear, Dropout, ReLU, Sequential, Module, ShapeError, tidy, memoryInfo, manualSeed,
} from '../../js/index.js';

const canary = () => tidy(() => new Tensor([[1, 2, 3], [4, 5, 6]]).matmul(new Tensor([[1], [1], [1]])).add(0.5).toArray());
const FORGED = () => new Float32Array(new Uint32Array([0xFFFFFFF0, 8, 1, 8, 1, 1, 1, 0x7454656e]).buffer);

/**
 * Run a hostile call. `fn(made)` may push tensors it makes into `made`;
 * they and the call's result are disposed after. The call must return
 * `expected` (if given) or throw one of the documented classes; the canary
 * must still be exact.
 */
function hostile(name, fn, { expected, error } = {}) {
  const made = [];
  let result;
  let thrown = null;
  try {
    result = fn(made);
  } catch (e) {
    thrown = e;
  }
  if (thrown) {
    assert.ok(thrown instanceof TypeError || thrown instanceof RangeError || thrown instanceof ShapeError,
      `${name}: threw ${thrown?.constructor?.name}: ${thrown?.message}`);
    if (error) assert.ok(thrown instanceof error, `${name}: expected ${error.name}, got ${thrown.constructor.name}: ${thrown.message}`);
  } else {
    assert.equal(error, undefined, `${name}: expected a ${error?.name}, got a result`);
    if (expected !== undefined) assert.deepEqual(result instanceof Tensor ? result.toArray() : result, expected, name);
  }
  if (result instanceof Tensor) result.dispose();
  for (const t of made) t?.dispose?.();
  assert.deepEqual(canary(), [[6.5], [15.5]], `${name}: canary`);
  return thrown;
}

/** A test body that must leave memoryInfo() where it found it. */
const leakFree = (body) => () => {
  const before = memoryInfo();
  body();
  const after = memoryInfo();
  assert.equal(after.tensors, before.tensors, `tensors ${before.tensors} -> ${after.tensors}`);
  assert.equal(after.bytes, before.bytes, `bytes ${before.bytes} -> ${after.bytes}`);
  assert.equal(after.generators, before.generators, 'generators');
};

test('1. a shape getter that frees the tensor and forges a header cannot make the core read it', leakFree(() => {
  const t = new Tensor([1, 2, 3, 4, 5, 6, 7, 8]);
  const shape = [2, 4];
  Object.defineProperty(shape, 0, {
    get() {
      t.dispose();
      shape.made = new Tensor(FORGED());
      return 2;
    },
  });
  hostile('reshape', (made) => {
    try { return t.reshape(shape); } finally { made.push(shape.made); }
  }, { error: TypeError });
}));

test('1/2. Proxy operands run no trap between handle lookup and the core call', leakFree(() => {
  for (const op of ['add', 'sub', 'mul', 'div', 'matmul']) {
    const a = new Tensor(op === 'matmul' ? [[1, 2, 3]] : [1, 2, 3]);
    const b = new Tensor(op === 'matmul' ? [[10], [20], [30]] : [10, 20, 30]);
    const made = [];
    const evil = () => {
      a.dispose();
      made.push(new Tensor(FORGED()), new Tensor([1000, 2000, 3000]));
    };
    const pb = new Proxy(b, {
      getPrototypeOf(target) { evil(); return Reflect.getPrototypeOf(target); },
      get(target, key, recv) { evil(); return Reflect.get(target, key, recv); },
    });
    hostile(op, (m) => { try { return a[op](pb); } finally { m.push(...made); } }, { error: TypeError });
    b.dispose();
  }
}));

test('2. a Proxy that frees the left operand never yields another tensor\'s data', leakFree(() => {
  const a = new Tensor([1, 2, 3]);
  const b = new Tensor([10, 20, 30]);
  const made = [];
  const pb = new Proxy(b, { get(t, k, r) { if (!a.isDisposed) { a.dispose(); made.push(new Tensor([1000, 2000, 3000])); } return Reflect.get(t, k, r); } });
  hostile('add', (m) => { try { return a.add(pb); } finally { m.push(...made); } }, { error: TypeError });
  // without the allocation, a disposed operand is a TypeError too
  const c = new Tensor([1, 2, 3]);
  c.dispose();
  hostile('disposed', () => c.add(b), { error: TypeError });
  b.dispose();
}));

test('1/2. subclasses with hostile getters and methods get correct results', leakFree(() => {
  class Evil extends Tensor {
    get shape() { return [999]; }
    get size() { return 1e9; }
    stats() { throw new Error('never called'); }
  }
  manualSeed(1);
  const x = new Evil([[1, 2], [3, 4]]);
  const d = new Dropout(0.5);
  hostile('Dropout.forward(subclass)', () => {
    const y = d.forward(x);
    const values = y.toArray();
    const mask = d.mask.toArray();
    // each element is 0 or 2x, as the mask says
    values.flat().forEach((v, i) => assert.equal(v, mask.flat()[i] ? 2 * [1, 2, 3, 4][i] : 0));
    return y;
  });
  hostile('histogram(subclass)', () => x.histogram(3), { expected: { counts: [1, 1, 2], edges: [1, 2, 3, 4] } });
  hostile('reshape(subclass)', () => x.reshape(4), { expected: [1, 2, 3, 4] });
  d.dispose();
  x.dispose();
}));

test('3. copy-in reads each source value once, before allocating', leakFree(() => {
  // a getter that grows wasm memory mid-copy
  const arr = [1, 2, 3, 4];
  const made = [];
  Object.defineProperty(arr, 1, { get() { made.push(Tensor.zeros(4 * 1024 * 1024)); return 2; } });
  hostile('grow', (m) => { try { return new Tensor(arr, { shape: [4] }); } finally { m.push(...made); } }, { expected: [1, 2, 3, 4] });
  // a getter that throws leaves nothing allocated
  const bad = [1, 2, 3];
  Object.defineProperty(bad, 2, { get() { throw new TypeError('nope'); } });
  hostile('throw', () => new Tensor(bad, { shape: [3] }), { error: TypeError });
  // a value checked as a number is the value copied
  let reads = 0;
  const flip = [0, 0];
  Object.defineProperty(flip, 0, { get() { return reads++ === 0 ? 7 : 'not a number'; } });
  hostile('flip', () => new Tensor(flip), { expected: [7, 0] });
  assert.equal(reads, 1);
}));

test('4. factories read their options once and leak nothing when they throw', leakFree(() => {
  for (const f of ['zeros', 'ones', 'randn', 'rand']) {
    let reads = 0;
    hostile(f, () => Tensor[f](3, { get requiresGrad() { reads++; throw new RangeError('boom'); } }), { error: RangeError });
    assert.equal(reads, 1, `${f}: requiresGrad read ${reads} times`);
  }
}));

test('4. tidy() keeps what its result holds: cycles, Maps, null-prototype holders, any depth', leakFree(() => {
  const base = memoryInfo().tensors;
  const cyclic = tidy(() => { const a = [Tensor.ones(2), Tensor.zeros(1)]; a.push(a); Tensor.ones(3); return a; });
  assert.equal(memoryInfo().tensors, base + 2);
  assert.deepEqual(cyclic[0].toArray(), [1, 1]);
  cyclic[0].dispose(); cyclic[1].dispose();

  const m = tidy(() => new Map([['w', Tensor.ones(2)], [Tensor.zeros(1), 'key']]));
  const holder = tidy(() => { const o = Object.create(null); o.t = Tensor.ones(4); return o; });
  const set = tidy(() => new Set([Tensor.ones(5)]));
  assert.equal(memoryInfo().tensors, base + 4);
  assert.deepEqual(m.get('w').toArray(), [1, 1]);
  assert.equal(holder.t.size, 4);
  for (const t of [m.get('w'), ...m.keys(), holder.t, ...set]) t.dispose?.();

  const deep = tidy(() => { let r = Tensor.ones(1); for (let i = 0; i < 1e5; i++) r = [r]; return r; });
  let inner = deep;
  while (Array.isArray(inner)) inner = inner[0];
  assert.deepEqual(inner.toArray(), [1]);
  inner.dispose();
  assert.equal(memoryInfo().tensors, base);
}));

test('4. tidy() whose result throws while walked disposes everything and says why', leakFree(() => {
  hostile('walk', () => tidy(() => {
    Tensor.ones(2);
    return new Proxy({ t: Tensor.ones(3) }, { ownKeys() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
  }), { error: TypeError });
}));

test('4. tidy() nested until the stack overflows leaks nothing', leakFree(() => {
  const before = memoryInfo().tensors;
  const deep = (n) => tidy(() => { Tensor.ones(1); return n > 0 ? deep(n - 1) : Tensor.ones(1); });
  assert.throws(() => deep(1e5), RangeError);
  assert.equal(memoryInfo().tensors, before);
  assert.deepEqual(canary(), [[6.5], [15.5]]);
}));

test('5. shapes that are not integers or an array of them are refused', leakFree(() => {
  hostile('array-like', () => Tensor.zeros({ 0: 2, 1: 3, length: 2 }), { error: TypeError });
  hostile('options only', () => Tensor.ones({ shape: [2, 3] }), { error: TypeError });
  hostile('Set', () => Tensor.zeros(new Set([2, 3])), { error: TypeError });
  hostile('ok', () => Tensor.zeros([2, 3], { requiresGrad: true }), { expected: [[0, 0, 0], [0, 0, 0]] });
}));

test('6. Sequential calls each layer\'s own forward and disposes only what it made', leakFree(() => {
  // a LeakyReLU made by subclassing ReLU: its forward must run, not a fused ReLU
  class Leaky extends ReLU {
    forward(x) {
      const v = x.toArray().flat().map((e) => (e > 0 ? e : 0.1 * e));
      return new Tensor(v, { shape: x.shape });
    }
  }
  const lin = new Linear(2, 2, { bias: false });
  lin.weight = new Tensor([[1, 0], [0, 1]]);
  const x = new Tensor([[-1, 2]]);
  const seq = new Sequential(lin, new Leaky());
  hostile('leaky', () => seq.forward(x), { expected: [[Math.fround(-0.1), 2]] });

  class Identity extends Module { forward(t) { return t; } }
  const seq2 = new Sequential(lin, new Identity(), new ReLU(), new Identity());
  hostile('identity', () => seq2.forward(x), { expected: [[0, 2]] });

  class ParamOut extends Module {
    constructor() { super(); this.p = new Tensor([3, -4], { requiresGrad: true }); }
    forward() { return this.p; }
    _ownParameters() { return [['p', this.p]]; }
  }
  const po = new ParamOut();
  const seq3 = new Sequential(po, new ReLU());
  hostile('param out', () => seq3.forward(x), { expected: [3, 0] });
  assert.deepEqual(po.p.toArray(), [3, -4], 'the parameter was not disposed');
  po.p.dispose();
  x.dispose();
  lin.dispose();
}));

test('6. a layer used twice is one set of parameters; children cannot be changed from outside', leakFree(() => {
  const l = new Linear(4, 4);
  const s = new Sequential(l, new ReLU(), l);
  assert.equal(s.parameters().length, 2);
  assert.equal(s.summary([1, 4]).totalParams, 20);
  assert.deepEqual(s.namedParameters().map(([n]) => n), ['0.weight', '0.bias']);
  s.children().push(s);
  s.layers.push(s);
  assert.equal(s.length, 3);
  assert.doesNotThrow(() => s.parameters());
  assert.throws(() => new Sequential([, new ReLU()]), (e) => e instanceof TypeError && /hole/.test(e.message));
  assert.throws(() => new Sequential(new ReLU(), {}), (e) => e instanceof TypeError && /layer 1/.test(e.message));
  l.dispose();
}));

test('7. histogram over tiny and huge ranges: right counts, finite edges', leakFree(() => {
  const tiny = new Tensor([0, 0, 1]);
  hostile('tiny range', () => tiny.histogram(2, { min: 0, max: 1e-310 }).counts, { expected: [2, 0] });
  const e = tiny.histogram(4, { min: 0, max: 1e-310 }).edges;
  assert.deepEqual([e[0], e[4]], [0, 1e-310]);
  e.forEach((v, i) => assert.ok(Number.isFinite(v) && (i === 0 || v >= e[i - 1]), `edge ${i} = ${v}`));
  const huge = new Tensor([-3e38, 0, 3e38]);
  const h = huge.histogram(2, { min: -1e308, max: 1e308 });
  assert.deepEqual(h.counts, [1, 2]);
  assert.ok(h.edges.every(Number.isFinite), `edges ${h.edges}`);
  assert.deepEqual([h.edges[0], h.edges[2]], [-1e308, 1e308]);
  tiny.dispose();
  huge.dispose();
}));

test('8. d.forward(d.mask) is a legitimate call', leakFree(() => {
  manualSeed(3);
  const d = new Dropout(0.5);
  const x = Tensor.ones(4, 8);
  const y1 = d.forward(x);
  const firstMask = d.mask.toArray();
  const y2 = d.forward(d.mask);
  y2.toArray().flat().forEach((v, i) => assert.ok(v === 0 || v === 2 * firstMask.flat()[i]));
  [x, y1, y2].forEach((t) => t.dispose());
  d.dispose();
}));

test('9. messages name what was wrong', leakFree(() => {
  const expect = (fn, cls, re) => assert.throws(fn, (e) => e instanceof cls && re.test(e.message), String(fn));
  expect(() => new Sequential().forward(5), TypeError, /input must be a Tensor, got 5/);
  const t = new Tensor([1, 2]);
  expect(() => t.histogram(2, null), TypeError, /histogram: options must be an object literal, got null/);
  expect(() => new ReLU().flops('abc'), TypeError, /"abc"/);
  const l2 = new Linear(2, 2);
  expect(() => l2.flops(undefined), TypeError, /undefined/);
  l2.dispose();
  expect(() => Tensor.prototype.add.call({}, 1), TypeError, /add: left operand must be a Tensor, got an Object/);
  const odd = new Tensor([NaN, Infinity]);
  assert.equal(String(odd), 'Tensor([NaN,Infinity], shape=[2])');
  odd.dispose();
  const lin = new Linear(3, 2);
  expect(() => { lin.inFeatures = 'x'; }, TypeError, /inFeatures/);
  assert.equal(lin.inFeatures, 3);
  assert.equal(new Sequential(lin).summary([1, 3]).totalFlops, 12);
  lin.dispose();
  t.dispose();
}));
