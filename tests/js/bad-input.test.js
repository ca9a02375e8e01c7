// Bad input, table-driven, over every public constructor and method: wrong
// types, NaN, +-Infinity, negative, fractional and huge sizes (2^31, 2^53),
// empty and ragged nested arrays, mismatched shapes, p outside [0, 1],
// disposed tensors and tensors from another instance of the module. Each
// case must throw its documented class with a message naming the bad
// value; afterwards a canary computes its exact result and memoryInfo()
// is back at its baseline.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import {
  Tensor, Linear, Dropout, ReLU, Sigmoid, Tanh, GELU, Softmax, Sequential, ShapeError, tidy, manualSeed, memoryInfo,
} from '../../js/index.js';

const bundle = fileURLToPath(new URL('../../dist/site/assets/tinytorch-scalar.js', import.meta.url));
let other; // a second, independent instance of the API (the site's classic scalar bundle)

before(async () => {
  assert.ok(existsSync(bundle), 'dist/site is missing: run scripts/build.sh first');
  const sandbox = { atob, TextDecoder, WebAssembly, performance, console, setTimeout, URL, URLSearchParams, structuredClone };
  sandbox.globalThis = sandbox;
  runInNewContext(readFileSync(bundle, 'utf8'), sandbox);
  other = await sandbox.TINYTORCH_SCALAR;
});

const canary = () => tidy(() => new Tensor([[1, 2, 3], [4, 5, 6]]).matmul(new Tensor([[1], [1], [1]])).add(0.5).toArray());
const name = (v) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}` : String(v));

/** Sizes: the class each bad value must raise and the text that names it. */
const BAD_SIZES = [
  [NaN, RangeError, 'NaN'], [Infinity, RangeError, 'Infinity'], [-Infinity, RangeError, '-Infinity'], [-1, RangeError, '-1'],
  [1.5, RangeError, '1.5'], [2 ** 31, RangeError, '2147483648'], [2 ** 53, RangeError, '9007199254740992'],
  ['3', TypeError, '"3"'], [null, TypeError, 'null'], [{}, TypeError, 'Object'], [3n, TypeError, '3'],
];
const BAD_PROBS = [
  [NaN, RangeError, 'NaN'], [Infinity, RangeError, 'Infinity'], [-0.1, RangeError, '-0.1'], [1.1, RangeError, '1.1'],
  ['0.5', TypeError, '"0.5"'], [null, TypeError, 'null'],
];
const BAD_AXES = [[NaN, RangeError, 'NaN'], [1.5, RangeError, '1.5'], [7, RangeError, '7'], [-9, RangeError, '-9'], ['0', TypeError, '"0"']];

function cases() {
  const t = tidy(() => Tensor.ones(2, 3));
  const disposed = Tensor.ones(2);
  disposed.dispose();
  const foreign = other.Tensor.ones(2, 3);
  const lin = new Linear(3, 2);
  const drop = new Dropout(0.5);
  const net = new Sequential(new Linear(3, 2), new ReLU());
  const notTensors = [[null, 'null'], [undefined, 'undefined'], ['x', '"x"'], [[1, 2], 'an array'], [{}, 'Object'], [disposed, 'disposed'], [foreign, 'another instance']];
  const list = [];
  const add = (label, fn, cls, needle) => list.push({ label, fn, cls, needle });

  for (const [v, cls, needle] of BAD_SIZES) {
    // (a lone {} is the options object of the factories, e.g. Tensor.zeros({ requiresGrad: true }): a scalar)
    if (!(v && typeof v === 'object')) for (const f of ['zeros', 'ones', 'randn', 'rand']) add(`Tensor.${f}(${name(v)})`, () => Tensor[f](v), cls, needle);
    add(`Tensor.zeros([2, ${name(v)}])`, () => Tensor.zeros([2, v]), cls, needle);
    add(`new Linear(${name(v)}, 2)`, () => new Linear(v, 2), cls, needle);
    add(`new Linear(2, ${name(v)})`, () => new Linear(2, v), cls, needle);
    if (v !== -1) add(`reshape(${name(v)})`, () => t.reshape(v), cls, needle); // -1 alone is valid: it infers the size
    add(`new Tensor([1], { shape: [${name(v)}] })`, () => new Tensor([1], { shape: [v] }), cls, needle);
    add(`summary([${name(v)}, 3])`, () => net.summary([v, 3]), cls, needle);
    if (typeof v === 'number' && !(v >= 1 && v <= 4096)) add(`histogram(${name(v)})`, () => t.histogram(v), RangeError, needle === '2147483648' ? '2147483648' : needle);
  }
  for (const [v, cls, needle] of BAD_PROBS) {
    add(`new Dropout(${name(v)})`, () => new Dropout(v), cls, needle);
    add(`dropout.p = ${name(v)}`, () => { drop.p = v; }, cls, needle);
  }
  for (const [v, cls, needle] of BAD_AXES) {
    for (const f of ['sum', 'mean', 'max']) add(`${f}(${name(v)})`, () => t[f](v), cls, needle);
    add(`transpose(0, ${name(v)})`, () => t.transpose(0, v), cls, needle);
    add(`new Softmax(${name(v)}).forward`, () => new Softmax(v).forward(t), cls, needle);
  }
  for (const [v, needle] of notTensors) {
    for (const m of ['add', 'sub', 'mul', 'div', 'matmul']) add(`t.${m}(${needle})`, () => t[m](v), TypeError, needle);
    add(`linear.forward(${needle})`, () => lin.forward(v), TypeError, needle);
    add(`linear.weight = ${needle}`, () => { lin.weight = v; }, TypeError, needle);
    add(`dropout.forward(${needle})`, () => drop.forward(v), TypeError, needle);
    add(`sequential.forward(${needle})`, () => net.forward(v), TypeError, needle);
    for (const C of [ReLU, Sigmoid, Tanh, GELU, Softmax]) add(`${C.name}.forward(${needle})`, () => new C().forward(v), TypeError, needle);
  }
  for (const m of ['data', 'shape', 'size', 'toArray', 'item', 'clone', 'sum', 'stats']) {
    const isGetter = typeof Object.getOwnPropertyDescriptor(Tensor.prototype, m)?.get === 'function';
    add(`disposed.${m}`, () => (isGetter ? disposed[m] : disposed[m]()), TypeError, 'disposed');
  }
  // construction input
  add('new Tensor([[1, 2], [3]]) (ragged)', () => new Tensor([[1, 2], [3]]), ShapeError, 'ragged');
  add('new Tensor([[], [1]]) (ragged)', () => new Tensor([[], [1]]), ShapeError, 'ragged');
  add('new Tensor([[[[[1]]]]]) (rank 5)', () => new Tensor([[[[[1]]]]]), RangeError, '4 levels');
  add('new Tensor(["a"])', () => new Tensor(['a']), TypeError, '"a"');
  add('new Tensor([NaN, {}])', () => new Tensor([NaN, {}]), TypeError, 'Object');
  add('new Tensor(Symbol())', () => new Tensor(Symbol('s')), TypeError, 'Symbol');
  add('new Tensor(BigInt64Array)', () => new Tensor(new BigInt64Array(2)), TypeError, 'BigInt');
  add('new Tensor([1,2,3], {shape:[2,2]})', () => new Tensor([1, 2, 3], { shape: [2, 2] }), RangeError, '3 values');
  add('new Tensor(1, {requiresGrad: "yes"})', () => new Tensor(1, { requiresGrad: 'yes' }), TypeError, '"yes"');
  // shapes that do not fit
  add('add [2,3] + [4]', () => t.add(tidy(() => Tensor.ones(4))), ShapeError, '[2,3] and [4]');
  add('matmul [2,3] @ [2,3]', () => t.matmul(t), ShapeError, '[2,3] @ [2,3]');
  add('linear(3,2).forward([2,4])', () => lin.forward(tidy(() => Tensor.ones(2, 4))), ShapeError, '[2,4]');
  add('linear.weight = [3,3]', () => { lin.weight = tidy(() => Tensor.ones(3, 3)); }, ShapeError, '[3,3]');
  add('linear.bias = [3]', () => { lin.bias = tidy(() => Tensor.ones(3)); }, ShapeError, '[3]');
  add('reshape [2,3] -> [4]', () => t.reshape(4), RangeError, '[4]');
  add('item() of [2,3]', () => t.item(), RangeError, '[2,3]');
  add('Tensor.zeros(1,1,1,1,1)', () => Tensor.zeros(1, 1, 1, 1, 1), RangeError, 'rank 5');
  // options and other arguments
  add('new Linear(3, 2, { init: 123 })', () => new Linear(3, 2, { init: 123 }), TypeError, '123');
  add('new Linear(3, 2, { init: "bogus" })', () => new Linear(3, 2, { init: 'bogus' }), RangeError, '"bogus"');
  add('new Linear(3, 2, { bias: "yes" })', () => new Linear(3, 2, { bias: 'yes' }), TypeError, '"yes"');
  add('new Linear(3, 2, null)', () => new Linear(3, 2, null), TypeError, 'null');
  add('dropout.forward(t, "yes")', () => drop.forward(t, 'yes'), TypeError, '"yes"');
  add('train("yes")', () => net.train('yes'), TypeError, '"yes"');
  add('sum(0, "yes")', () => t.sum(0, 'yes'), TypeError, '"yes"');
  add('histogram(4, {min: 1, max: 1})', () => t.histogram(4, { min: 1, max: 1 }), RangeError, '1');
  add('histogram(4, {min: NaN})', () => t.histogram(4, { min: NaN, max: 1 }), RangeError, 'NaN');
  add('new Sequential(lin, 42)', () => new Sequential(new ReLU(), 42), TypeError, '42');
  add('tidy(42)', () => tidy(42), TypeError, '42');
  for (const [v, cls, needle] of [[-1, RangeError, '-1'], [1.5, RangeError, '1.5'], [NaN, RangeError, 'NaN'], [2 ** 53, RangeError, '9007199254740992'], ['1', TypeError, '"1"'], [null, TypeError, 'null'], [-1n, RangeError, '-1'], [2n ** 64n, RangeError, '18446744073709551616']]) {
    add(`manualSeed(${name(v)})`, () => manualSeed(v), cls, needle);
  }
  const cleanup = () => { t.dispose(); foreign.dispose(); lin.dispose(); drop.dispose(); net.dispose(); };
  return { list, cleanup };
}

test('every public entry point rejects bad input with its documented error, and the module keeps working', () => {
  const base = memoryInfo();
  const { list, cleanup } = cases();
  const after = memoryInfo();
  let tried = 0;
  for (const { label, fn, cls, needle } of list) {
    let thrown = null;
    try {
      tidy(fn);
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown, `${label}: did not throw`);
    assert.ok(thrown instanceof cls, `${label}: expected ${cls.name}, got ${thrown.name}: ${thrown.message}`);
    assert.ok(thrown.message.includes(needle), `${label}: "${thrown.message}" does not name ${needle}`);
    assert.deepEqual(canary(), [[6.5], [15.5]], `${label}: the canary changed`);
    const m = memoryInfo();
    assert.equal(m.tensors, after.tensors, `${label}: tensors ${after.tensors} -> ${m.tensors}`);
    assert.equal(m.bytes, after.bytes, `${label}: bytes ${after.bytes} -> ${m.bytes}`);
    tried++;
  }
  cleanup();
  assert.equal(memoryInfo().tensors, base.tensors);
  assert.equal(memoryInfo().bytes, base.bytes);
  console.log(`# bad-input table: ${tried} cases tried, each threw its documented error, canary exact, memoryInfo at baseline`);
  assert.ok(tried > 250, `${tried} cases`);
});

test('a Tensor from another instance is refused by name, in both directions', () => {
  const mine = Tensor.ones(2);
  const theirs = other.Tensor.ones(2);
  assert.throws(() => mine.add(theirs), /another instance of tinytorch-wasm/);
  assert.throws(() => theirs.add(mine), /another instance of tinytorch-wasm/);
  assert.deepEqual(Array.from(theirs.add(1).data), [2, 2]);
  mine.dispose();
  theirs.dispose();
});
