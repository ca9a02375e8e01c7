// bench/impls.mjs — our implementations of each row (public API, raw GEMM
// kernel) and the plain-JS loops. Each factory returns
// { call() (the timed unit), result() (one run's output, a Float32Array),
// dispose() }; `api` is what js/index.js exports, so Node and the browser
// page pass their own import.

import { DROP_P, MLP_WIDTHS, linearInto as plainLinear } from './rows.mjs';

/** Wraps a forward that returns a fresh Tensor: the timed call disposes it, as a user would. */
function tensorImpl(forward, dispose) {
  return {
    call() { forward().dispose(); },
    result() {
      const y = forward();
      const data = y.data;
      y.dispose();
      return data;
    },
    dispose,
  };
}

/** Our public API: Linear with the row's weight and bias, Sequential (which fuses Linear+ReLU), Dropout. */
export function publicImpl(api, row, inp) {
  const { Tensor, Linear, ReLU, Sequential, Dropout } = api;
  if (row.kind === 'matmul') {
    const layer = new Linear(row.K, row.N);
    layer.weight = new Tensor(inp.W, { shape: [row.K, row.N] });
    layer.bias = new Tensor(inp.b, { shape: [row.N] });
    const x = new Tensor(inp.x, { shape: [row.M, row.K] });
    return tensorImpl(() => layer.forward(x), () => { x.dispose(); layer.dispose(); });
  }
  if (row.kind === 'mlp') {
    const linears = inp.layers.map(({ W, b }, i) => {
      const l = new Linear(MLP_WIDTHS[i], MLP_WIDTHS[i + 1]);
      l.weight = new Tensor(W, { shape: [MLP_WIDTHS[i], MLP_WIDTHS[i + 1]] });
      l.bias = new Tensor(b, { shape: [MLP_WIDTHS[i + 1]] });
      return l;
    });
    const net = new Sequential(linears[0], new ReLU(), linears[1], new ReLU(), linears[2]);
    const x = new Tensor(inp.x, { shape: [row.B, MLP_WIDTHS[0]] });
    return tensorImpl(() => net.forward(x), () => { x.dispose(); net.dispose(); });
  }
  const d = new Dropout(DROP_P);
  const x = new Tensor(inp.x, { shape: [row.R, row.C] });
  return tensorImpl(() => d.forward(x, true), () => { x.dispose(); d.dispose(); });
}

/** The GEMM kernel alone (runtime.gemmPlan from js/core.js): no allocation, no copies. */
export function rawImpl(runtime, row, inp) {
  const plan = runtime.gemmPlan(row.M, row.K, row.N);
  plan.setA(inp.x);
  plan.setB(inp.W);
  plan.setBias(inp.b);
  return {
    call() { plan.run(true, false); },
    result() { plan.run(true, false); return plan.result(); },
    dispose() { plan.dispose(); },
  };
}


function plainDropout(y, mask, x, p) {
  const scale = 1 / (1 - p);
  for (let i = 0; i < x.length; i++) {
    const keep = Math.random() >= p;
    mask[i] = keep ? 1 : 0;
    y[i] = keep ? x[i] * scale : 0;
  }
}

/** Plain JS loops over preallocated Float32Arrays. */
export function plainImpl(row, inp) {
  let run;
  let y;
  if (row.kind === 'matmul') {
    y = new Float32Array(row.M * row.N);
    run = () => plainLinear(y, inp.x, inp.W, inp.b, row.M, row.K, row.N, false);
  } else if (row.kind === 'mlp') {
    const [w0, w1, w2, w3] = MLP_WIDTHS;
    const [l1, l2, l3] = inp.layers;
    const h1 = new Float32Array(row.B * w1);
    const h2 = new Float32Array(row.B * w2);
    y = new Float32Array(row.B * w3);
    run = () => {
      plainLinear(h1, inp.x, l1.W, l1.b, row.B, w0, w1, true);
      plainLinear(h2, h1, l2.W, l2.b, row.B, w1, w2, true);
      plainLinear(y, h2, l3.W, l3.b, row.B, w2, w3, false);
    };
  } else {
    y = new Float32Array(inp.x.length);
    const mask = new Float32Array(inp.x.length);
    run = () => plainDropout(y, mask, inp.x, DROP_P);
  }
  return { call: run, result() { run(); return y.slice(); }, dispose() {} };
}
