// Training against PyTorch: the lesson MLP's loss and every parameter's
// gradient for one batch of real Fashion-MNIST images with given weights
// and given Dropout masks, and three steps of each optimizer on a tiny net
// (tests/fixtures/training_reference.json, made by make_training_reference.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Tensor, Linear, ReLU, Dropout, Sequential, CrossEntropyLoss, SGD, Adam, tidy, memoryInfo } from '../../js/index.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/training_reference.json', import.meta.url), 'utf8'));

// The fixture's formulas (ref.formulas), in float64 then rounded to float32.
const formulaWeight = (l, K, N) => Float32Array.from({ length: K * N }, (_, i) => (((i * 7919 + l * 104729) % 10007) / 10007 - 0.5) * 2 * Math.sqrt(1 / K));
const formulaBias = (l, N) => Float32Array.from({ length: N }, (_, j) => (((j * 31 + l * 17) % 101) / 101 - 0.5) * 0.1);
const formulaMask = (d, p, size) => Float32Array.from({ length: size }, (_, i) => (((Math.imul(i, 2654435761) + d * 40503) >>> 0) / 2 ** 32 >= p ? 1 : 0));
const probe = (i) => ((i * 48271) % 65537) / 65537 - 0.5;

/** A Dropout that applies a fixed mask (the fixture's), through Dropout.forward's { mask }. */
class FixedDropout extends Dropout {
  constructor(p, mask) { super(p); this.fixed = mask; }
  forward(x) { return super.forward(x, { mask: this.fixed }); }
}

/** Build the fixture's net: Linear layers with given weights, ReLU, Dropouts with given masks. */
function buildNet(layers, params, masks) {
  let l = 0;
  let d = 0;
  const mods = layers.map(([kind, a, b]) => {
    if (kind === 'linear') {
      const lin = new Linear(a, b);
      lin.weight = params(l, 'W', a, b);
      lin.bias = params(l, 'b', a, b);
      l++;
      return lin;
    }
    if (kind === 'relu') return new ReLU();
    return new FixedDropout(a, masks(d++, a));
  });
  return new Sequential(mods);
}

function fashionTrain(m) {
  const dir = '/usr/share/datasets/fashion-mnist';
  const images = gunzipSync(readFileSync(`${dir}/train-images-idx3-ubyte.gz`)).subarray(16, 16 + m * 784);
  const labels = gunzipSync(readFileSync(`${dir}/train-labels-idx1-ubyte.gz`)).subarray(8, 8 + m);
  return { x: Float32Array.from(images, (v) => v / 255), labels: Int32Array.from(labels) };
}

test('the lesson MLP on 16 Fashion-MNIST images: loss and every gradient match PyTorch', () => {
  const r = ref.mlp;
  const { x, labels } = fashionTrain(r.M);
  assert.deepEqual(Array.from(labels), r.input.labels);
  const before = memoryInfo().tensors;
  const maskTensors = [];
  const net = buildNet(r.layers,
    (l, which, K, N) => (which === 'W' ? new Tensor(formulaWeight(l, K, N), { shape: [K, N] }) : new Tensor(formulaBias(l, N))),
    (d, p) => {
      const width = d === 0 ? 256 : 128;
      const t = new Tensor(formulaMask(d, p, r.M * width), { shape: [r.M, width] });
      maskTensors.push(t);
      return t;
    });
  maskTensors.forEach((t, i) => assert.equal(tidy(() => t.sum().item()), r.masks[i].kept));
  tidy(() => {
    const logits = net.forward(new Tensor(x, { shape: [r.M, 784] }));
    const loss = new CrossEntropyLoss().forward(logits, labels);
    assert.ok(Math.abs(loss.item() - r.loss.expected) < 2e-6 * r.loss.expected, `loss ${loss.item()} vs ${r.loss.expected}`);
    Array.from(logits.data).forEach((v, i) => assert.ok(Math.abs(v - r.logits.expected[i]) < 1e-5, `logit ${i}`));
    loss.backward();
  });
  const names = ['W0', 'b0', 'W1', 'b1', 'W2', 'b2'];
  net.parameters().forEach((p, k) => {
    const e = r.grads[names[k]].expected;
    const g = p.grad.data;
    let sum = 0; let sq = 0; let dot = 0;
    g.forEach((v, i) => { sum += v; sq += v * v; dot += v * probe(i); });
    const rms = Math.sqrt(e.sum_sq / e.size);
    assert.ok(Math.abs(sum - e.sum) <= 1e-5 * e.abs_sum + 1e-9, `${names[k]}: sum ${sum} vs ${e.sum}`);
    assert.ok(Math.abs(sq - e.sum_sq) <= 1e-4 * e.sum_sq, `${names[k]}: sum of squares ${sq} vs ${e.sum_sq}`);
    assert.ok(Math.abs(dot - e.dot_r) <= 1e-5 * e.abs_sum, `${names[k]}: dot ${dot} vs ${e.dot_r}`);
    e.samples.index.forEach((idx, j) => {
      assert.ok(Math.abs(g[idx] - e.samples.value[j]) <= 1e-4 * rms + 1e-5 * Math.abs(e.samples.value[j]), `${names[k]}[${idx}] = ${g[idx]}, PyTorch ${e.samples.value[j]}`);
    });
  });
  const full = r.grads_full.W2.expected;
  const g2 = net.parameters()[4].grad.data;
  full.forEach((v, i) => assert.ok(Math.abs(g2[i] - v) <= 1e-6 + 1e-4 * Math.abs(v), `W2 grad ${i}`));
  net.dispose();
  maskTensors.forEach((t) => t.dispose());
  assert.equal(memoryInfo().tensors, before);
});

const OPTIMIZERS = {
  sgd: (params, o) => new SGD(params, { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weight_decay, nesterov: o.nesterov }),
  adam: (params, o) => new Adam(params, { lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weight_decay }),
};

test('three steps of SGD (momentum, dampening, weight decay, Nesterov) and Adam match PyTorch', () => {
  const r = ref.tiny;
  for (const run of r.optimizers) {
    const before = memoryInfo().tensors;
    const masks = [];
    const net = buildNet(r.layers,
      (l, which) => { const v = r.params[`${which}${l}`]; return new Tensor(v.data, { shape: v.shape }); },
      (d) => { const m = r.masks[d]; const t = new Tensor(m.data, { shape: m.shape }); masks.push(t); return t; });
    const opts = Object.fromEntries(Object.entries(run.options).filter(([, v]) => v !== undefined && v !== null));
    const opt = OPTIMIZERS[run.optimizer](net.parameters(), opts);
    const lossFn = new CrossEntropyLoss();
    for (let step = 0; step < 3; step++) {
      tidy(() => {
        opt.zeroGrad();
        const loss = lossFn.forward(net.forward(new Tensor(r.x.data, { shape: r.x.shape })), r.labels);
        loss.backward();
        opt.step();
      });
      const expected = run.params_after_step[step];
      const names = ['W0', 'b0', 'W1', 'b1'];
      net.parameters().forEach((p, k) => {
        const e = expected[names[k]];
        const got = p.data;
        (e.data ?? e).forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 2e-6 * (1 + Math.abs(v)),
          `${run.name} step ${step + 1} ${names[k]}[${i}] = ${got[i]}, PyTorch ${v}`));
      });
    }
    assert.ok(opt.stateBytes() === (run.optimizer === 'adam' ? 2 : (opts.momentum ? 1 : 0)) * 4 * (12 * 7 + 7 + 7 * 5 + 5), `${run.name}: state bytes`);
    opt.dispose();
    net.dispose();
    masks.forEach((t) => t.dispose());
    assert.equal(memoryInfo().tensors, before, `${run.name}: leaked`);
  }
});
