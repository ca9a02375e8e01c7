// bench/browser-page.mjs — the bench inside Chromium, loaded by the page
// bench/browser.mjs serves (tfjs and ORT come as their UMD builds: the
// globals tf, tf.wasm and ort). Exposes two entry points for the driver:
//   __benchWorker(mode): the scalar public-API rows (on the page opened with
//     TINYTORCH_WASM_BACKEND = 'scalar'), as bench.mjs --worker does in Node;
//   __benchMain(scalarVerify): ceilings, every row, ceilings again.
// Results go back as JSON-serialisable objects; the driver builds the report.

import * as api from '../js/index.js';
import { createRuntime } from '../js/core.js';
import { ceilingCells, measureCeilings } from './ceilings.mjs';
import { setupOrt } from './peers/ort.mjs';
import { setupTfjs } from './peers/tfjs.mjs';
import { runRows, workerRows } from './run.mjs';
import { now } from './timing.mjs';
import { runTraining } from './train.mjs';
import { runSweep } from './batches.mjs';
import { runReadout } from './readout.mjs';

const log = (msg) => console.log(msg); // the driver forwards the console to stderr

/** Which .wasm files the page fetched whose name contains `part` (the binary tfjs picked). */
const fetchedWasm = (part) => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop()).filter((n) => n.endsWith('.wasm') && n.includes(part));

async function loadPeers() {
  const out = { peerErrors: {} };
  try {
    const { tf } = globalThis;
    const info = await setupTfjs(tf, tf.wasm, '/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    const seen = fetchedWasm('tfjs-backend-wasm');
    if (seen.length) {
      const binary = seen[seen.length - 1];
      Object.assign(info, { binary, simd: binary.includes('simd'), threaded: binary.includes('threaded') });
    }
    Object.assign(out, { tf, tfjsInfo: info });
  } catch (e) {
    out.peerErrors.tfjs = `tfjs-backend-wasm unavailable: ${e.message ?? e}`;
  }
  try {
    const { ort } = globalThis;
    Object.assign(out, { ort, ortInfo: setupOrt(ort, '/node_modules/onnxruntime-web/dist/') });
  } catch (e) {
    out.peerErrors.ort = `onnxruntime-web unavailable: ${e.message ?? e}`;
  }
  return out;
}

/** The 60,000 Fashion-MNIST train images the driver serves (bench/fashion.mjs), or { error }. */
async function loadFashion() {
  try {
    const [im, lb] = await Promise.all(['images', 'labels'].map((k) => fetch(`/__fashion/${k}`)));
    if (!im.ok) return { error: await im.text() };
    return { images: new Uint8Array(await im.arrayBuffer()), labels: new Uint8Array(await lb.arrayBuffer()), source: im.headers.get('x-source') };
  } catch (e) {
    return { error: `Fashion-MNIST not served: ${e.message}` };
  }
}

globalThis.__benchWorker = (mode) => workerRows(api, mode);

globalThis.__benchMain = async (scalarVerify) => {
  const started = now();
  const info = api.backendInfo();
  if (info.build !== 'simd') throw new Error(`the page's default runtime is the ${info.build} build; the SIMD column needs simd`);
  const [rtSimd, rtScalar] = [await createRuntime({ build: 'simd' }), await createRuntime({ build: 'scalar' })];
  const peers = await loadPeers();
  const peakBytes = new Uint8Array(await (await fetch('/build/wasm/tt-peak.wasm')).arrayBuffer());
  log('ceilings (start)...');
  const ceilStart = await measureCeilings(peakBytes);
  const cc = await ceilingCells(peakBytes);
  const results = await runRows({ api, rtSimd, rtScalar, tf: peers.tf, ort: peers.ort, peerErrors: peers.peerErrors, scalarVerify, ceilingCells: cc, log });
  const fashion = await loadFashion();
  const training = await runTraining({ api, tf: peers.tf, tfjsError: peers.peerErrors.tfjs, ceilingCells: cc, log, fashion });
  const readout = await runReadout(api, log);
  const sweep = await runSweep(api, log);
  if (peers.ortInfo) { // the ORT binary is fetched with the first session
    const seen = fetchedWasm('ort-wasm');
    if (seen.length) peers.ortInfo.binary = seen[seen.length - 1];
  }
  log('ceilings (end)...');
  const ceilEnd = await measureCeilings(peakBytes);
  for (const r of results) r.cells.native = { error: 'the native program does not run in a browser' };
  return {
    ours: { build: info.build, kernel: info.kernel, simdSupported: info.simdSupported },
    tfjs: peers.tfjsInfo ?? { error: peers.peerErrors.tfjs },
    ort: peers.ortInfo ?? { error: peers.peerErrors.ort },
    ceilStart, ceilEnd, results, training, readout, sweep, pageSeconds: (now() - started) / 1000,
  };
};

globalThis.__benchReady = true;
