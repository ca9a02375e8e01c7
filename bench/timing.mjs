// bench/timing.mjs — how a cell is timed. No Node APIs (performance.now is
// global in Node and browsers).
//
// Each cell warms up, then calibrates a sample (reps calls) to at least
// sampleMs; the samples of one row are taken in interleaved rounds over its
// cells, so a burst of load from another process hits every cell of the
// row instead of skewing one ratio. Async calls (ORT's session.run) are
// awaited one at a time; sync calls run in a plain loop.

export const TIMING = {
  warmupMs: 150, // long enough for V8 to tier wasm and JS up to optimised code
  sampleMs: 20, // one sample repeats the call until it takes at least this long
  maxSamples: 15,
  minSamples: 5, // only cells whose single call is very slow (plain JS, big GEMM) get fewer than 15
  budgetMs: 1500, // per cell, for the samples
  rounds: 3, // a row's cells are sampled in this many interleaved rounds
};

export const now = () => performance.now();

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** ms for reps calls of one cell ({ call, async }). */
async function batch(cell, reps) {
  const { call } = cell;
  const t0 = now();
  if (cell.async) for (let r = 0; r < reps; r++) await call();
  else for (let r = 0; r < reps; r++) call();
  return now() - t0;
}

/** Warm up, then size a sample (reps) to >= sampleMs and pick how many samples fit the budget. */
async function calibrate(cell) {
  const w0 = now();
  do await batch(cell, 1); while (now() - w0 < TIMING.warmupMs);
  let reps = 1;
  let elapsed;
  for (;;) { // on warm code, doubling until the batch is long enough to time
    elapsed = await batch(cell, reps);
    if (elapsed >= TIMING.sampleMs / 4 || reps >= 2 ** 24) break;
    reps *= 2;
  }
  const perCall = elapsed / reps;
  reps = Math.max(1, Math.ceil(TIMING.sampleMs / perCall));
  const fit = Math.floor(TIMING.budgetMs / (reps * perCall));
  return { reps, count: Math.min(TIMING.maxSamples, Math.max(TIMING.minSamples, fit)) };
}

/**
 * Times the cells of one row, { id: { call, async } }, in TIMING.rounds
 * interleaved rounds. Returns { id: { median_ms, min_ms, reps, sampleCount, samples } }, per call.
 */
export async function timeInterleaved(cells) {
  const plans = [];
  for (const [id, cell] of Object.entries(cells)) plans.push({ id, cell, ...(await calibrate(cell)), samples: [] });
  for (let round = 0; round < TIMING.rounds; round++) {
    for (const p of plans) {
      const upTo = Math.round((p.count * (round + 1)) / TIMING.rounds); // spread count over the rounds
      while (p.samples.length < upTo) p.samples.push((await batch(p.cell, p.reps)) / p.reps);
    }
  }
  return Object.fromEntries(plans.map((p) => [p.id, {
    median_ms: median(p.samples), min_ms: Math.min(...p.samples), reps: p.reps, sampleCount: p.samples.length, samples: p.samples,
  }]));
}
