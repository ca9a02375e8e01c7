// bench/batches.mjs — the batch sweep: the lesson MLP's forward (eval mode,
// no dropout, inside noGrad, as PyTorch's eval + no_grad) and its training
// step with SGD and with Adam (dropout on) at batch 1, 8, 32, 64 and 256,
// through our public API. The same inputs go to the native column
// (bench/native-peers.mjs: NumPy and PyTorch), so every cell has an
// ours ÷ theirs. No Node APIs: the browser page imports this too.

import { mulberry32, uniform } from './rows.mjs';
import { timeInterleaved } from './timing.mjs';
import { TRAIN_DROP, TRAIN_LR, TRAIN_WIDTHS, trainInputs } from './train.mjs';

export const SWEEP_BATCHES = [1, 8, 32, 64, 256];
const MAX_B = 256;

/** x [256,784] in [0,1), labels, and the lesson-init weights of trainInputs() (its first 64 rows are trainInputs' batch). */
export function sweepInputs() {
  const inp = trainInputs();
  const rand = mulberry32(20261207);
  const x = new Float32Array(MAX_B * 784);
  x.set(inp.x);
  x.set(uniform(rand, (MAX_B - 64) * 784).map((v) => (v + 1) / 2), 64 * 784);
  const labels = new Int32Array(MAX_B);
  labels.set(inp.labels);
  for (let i = 64; i < MAX_B; i++) labels[i] = Math.floor(rand() * 10) % 10;
  return { x, labels, layers: inp.layers };
}

/** FLOPs of a forward at batch b (2·b·Σ in·out), and of a step (forward + 2x backward − the first layer's dx). */
export function sweepFlops(b) {
  let f = 0;
  for (let l = 0; l < 3; l++) f += 2 * b * TRAIN_WIDTHS[l] * TRAIN_WIDTHS[l + 1];
  return { forward: f, step: 3 * f - 2 * b * 784 * 256 };
}

/** float64 forward of the first `rows` rows: [rows,10]. */
export function referenceForward(inp, rows) {
  let h = Float64Array.from(inp.x.subarray(0, rows * 784));
  inp.layers.forEach(({ W, b }, l) => {
    const [K, N] = [TRAIN_WIDTHS[l], TRAIN_WIDTHS[l + 1]];
    const y = new Float64Array(rows * N);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < K; k++) {
        const v = h[i * K + k];
        if (v === 0) continue;
        for (let j = 0; j < N; j++) y[i * N + j] += v * W[k * N + j];
      }
      for (let j = 0; j < N; j++) { y[i * N + j] += b[j]; if (l < 2 && y[i * N + j] < 0) y[i * N + j] = 0; }
    }
    h = y;
  });
  return h;
}

/** Largest |a − ref| / (1 + |ref|); ok when it is <= 1e-4 (the bench's RTOL). */
export function compareForward(got, ref) {
  if (!got || got.length !== ref.length) return { ok: false, err: NaN, check: `length ${got?.length} vs ${ref.length}` };
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(got[i] - ref[i]) / (1 + Math.abs(ref[i]));
    if (!(e <= worst)) worst = e;
  }
  return { ok: worst <= 1e-4, err: worst, check: `max |a-ref|/(1+|ref|) ${worst.toExponential(1)}` };
}

function oursNet(api, inp, drop) {
  const { Tensor, Linear, ReLU, Dropout, Sequential } = api;
  const lins = inp.layers.map(({ W, b }, l) => {
    const lin = new Linear(TRAIN_WIDTHS[l], TRAIN_WIDTHS[l + 1]);
    lin.weight = new Tensor(W, { shape: [TRAIN_WIDTHS[l], TRAIN_WIDTHS[l + 1]] });
    lin.bias = new Tensor(b, { shape: [TRAIN_WIDTHS[l + 1]] });
    return lin;
  });
  return new Sequential(lins[0], new ReLU(), new Dropout(drop[0]), lins[1], new ReLU(), new Dropout(drop[1]), lins[2]);
}

/** Ours at one batch: { forward, sgd, adam } cells ({ call, dispose }) and a verified forward. */
function oursCells(api, inp, b) {
  const { Tensor, CrossEntropyLoss, SGD, Adam, tidy, noGrad } = api;
  const x = new Tensor(inp.x.subarray(0, b * 784), { shape: [b, 784] });
  const labels = inp.labels.subarray(0, b);
  const fnet = oursNet(api, inp, TRAIN_DROP);
  fnet.eval();
  const made = [x, fnet];
  const trainer = (opt) => {
    const net = oursNet(api, inp, TRAIN_DROP);
    net.train();
    made.push(net);
    const o = opt === 'adam' ? new Adam(net.parameters(), { lr: TRAIN_LR.adam }) : new SGD(net.parameters(), { lr: TRAIN_LR.sgd });
    made.push(o);
    const lossFn = new CrossEntropyLoss();
    return () => tidy(() => { o.zeroGrad(); lossFn.forward(net.forward(x), labels).backward(); o.step(); });
  };
  return {
    cells: { forward: { call: () => noGrad(() => fnet.forward(x).dispose()) }, sgd: { call: trainer('sgd') }, adam: { call: trainer('adam') } },
    forwardOut: () => noGrad(() => { const y = fnet.forward(x); const d = y.data; y.dispose(); return d; }),
    dispose: () => made.forEach((m) => m.dispose()),
  };
}

/**
 * Times ours at every batch (forward, SGD step, Adam step; one interleaved
 * row per batch). Returns { batches, rows: { [b]: { forward, sgd, adam } } }
 * with each cell's median_ms, samples/s and GFLOP/s, and the forward's check.
 */
export async function runSweep(api, log = () => {}) {
  const inp = sweepInputs();
  const ref = referenceForward(inp, MAX_B);
  const rows = {};
  for (const b of SWEEP_BATCHES) {
    log(`batch sweep: ours at batch ${b}...`);
    const o = oursCells(api, inp, b);
    try {
      const check = compareForward(o.forwardOut(), ref.subarray(0, b * 10));
      const times = await timeInterleaved(o.cells);
      const fl = sweepFlops(b);
      rows[b] = Object.fromEntries(Object.entries(times).map(([k, t]) => {
        const flops = k === 'forward' ? fl.forward : fl.step;
        return [k, { ...t, samplesPerSec: (1000 * b) / t.median_ms, gflops: flops / (t.median_ms * 1e6), ...(k === 'forward' && { verified: check.ok, check: check.check }) }];
      }));
    } finally {
      o.dispose();
    }
  }
  return { batches: SWEEP_BATCHES, rows };
}
