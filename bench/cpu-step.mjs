// bench/cpu-step.mjs — (Node) the training step's and the MLP forward's
// share of the mul+add peak, timed in CPU time (process.cpuUsage) in one
// process, the cells interleaved round by round: on a shared machine whose
// load average is well above its core count, wall-clock medians measure
// the other jobs (a peak of 6 GFLOP/s against 45 when quiet), while the CPU
// time of this process still counts mostly its own work. Hyperthreads and
// caches shared with other jobs still slow it down: compare the ratios of
// one run, not runs.
//
//   node bench/cpu-step.mjs [rounds] [dir of another js/ to compare, e.g. a
//                            copy of main's, as "B"]
//
// Prints, per cell, the fastest and the median CPU ms per call over the
// rounds, and the step's and the forward's GFLOP/s (the FLOPs as the bench
// counts them, bench/train.mjs STEP_FLOPS) as % of the faster peak cell's
// (the fastest samples of both).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ceilingCells } from './ceilings.mjs';
import { STEP_FLOPS, trainInputs, oursTrainer, TRAIN_BATCH } from './train.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const rounds = +(process.argv[2] ?? 40);
const other = process.argv[3];
const api = await import(`${root}js/index.js`);
const cells = await ceilingCells(readFileSync(`${root}build/wasm/tt-peak.wasm`));
if (cells.error) throw new Error(cells.error);
const inp = trainInputs();
const sgd = oursTrainer(api, inp, 'sgd');
const adam = oursTrainer(api, inp, 'adam');
const fwdFlops = 2 * TRAIN_BATCH * (784 * 256 + 256 * 128 + 128 * 10);
const net = api.tidy(() => {
  const { Linear, ReLU, Sequential } = api;
  const ls = inp.layers.map(({ W, b }, l) => {
    const lin = new Linear([784, 256, 128][l], [256, 128, 10][l]);
    lin.weight = new api.Tensor(W, { shape: [[784, 256, 128][l], [256, 128, 10][l]] });
    lin.bias = new api.Tensor(b, { shape: [[256, 128, 10][l]] });
    return lin;
  });
  return api.keep(new Sequential(ls[0], new ReLU(), ls[1], new ReLU(), ls[2]));
});
net.eval();
const x = new api.Tensor(inp.x, { shape: [TRAIN_BATCH, 784] });
const plan = {
  tile: { call: () => cells.tile.call(), reps: 4, gflopsOf: cells.tile.gflopsOf },
  chains: { call: () => cells.peak.call(), reps: 4, gflopsOf: cells.peak.gflopsOf },
  'SGD step': { call: () => sgd.call(), reps: 8, flops: STEP_FLOPS },
  'Adam step': { call: () => adam.call(), reps: 8, flops: STEP_FLOPS },
  'MLP forward b64': { call: () => api.noGrad(() => net.forward(x).dispose()), reps: 16, flops: fwdFlops },
};
if (other) {
  const apiB = await import(`${other}/index.js`);
  const sgdB = oursTrainer(apiB, inp, 'sgd');
  plan['SGD step (B)'] = { call: () => sgdB.call(), reps: 8, flops: STEP_FLOPS };
}
for (const c of Object.values(plan)) { c.samples = []; for (let i = 0; i < 40; i++) c.call(); }
for (let r = 0; r < rounds; r++) {
  for (const c of Object.values(plan)) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < c.reps; i++) c.call();
    const d = process.cpuUsage(c0);
    c.samples.push((d.user + d.system) / 1000 / c.reps);
  }
}
const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const peak = Math.max(plan.tile.gflopsOf(Math.min(...plan.tile.samples)), plan.chains.gflopsOf(Math.min(...plan.chains.samples)));
const peakMed = Math.max(plan.tile.gflopsOf(med(plan.tile.samples)), plan.chains.gflopsOf(med(plan.chains.samples)));
console.log(`CPU time, ${rounds} interleaved rounds; mul+add peak ${peak.toFixed(1)} GFLOP/s (fastest samples), ${peakMed.toFixed(1)} (medians)`);
for (const [name, c] of Object.entries(plan)) {
  if (!c.flops) continue;
  const mn = Math.min(...c.samples);
  const md = med(c.samples);
  console.log(`${name.padEnd(16)} min ${mn.toFixed(3)} ms, median ${md.toFixed(3)} ms; ${(c.flops / mn / 1e6).toFixed(1)} GFLOP/s = ${(100 * c.flops / mn / 1e6 / peak).toFixed(0)}% of the peak (fastest); medians ${(100 * c.flops / md / 1e6 / peakMed).toFixed(0)}%`);
}
const s = Math.min(...plan['SGD step'].samples);
console.log(`Adam / SGD: ${(Math.min(...plan['Adam step'].samples) / s).toFixed(3)} (fastest), ${(med(plan['Adam step'].samples) / med(plan['SGD step'].samples)).toFixed(3)} (medians)`);
if (other) console.log(`this js / B (SGD step): ${(s / Math.min(...plan['SGD step (B)'].samples)).toFixed(3)} (fastest), ${(med(plan['SGD step'].samples) / med(plan['SGD step (B)'].samples)).toFixed(3)} (medians)`);
