// The page's network showing weights other than its seeded init
// (web/network.js setWeights, behind app.useWeights): a trained run's or an
// imported file's weights are copied into the views' layers, checked by
// name and shape, never written into the source network; a forward of the
// page's network then equals a forward of the network they came from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../js/index.js';
import { NetworkModel, checkWeights, weightsFitKey } from '../../web/network.js';
import { defaults } from '../../web/state.js';
import { withGenerator } from '../../web/seeds.js';

await api.init();

const input = (s) => withGenerator(api, 'input', [s.seed], (generator) => api.Tensor.randn([s.batch, 784], { generator }));

/** A dict of a Sequential's parameters as useWeights takes them (copies of the data). */
const dictOf = (net) => Object.fromEntries(net.namedParameters().map(([n, p]) => [n, { shape: p.shape, data: p.data }]));

/** A network of the state's specs with its own (different) weights. */
function otherNet(s, seed = 7) {
  api.manualSeed(seed);
  return new api.Sequential(s.net.map((spec) => (spec.kind === 'linear' ? new api.Linear(spec.in, spec.out, { bias: spec.bias })
    : spec.kind === 'dropout' ? new api.Dropout(spec.p) : new api.ReLU())));
}

test('setWeights: every view layer carries the given weights; the output is the source network\'s forward; null goes back', () => {
  const s = { ...defaults(), batch: 8, seed: 11, mode: 'eval' };
  const m = new NetworkModel(api);
  const src = otherNet(s);
  try {
    const before = m.run(s, input(s));
    const initialOut = before.layers.at(-1).output.data;
    const initialW0 = before.layers[0].layer.weight.data;
    const dict = dictOf(src);
    const srcW0 = src.namedParameters()[0][1].data;
    m.setWeights(dict, s);
    const after = m.run(s, input(s));
    // the views' layers and the model's Sequential carry the dict's values
    assert.deepEqual(after.layers[0].layer.weight.data, srcW0);
    assert.notDeepEqual(after.layers[0].layer.weight.data, initialW0);
    assert.equal(after.sequential.namedParameters()[0][1], after.layers[0].layer.weight);
    for (const [n, p] of after.sequential.namedParameters()) assert.deepEqual(p.data, dict[n].data, n);
    // the same output as the source network's own forward (eval: Dropout passes through)
    src.eval();
    const want = api.tidy(() => api.noGrad(() => src.forward(input(s)).data));
    assert.deepEqual(after.layers.at(-1).output.data, want);
    assert.notDeepEqual(after.layers.at(-1).output.data, initialOut);
    // copied: neither the source network nor the caller's arrays are written
    assert.notEqual(after.layers[0].layer.weight, src.namedParameters()[0][1]);
    after.layers[0].layer.weight; // (read only)
    assert.deepEqual(src.namedParameters()[0][1].data, srcW0);
    // a Dropout p change keeps them; a Linear size change lets them go
    const s2 = { ...s, net: s.net.map((l) => (l.kind === 'dropout' ? { ...l, p: 0.1 } : l)) };
    assert.equal(m.run(s2, input(s2)).weightsDropped, false);
    assert.deepEqual(m.run(s2, input(s2)).layers[0].layer.weight.data, srcW0);
    m.setWeights(null);
    const back = m.run(s, input(s));
    assert.deepEqual(back.layers[0].layer.weight.data, initialW0);
    assert.deepEqual(back.layers.at(-1).output.data, initialOut);
  } finally {
    m.dispose();
    src.dispose();
  }
});

test('setWeights: a network edit that changes a Linear drops the weights and says so', () => {
  const s = { ...defaults(), batch: 4, seed: 3 };
  const m = new NetworkModel(api);
  const src = otherNet(s);
  try {
    m.setWeights(dictOf(src), s);
    const net = s.net.map((l, i) => (i === 0 ? { ...l, out: l.out + 1 } : i === 2 + 1 ? l : l));
    // the next Linear takes the new width too
    const j = net.findIndex((l, i) => i > 0 && l.kind === 'linear');
    net[j] = { ...net[j], in: net[0].out };
    const r = m.run({ ...s, net }, input(s));
    assert.equal(r.weightsDropped, true);
    assert.equal(m.weights, null);
  } finally {
    m.dispose();
    src.dispose();
  }
});

test('setWeights: wrong names, shapes, lengths and types are refused by name; the weights shown before stay', () => {
  const s = { ...defaults(), batch: 4, seed: 5, mode: 'eval' };
  const start = api.memoryInfo();
  const m = new NetworkModel(api);
  const src = otherNet(s);
  try {
    const good = dictOf(src);
    m.setWeights(good, s);
    const shown = m.run(s, input(s)).layers[0].layer.weight.data;
    const first = Object.keys(good)[0];
    const cases = [
      [null, TypeError, /must be an object/],
      [{ ...good, '9.weight': good[first] }, RangeError, /no parameter "9.weight"/],
      [(() => { const d = { ...good }; delete d['0.bias']; return d; })(), RangeError, /"0.bias" \(shape \[\d+\]\) is missing/],
      [{ ...good, [first]: { shape: [10, 10], data: new Float32Array(100) } }, api.ShapeError, /"0.weight" has shape \[10, 10\]; the network's 0.weight is \[784, \d+\]/],
      [{ ...good, [first]: { shape: good[first].shape, data: new Float32Array(3) } }, api.ShapeError, /has 3 values/],
      [{ ...good, [first]: { shape: good[first].shape, data: Array.from(good[first].data) } }, TypeError, /must be a Float32Array, got Array/],
      [{ ...good, [first]: { shape: 'x', data: good[first].data } }, TypeError, /shape must be an array/],
    ];
    for (const [dict, E, re] of cases) {
      assert.throws(() => (dict === null ? checkWeights(api, null, []) : m.setWeights(dict, s)), (e) => e instanceof E && re.test(e.message), String(re));
    }
    assert.deepEqual(m.run(s, input(s)).layers[0].layer.weight.data, shown);
  } finally {
    m.dispose();
    src.dispose();
  }
  assert.equal(api.memoryInfo().tensors, start.tensors);
  assert.equal(api.memoryInfo().generators, start.generators);
});

test('weightsFitKey: Linear positions and sizes only', () => {
  const net = defaults().net;
  assert.equal(weightsFitKey(net), weightsFitKey(net.map((l) => (l.kind === 'dropout' ? { ...l, p: 0.9 } : l))));
  assert.notEqual(weightsFitKey(net), weightsFitKey(net.map((l) => (l.kind === 'linear' ? { ...l, bias: false } : l))));
});

test('setWeights every epoch: the replaced layers are freed at the next run, nothing accumulates', () => {
  const s = { ...defaults(), batch: 4, seed: 9, mode: 'eval' };
  const m = new NetworkModel(api);
  const src = otherNet(s);
  try {
    const dict = dictOf(src);
    m.setWeights(dict, s);
    m.run(s, input(s));
    const after1 = api.memoryInfo().tensors;
    for (let k = 0; k < 5; k++) {
      const last = m.run(s, input(s));
      m.setWeights(dict, s);
      // the last model's layers still work until the next run (a view's postponed work may use them)
      assert.equal(last.layers[0].layer.weight.isDisposed, false);
      m.run(s, input(s));
      assert.equal(last.layers[0].layer.weight.isDisposed, true);
    }
    assert.equal(api.memoryInfo().tensors, after1);
  } finally {
    m.dispose();
    src.dispose();
  }
});
