// bench/verify.mjs — the checks every implementation passes before it is
// timed. Outputs are compared with the float64 reference of bench/rows.mjs;
// ours are also compared with each other bit for bit.

import { DROP_P } from './rows.mjs';

export const RTOL = 1e-4; // |a - ref| <= RTOL * (1 + |ref|): float32 sums in different orders

/** Every element within RTOL * (1 + |ref|) of the float64 reference. */
export function checkClose(out, ref) {
  if (out.length !== ref.length) return { ok: false, check: `length ${out.length} != ${ref.length}` };
  let worst = 0;
  let at = 0;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(out[i] - ref[i]) / (1 + Math.abs(ref[i]));
    if (!(err <= worst)) { worst = err; at = i; } // !(<=) also catches NaN
  }
  const ok = worst <= RTOL;
  return {
    ok,
    check: ok ? `max rel err vs float64 ${worst.toExponential(1)}` : `[${at}] = ${out[at]}, float64 reference ${ref[at]} (rel err ${worst.toExponential(2)})`,
    maxRelErr: worst,
  };
}

/** Bit-identical: our builds and kernels promise the same bits (no FMA, one summation order). */
export function checkBits(out, ref) {
  if (out.length !== ref.length) return { ok: false, check: `length ${out.length} != ${ref.length}` };
  const a = new Uint32Array(out.buffer, out.byteOffset, out.length);
  const b = new Uint32Array(ref.buffer, ref.byteOffset, ref.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return { ok: false, check: `not bit-identical: [${i}] = ${out[i]}, expected ${ref[i]}` };
  }
  return { ok: true, check: 'bit-identical' };
}

/** Dropout has no reference values: every output is 0 or exactly 2x, and about half survive. */
export function checkDropout(x, y, p = DROP_P) {
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

/** Both checks for one of ours that is not the SIMD public API: float64 reference, then the same bits. */
export function checkOurs(out, ref64, simdPubOut) {
  const close = checkClose(out, ref64);
  if (!close.ok) return close;
  const bits = checkBits(out, simdPubOut);
  return bits.ok ? { ...close, check: `${close.check}; bit-identical to SIMD pub` } : bits;
}
