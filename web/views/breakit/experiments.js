// "Break it, on purpose": the lesson's common mistakes as experiments, each
// a generator of small work units (a training unit of web/train/trainer.js's
// PageTrainer, or one evaluation chunk), so the view runs them in slices
// between animation frames, like web/train/controller.js. No DOM here:
// Node runs the same code (tests/browser/breakit.test.js compares the page's
// figures with it). Every number comes from the core through the API:
// losses, accuracies, statistics (stats()), the means of the units
// (mean(1, true)); this file only keeps them and takes min, max and mean of
// a few accuracies.
//
// A fresh short run is the page's network and training settings on
// SHORT's images and epochs, from the page seed; the "baseline" is that run
// done right, and each mistake changes one thing:
//   dropout-eval  the baseline's network (or the page's trained one)
//                 evaluated with Dropout still on: 20 passes, 20 masks
//   normal-init   every Linear drawn from N(0, 1)
//   zeros         every weight 0 (a Linear whose weight is replaced by
//                 zeros before training: the API has no such initialiser)
//   no-bias       every Linear without its bias
//   lr10          the learning rate ten times the page's

import { PageTrainer } from '../../train/trainer.js';
import { trainSettings, datasetFor, OPTIMIZERS } from '../../train/controller.js';
import { generatorFor } from '../../seeds.js';

/** The short run every experiment trains (unless the page has a trained network for dropout-eval). */
export const SHORT = Object.freeze({ trainSize: 1000, valSize: 500, evalTrainMax: 200, epochs: 3 });
/** Passes of the Dropout-on-at-evaluation experiment. */
export const PASSES = 20;

/** The baseline's trainer settings for a page state (own: the student's data, web/data/user-data.js). */
export function baseConfig(state, own = null) {
  const s = trainSettings(state, own);
  return {
    ...s, ...SHORT, compareP: 0,
    trainSize: Math.min(SHORT.trainSize, datasetFor(state, own).trainCount),
    valSize: Math.min(SHORT.valSize, s.valSize ?? SHORT.valSize),
  };
}

/** What a result depends on: when it changes, the results go. */
export function settingsKey(state, own = null) {
  const s = trainSettings(state, own);
  return JSON.stringify({ net: s.net, seed: s.seed, init: s.init, batch: s.batch, optimizer: s.optimizer, lr: s.lr, dataset: s.dataset, dataVersion: s.dataVersion });
}

/** A Linear whose weights start at zero (and its bias, as every Linear's), for the all-zeros mistake. */
function zeroLinear(api) {
  return class ZeroLinear extends api.Linear {
    constructor(inFeatures, outFeatures, opts) {
      super(inFeatures, outFeatures, opts);
      this.weight = api.Tensor.zeros([inFeatures, outFeatures]);
    }
  };
}

/** The baseline of the learning-rate experiment for `optimizer`: the page's rate if the page trains with it, else the optimizer's default rate. */
export function lrBase(base, optimizer) {
  return optimizer === base.optimizer ? base : { ...base, optimizer, lr: OPTIMIZERS[optimizer].lr };
}

/** Each experiment's trainer config, from the baseline's. */
export const CONFIGS = {
  'normal-init': (api, base) => ({ ...base, init: 'normal' }),
  zeros: (api, base) => ({ ...base, impl: { Linear: zeroLinear(api) } }),
  'no-bias': (api, base) => ({ ...base, net: base.net.map((s) => (s.kind === 'linear' ? { ...s, bias: false } : s)) }),
  lr10: (api, base, factor = 10, optimizer = base.optimizer) => ({ ...lrBase(base, optimizer), lr: lrBase(base, optimizer).lr * factor }),
  'lr10-base': (api, base, factor, optimizer = base.optimizer) => lrBase(base, optimizer),
};

/**
 * Run x ([n, features]) through `layers` (with their specs) in train or
 * eval mode, one layer at a time; a library Dropout in train mode gets a
 * mask drawn by `scratch` (a Dropout of this module's own Generator), so a
 * network's own layers keep their masks. Returns the last output (inside
 * the caller's tidy) and every output's stats when `withStats`.
 */
export function forwardLayers(api, layers, specs, x, train, scratch, withStats = false) {
  let h = x;
  const stats = [];
  layers.forEach((layer, i) => {
    let y;
    if (specs[i].kind === 'dropout' && train && layer instanceof api.Dropout) {
      scratch.p = layer.p;
      scratch.forward(h, true);
      y = layer.forward(h, { training: true, mask: scratch.mask });
    } else if (specs[i].kind === 'dropout' && layer instanceof api.Dropout) {
      y = layer.forward(h, false);
    } else if (specs[i].kind === 'dropout') {
      const was = layer.training;
      layer.training = train;
      try { y = layer.forward(h); } finally { layer.training = was; }
    } else {
      y = layer.forward(h);
    }
    if (withStats) stats.push(y.stats());
    h = y;
  });
  return { output: h, stats };
}

/**
 * A job: one trainer on the page's data, trained unit by unit (runFor(0)
 * runs exactly one), with the training loss of the run "as built" at every
 * step. `setup(job)` runs before the first step (measures at init).
 */
export class TrainJob {
  constructor(api, config, data, setup = null) {
    this.api = api;
    this.config = config;
    this.data = data;
    this.setup = setup;
    this.trainer = null;
    this.steps = []; // training loss of run 0 per step (index = step - 1)
    this.init = null;
  }

  /** Build the trainer, attach the data, measure at init: three units. */
  *prepare() {
    if (this.trainer) return;
    const { api, config } = this;
    const saved = config.impl ? api.defaultGenerator().getState() : null;
    try {
      this.trainer = new PageTrainer(api, config); // a class of config.impl seeds the default generator: put it back
    } finally {
      if (saved) api.defaultGenerator().setState(saved);
    }
    yield;
    this.trainer.setData(this.data);
    if (this.setup) {
      yield;
      this.init = this.setup(this);
    }
  }

  get net() { return this.trainer.runs[0].net; }
  get specs() { return this.trainer.runs[0].specs; }
  get done() { return Boolean(this.trainer) && (this.trainer.done || Boolean(this.trainer.diverged)); }

  /** One unit of training. */
  unit() {
    const t = this.trainer;
    const before = t.stepsDone;
    t.runFor(0);
    if (t.stepsDone !== before) this.steps.push(t.runs[0].lastLoss);
    if (t.diverged && t.diverged.run === 'built' && this.steps.length < t.diverged.step) this.steps.push(t.diverged.loss);
  }

  /** The last evaluation of run 0: { valLoss, valAcc, trainLoss, trainAcc, epoch }. */
  get final() {
    const h = this.trainer.history.at(-1);
    return h ? { ...h.runs[0], epoch: h.epoch } : null;
  }

  get start() {
    const h = this.trainer.history[0];
    return h ? { ...h.runs[0] } : null;
  }

  dispose() { this.trainer?.dispose(); }
}

/** Each Linear's and activation's output std on the first validation chunk, in eval mode (the core's stats). */
export function layerStats(api, job) {
  const chunk = job.trainer.data.valChunks[0];
  const net = job.net;
  net.eval();
  try {
    return api.tidy(() => api.noGrad(() => forwardLayers(api, net.layers, job.specs, chunk.x, false, null, true).stats));
  } finally {
    net.train();
  }
}

/**
 * How different the units of each Linear are: the largest |w - mean over
 * the layer's units| of its weight [in, out] (units are columns), and the
 * same for the layer's outputs on the first validation chunk. 0: every
 * unit identical.
 */
export function unitSpread(api, job) {
  const chunk = job.trainer.data.valChunks[0];
  const net = job.net;
  const spread = (t) => { const s = t.sub(t.mean(1, true)).stats(); return Math.max(Math.abs(s.min), Math.abs(s.max)); };
  net.eval();
  try {
    return api.tidy(() => api.noGrad(() => {
      const out = [];
      let h = chunk.x;
      net.layers.forEach((layer, i) => {
        h = layer.forward(h);
        if (job.specs[i].kind === 'linear') out.push({ index: i, units: job.specs[i].out, weight: spread(layer.weight), weightStats: layer.weight.stats(), output: spread(h) });
      });
      return out;
    }));
  } finally {
    net.train();
  }
}

/** Softmax of the network on a blank image (all zeros), in eval mode. */
export function blankImage(api, job) {
  const net = job.net;
  net.eval();
  try {
    return api.tidy(() => api.noGrad(() => Array.from(new api.Softmax(-1).forward(net.forward(api.Tensor.zeros([1, job.config.features ?? 784]))).data)));
  } finally {
    net.train();
  }
}

/**
 * Dropout on at evaluation: accuracy and loss of `layers` on the chunks in
 * eval mode once, then PASSES times in train mode (a new mask each pass,
 * from the stream `drawMask` (seed, 1)); yields after every chunk. Returns
 * { evalAcc, evalLoss, passes: [{ acc, loss }], changed (images whose
 * predicted class differs between passes), rows }.
 */
export function* dropoutAtEval(api, layers, specs, chunks, seed) {
  const loss = new api.CrossEntropyLoss();
  const gen = generatorFor(api, 'drawMask', seed, 1);
  const scratch = new api.Dropout(0.5, { generator: gen });
  try {
    const rows = chunks.reduce((n, c) => n + c.rows, 0);
    const firstPred = [];
    const changed = new Uint8Array(rows);
    const measure = function* (train, pass) {
      let correct = 0;
      let lossSum = 0;
      let offset = 0;
      for (const ch of chunks) {
        api.tidy(() => api.noGrad(() => {
          const logits = forwardLayers(api, layers, specs, ch.x, train, scratch).output;
          lossSum += loss.forward(logits, ch.labels).item() * ch.rows;
          correct += Math.round(api.accuracy(logits, ch.labels) * ch.rows);
          if (train) {
            const C = logits.shape[1];
            const z = logits.data;
            for (let r = 0; r < ch.rows; r++) {
              let best = 0;
              for (let k = 1; k < C; k++) if (z[r * C + k] > z[r * C + best]) best = k;
              if (pass === 0) firstPred[offset + r] = best;
              else if (firstPred[offset + r] !== best) changed[offset + r] = 1;
            }
          }
        }));
        offset += ch.rows;
        yield;
      }
      return { acc: correct / rows, loss: lossSum / rows };
    };
    const ev = yield* measure(false, -1);
    const passes = [];
    for (let k = 0; k < PASSES; k++) passes.push(yield* measure(true, k));
    return { evalAcc: ev.acc, evalLoss: ev.loss, passes, changed: changed.reduce((a, b) => a + b, 0), rows };
  } finally {
    scratch.dispose();
    gen.dispose();
    loss.dispose?.();
  }
}

/** Run a job's training to the end as units (a generator for the slicer). */
export function* train(job) {
  yield* job.prepare();
  yield;
  while (!job.done) {
    job.unit();
    yield;
  }
}

/**
 * The experiments, by key: each `run(ctx)` is a generator; ctx: { api,
 * data, state, base() (the baseline job, trained: a generator), weights
 * (the page's trained network: { layers, specs } or null) }. Returns the
 * result the view shows.
 */
export const EXPERIMENTS = {
  'dropout-eval': {
    *run(ctx) {
      const { api } = ctx;
      let layers;
      let specs;
      let source;
      let label = null;
      if (ctx.trained) {
        ({ layers, specs, label } = ctx.trained);
        source = 'trained';
      } else {
        const base = yield* ctx.base();
        layers = base.net.layers;
        specs = base.specs;
        source = 'fresh';
      }
      const hasDropout = specs.some((s) => s.kind === 'dropout' && s.p > 0);
      if (!hasDropout) return { source, label, hasDropout };
      const chunks = yield* ctx.valChunks();
      const r = yield* dropoutAtEval(api, layers, specs, chunks, ctx.state.seed ?? 0);
      const accs = r.passes.map((p) => p.acc);
      const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
      return { source, label, hasDropout, ...r, min: Math.min(...accs), max: Math.max(...accs), mean };
    },
  },
  'normal-init': {
    *run(ctx) {
      const base = yield* ctx.base();
      const job = ctx.job('normal-init', (j) => ({ stats: layerStats(ctx.api, j) }));
      yield* train(job);
      return { base: summary(base), broken: summary(job) };
    },
  },
  zeros: {
    *run(ctx) {
      const base = yield* ctx.base();
      const job = ctx.job('zeros', (j) => ({ spread: unitSpread(ctx.api, j) }));
      yield* train(job);
      return { base: { ...summary(base), spread: unitSpread(ctx.api, base) }, broken: { ...summary(job), spread: unitSpread(ctx.api, job) } };
    },
  },
  'no-bias': {
    *run(ctx) {
      const base = yield* ctx.base();
      const job = ctx.job('no-bias');
      yield* train(job);
      const count = (j) => j.trainer.runs[0].named.reduce((n, [, p]) => n + p.size, 0);
      return {
        base: { ...summary(base), params: count(base), blank: blankImage(ctx.api, base) },
        broken: { ...summary(job), params: count(job), blank: blankImage(ctx.api, job) },
      };
    },
  },
  lr10: {
    *run(ctx) {
      // SGD by default: Adam bounds each weight's step to about lr, so ten times its rate still trains this network
      let base = yield* ctx.base();
      if (ctx.optimizer !== base.config.optimizer) {
        base = ctx.job('lr10-base');
        yield* train(base);
      }
      const job = ctx.job('lr10');
      yield* train(job);
      return { factor: ctx.factor, optimizer: ctx.optimizer, pageOptimizer: ctx.pageOptimizer, base: summary(base), broken: summary(job) };
    },
  },
};

/** What a finished job says: its lr, init figures, first and last evaluations, per-step losses, divergence. */
function summary(job) {
  const t = job.trainer;
  return {
    lr: job.config.lr, optimizer: job.config.optimizer, init: job.init,
    start: job.start, final: job.final, steps: [...job.steps], diverged: t.diverged ? { ...t.diverged } : null,
    stepsPerEpoch: t.stepsPerEpoch,
  };
}

/**
 * A session of experiments for one page state: the data, the baseline job
 * (made and trained once, shared), one job per experiment. `start(key)`
 * returns the experiment's generator; the caller drives it.
 */
export class BreakSession {
  constructor(api, state, data, trained = null, own = null) {
    this.api = api;
    this.state = state;
    this.own = own;
    this.data = data;
    this.trained = trained; // { layers, specs } of the page's trained network, or null
    this.baseJob = null;
    this.jobs = new Map();
    this.results = {};
    this.factor = 10; // the learning rate's multiple in lr10
    this.optimizer = 'sgd'; // and its optimizer
  }

  get config() { return baseConfig(this.state, this.own); }

  /** The baseline: the page's settings, done right; its layers' output spread measured at init. */
  makeBase() {
    return new TrainJob(this.api, this.config, this.data, (j) => ({ stats: layerStats(this.api, j) }));
  }

  context() {
    const self = this;
    return {
      api: this.api,
      state: this.state,
      get trained() { return self.trained; },
      *base() {
        self.baseJob ??= self.makeBase();
        yield* train(self.baseJob);
        return self.baseJob;
      },
      factor: this.factor,
      optimizer: this.optimizer,
      pageOptimizer: this.config.optimizer,
      job(key, setup) {
        self.jobs.get(key)?.dispose();
        const j = new TrainJob(self.api, CONFIGS[key](self.api, self.config, self.factor, self.optimizer), self.data, setup);
        self.jobs.set(key, j);
        return j;
      },
      *valChunks() {
        // the page's trained network: the test images as the baseline's trainer chunks them
        self.baseJob ??= self.makeBase();
        yield* self.baseJob.prepare();
        return self.baseJob.trainer.data.valChunks;
      },
    };
  }

  /** The experiment's generator; its return value is stored in results[key]. */
  *run(key) {
    try {
      const result = yield* EXPERIMENTS[key].run(this.context());
      this.results[key] = result;
      return result;
    } finally {
      // the mistake's runs are measured: free them (the baseline stays, the next experiment reuses it)
      for (const j of this.jobs.values()) j.dispose();
      this.jobs.clear();
    }
  }

  dispose() {
    this.baseJob?.dispose();
    for (const j of this.jobs.values()) j.dispose();
    this.jobs.clear();
    this.baseJob = null;
  }
}
