// Autograd through the real wasm core, against PyTorch: every op's output
// and gradients on small odd shapes (tests/fixtures/training_reference.json,
// float64 torch on float32 inputs), central differences of our own
// forward, and the engine's rules (accumulation, second backward, noGrad,
// in-place writes after forward, no leaks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  Tensor, Linear, ReLU, Sigmoid, Tanh, GELU, Softmax, Dropout, CrossEntropyLoss, MSELoss, SGD, noGrad, tidy, memoryInfo,
} from '../../js/index.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/training_reference.json', import.meta.url), 'utf8'));
const T = (v, requiresGrad = false) => new Tensor(v.data, { shape: v.shape, requiresGrad });

/** |a - e| <= tol·(1 + |e|) elementwise. */
function close(actual, expected, tol, what) {
  const a = Array.from(actual);
  assert.equal(a.length, expected.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])), `${what}[${i}] = ${a[i]}, expected ${expected[i]}`);
  }
}

const ACT = { relu: ReLU, sigmoid: Sigmoid, tanh: Tanh, gelu: GELU };

/** Run one fixture op on our tensors; returns [y, gradient holders by input name]. */
function runOp(c, inp) {
  const p = c.params;
  switch (c.op) {
    case 'matmul': return [inp.a.matmul(inp.b), inp];
    case 'add': case 'sub': case 'mul': case 'div': return [inp.a[c.op](inp.b), inp];
    case 'reshape': return [inp.a.reshape(p.shape), inp];
    case 'transpose': return [inp.a.transpose(p.dim0, p.dim1), inp];
    case 'sum': case 'mean': case 'max': return [inp.a[c.op](p.dim, p.keepdim), inp];
    case 'softmax': return [new Softmax(p.dim).forward(inp.a), inp];
    case 'cross_entropy': return [new CrossEntropyLoss().forward(inp.a, p.target), inp];
    case 'linear': {
      const lin = new Linear(inp.W.shape[0], inp.W.shape[1]);
      lin.weight = inp.W;
      lin.bias = inp.b;
      return [lin.forward(inp.x), { x: inp.x, W: lin.weight, b: lin.bias }, lin];
    }
    default: return [new ACT[c.op]().forward(inp.a), inp];
  }
}

test('every op matches PyTorch: output and gradients of sum(y * dy)', () => {
  assert.ok(ref.ops.length >= 50);
  for (const c of ref.ops) {
    const before = memoryInfo().tensors;
    tidy(() => {
      const inp = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, T(v, true)]));
      const [y, holders, layer] = runOp(c, inp);
      assert.deepEqual(y.shape, c.y.shape, `${c.name}: shape`);
      close(y.data, c.y.data, 2e-6, `${c.name}: y`);
      y.backward(T(c.dy));
      for (const [k, g] of Object.entries(c.grads)) {
        assert.ok(holders[k].grad, `${c.name}: ${k} has no grad`);
        assert.deepEqual(holders[k].grad.shape, g.shape, `${c.name}: d${k} shape`);
        close(holders[k].grad.data, g.data, 1e-5, `${c.name}: d${k}`);
      }
      layer?.dispose();
      for (const t of Object.values(inp)) t.dispose();
    });
    assert.equal(memoryInfo().tensors, before, `${c.name}: leaked`);
  }
});

/** d/dx of L(x) = Σ f(x)·w by central differences of our float32 forward, summed in float64. */
function numericGrad(f, x, w, eps) {
  const base = x.data;
  const g = new Float64Array(base.length);
  const L = (v) => tidy(() => {
    const y = noGrad(() => f(new Tensor(v, { shape: x.shape }))).data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * w[i];
    return s;
  });
  for (let i = 0; i < base.length; i++) {
    const plus = Float32Array.from(base); plus[i] += eps;
    const minus = Float32Array.from(base); minus[i] -= eps;
    g[i] = (L(plus) - L(minus)) / (Math.fround(base[i] + eps) - Math.fround(base[i] - eps));
  }
  return g;
}

test('gradients agree with central differences of the core\'s own forward', () => {
  const x = tidy(() => Tensor.randn([3, 5]).mul(0.7));
  const other = tidy(() => Tensor.randn([5]).add(3)); // a denominator away from 0
  const lin = new Linear(5, 4);
  const cases = {
    'linear': (t) => lin.forward(t),
    'linear+relu (fused)': (t) => tidy(() => new ReLU().forward(lin.forward(t))),
    'div broadcast': (t) => t.div(other),
    'scalar first div': (t) => t.mul(t).add(1),
    'softmax dim 0': (t) => new Softmax(0).forward(t),
    'gelu': (t) => new GELU().forward(t),
    'max axis 1': (t) => t.max(1),
    'mean keepdims': (t) => t.mean(0, true),
    'transpose': (t) => t.transpose(),
    'cross entropy': (t) => new CrossEntropyLoss().forward(t, [4, 0, 2]),
    'mse': (t) => new MSELoss().forward(t, other.reshape(1, 5).mul(Tensor.ones(3, 1))),
  };
  for (const [name, f] of Object.entries(cases)) {
    tidy(() => {
      const xg = new Tensor(x.data, { shape: x.shape, requiresGrad: true });
      const y = f(xg);
      const w = Float32Array.from({ length: y.size }, (_, i) => Math.fround(Math.sin(i + 1)));
      y.backward(new Tensor(w, { shape: y.shape }));
      const num = numericGrad(f, x, w, 1e-2);
      const half = numericGrad(f, x, w, 5e-3); // differs from num where a step crosses a kink (ReLU, max)
      const ana = xg.grad.data;
      const scale = Math.max(...Array.from(num, Math.abs), 1e-3);
      const tol = (i) => 2e-3 * scale + 1e-4;
      let checked = 0;
      for (let i = 0; i < num.length; i++) {
        if (Math.abs(num[i] - half[i]) > tol(i)) continue;
        checked++;
        assert.ok(Math.abs(ana[i] - num[i]) <= tol(i), `${name}[${i}]: autograd ${ana[i]}, central difference ${num[i]}`);
      }
      assert.ok(checked >= 0.8 * num.length, `${name}: only ${checked} of ${num.length} elements away from kinks`);
      xg.dispose();
    });
  }
  lin.dispose();
  x.dispose();
  other.dispose();
});

test('.grad accumulates until cleared; a second backward through one graph says why it cannot', () => {
  const w = new Tensor([1, 2, 3], { requiresGrad: true });
  tidy(() => {
    w.mul(2).sum().backward();
    w.mul(w).sum().backward();
  });
  assert.deepEqual(Array.from(w.grad.data), [2 + 2, 2 + 4, 2 + 6]);
  tidy(() => {
    const loss = w.mul(3).sum();
    loss.backward();
    assert.throws(() => loss.backward(), (e) => e instanceof RangeError && /already freed by an earlier backward/.test(e.message));
  });
  w.grad = null;
  assert.equal(w.grad, null);
  tidy(() => w.sum().backward());
  assert.deepEqual(Array.from(w.grad.data), [1, 1, 1]);
  w.dispose();
});

test('requiresGrad propagates; noGrad records nothing; backward needs a gradient for non-scalars', () => {
  const a = new Tensor([1, 2], { requiresGrad: true });
  const b = new Tensor([3, 4]);
  tidy(() => {
    const c = a.mul(b);
    assert.equal(c.requiresGrad, true);
    assert.equal(c.isLeaf, false);
    assert.equal(c.gradFn, 'MulBackward');
    assert.equal(b.mul(2).requiresGrad, false);
    const d = noGrad(() => a.mul(b));
    assert.equal(d.requiresGrad, false);
    assert.throws(() => d.sum().backward(), (e) => e instanceof TypeError && /does not require grad/.test(e.message));
    assert.throws(() => c.backward(), (e) => /a gradient is needed for a tensor of shape \[2\]/.test(e.message));
    const e = c.detach();
    assert.equal(e.requiresGrad, false);
    assert.deepEqual(Array.from(e.data), [3, 8]);
  });
  a.dispose();
  b.dispose();
});

test('an optimizer step between forward and backward is detected, not silently wrong', () => {
  const lin = new Linear(3, 2);
  const opt = new SGD(lin.parameters(), { lr: 0.1 });
  tidy(() => {
    const x = Tensor.ones(4, 3);
    lin.forward(x).sum().backward();
    const y = lin.forward(x).sum();
    opt.step();
    assert.throws(() => y.backward(), (e) => e instanceof RangeError && /modified in place/.test(e.message));
  });
  lin.dispose();
});

test('the graph keeps what backward needs after the caller disposed it, and frees it after', () => {
  const before = memoryInfo().tensors;
  const lin = new Linear(4, 3);
  const d = new Dropout(0.5);
  const x = Tensor.randn(5, 4);
  const h = lin.forward(x);
  const y = d.forward(h);
  const loss = y.sum();
  x.dispose(); h.dispose(); y.dispose(); // the graph still holds x, W and the mask
  loss.backward();
  assert.deepEqual(lin.weight.grad.shape, [4, 3]);
  loss.dispose();
  lin.dispose();
  d.dispose();
  assert.equal(memoryInfo().tensors, before);
});
