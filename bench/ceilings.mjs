// bench/ceilings.mjs — the two ceilings of bench/peak.c (build/wasm/
// tt-peak.wasm), measured in the same run as the rows: the f32x4 mul+add
// peak (GFLOP/s) the compute rows are a fraction of, the faster of two
// loops (12 mul->add chains; the GEMM's 4x8 register tile on operands in
// L1), and the time to stream [1,784,256]'s weights once (803 KB), the
// floor of that matrix-vector product. No Node APIs: the caller passes the
// wasm bytes.

import { mulberry32 } from './rows.mjs';
import { median, now } from './timing.mjs';

export const PEAK = { iters: 2e7, samples: 7, warmupMs: 300 };
export const FLOPS_PER_PEAK_ITER = 12 * 4 * 2; // 12 chains x 4 lanes x (mul + add)
const TILE_K = 64; // bench/peak.c TT_TILE_K
export const FLOPS_PER_TILE_ITER = TILE_K * 32 * 2; // k steps x 4x8 products x (mul + add)
const TILE_ITERS = Math.round(PEAK.iters * FLOPS_PER_PEAK_ITER / FLOPS_PER_TILE_ITER); // the same work as the chains
const STREAM = { floats: 784 * 256, reps: 200, samples: 11, warmupMs: 100 };
const TILE_AT = 16 + STREAM.floats; // floats into the buffer: after the stream block, on a cache line

async function instantiate(bytes) {
  const module = new WebAssembly.Module(bytes);
  const imports = {}; // stub whatever it imports (nothing today; proc_exit or memory-growth hooks in other builds)
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') throw new Error(`tt-peak.wasm imports a ${imp.kind} (${imp.module}.${imp.name})`);
    (imports[imp.module] ??= {})[imp.name] = () => 0;
  }
  const { exports } = await WebAssembly.instantiate(module, imports);
  exports._initialize?.();
  return exports;
}

/** Median-timed runs of one peak loop: run(iters) for `iters` iterations of `flopsPerIter`. */
function timePeakLoop(run, iters, flopsPerIter) {
  // Short calls first: wasm has no on-stack replacement, so one long first
  // call would run start to finish in V8's baseline tier.
  const w0 = now();
  while (now() - w0 < PEAK.warmupMs) run(Math.max(1, Math.round(iters / 200)));
  const samples = [];
  let result;
  for (let s = 0; s < PEAK.samples; s++) {
    const t0 = now();
    result = run(iters);
    samples.push(now() - t0);
  }
  if (!Number.isFinite(result)) throw new Error(`a peak loop returned ${result}`);
  const ms = median(samples);
  return { gflops: (iters * flopsPerIter) / (ms * 1e6), median_ms: ms, iters, samples, result };
}

/**
 * Both peak loops (md: the chains' operands; ab: the tile's): { gflops (the
 * higher), chain, tile }.
 */
function measurePeak(ex, md, ab) {
  const chain = timePeakLoop((n) => ex.tt_peak_f32x4(md, n), PEAK.iters, FLOPS_PER_PEAK_ITER);
  const tile = timePeakLoop((n) => ex.tt_peak_tile_f32x4(ab, n), TILE_ITERS, FLOPS_PER_TILE_ITER);
  return { gflops: Math.max(chain.gflops, tile.gflops), chain, tile };
}

/** Streams `floats` floats at `ptr` (random, written by us); checks the sum it returns against float64's. */
function measureStream(ex, ptr, data) {
  const n = data.length;
  let sum64 = 0;
  for (const v of data) sum64 += v;
  const got = ex.tt_stream_f32x4(ptr, n);
  // float32 partial sums of 200k values in [0, 1): relative error far below 1e-4.
  if (!(Math.abs(got - sum64) <= 1e-4 * sum64)) throw new Error(`tt_stream_f32x4 returned ${got}, expected about ${sum64}`);
  const w0 = now();
  while (now() - w0 < STREAM.warmupMs) ex.tt_stream_f32x4(ptr, n);
  const samples = [];
  let sink = 0;
  for (let s = 0; s < STREAM.samples; s++) {
    const t0 = now();
    for (let r = 0; r < STREAM.reps; r++) sink += ex.tt_stream_f32x4(ptr, n);
    samples.push((now() - t0) / STREAM.reps);
  }
  if (!Number.isFinite(sink)) throw new Error('tt_stream_f32x4 returned a non-finite sum');
  const ms = median(samples);
  return { floats: n, bytes: n * 4, median_ms: ms, min_ms: Math.min(...samples), gbps: (n * 4) / (ms * 1e6), samples, sum: got, sum64 };
}

/** tt-peak.wasm instantiated, its buffer filled: { ex, base (the chains' operands), data (the floor's block), tile (the tile's operands) }. */
async function prepare(bytes) {
  const ex = await instantiate(bytes);
  const base = ex.tt_peak_buffer() >>> 0;
  if (ex.tt_peak_tile_k() !== TILE_K) throw new Error(`tt-peak.wasm's tile has k = ${ex.tt_peak_tile_k()}, ceilings.mjs expects ${TILE_K}`);
  if (ex.tt_peak_buffer_floats() < TILE_AT + 12 * TILE_K) throw new Error('tt_peak_buffer is too small');
  const mem = new Float32Array(ex.memory.buffer, base, ex.tt_peak_buffer_floats());
  // [0..14): the chains' multiplier, addend and 12 distinct starts (|m| < 1 keeps the chains finite).
  mem.set([0.999, 1e-3, ...Array.from({ length: 12 }, (_, i) => 1 + i / 16)], 0);
  // From float 16 (64-byte aligned): the weights-sized block the floor streams.
  const rand = mulberry32(1);
  const data = mem.subarray(16, 16 + STREAM.floats);
  for (let i = 0; i < data.length; i++) data[i] = rand();
  // Then the tile's A [64][4] and B [64][8], small values (the sums grow by
  // at most 64 * 32 * 1e-6 per call's iteration: finite for any run here).
  const ab = mem.subarray(TILE_AT, TILE_AT + 12 * TILE_K);
  for (let i = 0; i < ab.length; i++) ab[i] = (rand() - 0.5) * 2e-3;
  return { ex, base, data, tile: base + TILE_AT * 4 };
}

/** Both ceilings from tt-peak.wasm's bytes: { peak, stream } or { error }. */
export async function measureCeilings(bytes) {
  try {
    const { ex, base, data, tile } = await prepare(bytes);
    return { peak: measurePeak(ex, base, tile), stream: measureStream(ex, base + 64, data) };
  } catch (e) {
    return { error: `tt-peak.wasm: ${e.message ?? e}` };
  }
}

/**
 * The ceilings as timed cells, for the rows' interleaved rounds
 * (bench/run.mjs): the machine's speed drifts within a run on a shared
 * host, so each row's %ceil is taken against the ceilings timed in the same
 * rounds as its cells. peak.call() runs PEAK_CELL_ITERS iterations of the
 * chains and tile.call() the same work in the tile (gflopsOf(ms) turns a
 * call's time into GFLOP/s; the row's peak is the higher of the two);
 * stream.call() streams the 803 KB block once. Resolves to
 * { peak, tile, stream } or { error }.
 */
export const PEAK_CELL_ITERS = 2e4;
export async function ceilingCells(bytes) {
  try {
    const { ex, base, data, tile } = await prepare(bytes);
    const ptr = base + 64;
    const tileIters = Math.round(PEAK_CELL_ITERS * FLOPS_PER_PEAK_ITER / FLOPS_PER_TILE_ITER);
    let sink = 0;
    return {
      peak: {
        call() { sink += ex.tt_peak_f32x4(base, PEAK_CELL_ITERS); },
        gflopsOf: (ms) => (PEAK_CELL_ITERS * FLOPS_PER_PEAK_ITER) / (ms * 1e6),
      },
      tile: {
        call() { sink += ex.tt_peak_tile_f32x4(tile, tileIters); },
        gflopsOf: (ms) => (tileIters * FLOPS_PER_TILE_ITER) / (ms * 1e6),
      },
      stream: {
        call() { sink += ex.tt_stream_f32x4(ptr, data.length); },
      },
      get sink() { return sink; },
    };
  } catch (e) {
    return { error: `tt-peak.wasm: ${e.message ?? e}` };
  }
}

/** The run's ceilings from a start and an end measurement: the higher peak, the faster stream. */
export function bestCeilings(start, end) {
  const peaks = [start, end].filter((c) => c.peak);
  if (!peaks.length) return { error: start.error ?? end.error };
  const peak = Math.max(...peaks.map((c) => c.peak.gflops));
  const chainGflops = Math.max(...peaks.map((c) => c.peak.chain.gflops));
  const tileGflops = Math.max(...peaks.map((c) => c.peak.tile.gflops));
  const streamMs = Math.min(...peaks.map((c) => c.stream.median_ms));
  return { peakGflops: peak, chainGflops, tileGflops, streamMs, streamGbps: peaks[0].stream.bytes / (streamMs * 1e6), streamBytes: peaks[0].stream.bytes };
}
