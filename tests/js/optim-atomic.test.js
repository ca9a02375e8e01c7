// optimizer.step() is all or nothing, and re-checks paramGroups (issue 20,
// #6 and #7); dispose() ends the optimizer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, SGD, Adam, tidy, memoryInfo } from '../../js/index.js';

function params() {
  const a = new Tensor([1, 2], { requiresGrad: true });
  const b = new Tensor([3, 4], { requiresGrad: true });
  tidy(() => a.add(b).sum().backward()); // both grads [1, 1]
  return [a, b];
}

for (const [name, make] of [['SGD', (p) => new SGD(p, { lr: 0.5, momentum: 0.9 })], ['Adam', (p) => new Adam(p, { lr: 0.5 })]]) {
  test(`${name}.step() with a later parameter disposed changes nothing and throws; a retry after the fix steps once`, () => {
    const [a, b] = params();
    const opt = make([a, b]);
    const c = new Tensor([5], { requiresGrad: true });
    opt.paramGroups[0].params.push(c);
    tidy(() => c.sum().backward());
    c.dispose();
    assert.throws(() => opt.step(), { name: 'TypeError', message: new RegExp(`${name}\\.step: paramGroups\\[0\\]\\.params\\[2\\] was disposed`) });
    assert.deepEqual(Array.from(a.data), [1, 2], 'a untouched');
    assert.deepEqual(Array.from(b.data), [3, 4], 'b untouched');
    assert.equal(opt.state(a), undefined, 'no state made');
    opt.paramGroups[0].params.pop();
    opt.step();
    assert.equal(opt.state(a).step, 1, 'stepped once');
    const moved = Array.from(a.data);
    assert.ok(moved[0] < 1 && moved[1] < 2, `a moved once: ${moved}`);
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  test(`${name}.step() with a disposed gradient changes nothing and says which`, () => {
    const [a, b] = params();
    const opt = make([a, b]);
    b.grad.dispose();
    assert.throws(() => opt.step(), { name: 'TypeError', message: /paramGroups\[0\]\.params\[1\] has a disposed \.grad/ });
    assert.deepEqual(Array.from(a.data), [1, 2]);
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  test(`${name}: a non-tensor pushed into paramGroups[0].params is a TypeError naming the entry, before any update`, () => {
    const [a, b] = params();
    const opt = make([a, b]);
    opt.paramGroups[0].params.push(42);
    assert.throws(() => opt.step(), { name: 'TypeError', message: new RegExp(`${name}\\.step: paramGroups\\[0\\]\\.params\\[2\\] must be a Tensor, got 42`) });
    assert.throws(() => opt.zeroGrad(), { name: 'TypeError', message: /paramGroups\[0\]\.params\[2\] must be a Tensor/ });
    assert.deepEqual(Array.from(a.data), [1, 2]);
    opt.paramGroups[0].params.pop();
    opt.paramGroups[0].params.push({ valueOf: () => 1 });
    assert.throws(() => opt.step(), { name: 'TypeError', message: /params\[2\] must be a Tensor, got an Object/ });
    opt.paramGroups[0].params.pop();
    opt.paramGroups[0].params.push(a);
    assert.throws(() => opt.step(), { name: 'RangeError', message: /params\[2\] appears twice/ });
    opt.paramGroups[0].params.pop();
    opt.paramGroups[0].params = 'ab';
    assert.throws(() => opt.step(), { name: 'TypeError', message: /paramGroups\[0\]\.params must be an array/ });
    opt.paramGroups[0].params = [a, b];
    opt.step();
    assert.notDeepEqual(Array.from(a.data), [1, 2]);
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  test(`${name}.step() after dispose() is a TypeError, not a silent restart`, () => {
    const [a, b] = params();
    const opt = make([a, b]);
    opt.step();
    const before = memoryInfo().tensors;
    opt.dispose();
    assert.ok(memoryInfo().tensors < before, 'state freed');
    assert.throws(() => opt.step(), { name: 'TypeError', message: /disposed/ });
    opt.dispose(); // idempotent
    a.dispose();
    b.dispose();
  });
}

test('a parameter frozen after the optimizer was made (requiresGrad = false, no grad) is skipped, as in PyTorch', () => {
  const [a, b] = params();
  const opt = new SGD([a, b], { lr: 1 });
  b.grad = null;
  b.requiresGrad = false;
  opt.step();
  assert.deepEqual(Array.from(a.data), [0, 1]);
  assert.deepEqual(Array.from(b.data), [3, 4]);
  opt.dispose();
  a.dispose();
  b.dispose();
});
