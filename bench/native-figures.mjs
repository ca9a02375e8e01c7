// bench/native-figures.mjs — (Node) writes bench/native-figures.json, the
// native NumPy and PyTorch figures the lesson page's cost view draws beside
// the throughput it measures in the student's browser (web/views/cost.js;
// scripts/build-site.mjs bundles the file). Runs only the native column
// (bench/native-peers.mjs: checked against float64, then timed, one thread)
// with the OpenBLAS kernel OpenBLAS picks and, when that is not the one this
// CPU deserves, again with that one. `node bench/native-figures.mjs`; the
// JSON is committed, dated and with the machine named.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { deservedCoretype, runNativePeers } from './native-peers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const log = (m) => process.stderr.write(`${m}\n`);
const loadStart = os.loadavg()[0];
const runs = [runNativePeers(log)];
const want = deservedCoretype();
if (want && runs[0].info?.blas?.openblas_core?.toLowerCase() !== want.toLowerCase()) runs.push(runNativePeers(log, { coretype: want }));
// the fastest of the 15 samples: on a shared machine the median mostly measures the other jobs
const perSec = (b, cell) => (cell ? Math.round((1000 * b) / cell.min_ms) : null);
const out = {
  what: 'samples per second of the lesson MLP (784-256-128-10, ReLU, Dropout 0.5 / 0.3 in training) on one CPU thread: NumPy\'s forward x @ W + b, PyTorch\'s forward in eval mode under no_grad, PyTorch\'s training step (cross-entropy, backward, SGD lr 0.01 / Adam lr 0.001); the fastest of 15 samples of >= 20 ms (the machine is shared, so the median mostly measures the other jobs), after checking each against a float64 reference (bench/native_peers.py)',
  date: new Date().toISOString().slice(0, 10),
  machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores (shared), load average ${loadStart.toFixed(1)}-${os.loadavg()[0].toFixed(1)}`,
  runs: runs.filter((r) => r.cells).map((r) => ({
    openblas: `${r.info.blas?.openblas_core ?? '?'} (${r.coretype})`,
    versions: `Python ${r.info.python}, NumPy ${r.info.numpy ?? 'n/a'}, PyTorch ${r.info.torch ?? 'n/a'}, ${r.info.blas?.openblas_config?.split(' ').slice(0, 2).join(' ') ?? 'BLAS ?'}`,
    batches: Object.keys(r.cells).map(Number),
    numpyForward: Object.entries(r.cells).map(([b, c]) => perSec(+b, c.numpy_fwd)),
    torchForward: Object.entries(r.cells).map(([b, c]) => perSec(+b, c.torch_fwd)),
    torchSgd: Object.entries(r.cells).map(([b, c]) => perSec(+b, c.torch_sgd)),
    torchAdam: Object.entries(r.cells).map(([b, c]) => perSec(+b, c.torch_adam)),
  })),
  errors: runs.filter((r) => r.error || !r.cells).map((r) => r.error ?? r.timeError ?? 'a check failed'),
};
fs.writeFileSync(path.join(HERE, 'native-figures.json'), `${JSON.stringify(out, null, 1)}\n`);
console.log(JSON.stringify(out, null, 1));
