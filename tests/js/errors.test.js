// Errors: the JS mirror of tt_status matches src/tt.h, each kind of bad
// input gets its documented class and a message naming the bad value, and
// the module keeps computing exact results afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor, Linear, Dropout, Sequential, ReLU, ShapeError, Status, tidy, memoryInfo, manualSeed } from '../../js/index.js';

test('Status mirrors enum tt_status in src/tt.h', () => {
  const header = readFileSync(new URL('../../src/tt.h', import.meta.url), 'utf8');
  const body = header.match(/typedef enum tt_status \{([^}]*)\}/)[1];
  const fromC = Object.fromEntries([...body.matchAll(/TT_(\w+)\s*=\s*(-?\d+)/g)].map(([, k, v]) => [k, Number(v)]));
  assert.deepEqual({ ...Status }, fromC);
});

test('ShapeError is an Error with its own name', () => {
  const e = new ShapeError('x');
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'ShapeError');
});

/** The canary: an exact computation that must still work after any error. */
function canary() {
  return tidy(() => new Tensor([[1, 2, 3], [4, 5, 6]]).matmul(new Tensor([[1], [1], [1]])).add(0.5).toArray());
}

test('bad input throws the documented class, names the value, and leaves the module working', () => {
  const x = Tensor.ones(2, 3);
  const layer = new Linear(3, 2);
  const cases = [
    [() => Tensor.zeros(-1), RangeError, '-1'],
    [() => Tensor.zeros(1.5), RangeError, '1.5'],
    [() => Tensor.zeros(2 ** 31), RangeError, '2147483648'],
    [() => Tensor.zeros(2 ** 53), RangeError, '9007199254740992'],
    [() => Tensor.zeros(NaN), RangeError, 'NaN'],
    [() => Tensor.zeros(Infinity), RangeError, 'Infinity'],
    [() => Tensor.zeros('2'), TypeError, '"2"'],
    [() => Tensor.zeros(1, 1, 1, 1, 1), RangeError, 'rank 5'],
    [() => new Tensor([[1, 2], [3]]), ShapeError, 'ragged'],
    [() => new Tensor({}), TypeError, 'Object'],
    [() => x.matmul(x), ShapeError, 'matmul: [2,3] @ [2,3]: inner dimensions must match: 3 ≠ 2'],
    [() => x.add(Tensor.ones(4)), ShapeError, '[2,3] and [4]'],
    [() => x.reshape(7), RangeError, '[7]'],
    [() => x.sum(5), RangeError, '5'],
    [() => x.transpose(0, 'a'), TypeError, '"a"'],
    [() => new Dropout(1.1), RangeError, '1.1'],
    [() => new Dropout(-0.5), RangeError, '-0.5'],
    [() => new Dropout(NaN), RangeError, 'NaN'],
    [() => new Linear(0.5, 2), RangeError, '0.5'],
    [() => new Linear(3, 2, { init: 'zeros' }), RangeError, '"zeros"'],
    [() => layer.forward(Tensor.ones(2, 4)), ShapeError, '[2,4]'],
    [() => layer.forward(null), TypeError, 'null'],
    [() => manualSeed(-1), RangeError, '-1'],
    [() => manualSeed(1.5), RangeError, '1.5'],
    [() => manualSeed('1'), TypeError, '"1"'],
    [() => new Sequential(new ReLU(), 42), TypeError, '42'],
    [() => x.item(), RangeError, '[2,3]'],
  ];
  const base = memoryInfo();
  for (const [fn, cls, needle] of cases) {
    assert.throws(tidy.bind(null, fn), (e) => {
      assert.ok(e instanceof cls, `${fn}: expected ${cls.name}, got ${e.name}: ${e.message}`);
      assert.ok(e.message.includes(needle), `${fn}: message "${e.message}" does not name ${needle}`);
      return true;
    });
    assert.deepEqual(canary(), [[6.5], [15.5]]);
    assert.equal(memoryInfo().tensors, base.tensors, `${fn} leaked`);
  }
  console.log(`# ${cases.length} bad-input cases, each followed by a canary`);
  x.dispose();
  layer.dispose();
});

test('a disposed tensor is never read', () => {
  const t = Tensor.ones(3);
  t.dispose();
  for (const fn of [() => t.data, () => t.toArray(), () => t.item(), () => t.add(1), () => t.matmul(t), () => t.reshape(3), () => t.sum(), () => t.clone()]) {
    assert.throws(fn, (e) => e instanceof TypeError && /disposed/.test(e.message));
  }
  const layer = new Linear(3, 1);
  assert.throws(() => layer.forward(t), TypeError);
  assert.throws(() => { layer.weight = t; }, TypeError);
  layer.dispose();
  assert.throws(() => layer.forward(Tensor.ones(3)), (e) => e instanceof TypeError && /Linear.weight is a disposed Tensor/.test(e.message));
  assert.deepEqual(canary(), [[6.5], [15.5]]);
});

