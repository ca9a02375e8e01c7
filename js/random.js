// manualSeed: reseed the core's one PCG32 stream. Everything random (randn,
// rand, layer init, dropout masks) follows from it, in every build.

import { rt } from './core.js';
import { describe } from './errors.js';

/** Seed with a non-negative integer (a number up to 2^53-1 or a BigInt up to 2^64-1). */
export function manualSeed(seed) {
  let lo;
  let hi;
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= 2n ** 64n) throw new RangeError(`manualSeed: seed must be in [0, 2^64), got ${seed}`);
    lo = Number(seed & 0xffffffffn);
    hi = Number(seed >> 32n);
  } else if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`manualSeed: seed must be an integer in [0, 2^53), got ${describe(seed)}`);
    }
    lo = seed % 2 ** 32;
    hi = Math.floor(seed / 2 ** 32);
  } else {
    throw new TypeError(`manualSeed: seed must be a number or a BigInt, got ${describe(seed)}`);
  }
  rt.exports.tt_manual_seed(lo, hi);
}
