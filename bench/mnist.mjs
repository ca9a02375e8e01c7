// bench/mnist.mjs — issue 23's "Done means" for the data, in Node: the
// lesson network trained by the page's own trainer (web/train/trainer.js,
// the page's default settings: web/state.js defaults, data=mnist) on the
// 8,000 training digits the build ships, measured on the 2,000 held-out
// digits. A benchmark, not a test (it takes minutes on a loaded machine).
// Run: node bench/mnist.mjs (after scripts/build.sh: it reads
// dist/site/assets/mnist-train.bin, decoded as the page decodes it).
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as api from '../js/index.js';
import { PageTrainer } from '../web/train/trainer.js';
import { trainSettings } from '../web/train/controller.js';
import { defaults } from '../web/state.js';
import { siteTrainingData } from '../tests/js/page-data.js';

await api.init?.();
const site = fileURLToPath(new URL('../dist/site', import.meta.url));
const data = siteTrainingData(site, 'mnist');
const state = defaults();
const settings = trainSettings(state);
console.log(`data: ${data.name}, ${data.train.count} training and ${data.test.count} held-out digits (${data.selection})`);
console.log(`settings: ${JSON.stringify({ ...settings, net: undefined })}`);
const trainer = new PageTrainer(api, settings);
trainer.setData(data);
const t0 = performance.now();
let last = 0;
while (!trainer.done && !trainer.diverged) {
  trainer.runFor(1000);
  if (trainer.history.length !== last) {
    last = trainer.history.length;
    const h = trainer.history.at(-1);
    console.log(`epoch ${h.epoch} at ${((performance.now() - t0) / 1000).toFixed(1)} s: ${h.runs.map((r, k) => `${trainer.runs[k].label}: val loss ${r.valLoss.toFixed(4)}, val acc ${(100 * r.valAcc).toFixed(2)} %`).join(' | ')}`);
  }
}
const s = (performance.now() - t0) / 1000;
const end = trainer.history.at(-1);
console.log(`done: ${settings.epochs} epochs of both runs in ${s.toFixed(1)} s (${trainer.runs.length} networks); held-out accuracy ${end.runs.map((r, k) => `${trainer.runs[k].label} ${(100 * r.valAcc).toFixed(2)} %`).join(', ')}`);
console.log(`machine: ${cpus()[0].model}, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
trainer.dispose();
