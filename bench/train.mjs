// bench/train.mjs — the training rows: one step of the lesson MLP
// (Linear 784-256, ReLU, Dropout 0.5, Linear 256-128, ReLU, Dropout 0.3,
// Linear 128-10) at batch 64: forward with Dropout, cross-entropy,
// backward, optimizer update. Ours (public API: Sequential, CrossEntropyLoss,
// SGD / Adam) against tfjs-backend-wasm (tf.train.sgd / adam .minimize over
// tf ops). ORT Web has no training API in onnxruntime-web.
//
// Before timing, one SGD step of each from the same weights and batch with
// p = 0 (so no masks differ) is checked against a float64 step: the loss,
// and the weight change (W0 - W1) of every parameter.
// No Node APIs: the browser page imports this too.

import { mulberry32, uniform } from './rows.mjs';
import { now, timeInterleaved } from './timing.mjs';

export const TRAIN_WIDTHS = [784, 256, 128, 10];
export const TRAIN_BATCH = 64;
export const TRAIN_DROP = [0.5, 0.3];
export const TRAIN_LR = { sgd: 0.01, adam: 0.001 };
export const EPOCH_IMAGES = 10000; // without the dataset: 157 steps at batch 64 (the last one 16 images)
const SEED = 20240612;

const FWD_FLOPS = 2 * TRAIN_BATCH * (784 * 256 + 256 * 128 + 128 * 10);
/** Forward, plus backward (dW and dx of every layer, 2x forward) minus the first layer's dx, which nobody needs. */
export const STEP_FLOPS = FWD_FLOPS + 2 * FWD_FLOPS - 2 * TRAIN_BATCH * 784 * 256;

/** x [64,784] in [0,1) like pixels, labels 0..9, weights like the lesson's init. */
export function trainInputs() {
  const rand = mulberry32(SEED);
  const x = uniform(rand, TRAIN_BATCH * 784).map((v) => (v + 1) / 2);
  const labels = new Int32Array(TRAIN_BATCH).map(() => Math.floor(rand() * 10) % 10);
  const layers = [0, 1, 2].map((i) => {
    const [k, n] = [TRAIN_WIDTHS[i], TRAIN_WIDTHS[i + 1]];
    return { W: uniform(rand, k * n, Math.sqrt(3 / k)), b: uniform(rand, n, 0.1) };
  });
  return { x, labels, layers };
}

// ---- float64 reference: one SGD step with no dropout

function matmul64(a, b, M, K, N) { // a[M,K] @ b[K,N]
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) {
    const v = a[i * K + k];
    for (let j = 0; j < N; j++) y[i * N + j] += v * b[k * N + j];
  }
  return y;
}
const transpose = (a, R, C) => { const t = new Float64Array(R * C); for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) t[j * R + i] = a[i * C + j]; return t; };

/** { loss, dW: [[dW, db] x 3] } of the mean cross-entropy at the given weights, in float64. */
export function referenceStep(inp) {
  const M = TRAIN_BATCH;
  const acts = [Float64Array.from(inp.x)];
  inp.layers.forEach(({ W, b }, l) => {
    const [K, N] = [TRAIN_WIDTHS[l], TRAIN_WIDTHS[l + 1]];
    const y = matmul64(acts[l], W, M, K, N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) { y[i * N + j] += b[j]; if (l < 2 && y[i * N + j] < 0) y[i * N + j] = 0; }
    acts.push(y);
  });
  const z = acts[3];
  let loss = 0;
  let dy = new Float64Array(M * 10);
  for (let i = 0; i < M; i++) {
    let mx = -Infinity;
    for (let j = 0; j < 10; j++) mx = Math.max(mx, z[i * 10 + j]);
    let s = 0;
    for (let j = 0; j < 10; j++) s += Math.exp(z[i * 10 + j] - mx);
    loss += Math.log(s) + mx - z[i * 10 + inp.labels[i]];
    for (let j = 0; j < 10; j++) dy[i * 10 + j] = (Math.exp(z[i * 10 + j] - mx) / s - (j === inp.labels[i] ? 1 : 0)) / M;
  }
  const grads = [];
  for (let l = 2; l >= 0; l--) {
    const [K, N] = [TRAIN_WIDTHS[l], TRAIN_WIDTHS[l + 1]];
    if (l < 2) for (let i = 0; i < M * N; i++) if (acts[l + 1][i] <= 0) dy[i] = 0; // ReLU
    const dW = matmul64(transpose(acts[l], M, K), dy, K, M, N);
    const db = new Float64Array(N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) db[j] += dy[i * N + j];
    grads[l] = [dW, db];
    if (l > 0) dy = matmul64(dy, transpose(inp.layers[l].W, K, N), M, N, K);
  }
  return { loss: loss / M, grads };
}

/** Loss within 1e-4 relative; each parameter's change within 1e-3 of the largest reference change. */
export function checkStep(name, got, ref, inp, lr) {
  const lossErr = Math.abs(got.loss - ref.loss) / Math.abs(ref.loss);
  if (!(lossErr <= 1e-4)) return { ok: false, check: `${name}: loss ${got.loss}, float64 ${ref.loss}` };
  let worst = 0;
  for (let l = 0; l < 3; l++) for (let p = 0; p < 2; p++) {
    const before = p ? inp.layers[l].b : inp.layers[l].W;
    const after = got.params[2 * l + p];
    const want = ref.grads[l][p];
    let scale = 0;
    for (const g of want) scale = Math.max(scale, Math.abs(lr * g));
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(before[i] - after[i] - lr * want[i]) / scale;
      if (!(err <= worst)) worst = err;
    }
  }
  const ok = worst <= 1e-3;
  return { ok, check: `${name}: loss rel err ${lossErr.toExponential(1)}, max update err ${worst.toExponential(1)} of the largest update`, lossErr, updateErr: worst };
}

// ---- ours

/** The lesson's net and optimizer at the inputs' weights; step() runs one training step inside tidy. */
export function oursTrainer(api, inp, optName, drop = TRAIN_DROP) {
  const { Tensor, Linear, ReLU, Dropout, Sequential, CrossEntropyLoss, SGD, Adam, tidy } = api;
  const linears = inp.layers.map(({ W, b }, l) => {
    const lin = new Linear(TRAIN_WIDTHS[l], TRAIN_WIDTHS[l + 1]);
    lin.weight = new Tensor(W, { shape: [TRAIN_WIDTHS[l], TRAIN_WIDTHS[l + 1]] });
    lin.bias = new Tensor(b, { shape: [TRAIN_WIDTHS[l + 1]] });
    return lin;
  });
  const net = new Sequential(linears[0], new ReLU(), new Dropout(drop[0]), linears[1], new ReLU(), new Dropout(drop[1]), linears[2]);
  net.train();
  const opt = optName === 'adam' ? new Adam(net.parameters(), { lr: TRAIN_LR.adam }) : new SGD(net.parameters(), { lr: TRAIN_LR.sgd });
  const lossFn = new CrossEntropyLoss();
  const x = new Tensor(inp.x, { shape: [TRAIN_BATCH, 784] });
  const stepOn = (xb, labels) => tidy(() => {
    opt.zeroGrad();
    const loss = lossFn.forward(net.forward(xb), labels);
    loss.backward();
    opt.step();
    return loss.data[0];
  });
  return {
    opt,
    call() { stepOn(x, inp.labels); },
    stepOn,
    result() {
      const loss = stepOn(x, inp.labels);
      return { loss, params: linears.flatMap((l) => [l.weight.data.slice(), l.bias.data.slice()]) };
    },
    dispose() { x.dispose(); net.dispose(); },
  };
}

// ---- tfjs

/** The same net as tf ops over tf.variables, tf.train.sgd/adam(lr).minimize; fused matMul+bias(+ReLU), its fastest path. */
export function tfjsTrainer(tf, inp, optName, drop = TRAIN_DROP) {
  const vars = inp.layers.flatMap(({ W, b }, l) => [
    tf.variable(tf.tensor2d(W, [TRAIN_WIDTHS[l], TRAIN_WIDTHS[l + 1]])), tf.variable(tf.tensor1d(b)),
  ]);
  const x = tf.tensor2d(inp.x, [TRAIN_BATCH, 784]);
  const onehot = tf.oneHot(tf.tensor1d(inp.labels, 'int32'), 10).toFloat();
  const opt = optName === 'adam' ? tf.train.adam(TRAIN_LR.adam) : tf.train.sgd(TRAIN_LR.sgd);
  const lossOf = () => {
    let h = tf.fused.matMul({ a: x, b: vars[0], bias: vars[1], activation: 'relu' });
    if (drop[0] > 0) h = tf.dropout(h, drop[0]);
    h = tf.fused.matMul({ a: h, b: vars[2], bias: vars[3], activation: 'relu' });
    if (drop[1] > 0) h = tf.dropout(h, drop[1]);
    const z = tf.fused.matMul({ a: h, b: vars[4], bias: vars[5] });
    return tf.losses.softmaxCrossEntropy(onehot, z); // mean over the batch
  };
  const step = () => { const cost = opt.minimize(lossOf, true, vars); const v = cost.dataSync()[0]; cost.dispose(); return v; };
  return {
    call() { opt.minimize(lossOf, true, vars).dispose(); },
    result() { const loss = step(); return { loss, params: vars.map((v) => v.dataSync().slice()) }; },
    dispose() { vars.forEach((v) => v.dispose()); x.dispose(); onehot.dispose(); opt.dispose(); },
  };
}

// ---- the pass

/**
 * env: { api, tf?, tfjsError?, ceilingCells?, log }. Verifies one SGD step
 * (p = 0) of ours and tfjs against float64, then times the step (SGD, Adam;
 * with dropout) and the mul+add peak (out.ceiling) in the same interleaved
 * rounds, and in `epoch` mode times 157 steps over 10,000 images.
 */
export async function runTraining(env, { epoch = true } = {}) {
  const inp = trainInputs();
  const ref = referenceStep(inp);
  const out = { stepFlops: STEP_FLOPS, forwardFlops: FWD_FLOPS, batch: TRAIN_BATCH, refLoss: ref.loss, rows: [] };
  const factories = { ours: (o, d) => oursTrainer(env.api, inp, o, d), ...(env.tf && { tfjs: (o, d) => tfjsTrainer(env.tf, inp, o, d) }) };
  const verify = {};
  for (const [id, make] of Object.entries(factories)) {
    const t = make('sgd', [0, 0]);
    try { verify[id] = checkStep(id, t.result(), ref, inp, TRAIN_LR.sgd); } finally { t.dispose(); }
  }
  // SGD and Adam, ours and tfjs's, and the mul+add peak (env.ceilingCells,
  // when given) in one set of interleaved rounds: a burst of load then hits
  // every cell alike, and the step's % of the peak and Adam / SGD are ratios
  // of the same rounds (timed apart, one run gave Adam / SGD 1.59x here and
  // 1.06x in the batch sweep's shared rounds).
  env.log('training step (sgd, adam): timing...');
  const impls = {};
  const cellsOf = { sgd: {}, adam: {} };
  try {
    for (const optName of ['sgd', 'adam']) {
      for (const [id, make] of Object.entries(factories)) {
        cellsOf[optName][id] = { verified: verify[id].ok, check: verify[id].check };
        if (verify[id].ok) impls[`${id} ${optName}`] = make(optName);
      }
    }
    const cc = env.ceilingCells;
    const timed = Object.fromEntries(Object.entries(impls).map(([key, t]) => [key, { call: t.call }]));
    if (cc) Object.assign(timed, { ceilingChain: { call: cc.peak.call }, ceilingTile: { call: cc.tile.call } });
    const times = await timeInterleaved(timed);
    for (const key of Object.keys(impls)) {
      const [id, optName] = key.split(' ');
      Object.assign(cellsOf[optName][id], times[key], { gflops: STEP_FLOPS / (times[key].median_ms * 1e6) });
    }
    if (cc) {
      const chainGflops = cc.peak.gflopsOf(times.ceilingChain.median_ms);
      const tileGflops = cc.tile.gflopsOf(times.ceilingTile.median_ms);
      out.ceiling = { peakGflops: Math.max(chainGflops, tileGflops), chainGflops, tileGflops, samples: times.ceilingChain.sampleCount };
    }
  } finally {
    Object.values(impls).forEach((t) => t.dispose());
  }
  for (const optName of ['sgd', 'adam']) {
    const cells = cellsOf[optName];
    if (!env.tf) cells.tfjs = { error: env.tfjsError ?? 'tfjs not loaded' };
    cells.ort = { error: 'onnxruntime-web has no training API' };
    out.rows.push({ id: `train-${optName}`, label: `train step ${optName === 'sgd' ? 'SGD lr 0.01' : 'Adam lr 0.001'} b64`, opt: optName, cells });
  }
  if (epoch && verify.ours.ok) out.epoch = await runEpoch(env, inp);
  if (verify.ours.ok && env.converged !== false) out.converged = await runConverged(env, inp);
  return out;
}

/**
 * One epoch of SGD at batch 64 with dropout on: over env.fashion (the
 * 60,000 Fashion-MNIST train images as uint8, scaled to [0, 1] per batch,
 * which the epoch's time includes) when the caller loaded it, else over
 * 10,000 random images. A new input Tensor per batch. Median of 3 after a
 * warm-up (a warm-up of 10,000 images on the full set).
 */
async function runEpoch(env, inp) {
  const fashion = env.fashion && !env.fashion.error ? env.fashion : null;
  let images, labels, count;
  if (fashion) {
    count = fashion.labels.length;
    images = fashion.images;
    labels = Int32Array.from(fashion.labels);
  } else {
    count = EPOCH_IMAGES;
    const rand = mulberry32(SEED + 1);
    images = uniform(rand, EPOCH_IMAGES * 784).map((v) => (v + 1) / 2);
    labels = new Int32Array(EPOCH_IMAGES).map(() => Math.floor(rand() * 10) % 10);
  }
  env.log(`epoch: ${count} ${fashion ? 'Fashion-MNIST' : 'random'} images at batch ${TRAIN_BATCH}...`);
  const t = oursTrainer(env.api, inp, 'sgd');
  const { Tensor } = env.api;
  const xbuf = new Float32Array(TRAIN_BATCH * 784);
  const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255); // the same floats as px / 255
  const run = (n) => {
    const t0 = now();
    for (let s = 0; s < n; s += TRAIN_BATCH) {
      const e = Math.min(n, s + TRAIN_BATCH);
      let xs;
      if (fashion) {
        const px = images.subarray(s * 784, e * 784);
        for (let i = 0; i < px.length; i++) xbuf[i] = SCALE[px[i]]; // = px[i] / 255, looked up
        xs = xbuf.subarray(0, px.length);
      } else xs = images.subarray(s * 784, e * 784);
      const xb = new Tensor(xs, { shape: [e - s, 784] });
      t.stepOn(xb, labels.subarray(s, e));
      xb.dispose();
    }
    return (now() - t0) / 1000;
  };
  try {
    run(Math.min(count, 10000)); // warm-up
    const secs = [run(count), run(count), run(count)].sort((a, b) => a - b);
    return { images: count, data: fashion ? fashion.source ?? 'Fashion-MNIST' : `random (${env.fashion?.error ?? 'no dataset given'})`, steps: Math.ceil(count / TRAIN_BATCH), median_s: secs[1], samples_s: secs };
  } finally {
    t.dispose();
  }
}

/**
 * A converged network against a fresh one: net A is trained on one batch
 * (SGD lr 0.05, dropout on) until its loss is below 0.01; then A and a
 * fresh net B are timed in interleaved rounds with lr 0, so both do the
 * whole step (the update included) on fixed weights.
 */
async function runConverged(env, inp) {
  const { api } = env;
  env.log('converged vs fresh step: training one net to loss < 0.01...');
  const A = oursTrainer(api, inp, 'sgd');
  const B = oursTrainer(api, inp, 'sgd');
  const x = new api.Tensor(inp.x, { shape: [TRAIN_BATCH, 784] });
  try {
    A.opt.paramGroups[0].lr = 0.05;
    let loss = Infinity, steps = 0;
    while (!(loss < 0.01) && steps < 20000) { loss = A.stepOn(x, inp.labels); steps++; }
    A.opt.paramGroups[0].lr = 0;
    B.opt.paramGroups[0].lr = 0;
    const times = await timeInterleaved({ converged: { call: () => A.stepOn(x, inp.labels) }, fresh: { call: () => B.stepOn(x, inp.labels) } });
    return { trainSteps: steps, convergedLoss: A.stepOn(x, inp.labels), freshLoss: B.stepOn(x, inp.labels), ...times, ratio: times.converged.median_ms / times.fresh.median_ms, ratioFastest: times.converged.min_ms / times.fresh.min_ms };
  } finally {
    x.dispose(); A.dispose(); B.dispose();
  }
}
