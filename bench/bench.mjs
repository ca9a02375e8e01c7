// bench/bench.mjs — the benchmark in Node (not a test): `npm run bench`.
//
// Times y = x@W + b, the lesson's MLP and training-mode Dropout through our
// core, tfjs-backend-wasm, ONNX Runtime Web and plain JS, after checking
// each output against a float64 reference; measures the mul+add peak and
// the streaming floor in the same run. Prints one table, writes
// bench/results.json and bench/results.md. Exits non-zero if any
// verification fails. `node bench/browser.mjs` runs the same in Chromium.
//
// The modules: rows.mjs (shapes, inputs, float64 reference), impls.mjs
// (ours, plain JS), peers/ (tfjs, ORT and its ONNX writer), verify.mjs,
// timing.mjs, ceilings.mjs, native.mjs, run.mjs (one pass over the rows),
// report.mjs. See bench/README.md.
//
// Internal mode: `node bench/bench.mjs --worker scalar verify|time` runs the
// public-API rows in the build TINYTORCH_WASM_BACKEND selects and prints one
// JSON document on stdout (the parent sets that variable).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as api from '../js/index.js';
import { createRuntime } from '../js/core.js';
import { bestCeilings, ceilingCells, measureCeilings } from './ceilings.mjs';
import { nativeCell, nativeRecipeDigest } from './native.mjs';
import { loadOrtNode } from './peers/ort.mjs';
import { loadTfjsNode } from './peers/tfjs.mjs';
import { buildReport } from './report.mjs';
import { ROWS } from './rows.mjs';
import { mergeScalarTimes, runRows, workerRows } from './run.mjs';
import { now } from './timing.mjs';
import { runTraining } from './train.mjs';
import { runSweep } from './batches.mjs';
import { loadFashionTrain } from './fashion.mjs';
import { deservedCoretype, runNativePeers } from './native-peers.mjs';
import { runReadout } from './readout.mjs';

const SELF = fileURLToPath(import.meta.url);
const HERE = path.dirname(SELF);
const ROOT = path.resolve(HERE, '..');
const NATIVE_BIN = path.join(ROOT, 'build/native/tt_bench_native');
const PEAK_WASM = path.join(ROOT, 'build/wasm/tt-peak.wasm');

const log = (msg) => process.stderr.write(`${msg}\n`); // progress goes to stderr; stdout gets the report

/** The parent's side of the scalar column: run the child, return its JSON or { error }. */
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

/** The child's side: the rows in whatever build js/index.js picked, plus the native recipe's digest. */
async function workerMain(mode) {
  const out = await workerRows(api, mode);
  if (mode === 'verify') for (const row of ROWS) out.rows[row.id].digest = nativeRecipeDigest(api, row);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function ceilingsNow() {
  if (!fs.existsSync(PEAK_WASM)) return { error: `${path.relative(ROOT, PEAK_WASM)} is missing: run bash scripts/build.sh` };
  return measureCeilings(fs.readFileSync(PEAK_WASM));
}

async function main() {
  const started = now();
  const loadStart = os.loadavg()[0]; // other work on the machine shows up here (and in the ceilings' start/end spread)
  const info = api.backendInfo();
  if (info.build !== 'simd') {
    throw new Error(`the default runtime is the ${info.build} build (TINYTORCH_WASM_BACKEND=${process.env.TINYTORCH_WASM_BACKEND ?? ''}); the SIMD column needs simd`);
  }
  const [rtSimd, rtScalar] = [await createRuntime({ build: 'simd' }), await createRuntime({ build: 'scalar' })];
  const tfjs = await loadTfjsNode();
  if (tfjs.error) log(tfjs.error);
  const ort = await loadOrtNode();
  if (ort.error) log(ort.error);

  log('ceilings (start)...');
  const ceilStart = await ceilingsNow();
  log('scalar public API: verifying in a child process...');
  const scalarVerify = runWorker('scalar', 'verify');

  const cc = fs.existsSync(PEAK_WASM) ? await ceilingCells(fs.readFileSync(PEAK_WASM)) : null;
  const results = await runRows({
    api, rtSimd, rtScalar, tf: tfjs.tf, ort: ort.ort, peerErrors: { tfjs: tfjs.error, ort: ort.error }, scalarVerify, ceilingCells: cc, log,
  });

  const fashion = loadFashionTrain();
  if (fashion.error) log(fashion.error);
  const training = await runTraining({ api, tf: tfjs.tf, tfjsError: tfjs.error, ceilingCells: cc, log, fashion });
  const readout = await runReadout(api, log);
  const sweep = await runSweep(api, log);
  const nativePeers = [runNativePeers(log)];
  const want = deservedCoretype();
  const picked = nativePeers[0].info?.blas?.openblas_core;
  if (want && picked && picked.toLowerCase() !== want.toLowerCase()) nativePeers.push(runNativePeers(log, { coretype: want }));

  log('native (tt_bench_native)...');
  for (const r of results) r.cells.native = nativeCell(api, NATIVE_BIN, ROOT, r.row, scalarVerify);
  log('scalar public API: timing in a child process...');
  mergeScalarTimes(results, runWorker('scalar', 'time'));
  log('ceilings (end)...');
  const ceilEnd = await ceilingsNow();

  const report = buildReport({
    where: `Node ${process.version}`,
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown CPU', cores: os.cpus().length, platform: `${os.platform()} ${os.release()}`, load: { start: loadStart, end: os.loadavg()[0] } },
    ours: { build: info.build, kernel: info.kernel, simdSupported: info.simdSupported },
    scalarKernel: scalarVerify.kernel,
    tfjs: tfjs.info ?? { error: tfjs.error },
    ort: ort.info ?? { error: ort.error },
    ceilStart, ceilEnd, ceilings: bestCeilings(ceilStart, ceilEnd),
    results,
    training,
    readout,
    sweep,
    nativePeers,
    wallSeconds: (now() - started) / 1000,
  });
  console.log(report.text);
  fs.writeFileSync(path.join(HERE, 'results.md'), report.markdown);
  fs.writeFileSync(path.join(HERE, 'results.json'), `${JSON.stringify(report.json, null, 2)}\n`);
  if (report.failed) process.exitCode = 1;
}

const workerAt = process.argv.indexOf('--worker');
if (workerAt >= 0) await workerMain(process.argv[workerAt + 2] ?? 'verify');
else await main();
