// bench/native.mjs — the native column (Node only): runs
// build/native/tt_bench_native, which times itself, and checks its output
// digest against the same seeded recipe replayed through our public API.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { DROP_P, MLP_WIDTHS, fnv1a } from './rows.mjs';

/**
 * Replays tt_bench_native's seeded recipe (see bench/tt_bench_native.c) and
 * returns the FNV-1a digest of the output. RNG order must match the C: x,
 * then W (Linear's init draws W and zeroes b without drawing), then b.
 */
export function nativeRecipeDigest(api, row) {
  const { Tensor, Linear, ReLU, Sequential, Dropout, manualSeed } = api;
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

/** One run of the binary: { median_ms, min_ms, reps, digest, kernel } or { error }. */
function runNative(bin, root, row) {
  if (!fs.existsSync(bin)) return { error: `${path.relative(root, bin)} is missing: run bash scripts/build.sh` };
  const r = spawnSync(bin, nativeArgs(row).map(String), { encoding: 'utf8' });
  if (r.status !== 0) return { error: `tt_bench_native exited ${r.status}: ${r.stderr.trim()}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { error: `tt_bench_native printed no JSON: ${r.stdout.trim()}` };
  }
}

/** The native cell: its digest must equal our SIMD public API's (and the scalar child's) on its recipe. */
export function nativeCell(api, bin, root, row, scalarVerify) {
  const nat = runNative(bin, root, row);
  if (nat.error) return { error: nat.error };
  const ours = nativeRecipeDigest(api, row);
  const scalar = scalarVerify.rows?.[row.id]?.digest;
  const ok = nat.digest === ours && (scalar === undefined || scalar === ours);
  const check = ok ? `digest ${ours} matches` : `DIGEST MISMATCH native ${nat.digest}, wasm SIMD ${ours}, wasm scalar ${scalar}`;
  return { verified: ok, check, median_ms: nat.median_ms, min_ms: nat.min_ms, reps: nat.reps, sampleCount: 15, digest: nat.digest, kernel: nat.kernel };
}
