// bench/rows.mjs — what the bench measures: the rows (shapes), one
// fixed-seed set of inputs per row shared by every implementation, and the
// float64 reference every output is checked against. No Node APIs: the
// browser page (bench/browser-page.mjs) imports this too.
import { mulberry32 } from '../web/data/mulberry32.js';

export const MLP_WIDTHS = [784, 256, 128, 10];
export const DROP_P = 0.5;
export const INPUT_SEED = 20240611; // the JS PRNG seed every implementation's inputs come from

const matmulRow = (M, K, N) => ({
  id: `matmul-${M}x${K}x${N}`, kind: 'matmul', label: `matmul [${M},${K},${N}]`, short: `[${M},${K},${N}]`, M, K, N, flops: 2 * M * K * N,
});
const dropoutRow = (R, C) => ({ id: `dropout-${R}x${C}`, kind: 'dropout', label: `dropout [${R},${C}]`, short: `[${R},${C}]`, R, C });
const MLP_FLOPS = 2 * 32 * (784 * 256 + 256 * 128 + 128 * 10);

/**
 * The rows. `bound` says which ceiling a row is held against: 'peak' (the
 * mul+add throughput) for GEMMs that reuse each weight M >= 32 times,
 * 'floor' (streaming the weights once) for the matrix-vector product.
 */
export const ROWS = [
  { ...matmulRow(32, 784, 256), bound: 'peak' },
  { ...matmulRow(32, 256, 128), bound: 'peak' },
  { ...matmulRow(32, 128, 10), bound: 'peak' },
  { ...matmulRow(1, 784, 256), bound: 'floor', floorFloats: 784 * 256 },
  { ...matmulRow(128, 1024, 1024), bound: 'peak' },
  { id: 'mlp-32', kind: 'mlp', label: 'MLP 784-256-128-10 b32', short: 'MLP', B: 32, flops: MLP_FLOPS, bound: 'peak' },
  dropoutRow(32, 784),
  dropoutRow(1024, 1024),
];

// ---- inputs

// mulberry32 (web/data/mulberry32.js): a tiny seeded PRNG, so every process, page and library gets the same inputs
export { mulberry32 };

/** n floats uniform in [-scale, scale). */
export function uniform(rand, n, scale = 1) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * rand() - 1) * scale;
  return a;
}

/** W is scaled like the lesson's init (variance 1/in) so outputs stay O(1) and the tolerance means something. */
function linearParams(rand, inF, outF) {
  return { W: uniform(rand, inF * outF, Math.sqrt(3 / inF)), b: uniform(rand, outF) };
}

/** matmul: { x[M,K], W[K,N], b[N] }; mlp: { x[B,784], layers: [{ W, b }] x 3 }; dropout: { x[R,C] } (no zeros). */
export function makeInputs(row) {
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

// ---- the float64 reference

/**
 * y[M,N] = x[M,K] @ W[K,N] + b, i-k-j order (unit stride inner loop),
 * optional ReLU, into y: a Float32Array for the timed plain-JS row, a
 * Float64Array for the reference.
 */
export function linearInto(y, x, W, b, M, K, N, relu) {
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
  return y;
}

/** y[M,N] = x @ W + b (+ ReLU) in float64, from float32 (or float64) inputs. */
function linear64(x, W, b, M, K, N, relu) {
  return linearInto(new Float64Array(M * N), x, W, b, M, K, N, relu);
}

/** The exact answer (to float64) for a matmul or the MLP; dropout has none (null). */
export function reference(row, inp) {
  if (row.kind === 'matmul') return linear64(inp.x, inp.W, inp.b, row.M, row.K, row.N, false);
  if (row.kind === 'mlp') {
    let h = inp.x;
    inp.layers.forEach(({ W, b }, i) => {
      h = linear64(h, W, b, row.B, MLP_WIDTHS[i], MLP_WIDTHS[i + 1], i < inp.layers.length - 1);
    });
    return h;
  }
  return null;
}

// ---- output transport (child process JSON, page.evaluate): base64 of the float32 bytes

export function toBase64(f32) {
  const bytes = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function fromBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return new Float32Array(out.buffer);
}

/** FNV-1a (32-bit) over the little-endian float32 bytes: the digest tt_bench_native prints. */
export function fnv1a(floats) {
  const bytes = new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  let h = 0x811c9dc5;
  for (const byte of bytes) h = Math.imul(h ^ byte, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}
