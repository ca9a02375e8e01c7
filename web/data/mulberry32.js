// mulberry32: a small seeded generator of floats in [0, 1), for the
// deterministic orders outside the core's Generator: the split of the
// MNIST digits (scripts/make-mnist-data.mjs), of a student's own data
// (user-data.js), and the benchmarks' inputs (bench/rows.mjs). The
// lesson's own random numbers come from the core (web/seeds.js).

/** A generator of floats in [0, 1) from a 32-bit seed: the same sequence in every engine. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
