// Every number, shape, probability and layer name the page shows goes
// through this file. The API's formatters (the ones its summary table
// uses) are re-exported unchanged; what is added here is only what the page
// shows and the API does not: probabilities, percentages, readable
// measurements, ratios, times and the two-unit byte sizes of the memory
// view. Views import from here and keep no formatter of their own.

import { fmtInt, fmtSI, fmtKB } from '../js/api.js';
import { className } from './kinds.js';

export { fmtInt, fmtKB, fmtKiB, fmtBytes, fmtSI, fmtShape } from '../js/api.js';

/**
 * A probability as the lesson and the URL write it: at most 4 decimals,
 * trailing zeros dropped ("0.5", "0.3333", "1"). The URL grammar
 * (web/state.js) accepts exactly this many decimals.
 */
export const fmtP = (p) => String(Number(p.toFixed(4)));

/** A probability with two decimals, for slider readouts that must not change width: "0.50". */
export const fmtPFixed = (p) => p.toFixed(2);

/**
 * part / whole as a percentage: one decimal from 10 % up (and for 0), two
 * significant digits below ("50.0%", "4.5%", "0.012%"); "–" without a whole.
 */
export function fmtPct(part, whole = 1) {
  if (!(whole > 0) || !Number.isFinite(part)) return '–';
  const v = (100 * part) / whole;
  return `${v >= 10 || v === 0 ? v.toFixed(1) : v.toPrecision(2)}%`;
}

/**
 * A measured value (a statistic, a tensor element, a histogram edge): four
 * significant digits, scientific below 0.001 and from 10,000 up, and
 * "NaN" / "inf" / "-inf" spelled out ("0.5000", "-1.234", "3.40e-7", "1.23e+5").
 */
export function fmtNum(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2);
  return v.toPrecision(4);
}

/**
 * A loss (cross-entropy, in nats) as the training view lists it: three
 * decimals, the same width for every epoch ("2.303", "0.024"); "–" before
 * there is one. signed: a difference of two losses with its sign ("+0.750").
 */
export function fmtLoss(v, { signed = false } = {}) {
  if (!Number.isFinite(v)) return '–';
  return signed ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}` : v.toFixed(3);
}

/** Bytes exactly, then in kB (1000 bytes): "940,584 B (940.6 kB)"; below 1000 bytes only the count. */
export const fmtBytesExact = (bytes) => (bytes < 1000 ? `${fmtInt(bytes)} B` : `${fmtInt(bytes)} B (${fmtKB(bytes)})`);

/**
 * A ratio or factor (growth per layer, a speedup, GFLOP/s): two significant
 * digits, whole numbers from 10 up, scientific outside [0.01, 10,000)
 * ("0.71", "1.0", "12", "3,400", "2.5e+5", "3.2e-3").
 */
export function fmtFactor(r) {
  if (!Number.isFinite(r)) return String(r);
  if (r === 0) return '0';
  const a = Math.abs(r);
  if (a >= 1e4 || a < 0.01) return r.toExponential(1);
  if (a >= 10) return fmtInt(r);
  return r.toPrecision(2);
}

/** An axis tick: two significant digits, trailing zeros dropped ("0.5", "12", "0.0031"). */
export const fmtTick = (v) => String(Number(v.toPrecision(2)));

/** A time in milliseconds: "120 ms", "3.14 ms", "0.052 ms". */
export function fmtMs(ms) {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** FLOPs with an SI prefix: "950 FLOP", "15.1 MFLOP", "2.40 GFLOP". */
export const fmtFlops = (n) => (Math.abs(n) < 1000 ? `${fmtInt(n)} FLOP` : `${fmtSI(n)}FLOP`);

const DECIMAL = [['GB', 1e9, '1 GB = 10⁹ B'], ['MB', 1e6, '1 MB = 1,000,000 B'], ['kB', 1e3, '1 kB = 1000 B']];
const BINARY = [['GiB', 2 ** 30, 'GB'], ['MiB', 2 ** 20, 'MB'], ['KiB', 1024, 'KB']];

/**
 * Bytes in both units people mean by "KB": "940,584 bytes = 940.6 kB (1 kB =
 * 1000 B) = 918.5 KiB (what Keras prints as KB)"; { notes: false } leaves
 * the bracketed explanations out. Below 1000 bytes only the count.
 */
export function honestBytes(bytes, { notes = true } = {}) {
  const head = `${fmtInt(bytes)} bytes`;
  if (bytes < 1000) return head;
  const si = DECIMAL.find(([, f]) => bytes >= f);
  const iec = BINARY.find(([, f]) => bytes >= f) ?? BINARY[2];
  const siText = `${(bytes / si[1]).toFixed(1)} ${si[0]}`;
  const iecText = `${(bytes / iec[1]).toFixed(1)} ${iec[0]}`;
  return notes ? `${head} = ${siText} (${si[2]}) = ${iecText} (what Keras prints as ${iec[2]})` : `${head} = ${siText} = ${iecText}`;
}

/** An initialiser's weight scale (INITIALIZERS[i].scale(K, N)): "std 0.03571", "bound ±0.07654". */
export function fmtScale(scale) {
  return scale.distribution === 'uniform' ? `bound ±${fmtNum(scale.bound)}` : `std ${fmtNum(scale.std)}`;
}

/** A layer spec as the views name it: "Linear(784→256)", "Linear(784→256, no bias)", "Dropout(p=0.5)", "ReLU". */
export function fmtLayer(spec) {
  const cls = className(spec.kind);
  if (spec.kind === 'linear') return `${cls}(${spec.in}→${spec.out}${spec.bias ? '' : ', no bias'})`;
  if (spec.kind === 'dropout') return `${cls}(p=${fmtP(spec.p)})`;
  return cls;
}
