// Generator: explicit PCG32 streams in the core, accepted by every random draw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Linear, Dropout, Generator, manualSeed, defaultGenerator, memoryInfo, tidy } from '../../js/index.js';

test('two generators with one seed give the same draws; the default stream is untouched', () => {
  manualSeed(5);
  const ref = tidy(() => Tensor.randn(6).toArray());
  manualSeed(5);
  const g1 = new Generator(123);
  const g2 = new Generator(123);
  const a = tidy(() => Tensor.randn([6], { generator: g1 }).toArray());
  const b = tidy(() => Tensor.randn(6, { generator: g2 }).toArray());
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, ref);
  // the default generator continued as if g1 and g2 never drew
  assert.deepEqual(tidy(() => Tensor.randn(6).toArray()), ref);
  g1.dispose();
  g2.dispose();
});

test('Linear init, rand and Dropout masks take { generator }', () => {
  const mk = (seed) => {
    const g = new Generator(seed);
    const lin = new Linear(8, 4, { generator: g });
    const w = lin.weight.toArray();
    const u = tidy(() => Tensor.rand(5, { generator: g }).toArray());
    const d = new Dropout(0.5, { generator: g });
    const y = tidy(() => d.forward(Tensor.ones(64)).toArray());
    lin.dispose(); d.dispose(); g.dispose();
    return { w, u, y };
  };
  const [x1, x2, x3] = [mk(9), mk(9), mk(10)];
  assert.deepEqual(x1, x2);
  assert.notDeepEqual(x1.w, x3.w);
  x1.u.forEach((v) => assert.ok(v >= 0 && v < 1));
  assert.ok(x1.y.every((v) => v === 0 || v === 2));
});

test('getState/setState replay a stream exactly; manualSeed on a generator restarts it', () => {
  const g = new Generator(1);
  Tensor.randn(3, { generator: g }).dispose(); // leave an odd number of normals: the spare is state too
  const state = g.getState();
  assert.ok(state instanceof Uint32Array);
  const next = tidy(() => Tensor.randn(5, { generator: g }).toArray());
  g.setState(state);
  assert.deepEqual(tidy(() => Tensor.randn(5, { generator: g }).toArray()), next);
  g.manualSeed(1);
  const fresh = new Generator(1);
  assert.deepEqual(tidy(() => Tensor.randn(4, { generator: g }).toArray()), tidy(() => Tensor.randn(4, { generator: fresh }).toArray()));
  assert.equal(g.initialSeed(), 1);
  g.dispose();
  fresh.dispose();
});

test('generators are counted, disposed once, and refused once disposed', () => {
  const base = memoryInfo().generators;
  const g = new Generator(0);
  assert.equal(memoryInfo().generators, base + 1);
  g.dispose();
  g.dispose();
  assert.equal(memoryInfo().generators, base);
  assert.throws(() => Tensor.randn(2, { generator: g }), (e) => e instanceof TypeError && /disposed Generator/.test(e.message));
  assert.throws(() => new Linear(2, 2, { generator: {} }), (e) => e instanceof TypeError && /must be a Generator, got an Object/.test(e.message));
  assert.throws(() => new Generator(-1), RangeError);
  assert.throws(() => new Generator('1'), TypeError);
  assert.throws(() => g.getState(), TypeError);
  defaultGenerator().dispose(); // not disposable: a no-op
  assert.doesNotThrow(() => Tensor.randn(2).dispose());
});
