// bench/native-peers.mjs — (Node) the native column: NumPy and PyTorch on
// this CPU, one BLAS thread each, run by bench/native_peers.py under
// Debian's /usr/bin/python3. The bench writes the batch sweep's inputs to a
// temporary directory; the Python side first writes its outputs there (the
// MLP forward from NumPy and from PyTorch in eval mode at batch 256, and
// PyTorch's parameters after one SGD step with p = 0 at batch 64), which
// are checked here against the same float64 references as ours, and only
// then times its cells. A missing python3, NumPy or torch makes its cells
// n/a with the reason; the rest of the bench runs.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { SWEEP_BATCHES, compareForward, referenceForward, sweepInputs } from './batches.mjs';
import { TRAIN_BATCH, TRAIN_LR, TRAIN_WIDTHS, checkStep, referenceStep, trainInputs } from './train.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PYTHON = process.env.TT_BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.join(HERE, 'native_peers.py');

/**
 * The environment of the Python child only: one thread for OpenBLAS, OpenMP
 * and MKL, and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, so OpenBLAS
 * picks its kernel for this CPU itself (the report names the one it ran).
 */
function childEnv(coretype) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (coretype) env.OPENBLAS_CORETYPE = coretype;
  return env;
}

/**
 * The OpenBLAS kernel this CPU's instruction set deserves (SkylakeX with
 * AVX-512, Haswell with AVX2 and FMA), from /proc/cpuinfo; undefined
 * elsewhere. Debian's OpenBLAS 0.3.21 does not recognise every newer CPU
 * and then falls back to its SSE3 "Prescott" kernel: the bench runs the
 * native column with what OpenBLAS picks itself and, when that differs,
 * again with this one.
 */
export function deservedCoretype() {
  let flags = '';
  try { flags = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? ''; } catch { return undefined; }
  const has = (f) => flags.split(/\s+/).includes(f);
  if (has('avx512f') && has('avx512bw') && has('avx512vl')) return 'SkylakeX';
  if (has('avx2') && has('fma')) return 'Haswell';
  return undefined;
}

let coretypeNow;
function runPy(mode, dir) {
  const r = spawnSync(PYTHON, [SCRIPT, mode, dir], { env: childEnv(coretypeNow), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
  if (r.error) return { error: `${PYTHON}: ${r.error.code === 'ENOENT' ? 'not found' : r.error.message}` };
  if (r.status !== 0) return { error: `${path.basename(SCRIPT)} ${mode} exited ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').pop()}` };
  try {
    return JSON.parse(r.stdout.split('\n')[0]);
  } catch {
    return { error: `${path.basename(SCRIPT)} ${mode} printed no JSON` };
  }
}

const f32 = (file) => (fs.existsSync(file) ? new Float32Array(new Uint8Array(fs.readFileSync(file)).buffer) : null);

/**
 * Returns { info, checks: { numpy, torch, torchStep }, cells: { [b]: { numpy_fwd, torch_fwd, torch_sgd, torch_adam } },
 * numpyError?, torchError? } or { error }.
 */
export function runNativePeers(log = () => {}, { coretype } = {}) {
  coretypeNow = coretype;
  const inp = sweepInputs();
  const rows = SWEEP_BATCHES[SWEEP_BATCHES.length - 1];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-native-'));
  try {
    const put = (name, arr) => fs.writeFileSync(path.join(dir, name), new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
    put('x.f32', inp.x);
    put('labels.i32', inp.labels);
    inp.layers.forEach(({ W, b }, l) => { put(`W${l}.f32`, W); put(`b${l}.f32`, b); });
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ rows, batches: SWEEP_BATCHES, lr: TRAIN_LR, check_batch: TRAIN_BATCH }));
    log(`native column${coretype ? ` (OPENBLAS_CORETYPE=${coretype})` : ''}: checking NumPy and PyTorch against float64...`);
    const c = runPy('check', dir);
    if (c.error) return { error: c.error };
    const out = { coretype: coretype ?? 'chosen by OpenBLAS', info: c.info, checks: {}, numpyError: c.numpy_error ?? undefined, torchError: c.torch_error ?? undefined };
    const ref = referenceForward(inp, rows);
    if (!out.numpyError) out.checks.numpy = compareForward(f32(path.join(dir, 'out-numpy.f32')), ref);
    if (!out.torchError) {
      out.checks.torch = compareForward(f32(path.join(dir, 'out-torch.f32')), ref);
      const flat = f32(path.join(dir, 'out-torch-step.f32'));
      const params = [];
      let at = 0;
      for (let l = 0; l < 3; l++) for (const n of [TRAIN_WIDTHS[l] * TRAIN_WIDTHS[l + 1], TRAIN_WIDTHS[l + 1]]) { params.push(flat.subarray(at, at + n)); at += n; }
      const ti = trainInputs();
      out.checks.torchStep = checkStep('PyTorch', { loss: c.torch_step_loss, params }, referenceStep(ti), ti, TRAIN_LR.sgd);
    }
    const okNp = out.checks.numpy?.ok, okT = out.checks.torch?.ok && out.checks.torchStep?.ok;
    if (!okNp && !okT) return out;
    log(`native column${coretype ? ` (OPENBLAS_CORETYPE=${coretype})` : ''}: timing NumPy and PyTorch (one thread)...`);
    const t = runPy('time', dir);
    if (t.error) return { ...out, timeError: t.error };
    out.cells = {};
    for (const [b, row] of Object.entries(t.cells)) {
      out.cells[b] = {};
      for (const [k, cell] of Object.entries(row)) if (k.startsWith('numpy') ? okNp : okT) out.cells[b][k] = cell;
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
