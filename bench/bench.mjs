// bench/bench.mjs — the benchmark (not a test): `npm run bench`.
//
// Times y = x@W + b, the lesson's MLP and training-mode Dropout through
// every implementation we compare against, after checking that each one
// computes the same thing on the same inputs. Prints one table, writes the
// data to bench/results.json and a Markdown copy of the table to
// bench/results.md. Exits non-zero if any verification fails.
//
// Columns: our public API (SIMD build, in this process), the raw GEMM
// kernels of both wasm builds (rt.gemmPlan), our public API on the scalar
// build (a child process: the build is chosen when js/index.js is imported),
// the native C core (build/native/tt_bench_native), tfjs-backend-wasm and a
// plain-JS loop. See bench/README.md.
//
// Internal mode: `node bench/bench.mjs --worker scalar verify|time` runs the
// public-API rows in the build TINYTORCH_WASM_BACKEND selects and prints one
// JSON document on stdout (the parent sets that variable).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { Tensor, Linear, ReLU, Sequential, Dropout, manualSeed, backendInfo } from '../js/index.js';
import { createRuntime } from '../js/core.js';
import { fnv1a } from '../tests/shared/scenario.js'; // the digest tt_bench_native prints

const SELF = fileURLToPath(import.meta.url);
const HERE = path.dirname(SELF);
const ROOT = path.resolve(HERE, '..');
const NATIVE_BIN = path.join(ROOT, 'build/native/tt_bench_native');
const PEAK_WASM = path.join(ROOT, 'build/wasm/tt-peak.wasm');

const MLP_WIDTHS = [784, 256, 128, 10];
const DROP_P = 0.5;
const INPUT_SEED = 20240611; // the JS PRNG seed every implementation's inputs come from
const RTOL = 1e-4; // |a - b| <= RTOL * (1 + |b|): summation orders differ between libraries

const TIMING = {
  warmupMs: 150, // long enough for V8 to tier wasm and JS up to optimised code
  sampleMs: 20, // one sample repeats the call until it takes at least this long
  maxSamples: 15,
  minSamples: 5, // only cells whose single call is very slow (plain JS, big GEMM) get fewer than 15
  budgetMs: 1500, // per cell, for the samples
  rounds: 3, // a row's cells are sampled in this many interleaved rounds
};
const PEAK = { iters: 2e7, samples: 7, warmupMs: 300 };
const FLOPS_PER_PEAK_ITER = 12 * 4 * 2; // 12 chains x 4 lanes x (mul + add)

// ---- the rows

const matmulRow = (M, K, N) => ({
  id: `matmul-${M}x${K}x${N}`, kind: 'matmul', label: `matmul [${M},${K},${N}]`, short: `[${M},${K},${N}]`, M, K, N, flops: 2 * M * K * N,
});
const dropoutRow = (R, C) => ({ id: `dropout-${R}x${C}`, kind: 'dropout', label: `dropout [${R},${C}]`, R, C });
const MLP_FLOPS = 2 * 32 * (784 * 256 + 256 * 128 + 128 * 10);

const ROWS = [
  matmulRow(32, 784, 256),
  matmulRow(32, 256, 128),
  matmulRow(32, 128, 10),
  matmulRow(1, 784, 256),
  matmulRow(128, 1024, 1024),
  { id: 'mlp-32', kind: 'mlp', label: 'MLP 784-256-128-10 b32', short: 'MLP', B: 32, flops: MLP_FLOPS },
  dropoutRow(32, 784),
  dropoutRow(1024, 1024),
];

const COLUMNS = [
  { id: 'simdPub', head: 'SIMD pub', what: 'ours, SIMD build, public API (Linear/Sequential/Dropout)' },
  { id: 'simdRaw', head: 'SIMD raw', what: 'ours, SIMD build, raw GEMM kernel (rt.gemmPlan)' },
  { id: 'scalarRaw', head: 'scal raw', what: 'ours, scalar build, raw GEMM kernel (rt.gemmPlan)' },
  { id: 'scalarPub', head: 'scal pub', what: 'ours, scalar build, public API (child process)' },
  { id: 'native', head: 'native', what: 'native C core, gcc -O3, scalar kernel (tt_bench_native)' },
  { id: 'tfjs', head: 'tfjs-wasm', what: 'tfjs-backend-wasm, 1 thread (tf.fused.matMul / tf.dropout)' },
  { id: 'plain', head: 'plain JS', what: 'plain JS loops over Float32Arrays' },
];

/** Which columns a row has: the raw kernels are GEMMs only. */
function columnsOf(row) {
  return COLUMNS.map((c) => c.id).filter((id) => row.kind === 'matmul' || (id !== 'simdRaw' && id !== 'scalarRaw'));
}

// ---- small utilities

const now = () => performance.now();
const log = (msg) => process.stderr.write(`${msg}\n`); // progress goes to stderr; stdout gets the report

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** mulberry32: a tiny seeded PRNG, so every process and library gets the same inputs. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n floats uniform in [-scale, scale). */
function uniform(rand, n, scale = 1) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * rand() - 1) * scale;
  return a;
}

const toBase64 = (f32) => Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64');
function fromBase64(b64) {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

// ---- inputs: one fixed-seed set per row, shared by every implementation

/** W is scaled like the lesson's init (variance 1/in) so outputs stay O(1) and the tolerance means something. */
function linearParams(rand, inF, outF) {
  return { W: uniform(rand, inF * outF, Math.sqrt(3 / inF)), b: uniform(rand, outF) };
}

function makeInputs(row) {
  const rand = mulberry32(INPUT_SEED);
  if (row.kind === 'matmul') return { x: uniform(rand, row.M * row.K), ...linearParams(rand, row.K, row.N) };
  if (row.kind === 'mlp') {
    const x = uniform(rand, row.B * MLP_WIDTHS[0]);
    const layers = [0, 1, 2].map((i) => linearParams(rand, MLP_WIDTHS[i], MLP_WIDTHS[i + 1]));
    return { x, layers };
  }
  const x = uniform(rand, row.R * row.C);
  for (let i = 0; i < x.length; i++) if (x[i] === 0) x[i] = 1; // a dropped 0 would be indistinguishable from a kept one
  return { x };
}

// ---- implementations: each is { call() (the timed unit), result() (one run's output), dispose() }

function publicImpl(row, inp) {
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

function rawImpl(runtime, row, inp) {
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

function tfjsImpl(tf, row, inp) {
  const owned = [];
  const own = (t) => { owned.push(t); return t; };
  let forward;
  if (row.kind === 'matmul') {
    const x = own(tf.tensor2d(inp.x, [row.M, row.K]));
    const W = own(tf.tensor2d(inp.W, [row.K, row.N]));
    const b = own(tf.tensor1d(inp.b));
    forward = () => tf.fused.matMul({ a: x, b: W, bias: b });
  } else if (row.kind === 'mlp') {
    const x = own(tf.tensor2d(inp.x, [row.B, MLP_WIDTHS[0]]));
    const p = inp.layers.map(({ W, b }, i) => ({
      W: own(tf.tensor2d(W, [MLP_WIDTHS[i], MLP_WIDTHS[i + 1]])),
      b: own(tf.tensor1d(b)),
    }));
    // Intermediates disposed by hand: cheaper than tf.tidy, so tfjs gets its best case.
    forward = () => {
      const h1 = tf.fused.matMul({ a: x, b: p[0].W, bias: p[0].b, activation: 'relu' });
      const h2 = tf.fused.matMul({ a: h1, b: p[1].W, bias: p[1].b, activation: 'relu' });
      h1.dispose();
      const y = tf.fused.matMul({ a: h2, b: p[2].W, bias: p[2].b });
      h2.dispose();
      return y;
    };
  } else {
    const x = own(tf.tensor2d(inp.x, [row.R, row.C]));
    // tf.dropout is several ops (randomUniform, add, floor, div, mul): tidy frees the intermediates.
    forward = () => tf.tidy(() => tf.dropout(x, DROP_P));
  }
  return {
    call() { forward().dispose(); },
    result() {
      const y = forward();
      const data = y.dataSync().slice();
      y.dispose();
      return data;
    },
    dispose() { owned.forEach((t) => t.dispose()); },
  };
}

/** y[M,N] = x[M,K] @ W[K,N] + b, i-k-j order (unit stride inner loop), optional ReLU. */
function plainLinear(y, x, W, b, M, K, N, relu) {
  for (let i = 0; i < M; i++) {
    const yi = i * N;
    for (let j = 0; j < N; j++) y[yi + j] = b[j];
    for (let k = 0; k < K; k++) {
      const a = x[i * K + k];
      const wk = k * N;
      for (let j = 0; j < N; j++) y[yi + j] += a * W[wk + j];
    }
    if (relu) for (let j = 0; j < N; j++) if (y[yi + j] < 0) y[yi + j] = 0;
  }
}

function plainDropout(y, mask, x, p) {
  const scale = 1 / (1 - p);
  for (let i = 0; i < x.length; i++) {
    const keep = Math.random() >= p;
    mask[i] = keep ? 1 : 0;
    y[i] = keep ? x[i] * scale : 0;
  }
}

function plainImpl(row, inp) {
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

// ---- verification

/** Every element within RTOL * (1 + |ref|) of the reference. */
function checkClose(out, ref) {
  if (out.length !== ref.length) return { ok: false, check: `length ${out.length} != ${ref.length}` };
  let worst = 0;
  let at = 0;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(out[i] - ref[i]) / (1 + Math.abs(ref[i]));
    if (!(err <= worst)) { worst = err; at = i; } // !(<=) also catches NaN
  }
  const ok = worst <= RTOL;
  return { ok, check: ok ? `max rel err ${worst.toExponential(1)}` : `[${at}] = ${out[at]}, expected ${ref[at]} (rel err ${worst.toExponential(2)})`, maxRelErr: worst };
}

/** Bit-identical: our builds and kernels promise the same bits (no FMA, one summation order). */
function checkBits(out, ref) {
  if (out.length !== ref.length) return { ok: false, check: `length ${out.length} != ${ref.length}` };
  const a = new Uint32Array(out.buffer, out.byteOffset, out.length);
  const b = new Uint32Array(ref.buffer, ref.byteOffset, ref.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return { ok: false, check: `not bit-identical: [${i}] = ${out[i]}, expected ${ref[i]}` };
  }
  return { ok: true, check: 'bit-identical' };
}

/** Dropout has no reference values: every output is 0 or exactly 2x, and about half survive. */
function checkDropout(x, y, p = DROP_P) {
  if (y.length !== x.length) return { ok: false, check: `length ${y.length} != ${x.length}` };
  const scale = Math.fround(1 / (1 - p));
  let kept = 0;
  for (let i = 0; i < x.length; i++) {
    if (y[i] === Math.fround(x[i] * scale)) kept++;
    else if (y[i] !== 0) return { ok: false, check: `[${i}] = ${y[i]} is neither 0 nor ${scale}*${x[i]}` };
  }
  const n = x.length;
  const sd = Math.sqrt(n * p * (1 - p));
  const z = (kept - n * (1 - p)) / sd;
  const ok = Math.abs(z) <= 5;
  return { ok, check: `${((100 * kept) / n).toFixed(2)}% kept (z = ${z.toFixed(2)})` };
}

// ---- timing

/** Warm up, then size a sample (reps) to >= TIMING.sampleMs and pick how many samples fit the budget. */
function calibrate(call) {
  const w0 = now();
  do call(); while (now() - w0 < TIMING.warmupMs);
  let reps = 1;
  let elapsed;
  for (;;) { // on warm code, doubling until the batch is long enough to time
    const t0 = now();
    for (let r = 0; r < reps; r++) call();
    elapsed = now() - t0;
    if (elapsed >= TIMING.sampleMs / 4 || reps >= 2 ** 24) break;
    reps *= 2;
  }
  const perCall = elapsed / reps;
  reps = Math.max(1, Math.ceil(TIMING.sampleMs / perCall));
  const fit = Math.floor(TIMING.budgetMs / (reps * perCall));
  return { reps, count: Math.min(TIMING.maxSamples, Math.max(TIMING.minSamples, fit)) };
}

/**
 * Times several implementations of one row: calibrate each, then take the
 * samples in TIMING.rounds interleaved rounds, so a burst of load from
 * another process hits every column of the row instead of skewing one
 * (the ratios matter most). Returns { id: { median_ms, min_ms, reps, samples } }, per call.
 */
function timeInterleaved(calls) {
  const plans = Object.entries(calls).map(([id, call]) => ({ id, call, ...calibrate(call), samples: [] }));
  for (let round = 0; round < TIMING.rounds; round++) {
    for (const p of plans) {
      const upTo = Math.round((p.count * (round + 1)) / TIMING.rounds); // spread count over the rounds
      while (p.samples.length < upTo) {
        const t0 = now();
        for (let r = 0; r < p.reps; r++) p.call();
        p.samples.push((now() - t0) / p.reps);
      }
    }
  }
  return Object.fromEntries(plans.map((p) => [p.id, {
    median_ms: median(p.samples), min_ms: Math.min(...p.samples), reps: p.reps, sampleCount: p.samples.length, samples: p.samples,
  }]));
}

/** The SIMD128 ceiling: bench/peak.c's 12 independent f32x4 mul+add chains. */
async function measurePeak() {
  if (!fs.existsSync(PEAK_WASM)) return { error: `${path.relative(ROOT, PEAK_WASM)} is missing: run bash scripts/build.sh` };
  const module = new WebAssembly.Module(fs.readFileSync(PEAK_WASM));
  const imports = {}; // stub whatever it imports (nothing today; proc_exit or memory-growth hooks in other builds)
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') throw new Error(`tt-peak.wasm imports a ${imp.kind} (${imp.module}.${imp.name})`);
    (imports[imp.module] ??= {})[imp.name] = () => 0;
  }
  const { exports } = await WebAssembly.instantiate(module, imports);
  exports._initialize?.();
  const peak = exports.tt_peak_f32x4;
  // Short calls first: wasm has no on-stack replacement, so one long first
  // call would run start to finish in V8's baseline tier.
  const w0 = now();
  while (now() - w0 < PEAK.warmupMs) peak(1e5, 1);
  const samples = [];
  for (let s = 0; s < PEAK.samples; s++) {
    const t0 = now();
    peak(PEAK.iters, 1);
    samples.push(now() - t0);
  }
  const ms = median(samples);
  return {
    gflops: (PEAK.iters * FLOPS_PER_PEAK_ITER) / (ms * 1e6), median_ms: ms, iters: PEAK.iters, samples,
    stream: measureStream(exports.tt_stream_f32x4),
  };
}

/** The bandwidth ceiling of a matrix-vector product: how long wasm takes just
 * to read [1,784,256]'s weights (784*256 floats) once, with nothing else. */
function measureStream(stream) {
  const floats = 784 * 256;
  const w0 = now();
  while (now() - w0 < 100) stream(floats);
  const samples = [];
  for (let s = 0; s < 11; s++) {
    const t0 = now();
    for (let r = 0; r < 200; r++) stream(floats);
    samples.push((now() - t0) / 200);
  }
  const ms = median(samples);
  return { bytes: floats * 4, median_ms: ms, gbps: (floats * 4) / (ms * 1e6) };
}

// ---- the native column's digest, recomputed through our public API

/**
 * Replays tt_bench_native's seeded recipe (see bench/tt_bench_native.c) and
 * returns the FNV-1a digest of the output. RNG order must match the C: x,
 * then W (Linear's init draws W and zeroes b without drawing), then b.
 */
function nativeRecipeDigest(row) {
  const owned = [];
  const own = (t) => { owned.push(t); return t; };
  try {
    manualSeed(42);
    let forward;
    if (row.kind === 'matmul') {
      const x = own(Tensor.randn([row.M, row.K]));
      const l = own(new Linear(row.K, row.N));
      l.bias = Tensor.randn([row.N]);
      forward = () => l.forward(x);
    } else if (row.kind === 'mlp') {
      const x = own(Tensor.randn([row.B, MLP_WIDTHS[0]]));
      const ls = [0, 1, 2].map((i) => new Linear(MLP_WIDTHS[i], MLP_WIDTHS[i + 1]));
      const net = own(new Sequential(ls[0], new ReLU(), ls[1], new ReLU(), ls[2]));
      forward = () => net.forward(x);
    } else {
      const x = own(Tensor.randn([row.R, row.C]));
      const d = own(new Dropout(DROP_P));
      forward = () => d.forward(x, true);
    }
    manualSeed(7);
    const y = own(forward());
    return fnv1a(y.data);
  } finally {
    owned.forEach((t) => t.dispose());
  }
}

function nativeArgs(row) {
  if (row.kind === 'matmul') return ['gemm', row.M, row.K, row.N];
  if (row.kind === 'mlp') return ['mlp', row.B];
  return ['dropout', row.R, row.C];
}

/** One run of tt_bench_native: { median_ms, min_ms, reps, digest, kernel } or { error }. */
function runNative(row) {
  if (!fs.existsSync(NATIVE_BIN)) return { error: `${path.relative(ROOT, NATIVE_BIN)} is missing: run bash scripts/build.sh` };
  const r = spawnSync(NATIVE_BIN, nativeArgs(row).map(String), { encoding: 'utf8' });
  if (r.status !== 0) return { error: `tt_bench_native exited ${r.status}: ${r.stderr.trim()}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { error: `tt_bench_native printed no JSON: ${r.stdout.trim()}` };
  }
}

// ---- the scalar public-API column: a child process

/** The child's side: public-API rows in whatever build js/index.js picked. */
function workerMain(mode) {
  const info = backendInfo();
  const out = { build: info.build, kernel: info.kernel, rows: {} };
  for (const row of ROWS) {
    const inp = makeInputs(row);
    const impl = publicImpl(row, inp);
    try {
      if (mode === 'verify') {
        const y = impl.result();
        out.rows[row.id] = {
          digest: nativeRecipeDigest(row),
          ...(row.kind === 'dropout' ? { dropout: checkDropout(inp.x, y) } : { output: toBase64(y) }),
        };
      } else {
        out.rows[row.id] = timeInterleaved({ scalarPub: impl.call }).scalarPub;
      }
    } finally {
      impl.dispose();
    }
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** The parent's side: run the child, return its JSON or { error }. */
function runWorker(build, mode) {
  const r = spawnSync(process.execPath, [SELF, '--worker', build, mode], {
    env: { ...process.env, TINYTORCH_WASM_BACKEND: build },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024, // outputs travel as base64
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) return { error: `worker (${build}, ${mode}) exited ${r.status ?? r.signal}` };
  try {
    const out = JSON.parse(r.stdout);
    if (out.build !== build) return { error: `worker ran the ${out.build} build, not ${build}` };
    return out;
  } catch {
    return { error: `worker (${build}, ${mode}) printed no JSON` };
  }
}

// ---- tfjs-backend-wasm

/** Records which .wasm files get read, to report which tfjs binary was loaded. */
function watchWasmReads() {
  const seen = [];
  const patched = [[fs, 'readFileSync'], [fs, 'readFile'], [fs.promises, 'readFile']];
  const originals = patched.map(([obj, name]) => obj[name]);
  patched.forEach(([obj, name], i) => {
    obj[name] = function (file, ...rest) {
      if (String(file).endsWith('.wasm')) seen.push(String(file));
      return originals[i].call(this, file, ...rest);
    };
  });
  return { seen, restore: () => patched.forEach(([obj, name], i) => { obj[name] = originals[i]; }) };
}

async function loadTfjs() {
  const watch = watchWasmReads();
  try {
    const tf = await import('@tensorflow/tfjs-core');
    const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    // The package's main is dist/tf-backend-wasm.node.js; the .wasm files sit next to it.
    const dist = `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
    tfwasm.setWasmPaths(dist);
    tfwasm.setThreadsCount(1); // must precede setBackend; one thread, like our core
    if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
    await tf.ready();
    if (tf.getBackend() !== 'wasm') throw new Error(`tfjs backend is ${tf.getBackend()}, not wasm`);
    const binary = watch.seen.length ? path.basename(watch.seen[watch.seen.length - 1]) : 'unknown';
    return {
      tf,
      info: {
        version: tf.version_core,
        backend: tf.getBackend(),
        binary,
        simd: binary === 'unknown' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : binary.includes('simd'),
        threaded: binary.includes('threaded'),
        threadsCount: tfwasm.getThreadsCount(),
      },
    };
  } catch (e) {
    return { error: `tfjs-backend-wasm unavailable: ${e.message ?? e}` };
  } finally {
    watch.restore();
  }
}

// ---- one row, in this process: verify every implementation, then time those that passed

function verifyAndTimeRow(row, factories, scalarVerify) {
  const inp = makeInputs(row);
  const cols = columnsOf(row).filter((id) => factories[id]);
  const impls = Object.fromEntries(cols.map((id) => [id, factories[id](row, inp)]));
  const cells = {};
  try {
    const ref = impls.simdPub.result();
    for (const id of cols) {
      const out = id === 'simdPub' ? ref : impls[id].result();
      let v;
      if (row.kind === 'dropout') v = checkDropout(inp.x, out);
      else if (id === 'simdRaw' || id === 'scalarRaw') v = checkBits(out, ref);
      else if (id === 'simdPub') v = { ok: true, check: 'the reference' };
      else v = checkClose(out, ref);
      cells[id] = { verified: v.ok, check: v.check, ...(v.maxRelErr !== undefined && { maxRelErr: v.maxRelErr }) };
    }
    cells.scalarPub = verifyWorkerRow(row, inp, ref, scalarVerify);
    const verified = cols.filter((id) => cells[id].verified);
    const times = timeInterleaved(Object.fromEntries(verified.map((id) => [id, impls[id].call])));
    for (const id of verified) Object.assign(cells[id], times[id]);
  } finally {
    Object.values(impls).forEach((impl) => impl.dispose());
  }
  return cells;
}

/** The scalar public API must give our SIMD public API's bits (same core, same summation order). */
function verifyWorkerRow(row, inp, ref, scalarVerify) {
  if (scalarVerify.error) return { verified: false, check: scalarVerify.error };
  const w = scalarVerify.rows[row.id];
  const v = row.kind === 'dropout' ? w.dropout : checkBits(fromBase64(w.output), ref);
  return { verified: v.ok, check: v.check };
}

/** The native cell: its digest must equal our SIMD public API's (and the scalar child's) on its recipe. */
function nativeCell(row, scalarVerify) {
  const nat = runNative(row);
  if (nat.error) return { error: nat.error };
  const ours = nativeRecipeDigest(row);
  const scalar = scalarVerify.rows?.[row.id]?.digest;
  const ok = nat.digest === ours && (scalar === undefined || scalar === ours);
  const check = ok ? `digest ${ours} matches` : `DIGEST MISMATCH native ${nat.digest}, wasm SIMD ${ours}, wasm scalar ${scalar}`;
  return { verified: ok, check, median_ms: nat.median_ms, min_ms: nat.min_ms, reps: nat.reps, sampleCount: 15, digest: nat.digest, kernel: nat.kernel };
}

// ---- report

// Three significant digits (toPrecision, so 9.999 prints as 10.0, not 10.00).
const fmtGflops = (g) => (g >= 100 ? g.toFixed(0) : g.toPrecision(3));
const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toPrecision(3) : ms.toFixed(3));
const fmtRatio = (r) => (r === undefined ? '-' : `${r.toFixed(2)}x`);
const fmtPct = (p) => (p === undefined ? '-' : `${p.toFixed(0)}%`);

/** A cell's text: GFLOP/s or ms, FAIL if it did not verify, "-" if not applicable. */
function cellText(row, cell) {
  if (!cell) return '-';
  if (cell.error) return 'n/a';
  if (!cell.verified) return 'FAIL';
  return row.kind === 'dropout' ? fmtMs(cell.median_ms) : fmtGflops(cell.gflops);
}

/** GFLOP/s per cell, the public/tfjs ratio and the fractions of peak. */
function derive(results, peak) {
  for (const r of results) {
    for (const cell of Object.values(r.cells)) {
      if (cell.median_ms !== undefined && r.row.flops) cell.gflops = r.row.flops / (cell.median_ms * 1e6);
    }
    const { simdPub, simdRaw, tfjs } = r.cells;
    const ok = (c) => c && c.verified && c.median_ms !== undefined;
    if (ok(simdPub) && ok(tfjs)) r.pubOverTfjs = tfjs.median_ms / simdPub.median_ms; // speed ratio, >1: we are faster
    if (peak && r.row.flops) {
      if (ok(simdRaw)) r.rawPctPeak = (100 * simdRaw.gflops) / peak;
      if (ok(simdPub)) r.pubPctPeak = (100 * simdPub.gflops) / peak;
    }
  }
}

function tableRows(results) {
  const head = ['row', 'unit', ...COLUMNS.map((c) => c.head), 'pub/tfjs', 'raw %pk', 'pub %pk'];
  const body = results.map((r) => [
    r.row.label,
    r.row.kind === 'dropout' ? 'ms' : 'GFLOP/s',
    ...COLUMNS.map((c) => cellText(r.row, r.cells[c.id]) + (c.id === 'native' && r.cells.native?.verified ? ' ✓' : '')),
    fmtRatio(r.pubOverTfjs),
    fmtPct(r.rawPctPeak),
    fmtPct(r.pubPctPeak),
  ]);
  return { head, body };
}

function textTable({ head, body }) {
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells) => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [line(head), rule, ...body.map(line)].join('\n');
}

function markdownTable({ head, body }) {
  const esc = (s) => s.replace(/\|/g, '\\|');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `| ${head.map((_, c) => (c < 2 ? '---' : '---:')).join(' | ')} |`,
    ...body.map((row) => `| ${row.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** The targets, each { name, met, detail }. A missing or failed cell means NOT MET. */
function evaluateTargets(results) {
  const byId = Object.fromEntries(results.map((r) => [r.row.id, r]));
  const gemmAndMlp = results.filter((r) => r.row.kind !== 'dropout');
  const ratio = (id) => byId[id].pubOverTfjs;
  const list = (ids, f) => ids.map((id) => `${byId[id].row.short} ${f(id)}`).join(', ');
  const allAtLeast = (ids, f, min) => ids.every((id) => f(id) !== undefined && f(id) >= min);
  const ids1 = gemmAndMlp.map((r) => r.row.id);
  const ids2 = ['matmul-32x128x10', 'matmul-1x784x256'];
  const big = ['matmul-32x784x256', 'matmul-128x1024x1024'];
  const rawPct = (id) => byId[id].rawPctPeak;
  const pubPct = (id) => byId[id].pubPctPeak;
  const simdRaw = byId['matmul-32x784x256'].cells.simdRaw;
  const scalarRaw = byId['matmul-32x784x256'].cells.scalarRaw;
  const simdOverScalar = simdRaw?.gflops && scalarRaw?.gflops && simdRaw.verified && scalarRaw.verified
    ? simdRaw.gflops / scalarRaw.gflops : undefined;
  const drop = byId['dropout-1024x1024'];
  return [
    { name: 'SIMD public API >= 1.0x tfjs on every matmul and the MLP', met: allAtLeast(ids1, ratio, 1), detail: list(ids1, (id) => fmtRatio(ratio(id))) },
    { name: 'SIMD public API >= 2x tfjs on [32,128,10] and [1,784,256]', met: allAtLeast(ids2, ratio, 2), detail: list(ids2, (id) => fmtRatio(ratio(id))) },
    { name: 'SIMD raw kernel >= 80% of SIMD128 peak', met: allAtLeast(big, rawPct, 80), detail: list(big, (id) => fmtPct(rawPct(id))) },
    { name: 'SIMD public API >= 80% of SIMD128 peak', met: allAtLeast(big, pubPct, 80), detail: list(big, (id) => fmtPct(pubPct(id))) },
    { name: 'SIMD raw >= 3x scalar raw on [32,784,256]', met: simdOverScalar !== undefined && simdOverScalar >= 3, detail: `${fmtRatio(simdOverScalar)} (${simdRaw?.gflops ? fmtGflops(simdRaw.gflops) : '-'} vs ${scalarRaw?.gflops ? fmtGflops(scalarRaw.gflops) : '-'} GFLOP/s)` },
    { name: 'dropout [1024,1024]: ours >= 1.0x tfjs', met: drop.pubOverTfjs !== undefined && drop.pubOverTfjs >= 1, detail: `${fmtRatio(drop.pubOverTfjs)} (${drop.cells.simdPub?.median_ms?.toFixed(3)} ms vs ${drop.cells.tfjs?.median_ms?.toFixed(3)} ms)` },
  ];
}

/** Every verification failure, one line each (they also show as FAIL in the table). */
function failures(results) {
  const out = [];
  for (const r of results) {
    for (const [id, cell] of Object.entries(r.cells)) {
      if (cell.error || cell.verified) continue;
      // A native mismatch means the C core gives different bits natively and in wasm: a core bug, so shout.
      const why = id === 'native' ? ' <-- native C and wasm disagree: a bug in the core' : '';
      out.push(`FAIL ${r.row.label} / ${id}: ${cell.check}${why}`);
    }
  }
  return out;
}

// ---- main

async function main() {
  const started = now();
  const loadAtStart = os.loadavg()[0]; // other work on the machine shows up here (and in the peak's start/end spread)
  const info = backendInfo();
  if (info.build !== 'simd') {
    throw new Error(`the default runtime is the ${info.build} build (TINYTORCH_WASM_BACKEND=${process.env.TINYTORCH_WASM_BACKEND ?? ''}); the SIMD column needs simd`);
  }
  const [rtSimd, rtScalar] = [await createRuntime({ build: 'simd' }), await createRuntime({ build: 'scalar' })];
  const tfjs = await loadTfjs();
  if (tfjs.error) log(tfjs.error);

  log('peak (start)...');
  const peakStart = await measurePeak();

  log('scalar public API: verifying in a child process...');
  const scalarVerify = runWorker('scalar', 'verify');

  const factories = {
    simdPub: publicImpl,
    simdRaw: (row, inp) => rawImpl(rtSimd, row, inp),
    scalarRaw: (row, inp) => rawImpl(rtScalar, row, inp),
    ...(tfjs.tf && { tfjs: (row, inp) => tfjsImpl(tfjs.tf, row, inp) }),
    plain: plainImpl,
  };
  const results = [];
  for (const row of ROWS) {
    log(`${row.label}: verifying, timing...`);
    const cells = verifyAndTimeRow(row, factories, scalarVerify);
    if (!tfjs.tf) cells.tfjs = { error: tfjs.error };
    results.push({ row, cells });
  }

  log('native (tt_bench_native)...');
  for (const r of results) r.cells.native = nativeCell(r.row, scalarVerify);

  log('scalar public API: timing in a child process...');
  const scalarTime = runWorker('scalar', 'time');
  for (const r of results) {
    const cell = r.cells.scalarPub;
    if (scalarTime.error) cell.error = scalarTime.error;
    else if (cell.verified) Object.assign(cell, scalarTime.rows[r.row.id]);
  }

  log('peak (end)...');
  const peakEnd = await measurePeak();
  const peakGflops = Math.max(peakStart.gflops ?? 0, peakEnd.gflops ?? 0) || undefined;

  derive(results, peakGflops);
  const targets = evaluateTargets(results);
  const fails = failures(results);
  const wallSeconds = (now() - started) / 1000;
  const load = { start: loadAtStart, end: os.loadavg()[0] };
  report({ info, tfjs, peakStart, peakEnd, peakGflops, results, targets, fails, scalarVerify, wallSeconds, load });
  if (fails.length) process.exitCode = 1;
}

function report({ info, tfjs, peakStart, peakEnd, peakGflops, results, targets, fails, scalarVerify, wallSeconds, load }) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const peakLine = peakGflops
    ? `SIMD128 peak (bench/peak.c): ${fmtGflops(peakGflops)} GFLOP/s (start ${fmtGflops(peakStart.gflops)}, end ${fmtGflops(peakEnd.gflops)}; the higher is used)`
    : `SIMD128 peak: ${peakStart.error ?? peakEnd.error}`;
  const nativeKernel = results.find((r) => r.cells.native?.kernel)?.cells.native.kernel ?? 'n/a';
  const tfjsLine = tfjs.info
    ? `tfjs ${tfjs.info.version}: backend ${tfjs.info.backend}, binary ${tfjs.info.binary} (SIMD ${tfjs.info.simd ? 'yes' : 'NO'}, threads ${tfjs.info.threaded ? 'yes' : 'no'}, ${tfjs.info.threadsCount} thread)`
    : tfjs.error;
  const header = [
    `${cpu}, ${os.cpus().length} cores, Node ${process.version}; load average (1 min) ${load.start.toFixed(2)} at start, ${load.end.toFixed(2)} at end`,
    `ours: kernel ${info.kernel} (build ${info.build}); scalar child: kernel ${scalarVerify.kernel ?? 'n/a'}; native: kernel ${nativeKernel}`,
    tfjsLine,
    peakLine,
    ...(peakEnd.stream ? [`streaming read of 784x256 floats (bench/peak.c): ${(peakEnd.stream.median_ms * 1000).toFixed(1)} us = ${peakEnd.stream.gbps.toFixed(1)} GB/s (the floor for [1,784,256], whose weights are read once per call)`] : []),
  ];
  const table = tableRows(results);
  const legend = [
    'GFLOP/s (higher is better) or ms per call (lower is better), median of the samples; pub/tfjs: speed ratio, >1: ours is faster;',
    '%pk: of the SIMD128 peak; native ✓: its output digest equals the wasm core\'s.',
  ];
  const targetLines = targets.map((t) => `${t.met ? 'MET    ' : 'NOT MET'}  ${t.name}: ${t.detail}`);

  console.log([...header, '', textTable(table), ...legend, '', ...targetLines, ...(fails.length ? ['', ...fails] : []),
    '', `wall time ${wallSeconds.toFixed(1)} s`].join('\n'));

  fs.writeFileSync(path.join(HERE, 'results.md'), [
    ...header.map((h) => `- ${h}`),
    '',
    markdownTable(table),
    '',
    legend.join(' '),
    '',
    ...targets.map((t) => `- **${t.met ? 'MET' : 'NOT MET'}** ${t.name}: ${t.detail}`),
    '',
  ].join('\n'));

  const json = {
    date: new Date().toISOString(),
    machine: { cpu, cores: os.cpus().length, platform: `${os.platform()} ${os.release()}`, arch: os.arch(), node: process.version, loadavg1: load },
    ours: { build: info.build, kernel: info.kernel, simdSupported: info.simdSupported },
    tfjs: tfjs.info ?? { error: tfjs.error },
    peak: { gflops: peakGflops, start: peakStart, end: peakEnd, flopsPerCall: `iters * ${FLOPS_PER_PEAK_ITER}` },
    timing: TIMING,
    tolerance: `|a - b| <= ${RTOL} * (1 + |ref|) vs the SIMD public API; ours vs ours: bit-identical`,
    columns: COLUMNS,
    rows: results.map((r) => ({
      id: r.row.id, label: r.row.label, kind: r.row.kind, gflop: r.row.flops ? r.row.flops / 1e9 : undefined,
      pubOverTfjs: r.pubOverTfjs, rawPctPeak: r.rawPctPeak, pubPctPeak: r.pubPctPeak,
      cells: Object.fromEntries(COLUMNS.filter((c) => r.cells[c.id]).map((c) => [c.id, r.cells[c.id]])),
    })),
    targets,
    failures: fails,
    wallSeconds,
  };
  fs.writeFileSync(path.join(HERE, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
}

const workerAt = process.argv.indexOf('--worker');
if (workerAt >= 0) {
  workerMain(process.argv[workerAt + 2] ?? 'verify');
} else {
  await main();
}
