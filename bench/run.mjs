// bench/run.mjs — one pass over the rows, the same in Node (bench/bench.mjs)
// and in Chromium (bench/browser-page.mjs): for each row, build every
// implementation on the row's inputs, check each output against the
// float64 reference (ours also bit for bit against each other), then time
// the ones that passed, interleaved in this one process or page.
//
// The scalar public API runs elsewhere (a child process, a second page):
// the caller passes its verification (from workerRows) and fills in its
// timings afterwards.

import { plainImpl, publicImpl, rawImpl } from './impls.mjs';
import { ortImpl } from './peers/ort.mjs';
import { tfjsImpl } from './peers/tfjs.mjs';
import { ROWS, fromBase64, makeInputs, reference, toBase64 } from './rows.mjs';
import { timeInterleaved } from './timing.mjs';
import { checkClose, checkDropout, checkOurs } from './verify.mjs';

/** The columns, in table order. `ours` columns are bit-compared with SIMD pub; raw ones exist for GEMMs only. */
export const COLUMNS = [
  { id: 'simdPub', head: 'SIMD pub', ours: true, what: 'ours, SIMD build, public API (Linear/Sequential/Dropout)' },
  { id: 'simdRaw', head: 'SIMD raw', ours: true, raw: true, what: 'ours, SIMD build, raw GEMM kernel (rt.gemmPlan)' },
  { id: 'scalarPub', head: 'scal pub', ours: true, what: 'ours, scalar build, public API (child process / second page)' },
  { id: 'scalarRaw', head: 'scal raw', ours: true, raw: true, what: 'ours, scalar build, raw GEMM kernel (rt.gemmPlan)' },
  { id: 'native', head: 'native', ours: true, what: 'native C core, gcc -O3, scalar kernel (tt_bench_native; Node only)' },
  { id: 'tfjs', head: 'tfjs-wasm', peer: true, what: 'tfjs-backend-wasm, 1 thread (tf.fused.matMul / tf.dropout)' },
  { id: 'ort', head: 'ORT-wasm', peer: true, what: 'onnxruntime-web, wasm EP, 1 thread (Gemm / Gemm+Relu / Dropout-13 training_mode)' },
  { id: 'plain', head: 'plain JS', what: 'plain JS loops over Float32Arrays' },
];

/** Verify one output: dropout by its properties, the rest against float64 (and ours against SIMD pub's bits). */
function verifyOutput(row, inp, ref64, id, out, simdOut) {
  if (row.kind === 'dropout') return checkDropout(inp.x, out);
  if (id === 'simdPub' || !COLUMNS.find((c) => c.id === id)?.ours) return checkClose(out, ref64);
  return checkOurs(out, ref64, simdOut);
}

const cellOf = (v) => ({ verified: v.ok, check: v.check, ...(v.maxRelErr !== undefined && { maxRelErr: v.maxRelErr }) });

/**
 * The ceiling a row is a fraction of, as cells timed with the row's cells
 * (bench/ceilings.mjs ceilingCells): the mul+add peak for compute rows (two
 * cells, the chains and the tile; the higher GFLOP/s is the peak), the
 * streaming floor for [1,784,256]. { cells: { id: { call } }, of(times) ->
 * { peakGflops, chainGflops, tileGflops } or { streamMs } }, or null (no
 * ceiling cells, or a row without a bound).
 */
function ceilingFor(cc, row) {
  if (!cc || cc.error) return null;
  if (row.bound === 'peak') {
    return {
      cells: { ceilingChain: { call: cc.peak.call }, ceilingTile: { call: cc.tile.call } },
      of: (t) => {
        const chainGflops = cc.peak.gflopsOf(t.ceilingChain.median_ms);
        const tileGflops = cc.tile.gflopsOf(t.ceilingTile.median_ms);
        return { peakGflops: Math.max(chainGflops, tileGflops), chainGflops, tileGflops, samples: t.ceilingChain.sampleCount };
      },
    };
  }
  if (row.bound === 'floor') return { cells: { ceiling: { call: cc.stream.call } }, of: (t) => ({ streamMs: t.ceiling.median_ms, samples: t.ceiling.sampleCount }) };
  return null;
}

/**
 * env: { api (js/index.js), rtSimd, rtScalar (createRuntime), tf?, ort?,
 * peerErrors: { tfjs?, ort? }, scalarVerify ({ rows } from workerRows, or
 * { error }), ceilingCells? (ceilingCells()), log }. Returns [{ row, cells:
 * { id: { verified, check, median_ms, ... } }, ceiling? (timed with them) }].
 */
export async function runRows(env) {
  const factories = {
    simdPub: (row, inp) => publicImpl(env.api, row, inp),
    simdRaw: (row, inp) => rawImpl(env.rtSimd, row, inp),
    scalarRaw: (row, inp) => rawImpl(env.rtScalar, row, inp),
    ...(env.tf && { tfjs: (row, inp) => tfjsImpl(env.tf, row, inp) }),
    ...(env.ort && { ort: (row, inp) => ortImpl(env.ort, row, inp) }),
    plain: (row, inp) => plainImpl(row, inp),
  };
  const results = [];
  for (const row of ROWS) {
    env.log(`${row.label}: verifying, timing...`);
    const inp = makeInputs(row);
    const ref64 = reference(row, inp);
    const ids = Object.keys(factories).filter((id) => row.kind === 'matmul' || !COLUMNS.find((c) => c.id === id).raw);
    const impls = {};
    const cells = {};
    let rowCeiling = null;
    try {
      for (const id of ids) {
        try {
          impls[id] = await factories[id](row, inp);
        } catch (e) {
          cells[id] = { error: `${id}: ${e.message ?? e}` }; // e.g. a peer that cannot express the row
        }
      }
      const simdOut = await impls.simdPub.result();
      for (const id of Object.keys(impls)) {
        const out = id === 'simdPub' ? simdOut : await impls[id].result();
        cells[id] = cellOf(verifyOutput(row, inp, ref64, id, out, simdOut));
      }
      const sv = env.scalarVerify;
      if (sv.error) cells.scalarPub = { error: sv.error };
      else {
        const w = sv.rows[row.id];
        cells.scalarPub = cellOf(row.kind === 'dropout' ? w.dropout : verifyOutput(row, inp, ref64, 'scalarPub', fromBase64(w.output), simdOut));
      }
      const timed = Object.keys(impls).filter((id) => cells[id].verified);
      const ceiling = ceilingFor(env.ceilingCells, row);
      const times = await timeInterleaved({
        ...Object.fromEntries(timed.map((id) => [id, { call: impls[id].call, async: impls[id].async }])),
        ...(ceiling && ceiling.cells),
      });
      for (const id of timed) Object.assign(cells[id], times[id]);
      if (ceiling) rowCeiling = ceiling.of(times);
    } finally {
      for (const impl of Object.values(impls)) await impl.dispose();
    }
    for (const [id, error] of Object.entries(env.peerErrors ?? {})) if (error && !cells[id]) cells[id] = { error };
    results.push({ row, cells, ...(rowCeiling && { ceiling: rowCeiling }) });
  }
  return results;
}

/**
 * The scalar public API's side (run where `api` is the scalar build):
 * mode 'verify' returns each row's output (base64) or its dropout check;
 * mode 'time' returns each row's timing.
 */
export async function workerRows(api, mode) {
  const info = api.backendInfo();
  const out = { build: info.build, kernel: info.kernel, rows: {} };
  for (const row of ROWS) {
    const inp = makeInputs(row);
    const impl = publicImpl(api, row, inp);
    try {
      if (mode === 'verify') {
        const y = impl.result();
        out.rows[row.id] = row.kind === 'dropout' ? { dropout: checkDropout(inp.x, y) } : { output: toBase64(y) };
      } else {
        out.rows[row.id] = (await timeInterleaved({ scalarPub: { call: impl.call } })).scalarPub;
      }
    } finally {
      impl.dispose();
    }
  }
  return out;
}

/** Fill the scalarPub cells with the worker's timings. */
export function mergeScalarTimes(results, scalarTime) {
  for (const r of results) {
    const cell = r.cells.scalarPub;
    if (scalarTime.error) { if (!cell.error) Object.assign(cell, { error: scalarTime.error }); }
    else if (cell.verified) Object.assign(cell, scalarTime.rows[r.row.id]);
  }
}
